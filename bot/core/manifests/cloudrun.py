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

from bot.core.manifests.base import Format, Site
from bot.core.manifests.kit import SecretManagerPlatform, entry_site
from bot.core.manifests.knative import CLOUD_RUN, ENV_VALUES, KNATIVE_API, has_resource
from bot.core.tree import Document, KeyPath

_RUN_API = re.compile(r"""^apiVersion\s*:\s*["']?run\.googleapis\.com/""", re.MULTILINE)
_SUFFIXES = (".yml", ".yaml")


class CloudRunPlatform(SecretManagerPlatform):
    id = "cloud-run"
    docs = "https://cloud.google.com/run/docs/configuring/services/secrets"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        if not name.endswith(_SUFFIXES):
            return None
        # Both API patterns hold `apiVersion`: without it neither is searched for, as the `^` of a multi-line
        # pattern is tried at every position (issue 16: asked of most YAML files that reach this platform).
        if "apiVersion" not in head:
            return None
        if _RUN_API.search(head) or (KNATIVE_API.search(head) and CLOUD_RUN.search(head)):
            return Format.YAML
        return None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return has_resource(docs, ("serving.knative.dev/", "run.googleapis.com/"))

    def site(self, doc: Document, path: KeyPath) -> Site:
        return entry_site(path, ENV_VALUES, super().site(doc, path))

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value and reference the secret from the {site.key} entry: valueFrom: "
            f"{{secretKeyRef: {{name: {secret_name}, key: latest}}}} (or gcloud run services update <svc> "
            f"--update-secrets {site.key}={secret_name}:latest); grant the runtime service account "
            "roles/secretmanager.secretAccessor."
        )


PLATFORM = CloudRunPlatform()
