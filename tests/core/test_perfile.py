"""Per-file memories (`bot.core.perfile`): within one file a token match is judged once, and nothing is
remembered outside a file's scan or after it. Fake secrets are built here."""

from __future__ import annotations

import random

import pytest

from bot.core import rules
from bot.core.perfile import memory, one_file
from bot.core.rules import RuleSet, expand_example

RULES = RuleSet.default()
_GITHUB = next(rule for rule in RULES.rules if rule.id.startswith("github") and rule.examples)
TOKEN = expand_example(_GITHUB.examples[0], random.Random(0))


def _judged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []
    real = rules._is_credible_secret

    def counting(rule: rules.Rule, secret: str, host: str | None) -> bool:
        asked.append(rule.id)
        return real(rule, secret, host)

    monkeypatch.setattr(rules, "_is_credible_secret", counting)
    return asked


def test_a_match_found_again_in_the_same_file_is_judged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _judged(monkeypatch)
    with one_file():
        first = RULES.find_tokens(f"token: {TOKEN}\n")  # the whole file's search
        judged = len(asked)
        with one_file():  # a nested block shares the file's memory
            again = RULES.find_tokens(TOKEN)  # the value's own search
    assert first and [match.rule.id for match in again] == [match.rule.id for match in first]
    assert judged and len(asked) == judged


def test_nothing_is_remembered_outside_a_file_or_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _judged(monkeypatch)
    RULES.find_tokens(TOKEN)
    once = len(asked)
    RULES.find_tokens(TOKEN)
    assert once and len(asked) == 2 * once
    with one_file():
        RULES.find_tokens(TOKEN)
    with one_file():
        RULES.find_tokens(TOKEN)
    assert len(asked) == 4 * once
    assert memory("rules.is_credible") is None
