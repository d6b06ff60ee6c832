"""`filters._may_instruct` lets `is_placeholder` skip splitting a value into its words when no instruction
can be found in them (issue 16): it must hold for every text that `_INSTRUCTION` matches."""

from __future__ import annotations

import random
import re

import pytest

from bot.core import filters
from bot.core.filters import is_placeholder

_SOURCE = filters._INSTRUCTION.pattern
_ALTERNATIVES = re.split(r"\|(?![^()]*\))", _SOURCE)  # the top-level alternatives


def _words(source: str) -> list[str]:
    unescaped = re.sub(r"\\[a-z]", " ", source)  # `\bchange` is the word `change`
    return [*sorted(set(re.findall(r"[a-z']+", unescaped)) - {"'"}), "32", "do", "don't"]


def _phrases(words: list[str], seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(words) for _ in range(rng.randint(2, 6))) for _ in range(3_000)]


def test_the_alternatives_are_read_whole() -> None:
    assert len(_ALTERNATIVES) >= 10
    assert all(re.compile(part) for part in _ALTERNATIVES)


@pytest.mark.parametrize("alternative", _ALTERNATIVES, ids=lambda source: source[:24])
def test_every_phrase_an_alternative_matches_holds_one_of_the_words(alternative: str) -> None:
    pattern = re.compile(alternative)
    matched = [phrase for phrase in _phrases(_words(alternative), 0) if pattern.search(phrase)]
    assert matched  # the alternative's own words reach it
    assert all(filters._may_instruct(phrase) for phrase in matched)
    assert all(filters._INSTRUCTION.search(phrase) for phrase in matched)


@pytest.mark.parametrize("alternative", _ALTERNATIVES, ids=lambda source: source[:24])
def test_no_alternative_matches_without_one_of_the_words(alternative: str) -> None:
    pattern = re.compile(alternative)
    words = [word for word in _words(_SOURCE) if not filters._may_instruct(word)]
    assert not any(pattern.search(phrase) for phrase in _phrases(words, 1))


@pytest.mark.parametrize(
    "value",
    [
        "PUTthisSecretKeyInTheEnvironment",
        "change-me-before-deploy",
        "MustBeAtLeast32Characters",
        "AIzaSyD3kf83JfK29fjQ0slD93kDJf82jDkSl0q",
        "dev-only-signing-key",
        "xK9mP2vL5nQ8wR4t",
    ],
)
def test_placeholders_are_judged_as_without_the_shortcut(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    quick = [is_placeholder(value, password=password) for password in (False, True)]
    monkeypatch.setattr(filters, "_may_instruct", lambda lowered: True)
    assert quick == [is_placeholder(value, password=password) for password in (False, True)]
