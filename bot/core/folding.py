"""Where a piece of a folded multi-line scalar is written: the line of a token inside a plain, quoted or `>`
scalar.

YAML folds such a scalar into one line (`KEY:"a"\\nTOKEN:"ghp_..."` written without spaces after the colons
is one plain scalar, not a mapping), so an offset in the value says nothing about the source line. Each
source line's text is laid end to end as the folding does (one space per line break, none for a blank
line) once per scalar; a piece is then placed by binary search and confirmed by finding its text on that
line or a neighbour. A piece not found verbatim (an escape changed it) stays at the scalar's first line.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from bot.core.tree import Scalar


class FoldedLines:
    __slots__ = ("_first", "_lines", "_starts")

    def __init__(self, scalar: Scalar, lines: Sequence[str]) -> None:
        self._first = scalar.start.line
        self._lines = lines
        self._starts: list[int] = []
        offset = 0
        for number in range(scalar.start.line, min(scalar.end.line, len(lines)) + 1):
            source = lines[number - 1]
            if number == scalar.end.line:
                source = source[: scalar.end.column - 1]
            if number == scalar.start.line:
                source = source[scalar.start.column - 1 :]
            piece = source.strip()
            self._starts.append(offset)
            offset += len(piece) + 1 if piece else 0

    def place(self, value: str, start: int) -> tuple[int, int] | None:
        """(line, column) of `value`, which starts at offset `start` of the folded text; None when it is
        not written verbatim on that line or a neighbour."""
        if not value or "\n" in value:
            return None
        index = bisect_right(self._starts, start) - 1
        for candidate in (index, index - 1, index + 1):
            if 0 <= candidate < len(self._starts):
                number = self._first + candidate
                column = self._lines[number - 1].find(value)
                if column >= 0:
                    return number, column + 1
        return None
