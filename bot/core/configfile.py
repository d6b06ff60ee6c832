"""Where a repository keeps its configuration and how much of it is read: one rule for the CLI and the bot.

Both `.yml` and `.yaml` are accepted. When a repository holds both, `.yml` is used and the other is named
as a configuration problem (the check run lists it, the CLI exits 2): silently picking one would let a
team edit the file that is ignored and wonder why nothing changes.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.core.config import ScanConfig
from bot.core.repoconfig import load_repo_config

CONFIG_PATHS = (".github/secrets-bot.yml", ".github/secrets-bot.yaml")  # in order of preference
CONFIG_MAX_BYTES = 64_000


def choose_config(present: Collection[str]) -> tuple[str | None, tuple[str, ...]]:
    """The config path to read among `present` (repository-relative paths that exist), and the problem to
    report when more than one does."""
    found = [path for path in CONFIG_PATHS if path in present]
    if not found:
        return None, ()
    used, *ignored = found
    problems = tuple(
        f"both {used} and {other} exist: {used} is used, {other} is ignored; delete one" for other in ignored
    )
    return used, problems


def too_large(path: str) -> str:
    return f"{path} is over {CONFIG_MAX_BYTES:,} bytes; ignored"


def parse_config(path: str, raw: bytes) -> tuple[ScanConfig, list[str]]:
    """The configuration in `raw` (the file at `path`), with the same limits wherever it was read."""
    if len(raw) > CONFIG_MAX_BYTES:
        return ScanConfig(), [too_large(path)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return ScanConfig(), [f"{path} is not UTF-8 text; ignored"]
    return load_repo_config(text)
