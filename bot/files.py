"""Which files `secrets-bot scan` reads: manifests under the given paths, cheaply, without leaving the tree.

Directories that hold dependencies, build output or virtualenvs are skipped without being listed (they are
large and never hold the project's own manifests). Symlinks are never followed out of the directory being
walked: a pull request could otherwise point the scanner at the host's files. A file named on the command
line is always scanned, whatever its name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from bot.core.config import ScanConfig
from bot.core.detect import is_candidate_path
from bot.core.suppressions import is_path_ignored

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".serverless",
        ".venv",
        "venv",
        "virtualenvs",
        ".virtualenvs",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".terraform",
        ".aws-sam",
    }
)

OnSkip = Callable[[str, str], None]  # (relative path, reason without any file content)


def iter_manifest_paths(
    paths: Sequence[Path], config: ScanConfig, *, on_skip: OnSkip | None = None
) -> Iterator[tuple[Path, str]]:
    """Yield (absolute path, path relative to the directory argument) for each file to scan, in order."""
    for path in paths:
        if path.is_dir():
            yield from _walk(path.absolute(), config, on_skip or _ignore_skip)
        else:
            yield path.absolute(), _display_name(path)


def is_manifest_path(relative: str, config: ScanConfig) -> bool:
    """A file worth reading: not excluded, and a manifest by name or by the repository's own patterns."""
    return not is_path_ignored(relative, config) and is_candidate_path(relative, config.extra_manifests)


def _walk(root: Path, config: ScanConfig, on_skip: OnSkip) -> Iterator[tuple[Path, str]]:
    real_root = root.resolve()
    prune = _dirs_only(config)
    pending: list[tuple[Path, str]] = [(root, "")]
    while pending:
        directory, prefix = pending.pop()
        subdirectories = []
        for entry in _sorted_entries(directory, prefix, on_skip):
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRECTORIES and not is_path_ignored(relative, prune):
                    subdirectories.append((Path(entry.path), relative + "/"))
            elif entry.is_symlink():
                yield from _symlinked_file(entry, relative, real_root, config, on_skip)
            elif entry.is_file(follow_symlinks=False) and is_manifest_path(relative, config):
                yield Path(entry.path), relative
        pending.extend(reversed(subdirectories))


def _symlinked_file(
    entry: os.DirEntry[str], relative: str, real_root: Path, config: ScanConfig, on_skip: OnSkip
) -> Iterator[tuple[Path, str]]:
    """A symlink is read only when it is a manifest that resolves to a file inside the tree."""
    if not is_manifest_path(relative, config):
        return
    target = Path(entry.path).resolve()
    if not target.is_relative_to(real_root):
        on_skip(relative, "symlink points outside the scanned directory; not followed")
    elif target.is_dir():
        return
    else:
        yield Path(entry.path), relative


def _sorted_entries(directory: Path, prefix: str, on_skip: OnSkip) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as iterator:
            return sorted(iterator, key=lambda entry: entry.name)
    except OSError as error:
        on_skip(prefix.rstrip("/") or ".", f"cannot list directory ({error.strerror})")
        return []


def _dirs_only(config: ScanConfig) -> ScanConfig:
    """Pruning a directory uses only exclusions: an `include` glob may still match files below it."""
    return ScanConfig(exclude=config.exclude, allowlist=config.allowlist)


def _display_name(path: Path) -> str:
    if not path.is_absolute():
        return Path(os.path.normpath(path)).as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.name


def _ignore_skip(relative: str, reason: str) -> None:
    """The default when the caller does not collect skipped entries."""
