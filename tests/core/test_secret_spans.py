"""`rules._secret_spans` calls google-re2's program directly (issue 16): the spans and hosts must be those
the wrapper's `search` gave, for every token rule and for custom rules, on text with tokens, non-ASCII
characters and lone surrogates."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from bot.core import rules
from bot.core.rulemodel import compile_pattern
from bot.core.rules import RuleKind, RuleSet, expand_example

_TOKEN_RULES = [rule for rule in RuleSet.default().rules if rule.kind is RuleKind.TOKEN]
_NOISE = ["", " ", "=", ":", '"', "'", "/", "@", "\n", "é", "\ud800", "x", "_", "-", "https://u:", "key "]
_CUSTOM = [
    compile_pattern(r"(?P<secret>tok_[a-z0-9]{4,8})"),
    compile_pattern(r"(?:^|[^a-z])(?P<secret>a+)(?:[^a-z]|$)"),
    compile_pattern(r"://[^:]+:(?P<secret>[^@\s]+)@(?P<host>[\w.-]*)"),
    compile_pattern(r"x*"),  # empty matches: the search must still move on
]


def _by_wrapper(pattern: Any, encoded: bytes) -> Iterator[tuple[int, int, str | None]]:
    """`_secret_spans` as written before, through the wrapper's `search` and match object."""
    group = pattern.groupindex.get("secret", 0)
    host_group = pattern.groupindex.get("host")
    position = 0
    while position <= len(encoded):
        match = pattern.search(encoded, position)
        if match is None:
            return
        start, end = match.span(group)
        if 0 <= start < end:
            host = match.group(host_group) if host_group is not None else None
            yield start, end, host.decode("utf-8", "surrogatepass") if host else None
        position = max(end, match.start() + 1, position + 1)


def _texts(seed: int) -> list[bytes]:
    rng = random.Random(seed)
    examples = [expand_example(template, rng) for rule in _TOKEN_RULES for template in rule.examples[:2]] + [
        "u:pw@host.test",
        "tok_abcd1234",
        "aaa",
        "xx",
    ]
    texts = []
    for _ in range(40):
        parts = [rng.choice(_NOISE + examples) for _ in range(rng.randint(0, 8))]
        texts.append("".join(parts).encode("utf-8", "surrogatepass"))
    return texts


@pytest.mark.parametrize("seed", range(6))
def test_the_spans_are_those_of_the_wrapper(seed: int) -> None:
    patterns = [rule.pattern for rule in _TOKEN_RULES] + _CUSTOM
    for encoded in _texts(seed):
        for pattern in patterns:
            assert list(rules._secret_spans(pattern, encoded)) == list(_by_wrapper(pattern, encoded))


def test_a_host_is_read_from_its_group() -> None:
    found = list(rules._secret_spans(_CUSTOM[2], b"db://user:hunter22@db.example.test/x"))
    assert found == [(10, 18, "db.example.test")]
