"""`LinearPattern.match`, `search` and `fullmatch` find their match without a generator (issue 16): the
answer must be the first of `_matches`, which `finditer` still uses, for every pattern and text."""

from __future__ import annotations

import random

import pytest

from bot.core import linear
from bot.core.linear import LinearMatch, LinearPattern

_PATTERNS = [
    LinearPattern(r"(?P<key>[A-Za-z_]\w*)=(?P<value>\S*)"),
    LinearPattern(r"\$\{(?P<name>[^}]*)\}|%s", needs=("${", "%s")),
    LinearPattern(r"secret|KEY", ignore_case=True, needs=("secret", "key")),
    LinearPattern(r"^\w+$"),
    LinearPattern(r"a*"),
    LinearPattern(r"^x|y$", multiline=True),
]
_ALPHABET = "ab=_ ${}%sSECRETkey\u017fé\ud800\nxy1"


def _spans(found: LinearMatch | None, groups: int) -> list[tuple[int, int]] | None:
    return None if found is None else [found.span(index) for index in range(groups + 1)]


@pytest.mark.parametrize("seed", range(10))
def test_the_first_match_is_that_of_the_generator(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 24)))
        for pattern in _PATTERNS:
            pattern.compile()
            groups = pattern._groups
            for anchor, method in (
                (linear._ANCHOR_START, pattern.match),
                (linear._UNANCHORED, pattern.search),
                (linear._ANCHOR_BOTH, pattern.fullmatch),
            ):
                expected = _spans(next(pattern._matches(anchor, text), None), groups)
                assert _spans(method(text), groups) == expected, (pattern.pattern, text)


def test_cannot_match_still_answers_for_each_literal() -> None:
    pattern = LinearPattern(r"ab|cd", needs=("ab", "cd"))
    assert pattern.cannot_match("xyz")
    assert not pattern.cannot_match("xxcd")
    assert not pattern.cannot_match("abxx")
