"""`MemoisedRuleSet` answers every question exactly as the rule set it remembers for, asked once, again, and
after its memory was emptied; a file scanned with it has the same result. Fake secrets are built here."""

from __future__ import annotations

import gc
import random
import tracemalloc

import pytest

from bot.core.config import ScanConfig
from bot.core.memorules import _ENTRY_BYTES, MemoisedRuleSet
from bot.core.rules import RuleSet, expand_example
from bot.core.scanner import scan_file

RULES = RuleSet.default()
_EXAMPLES = [expand_example(t, random.Random(0)) for rule in RULES.rules for t in rule.examples]
_COUNTERS = [expand_example(t, random.Random(0)) for rule in RULES.rules for t in rule.counter_examples]
TEXTS = [*_EXAMPLES, *_COUNTERS, "", "${ssm:/prod/token}", "changeme", "AKIAIOSFODNN7EXAMPLE"]
KEYS = ["DB_PASSWORD", "API_KEY", "STAGE", "jwtSecret", "SECRET_ID"]


def _questions(rules: RuleSet) -> list[object]:
    answers: list[object] = []
    for text in TEXTS:
        answers.append(rules.find_tokens(text))
        for key in KEYS:
            answers.append(rules.judge_keyed(key, text.partition("=")[2] or text))
            answers.append(rules.judge_keyed(key, text, sample_host=True))
    return answers


def test_each_answer_is_the_rule_sets_asked_once_and_again() -> None:
    expected = _questions(RULES)
    memoised = MemoisedRuleSet(RULES)
    assert _questions(memoised) == expected
    assert _questions(memoised) == expected  # now from memory


def test_answers_stay_the_same_after_the_memory_is_emptied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.core.memorules._MAX_ENTRIES", 5)  # emptied every few questions
    expected = _questions(RULES)
    memoised = MemoisedRuleSet(RULES)
    assert _questions(memoised) == expected == _questions(memoised)
    assert memoised._entries <= 5


def _held(memoised: MemoisedRuleSet) -> int:
    return len(memoised._tokens) + len(memoised._keyed) + len(memoised._credible)


def test_many_short_questions_are_bounded_by_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.core.memorules._MAX_ENTRIES", 300)
    memoised = MemoisedRuleSet(RULES)
    for number in range(1_000):
        memoised.find_tokens(f"t{number}")
        memoised.judge_keyed("DB_PASSWORD", f"v{number}")
        assert _held(memoised) == memoised._entries <= 300


def test_long_questions_are_bounded_by_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.core.memorules._MAX_BYTES", 64 << 10)
    memoised = MemoisedRuleSet(RULES)
    for number in range(100):
        text = f"{number:04d}" + "x" * 4_000
        memoised.find_tokens(text)
        assert memoised._bytes <= 64 << 10
        assert sum(len(text) for text in memoised._tokens) * 4 <= 64 << 10
    assert 0 < len(memoised._tokens) < 100


def test_the_byte_estimate_covers_what_an_answer_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Measured: what the memory holds per answer stays under the estimate `_MAX_BYTES` is counted in, so
    the bound on bytes is a bound on memory (with one- and two-character questions, the worst case)."""
    monkeypatch.setattr("bot.core.memorules._MAX_ENTRIES", 1 << 20)
    memoised = MemoisedRuleSet(RULES)
    memoised.find_tokens("warm")
    memoised.judge_keyed("DB_PASSWORD", "warm")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(1_500):
            memoised.find_tokens(f"{number}")
            memoised.judge_keyed("DB_PASSWORD", f"{number}x")
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert memoised._entries == 3_002
    assert held <= memoised._entries * _ENTRY_BYTES


def test_a_long_text_is_answered_and_not_remembered() -> None:
    token = next(text for text in _EXAMPLES if RULES.find_tokens(text))
    text = "x " * 4096 + token
    memoised = MemoisedRuleSet(RULES)
    assert memoised.find_tokens(text) == RULES.find_tokens(text) != []
    assert text not in memoised._tokens


def test_versions_of_a_file_scan_as_with_the_rule_set() -> None:
    """Successive versions share most values, as in a history: every result is the plain rule set's."""
    config = ScanConfig(fingerprint_key=b"k" * 32)
    memoised = MemoisedRuleSet(RULES)
    env = {"STAGE": "dev"}
    rng = random.Random(3)
    for number in range(12):
        env[f"API_KEY_{number % 4}"] = "ghp_" + "".join(rng.choices("abcdefghijkLMNOPQ0123456789", k=36))
        env[f"DB_PASSWORD_{number % 3}"] = f"Velvet{number}orbit!{rng.randrange(100)}"
        lines = ["service: svc", "provider:", "  name: aws", "  environment:"]
        text = "\n".join([*lines, *(f"    {key}: {value}" for key, value in env.items())]) + "\n"
        plain = scan_file("serverless.yml", text.encode(), ruleset=RULES, config=config)
        remembered = scan_file("serverless.yml", text.encode(), ruleset=memoised, config=config)
        assert remembered == plain
        assert plain.findings
