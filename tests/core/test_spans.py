"""`SpanUnion.add` appends a span that comes after every kept one without searching (issue 16): the spans
kept must be those of the search alone."""

from __future__ import annotations

from bisect import bisect_left

from hypothesis import given
from hypothesis import strategies as st

from bot.core.spans import SpanUnion


def _searched(spans: list[tuple[int, int]], start: int, end: int) -> None:
    """`SpanUnion.add` without its shortcut."""
    low = bisect_left(spans, (start,))
    if low and spans[low - 1][1] > start:
        low -= 1
    high = bisect_left(spans, (end,))
    if low < high:
        start = min(start, spans[low][0])
        end = max(end, spans[high - 1][1])
    spans[low:high] = [(start, end)]


@given(st.lists(st.tuples(st.integers(0, 80), st.integers(0, 12)), max_size=40), st.booleans())
def test_spans_kept_as_by_the_search_alone(added: list[tuple[int, int]], ordered: bool) -> None:
    union = SpanUnion()
    expected: list[tuple[int, int]] = []
    for begin, size in sorted(added) if ordered else added:
        union.add(begin, begin + size)
        _searched(expected, begin, begin + size)
        assert union._spans == expected
