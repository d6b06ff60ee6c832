"""AWS SAM CLI configuration (`samconfig.toml`, `samconfig.yaml`).

`parameter_overrides` is a string of `Key=value` pairs (or a list of them) passed to the template's
Parameters at deploy time; a secret there is committed in plaintext and printed in CI logs unless the
parameter is NoEcho. `sam deploy --guided` never writes NoEcho values, so one found here was put there by
hand. The fix removes the pair and passes the value at deploy time or resolves it from Secrets Manager.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.manifests.base import Format, Naming, Role, Site, kebab, text_at
from bot.core.manifests.common import walk_strings
from bot.core.manifests.kit import BasePlatform, secretsmanager_create
from bot.core.tree import Document, KeyPath

_NAMES = {"samconfig.toml": Format.TOML, "samconfig.yaml": Format.YAML, "samconfig.yml": Format.YAML}
_OVERRIDES = "parameter_overrides"


class SamConfigPlatform(BasePlatform):
    id = "samconfig"
    docs = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-config.html"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return _NAMES.get(name)

    def site(self, doc: Document, path: KeyPath) -> Site:
        if _OVERRIDES in path[-2:]:
            return Site(_OVERRIDES, Role.PARAM, pairs=True)
        return super().site(doc, path)

    def naming(self, path: str, docs: Sequence[Document]) -> Naming:
        for doc in docs:
            for key_path, scalar in walk_strings(doc.root):
                if key_path and key_path[-1] == "stack_name":
                    return Naming(service=kebab(text_at(scalar) or ""))
        return Naming()

    def secret_name(self, naming: Naming, key: str) -> str:
        return "/".join(part for part in (naming.service, kebab(key)) if part)

    def store_command(self, secret_name: str, env: str) -> str:
        return secretsmanager_create(secret_name, env)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            "Rotate the exposed value, then store the new one (command below). Mark the template parameter "
            "NoEcho: true and pass the value at deploy "
            f'time from your CI secret store (sam deploy --parameter-overrides <Name>="${env}"), or '
            f"resolve it in the template with '{{{{resolve:secretsmanager:{secret_name}}}}}'."
        )


PLATFORM = SamConfigPlatform()
