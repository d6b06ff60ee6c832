"""`variables._closing_paren` jumps from parenthesis to parenthesis (issue 16): the same answer as reading
character by character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core import variables


def _by_character(text: str, index: int, stop: int) -> int:
    depth = 1
    for position in range(index, stop):
        if text[position] == "(":
            depth += 1
        elif text[position] == ")":
            depth -= 1
            if depth == 0:
                return position
    return stop


@given(st.text(alphabet="()x$,'", max_size=30), st.integers(0, 32), st.integers(0, 32))
def test_closing_paren_as_by_character(text: str, index: int, stop: int) -> None:
    stop = min(stop, len(text))
    assert variables._closing_paren(text, index, stop) == _by_character(text, index, stop)
