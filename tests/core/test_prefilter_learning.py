"""The pre-parse key check remembers runs and words across files (issue 16); its answer must be the one a
check that remembers nothing gives, whatever order earlier files were checked in."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import prefilter
from bot.core.detectors import Detectors
from bot.core.heuristics import _CAMEL_WORDS
from bot.core.rules import RuleSet

RULES = RuleSet([*RuleSet.default().rules])
DETECTORS = Detectors(RULES, "")
_WORDS = [
    "api", "key", "KEY", "Key", "db", "password", "Pass", "word", "secret", "token", "next", "page", "my",
    "signing", "zqx", "client", "id", "2", "prod", "value", "name", "aws", "private", "x", "Ab", "creds",
]  # fmt: skip
_SEPARATORS = ["_", "-", " ", ": ", "\n", ".", "", "=", "é"]


def reference(text: str) -> bool:
    """`any_named` asked with nothing remembered: every word, then every adjacent pair whose second word
    names a secret only after another word, then the `key_regex`-only rules over all the words."""
    runs = re.findall(r"[A-Za-z0-9]+", text)
    words = [word.lower() for run in runs for word in _CAMEL_WORDS.findall(run)]
    if any(prefilter._names(word, DETECTORS) for word in words):
        return True
    for first, second in itertools.pairwise(words):
        if prefilter._names(f"zqx_{second}", DETECTORS) and prefilter._names(f"{first}_{second}", DETECTORS):
            return True
    pattern = prefilter._KeyWords(RULES).pattern_only
    return pattern is not None and pattern.search("_".join(words)) is not None


texts = st.lists(
    st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)), max_size=6).map(
        lambda parts: "".join(word + separator for word, separator in parts)
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_remembered_runs_and_words_give_the_answer_of_a_fresh_check(batch: list[str]) -> None:
    shared = prefilter._KeyWords(RULES)
    for text in batch:
        assert shared.any_named(text, DETECTORS) is reference(text)


def test_a_full_memory_is_replaced_and_answers_stay_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefilter, "_MAX_CACHED", 2)
    shared = prefilter._KeyWords(RULES)
    for text in ["alpha beta gamma delta", "api key", "plain words here", "DbPassword: x", "zz yy"]:
        assert shared.any_named(text, DETECTORS) is reference(text)
        assert len(shared.learned) <= 2 + len(set(text.split()))
