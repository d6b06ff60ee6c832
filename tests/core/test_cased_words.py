"""`filters._CASED_WORDS` runs on `re` (issue 16): the words must be those the RE2 pattern it replaced
found, and `is_masked` must answer as its list-based form did. (`heuristics.key_words` no longer splits a
name at its separators first: tests/core/test_judging_shortcuts.py compares it with the split form.)"""

from __future__ import annotations

import random

import pytest

from bot.core import filters
from bot.core.linear import LinearPattern

_BEFORE = LinearPattern(r"[A-Z]*[a-z]+|[A-Z]+|[0-9]+")  # the pattern on RE2, as the scanner had it
_ALPHABET = "aAbZz09_- .*xX#8é\u017fÉ\ud800\n"


def _texts(seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(500)]


@pytest.mark.parametrize("seed", range(20))
def test_the_words_are_those_of_the_re2_pattern(seed: int) -> None:
    for text in _texts(seed):
        assert filters._CASED_WORDS.findall(text) == _BEFORE.findall(text), repr(text)


def test_words_of_a_run_together_instruction() -> None:
    assert filters._CASED_WORDS.findall("PUTthisKeyInTheEnv 2x ABC") == [
        "PUTthis", "Key", "In", "The", "Env", "2", "x", "ABC",
    ]  # fmt: skip


def _masked_before(text: str, *, password: bool) -> bool:
    """`is_masked` as it was written before (a list of the alphanumerics)."""
    if filters._SYMBOL_MASK.search(text):
        return True
    alphanumerics = [char for char in text if char.isalnum()]
    repeated = set(alphanumerics or text)
    if len(text) > 1 and len(repeated) == 1 and not (password and repeated - filters._MASK_CHARACTERS):
        return True
    runs = filters._DIGIT_MASK.findall(text)
    return bool(runs) and max(len(run) for run in runs) >= filters._DIGIT_MASK_SHARE * len(text)


@pytest.mark.parametrize("seed", range(20))
def test_is_masked_answers_as_before(seed: int) -> None:
    rng = random.Random(seed)
    for text in _texts(seed) + [
        "".join(rng.choice("x8-_ ") for _ in range(rng.randint(0, 9))) for _ in range(200)
    ]:
        for password in (False, True):
            assert filters.is_masked(text, password=password) == _masked_before(text, password=password)
