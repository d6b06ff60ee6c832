"""Adversarial growth: values made of repetitions of the scanner's own pattern fragments (`a=`, quotes,
escapes, `${`, PEM armour, key words...) in every manifest kind cost time about linear in their size.

Timing is compared between n and 16n (about 16 when linear, 256 when quadratic, far more when exponential),
best of three runs, against a generous bound (three times linear): never an absolute wall-clock limit.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.hostile import FRAGMENTS, KINDS
from bot.core.config import ScanConfig
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file
from tests.timing import cpu_seconds

RULES = RuleSet.default()
CONFIG = ScanConfig()
BASE_CHARS = 2_000  # the value at n; 16n is 32,000 characters
GROWTH = 16
MAX_RATIO = 3 * GROWTH


def growth(kind: str, unit: str, tail: str) -> float:
    """Scan time of `unit` repeated to GROWTH * BASE_CHARS then `tail`, over the same at BASE_CHARS."""
    count = max(1, BASE_CHARS // len(unit))
    times = []
    for repeat in (count, GROWTH * count):
        path, text = KINDS[kind](unit * repeat + tail)
        data = text.encode("utf-8")
        times.append(cpu_seconds(lambda p=path, d=data: scan_file(p, d, ruleset=RULES, config=CONFIG)))
    return times[1] / max(times[0], 1e-3)


# The inputs that were exponential or quadratic before the patterns moved to RE2, in every kind; runs of
# blanks and of newlines (a dotenv value, the head of a YAML file) were quadratic in structure patterns.
@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize(
    ("unit", "tail"),
    [
        ("a=", '"'),
        ("_a", ""),
        ("Ab1", "!"),
        ("\\'", ""),
        ("a: ", ""),
        (" ", "#"),
        ("//", "#"),
        (" ", ""),
        ("\n", ""),
    ],
)
def test_known_worst_fragments_grow_linearly(kind: str, unit: str, tail: str) -> None:
    assert growth(kind, unit, tail) < MAX_RATIO


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(KINDS)),
    parts=st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=3),
    tail=st.sampled_from(FRAGMENTS),
)
def test_repeated_pattern_fragments_grow_linearly(kind: str, parts: list[str], tail: str) -> None:
    assert growth(kind, "".join(parts), tail) < MAX_RATIO
