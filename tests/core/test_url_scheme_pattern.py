"""The `url-basic-auth` rule's scheme is spelled so that RE2's DFA stays small (issue 16): it must find the
same secrets and hosts, at the same offsets, as the spelling it replaced, on every text."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import rules
from bot.core.rulemodel import compile_pattern
from bot.core.rules import RuleSet

# The rule's pattern before (issue 16): a letter, then 1 to 20 scheme characters.
_BEFORE = (
    r"""[A-Za-z][A-Za-z0-9+.-]{1,20}://[^:/@\s"'<>]*:(?P<secret>[^@\s"'/<>]+)@"""
    r"""(?P<host>[A-Za-z0-9\[][^\s"'@/?#<>]*)"""
)
_PIECES = [
    "://", "https://", "a", "Z", "9", "0", "+", ".", "-", ":", "/", "@", " ", "\n", '"', "'", "<", ">", "[",
    "?", "#", "user", "pass", "host", "é", "\u017f", "ab12cd34ef56gh78ij90", "1234567890123456789", "_",
]  # fmt: skip
_TEXTS = st.one_of(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), st.text(max_size=60))


def _spans(pattern: rules.Pattern, text: str) -> list[tuple[int, int, str | None]]:
    return list(rules._secret_spans(pattern, text.encode("utf-8", "surrogatepass")))


def _now() -> rules.Pattern:
    return RuleSet.default().get("url-basic-auth").pattern


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_same_spans_as_the_counted_scheme(text: str) -> None:
    assert _spans(_now(), text) == _spans(compile_pattern(_BEFORE), text)


def test_same_spans_on_scheme_runs_around_the_bound() -> None:
    """Runs of letters, digits and `+.-` of lengths near 20 before `://`: the case the spelling is about."""
    rng = random.Random(16)
    before, now = compile_pattern(_BEFORE), _now()
    for _ in range(6000):
        share = rng.choice([0.02, 0.1, 0.5])  # how often a scheme character is a letter
        length = rng.randint(0, 26)
        scheme = "".join(rng.choice("aZ" if rng.random() < share else "09+.-") for _ in range(length))
        head = rng.choice(["", "x:", "a://b:c@d ", "::", "1"])
        user, secret, host = rng.choice(["u", ""]), rng.choice(["p", "p:q", ""]), rng.choice(["h", "[", "/"])
        text = f"{head}{scheme}://{user}:{secret}@{host}"
        assert _spans(now, text) == _spans(before, text), text
