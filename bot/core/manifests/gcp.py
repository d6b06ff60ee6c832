"""Google Cloud Functions / Cloud Run env-vars files (`gcloud ... --env-vars-file .env.yaml`).

A flat YAML of `KEY: value` that gcloud copies into the service's configuration, where every reader of the
service can see it; real repositories often commit it with live keys. The fix removes the entry from the
file and deploys the value from Secret Manager with `--set-secrets`.

Many such files are written in dotenv syntax (`KEY=value` lines) all the same. YAML folds those lines into
one plain string, which would put every secret on line 1 and make one fix of the whole file, so such a file
is read with the dotenv grammar: each assignment is its own value, on its own line.
"""

from __future__ import annotations

import re

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.manifests.base import Format, Role, Site, generic_key
from bot.core.manifests.dotenv import load_dotenv
from bot.core.manifests.kit import BasePlatform, gcloud_create
from bot.core.tree import Document, KeyPath, Scalar
from bot.core.yamlsafe import load_yaml

_NAME = re.compile(r"^(?:\.?env(?:\.[\w-]+)?|[\w.-]+\.env)\.ya?ml$")
_ASSIGNMENT = re.compile(r"^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*=", re.MULTILINE)
_YAML_KEY = re.compile(r"^[ \t]*[\w.-]+[ \t]*:(?:[ \t]|$)", re.MULTILINE)


class GcpEnvYamlPlatform(BasePlatform):
    id = "gcp-env-yaml"
    docs = "https://cloud.google.com/functions/docs/configuring/secrets"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.YAML if _NAME.match(name) else None

    def load(self, text: str, limits: ScanLimits) -> list[Document]:
        """YAML, unless the file is dotenv lines that YAML reads as one string (or not at all)."""
        if _ASSIGNMENT.search(text) is None:
            return load_yaml(text, limits)
        try:
            docs = load_yaml(text, limits)
        except ManifestError:
            if _YAML_KEY.search(text):
                raise
            return [load_dotenv(text)]
        return [load_dotenv(text)] if all(_is_folded_text(doc) for doc in docs) else docs

    def site(self, doc: Document, path: KeyPath) -> Site:
        if len(path) == 1 and isinstance(path[0], str):
            return Site(path[0], Role.SETTING)
        return Site(generic_key(doc, path), Role.SETTING)

    def store_command(self, secret_name: str, env: str) -> str:
        return gcloud_create(secret_name, env)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value, remove {site.key} from the env-vars file and deploy it from Secret "
            f"Manager: gcloud functions deploy <function> --set-secrets {site.key}={secret_name}:latest "
            "(gcloud run deploy takes the same flag); grant the runtime service account "
            "roles/secretmanager.secretAccessor."
        )


PLATFORM = GcpEnvYamlPlatform()


def _is_folded_text(doc: Document) -> bool:
    """A document whose root is one string (or empty): what YAML makes of `KEY=value` lines."""
    return isinstance(doc.root, Scalar) and isinstance(doc.root.value, str | None)
