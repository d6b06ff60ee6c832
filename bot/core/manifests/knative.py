"""Knative Serving manifests (`serving.knative.dev` Service / Configuration), decided by content: a
`service.yaml` that is a plain Kubernetes manifest is not one of them.

`containers[].env[].value` is a literal stored in the cluster as text and visible to anyone who can read
the service; `env[].valueFrom.secretKeyRef`, `envFrom[].secretRef` and secret volumes reference a
Kubernetes Secret instead. The fix removes the literal, creates the Secret from stdin with kubectl, and
says how to reference it. Other documents in the same file (a committed `Secret` with `stringData`) are
judged too: base64 in `data:` is not encryption.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.manifests.base import Format, Site, env_name, text_at
from bot.core.manifests.kit import ANY_INDEX, StoreNamedPlatform, entry_site
from bot.core.tree import Document, KeyPath, Mapping

KNATIVE_API = re.compile(r"""^apiVersion\s*:\s*["']?serving\.knative\.dev/""", re.MULTILINE)
CLOUD_RUN = re.compile(r"run\.googleapis\.com")
ENV_VALUES = (  # `containers[i].env[j].value`: the environment variable named by the entry's `name`
    ("containers", ANY_INDEX, "env", ANY_INDEX, "value"),
    ("initContainers", ANY_INDEX, "env", ANY_INDEX, "value"),
)
_KINDS = ("Service", "Configuration", "Job")
_SUFFIXES = (".yml", ".yaml")


def has_resource(docs: Sequence[Document], api_prefixes: tuple[str, ...]) -> bool:
    """True when one document is a Service, Configuration or Job of one of these API groups."""
    for doc in docs:
        root = doc.root
        if not isinstance(root, Mapping):
            continue
        api, kind = text_at(root.get("apiVersion")) or "", text_at(root.get("kind")) or ""
        if api.startswith(api_prefixes) and kind in _KINDS:
            return True
    return False


class KnativePlatform(StoreNamedPlatform):
    id = "knative"
    docs = "https://knative.dev/docs/serving/configuration/secrets/"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        # `KNATIVE_API` holds `apiVersion`: a multi-line `^` is tried at every position (issue 16)
        if (
            name.endswith(_SUFFIXES)
            and "apiVersion" in head
            and KNATIVE_API.search(head)
            and not CLOUD_RUN.search(head)
        ):
            return Format.YAML
        return None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return has_resource(docs, ("serving.knative.dev/",))

    def site(self, doc: Document, path: KeyPath) -> Site:
        return entry_site(path, ENV_VALUES, super().site(doc, path))

    def store_command(self, secret_name: str, env: str) -> str:
        return (
            f"printf '%s' \"${env_name(secret_name)}\" | kubectl create secret generic {secret_name} "
            "--from-file=value=/dev/stdin"
        )

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value and reference the Secret from the {site.key} entry: valueFrom: "
            f"{{secretKeyRef: {{name: {secret_name}, key: value}}}} (or kn service update <svc> "
            f"--env-value-from {site.key}=secret:{secret_name}:value)."
        )


PLATFORM = KnativePlatform()
