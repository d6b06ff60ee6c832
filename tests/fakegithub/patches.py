"""Changed files between two trees, with patches shaped like GitHub's (hunks only, no file headers).

Deliberately independent of `bot.reports.diff`: the fake decides on its own which lines a review comment may
point at, so a bug in the bot's diff reading shows up as GitHub's 422, as it would in production.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def changed_files(base: Mapping[str, bytes], head: Mapping[str, bytes]) -> list[dict[str, object]]:
    removed = {path for path in base if path not in head}
    renamed = {path: _renamed_from(head[path], base, removed) for path in head if path not in base}
    gone = {source for source in renamed.values() if source}
    files = []
    for path in sorted(set(base) | set(head)):
        if path in gone or (path in base and path in head and base[path] == head[path]):
            continue
        files.append(_entry(path, base, head, renamed.get(path)))
    return files


def right_lines(patch: str | None) -> frozenset[int]:
    lines: set[int] = set()
    right = 0
    for text in (patch or "").splitlines():
        hunk = _HUNK.match(text)
        if hunk:
            right = int(hunk.group(1))
        elif text[:1] in {"+", " "}:
            lines.add(right)
            right += 1
    return frozenset(lines)


def right_hunks(patch: str | None) -> tuple[tuple[int, int], ...]:
    """(first, last) RIGHT-side line of each hunk: a multi-line comment must start and end in one."""
    hunks: list[tuple[int, int]] = []
    for text in (patch or "").splitlines():
        hunk = _HUNK.match(text)
        if hunk:
            start = int(hunk.group(1))
            hunks.append((start, start - 1))
        elif text[:1] in {"+", " "} and hunks:
            hunks[-1] = (hunks[-1][0], hunks[-1][1] + 1)
    return tuple(hunk for hunk in hunks if hunk[1] >= hunk[0])


def _renamed_from(content: bytes, base: Mapping[str, bytes], removed: set[str]) -> str | None:
    return next((path for path in sorted(removed) if base[path] == content), None)


def _entry(
    path: str, base: Mapping[str, bytes], head: Mapping[str, bytes], source: str | None
) -> dict[str, object]:
    before = base.get(source or path)
    after = head.get(path)
    status = (
        "renamed" if source else "added" if before is None else "removed" if after is None else "modified"
    )
    patch = _patch(before or b"", after or b"")
    additions = sum(1 for line in (patch or "").splitlines() if line.startswith("+"))
    deletions = sum(1 for line in (patch or "").splitlines() if line.startswith("-"))
    entry: dict[str, object] = {
        "filename": path,
        "status": status,
        "additions": additions,
        "deletions": deletions,
        "changes": additions + deletions,
        "commentable": right_lines(patch),
        "hunks": right_hunks(patch),
    }
    if patch is not None:
        entry["patch"] = patch
    if source:
        entry["previous_filename"] = source
    return entry


def _patch(before: bytes, after: bytes) -> str | None:
    """None for binary content, as GitHub omits the patch then."""
    try:
        old, new = before.decode("utf-8").splitlines(), after.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    if b"\0" in before or b"\0" in after:
        return None
    lines = list(difflib.unified_diff(old, new, n=3, lineterm=""))[2:]
    return "\n".join(lines) if lines else None
