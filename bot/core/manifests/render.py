"""Render Blueprints (`render.yaml`): `envVars` entries of services and environment groups.

Each entry takes its value from exactly one source: `value` (a literal committed with the Blueprint),
`generateValue: true`, `sync: false` (prompted for in the Dashboard), `fromDatabase`, `fromService` or
`fromGroup`. Only `value` can leak; the others carry no secret. The fix removes the literal and asks for
the value in the Dashboard instead, with `sync: false`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.manifests.base import Format, Naming, Role, Site
from bot.core.manifests.kit import ANY_INDEX, BasePlatform, env_var_name, matches_tail, root_mapping
from bot.core.tree import Document, KeyPath

_NAMES = ("render.yaml", "render.yml")
_ENTRY_VALUE = ("envVars", ANY_INDEX, "value")
_TOP_LEVEL = ("services", "databases", "envVarGroups", "projects", "previews")


class RenderPlatform(BasePlatform):
    id = "render"
    docs = "https://render.com/docs/blueprint-spec#environment-variables"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.YAML if name in _NAMES else None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        root = root_mapping(docs)
        return root is not None and any(root.get(key) is not None for key in _TOP_LEVEL)

    def site(self, doc: Document, path: KeyPath) -> Site:
        site = super().site(doc, path)
        return Site(site.key, Role.ENV_VAR) if matches_tail(path, _ENTRY_VALUE) else site

    def secret_name(self, naming: Naming, key: str) -> str:
        return env_var_name(key)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value. Replace the entry's value with `sync: false` (- key: {site.key} / "
            "sync: false) and enter the value in the Render Dashboard when the Blueprint is created, or "
            "keep it in an environment group referenced with fromGroup."
        )


PLATFORM = RenderPlatform()
