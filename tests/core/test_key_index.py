"""`detectors._KeyIndex` reads, once per rule set, which rules are open to each key kind (issue 16): for
every key name its answer must be the one the pass over the rules in order gave."""

from __future__ import annotations

import random

import pytest

from bot.core import detectors
from bot.core.config import ScanConfig
from bot.core.heuristics import (
    SecretKind,
    names_a_secret_only_if_random,
    normalized_key,
    secret_kind_of_key,
)
from bot.core.linear import encodable
from bot.core.rules import RuleSet

_WORDS = [
    "db", "password", "pass", "pwd", "secret", "key", "api", "token", "private", "public", "aws", "access",
    "twilio", "auth", "datadog", "client", "id", "line", "channel", "vapid", "azure", "storage", "account",
    "search", "admin", "openweather", "signing", "jwt", "session", "lock", "name", "url", "acme", "code",
    "pin", "2", "x", "ñ", "credentials", "hash",
]  # fmt: skip
_CUSTOM = (
    {
        "id": "acme-code",
        "description": "d",
        "kind": "keyed",
        "key_regex": "^acme_code$",
        "regex": "[A-Z]{4}[0-9]{4}",
    },
    {"id": "pin", "description": "d", "kind": "keyed", "key_regex": "pin$", "regex": "[0-9]{4,}"},
    {"id": "kinds", "description": "d", "kind": "keyed", "key_kinds": ["token"], "regex": "[a-z]{12,}"},
)


def _by_rules(index: detectors._KeyIndex, key: str) -> bool:
    """The answer as the index computed it before: a pass over the rules, in order."""
    kind = secret_kind_of_key(key)
    if kind is None and names_a_secret_only_if_random(key):
        kind = SecretKind.SECRET
    matched: set[int] | None = None
    for rule in index.rules:
        if rule.key_kinds and kind not in rule.key_kinds:
            continue
        if rule.key_pattern is None:
            return True
        if matched is None:
            name = encodable(normalized_key(key)).encode("utf-8")
            matched = set(index.patterns.Match(name) or ())
        if index.slots[id(rule.key_pattern)] in matched:
            return True
    return False


def _keys(seed: int) -> list[str]:
    rng = random.Random(seed)
    keys = []
    for _ in range(400):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(1, 4))]
        style = rng.choice(["_", "-", ".", "camel", "upper"])
        if style == "camel":
            keys.append(words[0] + "".join(word.title() for word in words[1:]))
        elif style == "upper":
            keys.append("_".join(words).upper())
        else:
            keys.append(style.join(words))
    return keys


@pytest.mark.parametrize("custom", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_the_answer_is_that_of_the_rules_in_order(seed: int, custom: bool) -> None:
    ruleset = RuleSet.default()
    if custom:
        ruleset = ruleset.with_config(ScanConfig(custom_rules=_CUSTOM))
    index = detectors._KeyIndex(ruleset)
    answers = [index._compute(key) for key in _keys(seed)]
    assert answers == [_by_rules(index, key) for key in _keys(seed)]
    assert any(answers) and not all(answers)
