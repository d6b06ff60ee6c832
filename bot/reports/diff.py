"""Which lines of a pull request a review comment may point at.

GitHub rejects a whole review (422) when one inline comment sits on a line outside the diff, so the plan is
made only from lines the patch shows on its right side: added lines and the context lines around them.
"""

from __future__ import annotations

import re

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def commentable_lines(patch: str | None) -> frozenset[int]:
    """RIGHT-side line numbers shown in a unified-diff patch; empty when GitHub sent no patch."""
    return _right_lines(patch, added_only=False)


def added_lines(patch: str | None) -> frozenset[int]:
    """RIGHT-side line numbers the patch adds (or changes): the lines a pull request touches."""
    return _right_lines(patch, added_only=True)


def hunk_ranges(patch: str | None) -> tuple[tuple[int, int], ...]:
    """(first, last) RIGHT-side line of each hunk: a multi-line review comment must start and end in one."""
    if not patch:
        return ()
    ranges: list[tuple[int, int]] = []
    right: int | None = None
    first = last = 0
    for text in patch.splitlines():
        hunk = _HUNK.match(text)
        if hunk:
            if right is not None and last >= first:
                ranges.append((first, last))
            right = first = int(hunk.group(1))
            last = first - 1
        elif right is None or text.startswith(("-", "\\")):
            continue
        elif text.startswith(("+", " ")) or text == "":
            last = right
            right += 1
    if right is not None and last >= first:
        ranges.append((first, last))
    return tuple(ranges)


def _right_lines(patch: str | None, *, added_only: bool) -> frozenset[int]:
    if not patch:
        return frozenset()
    lines: set[int] = set()
    right: int | None = None
    for text in patch.splitlines():
        hunk = _HUNK.match(text)
        if hunk:
            right = int(hunk.group(1))
        elif right is None or text.startswith(("-", "\\")):
            continue
        elif text.startswith(("+", " ")) or text == "":
            if text.startswith("+") or not added_only:
                lines.add(right)
            right += 1
    return frozenset(lines)
