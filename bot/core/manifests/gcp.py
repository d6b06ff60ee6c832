"""Google Cloud Functions / Cloud Run env-vars files (`gcloud ... --env-vars-file .env.yaml`).

A flat YAML of `KEY: value` that gcloud copies into the service's configuration, where every reader of the
service can see it; real repositories often commit it with live keys. The fix removes the entry from the
file and deploys the value from Secret Manager with `--set-secrets`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bot.core.manifests.base import Advice, Format, Naming, Role, Site, Target, generic_key, kebab
from bot.core.tree import Document, KeyPath

_NAME = re.compile(r"^(?:\.?env(?:\.[\w-]+)?|[\w.-]+\.env)\.ya?ml$")


class GcpEnvYamlPlatform:
    id = "gcp-env-yaml"
    serverless_variables = False
    lambda_env = False
    docs = "https://cloud.google.com/functions/docs/configuring/secrets"
    note = ""

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return Format.YAML if _NAME.match(name) else None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return True

    def is_encrypted(self, docs: Sequence[Document]) -> bool:
        return False

    def site(self, doc: Document, path: KeyPath) -> Site:
        if len(path) == 1 and isinstance(path[0], str):
            return Site(path[0], Role.SETTING)
        return Site(generic_key(doc, path), Role.SETTING)

    def naming(self, path: str, docs: Sequence[Document]) -> Naming:
        return Naming()

    def targets(self, docs: Sequence[Document]) -> Iterator[Target]:
        return iter(())

    def advice(self, docs: Sequence[Document], naming: Naming) -> Iterator[Advice]:
        return iter(())

    def reference(self, secret_name: str, env: str, site: Site) -> str | None:
        return None

    def secret_name(self, naming: Naming, key: str) -> str:
        return kebab(key)

    def store_command(self, secret_name: str, env: str) -> str:
        return f"printf '%s' \"${env}\" | gcloud secrets create {secret_name} --data-file=-"

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value, remove {site.key} from the env-vars file and deploy it from Secret "
            f"Manager: gcloud functions deploy <function> --set-secrets {site.key}={secret_name}:latest "
            "(gcloud run deploy takes the same flag); grant the runtime service account "
            "roles/secretmanager.secretAccessor."
        )


PLATFORM = GcpEnvYamlPlatform()
