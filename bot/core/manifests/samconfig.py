"""AWS SAM CLI configuration (`samconfig.toml`, `samconfig.yaml`).

`parameter_overrides` is a string of `Key=value` pairs (or a list of them) passed to the template's
Parameters at deploy time; a secret there is committed in plaintext and printed in CI logs unless the
parameter is NoEcho. `sam deploy --guided` never writes NoEcho values, so one found here was put there by
hand. The fix removes the pair and passes the value at deploy time or resolves it from Secrets Manager.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.core.manifests.base import Advice, Format, Naming, Role, Site, Target, generic_key, kebab, text_at
from bot.core.manifests.common import walk_strings
from bot.core.tree import Document, KeyPath

_NAMES = {"samconfig.toml": Format.TOML, "samconfig.yaml": Format.YAML, "samconfig.yml": Format.YAML}
_OVERRIDES = "parameter_overrides"


class SamConfigPlatform:
    id = "samconfig"
    serverless_variables = False
    lambda_env = False
    docs = "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-config.html"
    note = ""

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return _NAMES.get(name)

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return True

    def is_encrypted(self, docs: Sequence[Document]) -> bool:
        return False

    def site(self, doc: Document, path: KeyPath) -> Site:
        if _OVERRIDES in path[-2:]:
            return Site(_OVERRIDES, Role.PARAM, pairs=True)
        return Site(generic_key(doc, path))

    def naming(self, path: str, docs: Sequence[Document]) -> Naming:
        for doc in docs:
            for key_path, scalar in walk_strings(doc.root):
                if key_path and key_path[-1] == "stack_name":
                    return Naming(service=kebab(text_at(scalar) or ""))
        return Naming()

    def targets(self, docs: Sequence[Document]) -> Iterator[Target]:
        return iter(())

    def advice(self, docs: Sequence[Document], naming: Naming) -> Iterator[Advice]:
        return iter(())

    def reference(self, secret_name: str, env: str, site: Site) -> str | None:
        return None

    def secret_name(self, naming: Naming, key: str) -> str:
        return "/".join(part for part in (naming.service, kebab(key)) if part)

    def store_command(self, secret_name: str, env: str) -> str:
        return f'aws secretsmanager create-secret --name {secret_name} --secret-string "${env}"'

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            "Rotate the exposed value. Mark the template parameter NoEcho: true and pass the value at deploy "
            f'time from your CI secret store (sam deploy --parameter-overrides <Name>="${env}"), or '
            f"resolve it in the template with '{{{{resolve:secretsmanager:{secret_name}}}}}'."
        )


PLATFORM = SamConfigPlatform()
