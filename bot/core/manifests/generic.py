"""Files a repository asked us to treat as manifests (`extra_manifests` globs) that no platform claims.

Every value is judged by its key and its shape; there is no platform reference syntax to offer, so the fix
removes the entry and the hint says where the value should live instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.core.manifests.base import Advice, Format, Naming, Site, Target, generic_key, kebab
from bot.core.tree import Document, KeyPath

_FORMATS = {".json": Format.JSON, ".toml": Format.TOML, ".ts": Format.CODE, ".js": Format.CODE}


class GenericPlatform:
    id = "generic"
    serverless_variables = False
    lambda_env = False
    docs = "https://12factor.net/config"
    note = ""

    def claims(self, path: str, name: str, head: str) -> Format | None:
        """Never by itself: only for files matched by the repository's `extra_manifests` globs."""
        return None

    def format_of(self, name: str) -> Format:
        return next((fmt for suffix, fmt in _FORMATS.items() if name.endswith(suffix)), Format.YAML)

    def confirms(self, path: str, docs: Sequence[Document]) -> bool:
        return True

    def is_encrypted(self, docs: Sequence[Document]) -> bool:
        return False

    def site(self, doc: Document, path: KeyPath) -> Site:
        return Site(generic_key(doc, path))

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
        return (
            f"Rotate the exposed value and keep it in your platform's secret store; give {site.key} to the "
            "application at deploy or run time instead of committing it."
        )


PLATFORM = GenericPlatform()
