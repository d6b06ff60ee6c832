"""What the platform modules share: default answers, key-path patterns, store commands, self-parsed formats.

Most platforms beyond AWS have no reference syntax inside the file: the fix removes the literal and stores
the value in the platform's own secret store under the variable's name (`netlify env:set`, `wrangler
secret put`, `fly secrets set`). `BasePlatform` gives the answers a platform does not change, so each
module (AWS and Azure ones included) only states what is its own; its subclasses add the secret naming
and store commands that several platforms share. Platforms whose formats no shared parser reads (HCL,
`.arc`, dotenv) add a `load` method and so follow `base.SelfParsing`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bot.core.manifests.base import (
    Advice,
    Format,
    Naming,
    Role,
    Site,
    Target,
    env_name,
    generic_site,
    kebab,
)
from bot.core.tree import Document, KeyPath, Mapping

ANY_KEY = "*"
ANY_INDEX = "#"
_ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PARTIAL_SUFFIX = re.compile(r"-(?:password|secret)$")


class BasePlatform:
    """Defaults for a platform recognised by name, with no in-file references, fixed by removal."""

    id = ""
    serverless_variables = False
    lambda_env = False
    docs = ""
    note = ""

    def claims(self, path: str, name: str, head: str) -> Format | None:
        return None

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return True

    def is_encrypted(self, docs: Sequence[Document]) -> bool:
        return False

    def site(self, doc: Document, path: KeyPath) -> Site:
        return generic_site(doc, path)

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

    def store_command(self, secret_name: str, env: str) -> str | None:
        return None

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return f"Rotate the exposed value and keep {site.key} in the platform's secret store instead."


class VariableNamedPlatform(BasePlatform):
    """A platform whose store keeps each secret under the variable's own name (`fly secrets set KEY=...`)."""

    def secret_name(self, naming: Naming, key: str) -> str:
        return env_var_name(key)


class StoreNamedPlatform(BasePlatform):
    """A platform whose secret store takes kebab-case names (Secret Manager, Kubernetes Secrets)."""

    def secret_name(self, naming: Naming, key: str) -> str:
        return store_name(key)


class SecretManagerPlatform(StoreNamedPlatform):
    """A Google platform: the fix creates a Secret Manager secret, read from the shell's environment."""

    def store_command(self, secret_name: str, env: str) -> str:
        return gcloud_create(secret_name, env_name(secret_name))


class SsmParameterPlatform(BasePlatform):
    """A Lambda-backed platform with no reference syntax: keep an SSM parameter name, read it at runtime."""

    lambda_env = True

    def secret_name(self, naming: Naming, key: str) -> str:
        return "/" + "/".join(part for part in (naming.service, naming.stage, store_name(key)) if part)

    def store_command(self, secret_name: str, env: str) -> str:
        return ssm_put(secret_name, env_name(secret_name.rsplit("/", 1)[-1]))


def matches(path: KeyPath, pattern: Sequence[str]) -> bool:
    """`pattern` names each step: a literal key, `*` for any key, `#` for any list index."""
    if len(path) != len(pattern):
        return False
    for part, want in zip(path, pattern, strict=True):
        if want == ANY_INDEX:
            if not isinstance(part, int):
                return False
        elif not isinstance(part, str) or (want != ANY_KEY and part != want):
            return False
    return True


def matches_tail(path: KeyPath, pattern: Sequence[str]) -> bool:
    """`matches` on the last steps of `path`: for entries that sit at any depth."""
    return len(path) >= len(pattern) and matches(path[len(path) - len(pattern) :], pattern)


def map_site(path: KeyPath, patterns: Sequence[Sequence[str]], role: Role = Role.ENV_VAR) -> Site | None:
    """The site of a value in one of the platform's environment maps (the pattern's last step is the key)."""
    for pattern in patterns:
        if matches(path, pattern):
            return Site(str(path[-1]), role)
    return None


def entry_key(key: str) -> str:
    """The entry's own key when remediation names a secret found inside a value (`DATABASE_URL-password`).

    These platforms fix such a value by removing the whole entry, so the whole value is what gets stored.
    Only a suffix after a variable-style name is dropped: `db-password` is a key of its own.
    """
    match = _PARTIAL_SUFFIX.search(key)
    base = key[: match.start()] if match else key
    return base if match and _ENV_VAR_NAME.match(base) and (base != base.lower() or "_" in base) else key


def env_var_name(key: str) -> str:
    """The variable a store keeps the secret under: the entry's key when it is a valid variable name."""
    base = entry_key(key)
    return base if _ENV_VAR_NAME.match(base) else env_name(base)


def store_name(key: str) -> str:
    """A kebab-case store name (`database-url`) for the entry a removal fix takes out of the file."""
    return kebab(entry_key(key))


def entry_site(
    path: KeyPath, patterns: Sequence[Sequence[str]], fallback: Site, role: Role = Role.ENV_VAR
) -> Site:
    """`fallback` (named after its list entry) in `role` when the path ends in one of `patterns`."""
    if any(matches_tail(path, pattern) for pattern in patterns):
        return Site(fallback.key, role)
    return fallback


def root_mapping(docs: Sequence[Document]) -> Mapping | None:
    root = docs[0].root if docs else None
    return root if isinstance(root, Mapping) else None


def has_top_level(docs: Sequence[Document], keys: Sequence[str]) -> bool:
    """True when the first document is a mapping with at least one of these keys."""
    root = root_mapping(docs)
    return root is not None and any(root.get(key) is not None for key in keys)


# Store commands: each reads the value from the shell variable `variable`, never from the file.


def gcloud_create(secret_name: str, variable: str) -> str:
    """A Google Secret Manager secret, created from stdin."""
    return f"printf '%s' \"${variable}\" | gcloud secrets create {secret_name} --data-file=-"


def ssm_put(secret_name: str, variable: str) -> str:
    """An AWS SSM SecureString parameter."""
    return f'aws ssm put-parameter --name {secret_name} --type SecureString --value "${variable}"'


def secretsmanager_create(secret_name: str, variable: str) -> str:
    """An AWS Secrets Manager secret."""
    return f'aws secretsmanager create-secret --name {secret_name} --secret-string "${variable}"'


def keyvault_set(secret_name: str, variable: str) -> str:
    """An Azure Key Vault secret."""
    return f'az keyvault secret set --vault-name <your-vault> --name {secret_name} --value "${variable}"'


def local_file_note(name: str) -> str:
    return (
        f"{name} is meant to stay on the developer's machine: remove it from git (git rm --cached) and list "
        "it in .gitignore"
    )
