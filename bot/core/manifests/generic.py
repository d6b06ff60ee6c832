"""Files a repository asked us to treat as manifests (`extra_manifests` globs) that no platform claims.

Every value is judged by its key and its shape; there is no platform reference syntax to offer, so the fix
removes the entry and the hint says where the value should live instead. A file in no configuration format
(a script, notes, a `.properties` file) is read line by line, with a notice that says so: parsed as YAML, its
lines would run together into one value and the fix would point at the wrong line.
"""

from __future__ import annotations

from bot.core.config import ScanLimits
from bot.core.errors import ManifestError
from bot.core.findings import NoticeKind
from bot.core.manifests.base import Format, Site
from bot.core.manifests.kit import BasePlatform
from bot.core.tree import Document

_FORMATS = {".json": Format.JSON, ".toml": Format.TOML, ".ts": Format.CODE, ".js": Format.CODE}
_CONFIG_SUFFIXES = (*_FORMATS, ".yml", ".yaml", ".template")


class GenericPlatform(BasePlatform):
    """Claims no file by itself: it reads only the files matched by the repository's `extra_manifests`."""

    id = "generic"
    docs = "https://12factor.net/config"

    def format_of(self, name: str) -> Format:
        return next((fmt for suffix, fmt in _FORMATS.items() if name.endswith(suffix)), Format.YAML)

    def for_name(self, name: str) -> GenericPlatform:
        """This platform for a file in a configuration format, else the one that reads it line by line."""
        return self if name.endswith(_CONFIG_SUFFIXES) else PLAIN_TEXT

    def hint(self, secret_name: str, env: str, site: Site) -> str:
        return (
            f"Rotate the exposed value and keep it in your platform's secret store; give {site.key} to the "
            "application at deploy or run time instead of committing it."
        )


class PlainTextPlatform(GenericPlatform):
    """A file in no format we parse: `load` refuses it, so the scanner reads it line by line and says so."""

    def load(self, text: str, limits: ScanLimits) -> list[Document]:
        raise ManifestError(NoticeKind.PARSE_ERROR, "not in a configuration format (YAML, JSON, TOML, JS)")


PLATFORM = GenericPlatform()
PLAIN_TEXT = PlainTextPlatform()
