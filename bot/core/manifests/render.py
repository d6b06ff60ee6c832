"""Render Blueprints (`render.yaml`): `envVars` entries of services and environment groups.

Each entry takes its value from exactly one source: `value` (a literal committed with the Blueprint),
`generateValue: true`, `sync: false` (prompted for in the Dashboard), `fromDatabase`, `fromService` or
`fromGroup`. Only `value` can leak; the others carry no secret. The fix removes the literal and asks for
the value in the Dashboard instead, with `sync: false`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.manifests.base import Format, Site
from bot.core.manifests.kit import ANY_INDEX, VariableNamedPlatform, entry_site, has_top_level
from bot.core.tree import Document, KeyPath

_NAMES = ("render.yaml", "render.yml")
_ENTRY_VALUE = ("envVars", ANY_INDEX, "value")
_TOP_LEVEL = ("services", "databases", "envVarGroups", "projects", "previews")


class RenderPlatform(VariableNamedPlatform):
    id = "render"
    docs = "https://render.com/docs/blueprint-spec#environment-variables"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.YAML if name in _NAMES else None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return has_top_level(docs, _TOP_LEVEL)

    def site(self, doc: Document, path: KeyPath) -> Site:
        return entry_site(path, (_ENTRY_VALUE,), super().site(doc, path))

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value. Replace the entry's value with `sync: false` (- key: {site.key} / "
            "sync: false) and enter the value in the Render Dashboard when the Blueprint is created, or "
            "keep it in an environment group referenced with fromGroup."
        )


PLATFORM = RenderPlatform()
