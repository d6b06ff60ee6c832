"""Keeping the first of overlapping spans, in time n·log n rather than comparing each with every other.

A value or a file can hold tens of thousands of matches (a hostile manifest made of tokens); checking each
candidate against every span kept so far was quadratic in them.
"""

from __future__ import annotations

from bisect import bisect_left, insort


class DisjointSpans:
    """Half-open spans `[start, end)`, no two overlapping, kept sorted.

    Two spans overlap when each starts before the other ends. Sorted by start, the ends of such spans never
    decrease, so the kept span that starts last before a new span ends is the only one to check."""

    __slots__ = ("_spans",)

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []

    def add(self, start: int, end: int) -> bool:
        """Keep `[start, end)` unless it overlaps a span already kept; True when it was kept."""
        index = bisect_left(self._spans, (end,))  # the spans that start before `end`
        if index and self._spans[index - 1][1] > start:
            return False
        insort(self._spans, (start, end))
        return True


class SpanUnion:
    """The union of half-open spans, kept as sorted disjoint spans, for "does this span touch any of them?"
    in time log n (reference analysis asks it of every candidate span of a value)."""

    __slots__ = ("_spans",)

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect_left(self._spans, (end,))  # the spans that start before `end`
        return bool(index) and self._spans[index - 1][1] > start

    def add(self, start: int, end: int) -> None:
        """Add `[start, end)`, merged with the spans it overlaps. A span after every kept one, as the spans
        of an analysis come in order, is appended without the search (issue 16; tests/core/test_spans.py
        compares the two)."""
        spans = self._spans
        if not spans or (spans[-1][0] < start and spans[-1][1] <= start):
            spans.append((start, end))
            return
        low = bisect_left(self._spans, (start,))
        if low and self._spans[low - 1][1] > start:
            low -= 1
        high = bisect_left(self._spans, (end,))
        if low < high:
            start = min(start, self._spans[low][0])
            end = max(end, self._spans[high - 1][1])
        self._spans[low:high] = [(start, end)]
