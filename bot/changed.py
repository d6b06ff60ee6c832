"""`scan --changed-since REV`: the manifests a change touched, as the work tree holds them.

A pull request's workflow scans what the pull request changed, not the whole repository: the files that
differ between REV (the base) and HEAD, kept by the directory scan's name rule (with the repository's
`include`, `exclude` and extra manifests) and read from the work tree (HEAD's checkout), so that their
`${file()}` targets are followed as in a directory scan. Symlinks are skipped: git stores only the path
they point at, and the file they point at is scanned when it changes itself.
"""

from __future__ import annotations

from pathlib import Path

from bot.core.config import ScanConfig
from bot.files import Target, is_manifest_path
from bot.gitrepo import changed_files, resolve_commit


def changed_targets(root: Path, base: str, config: ScanConfig) -> list[Target]:
    """Each manifest changed between `base` and HEAD that is a regular file in the work tree, in order."""
    commit = resolve_commit(root, base)
    names = sorted(name for name in changed_files(root, commit) if is_manifest_path(name, config))
    return [Target(str(root / name), name) for name in names if _regular(root / name)]


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()
