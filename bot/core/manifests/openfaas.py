"""OpenFaaS stack files (`stack.yml` or any `faas-cli -f` file), told apart from Docker Swarm stacks by
`provider.name: openfaas`, never by the name.

`functions.<fn>.environment` values are plain environment variables, visible through the gateway's REST
API and the pod spec; OpenFaaS says secrets must never go there. The stack file is passed through
envsubst, so `${VAR:-default}` is a reference whose default is a literal. Secrets belong in
`functions.<fn>.secrets`, a list of names mounted at `/var/openfaas/secrets/<name>`. The fix removes the
entry, creates the secret with `faas-cli secret create` and lists its name under `secrets:`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.manifests.base import Format, Role, Site, text_at
from bot.core.manifests.kit import (
    ANY_INDEX,
    ANY_KEY,
    StoreNamedPlatform,
    map_site,
    matches,
    root_mapping,
)
from bot.core.tree import Document, KeyPath, Mapping

_PROVIDER = re.compile(r"^provider\s*:", re.MULTILINE)
# `^\s+name` crossed newlines, so it read a run of blank lines to its end from each line start in it
# (quadratic: 6.8 s on a 64 KB head). The same lines match when the blanks are read on `name`'s line, or
# on the line before when `name` starts its line (a blank line, then `name` at column 1).
_OPENFAAS = re.compile(r"""^(?:[^\S\n]++|[^\S\n]*+\n)name\s*+:\s*+["']?(?:openfaas|faas)\b""", re.MULTILINE)
_ENVIRONMENT = (("functions", ANY_KEY, "environment", ANY_KEY),)
_SECRET_NAMES = ("functions", ANY_KEY, "secrets", ANY_INDEX)
_PROVIDERS = ("openfaas", "faas")


class OpenFaasPlatform(StoreNamedPlatform):
    id = "openfaas"
    docs = "https://docs.openfaas.com/reference/secrets/"

    def claims(self, path: str, name: str, head: str) -> Format | None:
        # `_PROVIDER` holds `provider`: a multi-line `^` is tried at every position (issue 16)
        if (
            name.endswith((".yml", ".yaml"))
            and "provider" in head
            and _PROVIDER.search(head)
            and _OPENFAAS.search(head)
        ):
            return Format.YAML
        return None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        root = root_mapping(docs)
        provider = root.get("provider") if root is not None else None
        return isinstance(provider, Mapping) and text_at(provider.get("name")) in _PROVIDERS

    def site(self, doc: Document, path: KeyPath) -> Site:
        if matches(path, _SECRET_NAMES):
            return Site("secret name", Role.OTHER)
        return map_site(path, _ENVIRONMENT) or super().site(doc, path)

    def store_command(self, secret_name: str, env: str) -> str:
        return f"faas-cli secret create {secret_name} --from-file ./{secret_name}.txt"

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value, write the new one to ./{secret_name}.txt (outside git) for the "
            f"command, then list it under the function's secrets: [{secret_name}] and read "
            f"/var/openfaas/secrets/{secret_name} in the handler instead of {site.key}."
        )


PLATFORM = OpenFaasPlatform()
