"""`_secret_spans` calls google-re2's program directly: its spans are those the wrapper's `search` gives."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.rulemodel import Pattern, RuleKind, compile_pattern
from bot.core.rules import RuleSet, _secret_spans, expand_example

TOKEN_RULES = [rule for rule in RuleSet.default().rules if rule.kind is RuleKind.TOKEN]


def wrapper_spans(pattern: Pattern, encoded: bytes) -> Iterator[tuple[int, int, str | None]]:
    """The former implementation, through google-re2's `search` and match objects."""
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


def _examples() -> list[str]:
    rng = random.Random(7)
    return [expand_example(template, rng) for rule in TOKEN_RULES for template in rule.examples]


EXAMPLES = _examples()
_PIECES = st.one_of(
    st.sampled_from(EXAMPLES),
    st.text(max_size=20),
    st.sampled_from(
        [
            "\n",
            " ",
            "=",
            ":",
            '"',
            "'",
            "@",
            "://",
            "user:",
            "pa$$@",
            "h\u00e9llo",
            "\U0001f511",
            "\ud800",
            "_",
        ]
    ),
)
_TEXTS = st.lists(_PIECES, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_every_token_rule_finds_the_same_spans(text: str) -> None:
    encoded = text.encode("utf-8", "surrogatepass")
    for rule in TOKEN_RULES:
        assert list(_secret_spans(rule.pattern, encoded)) == list(wrapper_spans(rule.pattern, encoded)), (
            rule.id
        )


@pytest.mark.parametrize(
    "source",
    [
        r"(?P<secret>a*)",  # empty matches everywhere: the search must still move on
        r"x(?P<secret>[0-9]+)(?:@(?P<host>[a-z]*))?",  # a host group that may not take part, or be empty
        r"[a-z]+",  # no `secret` group: the whole match
        r"(?:^|\n)(?P<secret>k[^\n]*)",
    ],
)
def test_compiled_custom_patterns_find_the_same_spans(source: str) -> None:
    pattern = compile_pattern(source)
    for text in ("", "x12@host x3@ x4 kk\nkey=1\n\u00e9x9@h", "aaa bbb", "\n" * 3, "x1@" + "a" * 50):
        encoded = text.encode("utf-8", "surrogatepass")
        assert list(_secret_spans(pattern, encoded)) == list(wrapper_spans(pattern, encoded))
