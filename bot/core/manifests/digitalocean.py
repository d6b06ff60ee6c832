"""DigitalOcean App Platform app specs: `.do/app.yaml`, the Deploy-to-DO `.do/deploy.template.yaml`, and
specs under other names (often a root `app.yaml`) recognised by their content.

`envs` entries (app level and per service, worker, job, static site or function) are `{key, value,
scope, type}`. A `type: SECRET` value is encrypted when the spec is submitted, and specs exported
afterwards hold the ciphertext `EV[1:...]`, which is safe to commit; a plain value, or a SECRET still in
clear, is a leak. `${APP_URL}` and `${db.DATABASE_URL}` are bindable variables resolved by the platform.
The fix removes the literal; the value is entered in the control panel for a `type: SECRET` entry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.manifests.base import Format, Site
from bot.core.manifests.kit import ANY_INDEX, VariableNamedPlatform, entry_site, has_top_level
from bot.core.tree import Document, KeyPath

_PATHS = (".do/app.yaml", ".do/app.yml", ".do/deploy.template.yaml", ".do/deploy.template.yml")
_PATH_ENDS = tuple("/" + p for p in _PATHS)
_ENTRY_VALUE = ("envs", ANY_INDEX, "value")
_SPEC_KEYS = ("name", "services", "workers", "jobs", "static_sites", "functions", "envs", "spec")
# An app spec under any other name (`app.yaml` at the root): a top-level name, a component list and `envs`
# entries. App Engine's app.yaml has `runtime:`, Serverless `provider:`; neither has `envs:`.
_TOP_NAME = re.compile(r"^name\s*:", re.MULTILINE)
_TOP_COMPONENTS = re.compile(r"^(?:services|workers|jobs|static_sites|functions)\s*:", re.MULTILINE)
# Leading blanks are read on the line of `envs` only: `^\s*` also crossed newlines, so from every line start
# of a run of blank lines it read to the end of the run (quadratic: a 64 KB head of newlines took 98 s).
# A run of blank lines ends at a line start of its own, so the same lines match.
_ENVS = re.compile(r"^[^\S\n]*+(?:-\s++)?envs\s*+:", re.MULTILINE)
_OTHER_PLATFORM = re.compile(r"^(?:runtime|provider|service|apiVersion|kind)\s*:", re.MULTILINE)


class DigitalOceanPlatform(VariableNamedPlatform):
    id = "digitalocean"
    docs = "https://docs.digitalocean.com/products/app-platform/how-to/use-environment-variables/"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        normalized = "/" + path.replace("\\", "/").lower()
        if normalized.endswith(_PATH_ENDS):
            return Format.YAML
        return Format.YAML if name.endswith((".yaml", ".yml")) and _is_app_spec(head) else None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return has_top_level(docs, _SPEC_KEYS)

    def site(self, doc: Document, path: KeyPath) -> Site:
        return entry_site(path, (_ENTRY_VALUE,), super().site(doc, path))

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value. Give the {site.key} entry type: SECRET and enter the value in the "
            "control panel (App > Settings > Environment Variables, Encrypt), or commit only the EV[...] "
            "ciphertext from an exported spec; apply the spec with doctl apps update <app-id> --spec "
            ".do/app.yaml."
        )


PLATFORM = DigitalOceanPlatform()


def _is_app_spec(head: str) -> bool:
    """The word `envs` first: the line pattern has no literal to skip ahead to, so `re` tries it at every
    character of every YAML file's head (about 60 µs a file, a bulk scan's costliest `re` search)."""
    return (
        "envs" in head
        and _ENVS.search(head) is not None
        and _TOP_NAME.search(head) is not None
        and _TOP_COMPONENTS.search(head) is not None
        and _OTHER_PLATFORM.search(head) is None
    )
