"""Built-in token rules without keywords are searched together first, and each only in a text that one of
them matches (issue 16): the matches must be those of searching with each on every text."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import rules as rules_module
from bot.core.rules import RuleSet, expand_example

DEFAULT = RuleSet.default()
_ALWAYS = [rule for rule in DEFAULT.rules if rule.kind.value == "token" and not rule.keywords]


def _ungated(rules: RuleSet) -> RuleSet:
    """The same rules, each keyword-less rule searching every text."""
    plain = RuleSet(rules.rules)
    index = rules_module._KeywordIndex(plain._token_rules)
    index._always = sorted([*index._always, *index._gated], key=lambda item: item[0])
    index._gated, index._any_gated = [], None
    plain.__dict__["_keywords"] = index
    return plain


PLAIN = _ungated(DEFAULT)


def _examples() -> list[str]:
    rng = random.Random(7)
    return [
        expand_example(template, rng)
        for rule in _ALWAYS
        for template in (*rule.examples, *rule.counter_examples)
    ]


_PIECES = [*_examples(), " ", "\n", "_", ".", "-", "x", "M", "abc_", "é", "token: ", '"', "://a:b@c"]


def test_the_built_in_keyword_less_rules_are_searched_together() -> None:
    index = DEFAULT._keywords
    assert len(_ALWAYS) > 1 and index._any_gated is not None
    assert {rule.id for _, rule in index._gated} == {rule.id for rule in _ALWAYS}
    assert not any(r"\Q" in str(getattr(rule.pattern, "pattern", "")) for rule in _ALWAYS)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join))
def test_the_matches_are_those_of_searching_with_each_rule(text: str) -> None:
    assert DEFAULT.find_tokens(text) == PLAIN.find_tokens(text)
    encoded = text.encode("utf-8", "surrogatepass")
    run = {rule.id for _, rule in DEFAULT._keywords.rules_to_run(encoded)}
    for rule in _ALWAYS:
        if list(rules_module._secret_spans(rule.pattern, encoded)):
            assert rule.id in run


@pytest.mark.parametrize("example", _examples())
def test_each_example_alone_and_amid_text(example: str) -> None:
    for text in (example, f"key: {example}\n", f"a.b_c {example}_x", f"{example}.{example}"):
        assert DEFAULT.find_tokens(text) == PLAIN.find_tokens(text)


def test_a_custom_keyword_less_rule_searches_every_text() -> None:
    custom = rules_module.compile_rule(
        {"id": "custom-x", "description": "x", "kind": "token", "regex": r"\Qzz", "keywords": []},
        where="custom",
    )
    rules = RuleSet([*DEFAULT.rules, custom])
    assert custom in [rule for _, rule in rules._keywords.rules_to_run(b"plain zz text")]
