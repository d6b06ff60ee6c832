"""The offsets of a text's newlines, found once, so that "which line is this offset on" is a binary search.

Asking `text.count("\\n", 0, i)` or reading a line again for each of many positions was quadratic in a text
with many questions (a long line of password slots, a block scalar of many tokens)."""

from __future__ import annotations


def newline_offsets(text: str) -> list[int]:
    """Every index of `"\\n"` in `text`, in order (a `str.find` loop: C-speed scans, one list)."""
    offsets = []
    index = text.find("\n")
    while index >= 0:
        offsets.append(index)
        index = text.find("\n", index + 1)
    return offsets
