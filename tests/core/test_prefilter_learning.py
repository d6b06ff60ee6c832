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
        assert len(shared.memory[0]) <= 2 + len(set(text.split()))


# Two scans share one `_KeyWords` (the web app's queue workers scan in threads): a scan may run between any
# two steps of another. The memories below let one scan run at the step where a thread could switch.
_NAMED_TEXT = "password"  # one run, which names a secret on its own


class _LearnedWithSwitch(dict[str, str]):
    """Runs another scan right after a run is stored, as a thread switch there would."""

    def __init__(self, shared: prefilter._KeyWords) -> None:
        super().__init__()
        self.shared, self.answers = shared, []

    def __setitem__(self, run: str, words: str) -> None:
        super().__setitem__(run, words)
        self.answers.append(self.shared.any_named(_NAMED_TEXT, DETECTORS))


class _NamedWithSwitch(set[str]):
    """Runs another scan once, after answering the first `isdisjoint` but before that answer is used."""

    def __init__(self, shared: prefilter._KeyWords) -> None:
        super().__init__()
        self.shared, self.answers, self.switched = shared, [], False

    def isdisjoint(self, other: object) -> bool:
        answer = super().isdisjoint(other)  # type: ignore[arg-type]
        if not self.switched:
            self.switched = True
            self.answers.append(self.shared.any_named(_NAMED_TEXT, DETECTORS))
        return answer


def test_a_scan_that_finds_a_run_learned_finds_it_named() -> None:
    shared = prefilter._KeyWords(RULES)
    learned = _LearnedWithSwitch(shared)
    shared.memory = (learned, set())
    assert shared.any_named(_NAMED_TEXT, DETECTORS) is True
    assert learned.answers == [True]  # the other scan, between the two memories' updates


def test_a_run_another_scan_learns_meanwhile_still_counts() -> None:
    shared = prefilter._KeyWords(RULES)
    named = _NamedWithSwitch(shared)
    shared.memory = ({}, named)
    assert shared.any_named(_NAMED_TEXT, DETECTORS) is True
    assert named.answers == [True]


def test_a_reset_replaces_both_memories_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prefilter, "_MAX_CACHED", 0)
    shared = prefilter._KeyWords(RULES)
    shared.any_named("alpha beta", DETECTORS)
    before = shared.memory
    assert shared.any_named(_NAMED_TEXT, DETECTORS) is True
    assert shared.memory is not before and _NAMED_TEXT in shared.memory[1]
    assert all(run in shared.memory[0] for run in shared.memory[1])
