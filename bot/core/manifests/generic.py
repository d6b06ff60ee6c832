"""Files a repository asked us to treat as manifests (`extra_manifests` globs) that no platform claims.

Every value is judged by its key and its shape; there is no platform reference syntax to offer, so the fix
removes the entry and the hint says where the value should live instead.
"""

from __future__ import annotations

from bot.core.manifests.base import Format, Site
from bot.core.manifests.kit import BasePlatform

_FORMATS = {".json": Format.JSON, ".toml": Format.TOML, ".ts": Format.CODE, ".js": Format.CODE}


class GenericPlatform(BasePlatform):
    """Claims no file by itself: it reads only the files matched by the repository's `extra_manifests`."""

    id = "generic"
    docs = "https://12factor.net/config"

    def format_of(self, name: str) -> Format:
        return next((fmt for suffix, fmt in _FORMATS.items() if name.endswith(suffix)), Format.YAML)

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value and keep it in your platform's secret store; give {site.key} to the "
            "application at deploy or run time instead of committing it."
        )


PLATFORM = GenericPlatform()
