"""Google Cloud Run `service.yaml` (Knative-style, `gcloud run services replace`), recognised by
`run.googleapis.com` annotations or API version.

The shape is Knative's, but on Cloud Run `valueFrom.secretKeyRef` names a Secret Manager secret (`name`)
and version (`key`), resolved when an instance starts. A literal `env[].value` is stored in the service's
configuration, readable by anyone with view access. The fix removes the literal, creates the secret from
stdin with gcloud, and says how to reference it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.manifests.base import Format, Naming, Site, env_name
from bot.core.manifests.kit import BasePlatform, store_name
from bot.core.manifests.knative import CLOUD_RUN, KNATIVE_API, env_site, has_resource
from bot.core.tree import Document, KeyPath

_RUN_API = re.compile(r"""^apiVersion\s*:\s*["']?run\.googleapis\.com/""", re.MULTILINE)
_SUFFIXES = (".yml", ".yaml")


class CloudRunPlatform(BasePlatform):
    id = "cloud-run"
    docs = "https://cloud.google.com/run/docs/configuring/services/secrets"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        if not name.endswith(_SUFFIXES):
            return None
        if _RUN_API.search(head) or (KNATIVE_API.search(head) and CLOUD_RUN.search(head)):
            return Format.YAML
        return None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return has_resource(docs, ("serving.knative.dev/", "run.googleapis.com/"))

    def site(self, doc: Document, path: KeyPath) -> Site:
        return env_site(doc, path, super().site(doc, path))

    def secret_name(self, naming: Naming, key: str) -> str:
        return store_name(key)

    def store_command(self, secret_name: str, env: str) -> str:
        return f"printf '%s' \"${env_name(secret_name)}\" | gcloud secrets create {secret_name} --data-file=-"

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value and reference the secret from the {site.key} entry: valueFrom: "
            f"{{secretKeyRef: {{name: {secret_name}, key: latest}}}} (or gcloud run services update <svc> "
            f"--update-secrets {site.key}={secret_name}:latest); grant the runtime service account "
            "roles/secretmanager.secretAccessor."
        )


PLATFORM = CloudRunPlatform()
