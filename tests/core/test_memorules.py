"""`MemoisedRuleSet` answers every question exactly as the rule set it remembers for, asked once, again, and
after its memory was emptied; a file scanned with it has the same result. Fake secrets are built here."""

from __future__ import annotations

import random

import pytest

from bot.core.config import ScanConfig
from bot.core.memorules import MemoisedRuleSet
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
    monkeypatch.setattr("bot.core.memorules._MAX_CHARS", 64)  # emptied every few questions
    expected = _questions(RULES)
    memoised = MemoisedRuleSet(RULES)
    assert _questions(memoised) == expected == _questions(memoised)
    assert memoised._chars <= 64 + max(len(text) + 16 for text in TEXTS)


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
