"""Google App Engine service files (`app.yaml`, or any YAML with top-level `runtime:` and
`env_variables:`), decided by content: `.do/app.yaml`, Helm values and other `app.yaml` files are not
App Engine's.

`env_variables` are deployed as plain configuration with the version and committed with the app. App
Engine has no reference syntax for Secret Manager: the safe pattern keeps only the secret's resource name
(`projects/<project>/secrets/<name>/versions/latest`) and resolves it in code. The fix removes the
literal and creates the secret from stdin with gcloud.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.manifests.base import Format, Site
from bot.core.manifests.kit import ANY_KEY, SecretManagerPlatform, has_top_level, map_site
from bot.core.tree import Document, KeyPath

_NAMES = ("app.yaml", "app.yml")
_RUNTIME = re.compile(r"^runtime\s*:", re.MULTILINE)
_ENV_VARIABLES = re.compile(r"^env_variables\s*:", re.MULTILINE)
_ENVIRONMENT = (("env_variables", ANY_KEY),)


class AppEnginePlatform(SecretManagerPlatform):
    id = "gae"
    docs = "https://cloud.google.com/appengine/docs/standard/reference/app-yaml#runtime_and_app_elements"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        # `_RUNTIME` holds `runtime`: a multi-line `^` is tried at every position (issue 16)
        if not name.endswith((".yaml", ".yml")) or "runtime" not in head or not _RUNTIME.search(head):
            return None
        return Format.YAML if name in _NAMES or _ENV_VARIABLES.search(head) else None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return has_top_level(docs, ("runtime",))

    def site(self, doc: Document, path: KeyPath) -> Site:
        return map_site(path, _ENVIRONMENT) or super().site(doc, path)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value. Keep only the secret's resource name in app.yaml ({site.key}_SECRET: "
            f"projects/<project>/secrets/{secret_name}/versions/latest), read it at startup with the Secret "
            "Manager client, and grant the App Engine service account roles/secretmanager.secretAccessor."
        )


PLATFORM = AppEnginePlatform()
