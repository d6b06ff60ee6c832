"""Is this file a manifest, and whose? Decided from the name and the first bytes, before any parsing.

Most files in a repository are not manifests, and most YAML/JSON files are not serverless ones, so the
decision must cost next to nothing: an exact name (`serverless.yml`, `local.settings.json`, `.env.yaml`,
`samconfig.toml`), or for generic names a few regex searches over the first 64 KiB for a platform's
markers (`service:` + `provider:`, `AWSTemplateFormatVersion`, `Type: AWS::...`). The platform modules own
their own rules; this module only asks them in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from bot.core.manifests import PLATFORMS
from bot.core.manifests.base import Format, Platform
from bot.core.manifests.generic import PLATFORM as GENERIC
from bot.core.suppressions import matches_glob

_HEAD_BYTES = 65_536
_GENERIC_SUFFIXES = (".yml", ".yaml", ".json", ".template")
# Common files with a manifest-like extension that are never serverless manifests: skip without reading.
_NEVER = frozenset(
    {
        "package.json", "package-lock.json", "npm-shrinkwrap.json", "composer.json", "composer.lock",
        "tsconfig.json", "jsconfig.json", "pnpm-lock.yaml", ".eslintrc.json", ".prettierrc.json",
        "renovate.json", "lerna.json", "angular.json", "manifest.json", "appsettings.json", ".babelrc.json",
    }
)  # fmt: skip


class Choice(NamedTuple):
    platform: Platform
    format: Format


def file_name(path: str) -> str:
    """`PurePosixPath(path).name`, lower-cased, read without building a path (about a tenth of the cost:
    a history scan asks it of every path it touches): the last part that is neither empty nor `.`."""
    for part in reversed(path.replace("\\", "/").split("/")):
        if part not in ("", "."):
            return part.lower()
    return ""


def is_candidate_path(path: str, extra_patterns: Sequence[str] = ()) -> bool:
    """Cheap name test: could this file be a manifest? (The content decides later.)"""
    name = file_name(path)
    if any(matches_glob(path, pattern) for pattern in extra_patterns):
        return True
    if name in _NEVER:
        return False
    if name.endswith(_GENERIC_SUFFIXES):
        return True
    return any(platform.claims(path, name, "") is not None for platform in PLATFORMS)


def choose(path: str, data: bytes, extra_patterns: Sequence[str] = ()) -> Choice | None:
    """The platform and format of a manifest, or None for anything else."""
    name = file_name(path)
    extra = any(matches_glob(path, pattern) for pattern in extra_patterns)
    if name in _NEVER and not extra:
        return None
    head = _head(data) if name.endswith(_GENERIC_SUFFIXES) else ""
    for platform in PLATFORMS:
        fmt = platform.claims(path, name, head)
        if fmt is not None:
            return Choice(platform, fmt)
    return Choice(GENERIC.for_name(name), GENERIC.format_of(name)) if extra else None


def _head(data: bytes) -> str:
    head = data[:_HEAD_BYTES]
    if b"\0" in head:
        return ""
    return head.decode("utf-8", errors="replace")
