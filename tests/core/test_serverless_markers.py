"""Serverless's claim on a YAML file of another name: the line-start test answers as the word test did."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.manifests.base import Format
from bot.core.manifests.serverless import PLATFORM

_FORMER = (
    ("service", re.compile(r"^service\s*:", re.MULTILINE)),
    ("provider", re.compile(r"^provider\s*:", re.MULTILINE)),
)
_HEADS = st.lists(
    st.sampled_from(
        ["service", "provider", ":", " ", "\t", "\n", "\r", "\r\n", "x", "services", "-", "\u2028"]
    ),
    max_size=14,
).map("".join)


def former_claim(head: str) -> Format | None:
    found = all(word in head and marker.search(head) for word, marker in _FORMER)
    return Format.YAML if found else None


@settings(max_examples=1000, deadline=None)
@given(_HEADS)
def test_the_same_claim_as_before(head: str) -> None:
    assert PLATFORM.claims("deploy/app.yml", "app.yml", head) == former_claim(head)
