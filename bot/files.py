"""Which files `secrets-bot scan` reads: manifests under the given paths, cheaply, without leaving the tree.

Directories that hold dependencies, build output or virtualenvs are skipped without being listed (they are
large and never hold the project's own manifests). Symlinks are never followed out of the directory being
walked: a pull request could otherwise point the scanner at the host's files. A file named on the command
line is always scanned, whatever its name.

Every path is reported relative to the repository root, the top level of the git work tree that holds the
argument (found by looking for `.git`, without running git), so that reports, globs and fingerprints are
the same wherever the scan is started and the same as the bot's. Outside a work tree the root is the
directory named (for a file, its own directory).
"""

from __future__ import annotations

import operator
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

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
_NAME = operator.attrgetter("name")  # a directory entry's name, the walk's sort key


class Target(NamedTuple):
    """A file to scan. `absolute` is a plain path string, not a `Path`: a directory scan makes one per file in
    the parent and sends it to a worker, where building and pickling `Path` objects cost about 50 ms of CPU
    on a tree of 1,500 files (issue 16)."""

    absolute: str
    relative: str  # to the repository root: what reports show and what globs and fingerprints use
    named: bool = False  # named on the command line, so scanned whatever its name


def iter_manifest_paths(
    paths: Sequence[Path], config: ScanConfig, *, on_skip: OnSkip | None = None
) -> Iterator[Target]:
    """Each file to scan, in order: files named as arguments, and manifests under directory arguments."""
    for path in paths:
        absolute = absolute_path(path)
        root = repository_root(absolute)
        relative = absolute.relative_to(root).as_posix()
        if absolute.is_dir():
            prefix = "" if relative == "." else relative + "/"
            yield from _walk(absolute, prefix, config, on_skip or _ignore_skip)
        else:
            yield Target(str(absolute), relative, named=True)


def repository_root(path: Path) -> Path:
    """The top level of the git work tree holding `path`, else `path` itself if it is a directory, else
    its directory. A `.git` file (a linked work tree or a submodule) counts too."""
    path = absolute_path(path)
    start = path if path.is_dir() else path.parent
    return next((folder for folder in (start, *start.parents) if (folder / ".git").exists()), start)


def absolute_path(path: Path) -> Path:
    """Absolute, with `.` and `..` folded away textually, as the shell meant them (symlinks kept)."""
    return Path(os.path.normpath(path.absolute()))


def is_manifest_path(relative: str, config: ScanConfig) -> bool:
    """A file worth reading: not excluded, and a manifest by name or by the repository's own patterns."""
    return not is_path_ignored(relative, config) and is_candidate_path(relative, config.extra_manifests)


def _walk(root: Path, start: str, config: ScanConfig, on_skip: OnSkip) -> Iterator[Target]:
    real_root = root.resolve()
    prune = _dirs_only(config)
    # Directories as path strings: a `Path` per directory was a fifth of the walk's time (issue 16).
    pending: list[tuple[str, str]] = [(str(root), start)]
    while pending:
        directory, prefix = pending.pop()
        subdirectories = []
        for entry in _sorted_entries(directory, prefix, on_skip):
            relative = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRECTORIES and not is_path_ignored(relative, prune):
                    subdirectories.append((entry.path, relative + "/"))
            elif entry.is_symlink():
                yield from _symlinked_file(entry, relative, real_root, config, on_skip)
            elif entry.is_file(follow_symlinks=False) and is_manifest_path(relative, config):
                yield Target(entry.path, relative)
        pending.extend(reversed(subdirectories))


def _symlinked_file(
    entry: os.DirEntry[str], relative: str, real_root: Path, config: ScanConfig, on_skip: OnSkip
) -> Iterator[Target]:
    """A symlink is read only when it is a manifest that resolves to a file inside the tree."""
    if not is_manifest_path(relative, config):
        return
    target = Path(entry.path).resolve()
    if not target.is_relative_to(real_root):
        on_skip(relative, "symlink points outside the scanned directory; not followed")
    elif target.is_dir():
        return
    else:
        yield Target(entry.path, relative)


def _sorted_entries(directory: str, prefix: str, on_skip: OnSkip) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as iterator:
            return sorted(iterator, key=_NAME)
    except OSError as error:
        on_skip(prefix.rstrip("/") or ".", f"cannot list directory ({error.strerror})")
        return []


def _dirs_only(config: ScanConfig) -> ScanConfig:
    """Pruning a directory uses only exclusions: an `include` glob may still match files below it."""
    return ScanConfig(exclude=config.exclude, allowlist=config.allowlist)


def _ignore_skip(relative: str, reason: str) -> None:
    """The default when the caller does not collect skipped entries."""
