"""Key-name answers remembered across files (`bot.core.keymemo`): the same answers, a bounded memory, and
no name, nor any word of a value, held in clear."""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import keymemo
from bot.core.config import ScanConfig
from bot.core.heuristics import (
    key_answers,
    kind_of_key_name,
    names_a_lookup_key,
    names_a_secret_only_if_random,
    names_secret_in_passing,
    secret_kind_of_key,
)
from bot.core.keymemo import PerKeyName
from bot.core.rules import RuleSet
from bot.core.scanner import scan_file


def _counting() -> tuple[PerKeyName[int], list[str]]:
    asked: list[str] = []

    def length(name: str) -> int:
        asked.append(name)
        return len(name)

    return PerKeyName(length), asked


def test_a_name_asked_again_is_answered_from_memory() -> None:
    question, asked = _counting()
    assert [question("API_KEY"), question("API_KEY"), question("STAGE")] == [7, 7, 5]
    assert asked == ["API_KEY", "STAGE"]


def test_the_memory_holds_at_most_its_bound_of_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keymemo, "MAX_NAMES", 10)
    question, asked = _counting()
    for index in range(25):
        question(f"KEY_{index}")
        assert len(question.remembered()) <= 10
    question("KEY_24")
    assert asked.count("KEY_24") == 1  # the newest answers are kept
    assert keymemo.MAX_NAMES * keymemo.ENTRY_BYTES <= 16 << 20


def test_the_byte_estimate_covers_what_an_answer_holds() -> None:
    question = PerKeyName(lambda name: len(name) % 2 == 0)
    names = [f"ENVIRONMENT_VARIABLE_{index}" for index in range(5000)]
    gc.collect()
    tracemalloc.start()
    try:
        for name in names:
            question(name)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held / len(names) <= keymemo.ENTRY_BYTES  # measured about 80 bytes: a slot and the digest


def test_the_byte_estimate_covers_a_key_s_remembered_answers() -> None:
    names = [f"ENVIRONMENT_VARIABLE_{index}_SECRET_ID" for index in range(3000)]
    for name in names:
        key_answers.question(name)  # the words of each name read first, outside the measure
    gc.collect()
    tracemalloc.start()
    try:
        for name in names:
            key_answers(name)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held / len(names) <= keymemo.ENTRY_BYTES  # the answers are shared, never one tuple per name


@pytest.mark.parametrize(
    "key", ["DB_PASSWORD", "apiKey", "SECRET_ID", "LOCK_KEY", "PUBLIC_KEY", "STAGE", "", "x"]
)
def test_remembered_answers_are_the_questions_own(key: str) -> None:
    assert key_answers(key) == key_answers.question(key)
    assert key_answers(key) == key_answers.question(key)  # asked again, from memory
    assert (secret_kind_of_key(key), names_a_secret_only_if_random(key)) == key_answers.question(key)


_KEY_WORDS = [
    "secret", "password", "key", "token", "id", "name", "lock", "public", "pub", "client", "api", "value",
    "string", "2", "prod", "hash", "reset", "db", "x", "sort", "next", "private",
]  # fmt: skip
_PARTS = st.tuples(st.sampled_from(_KEY_WORDS), st.sampled_from(["_", "-", ".", "", "__"]), st.booleans())
_KEYS = st.lists(_PARTS, min_size=1, max_size=5).map(
    lambda parts: "".join((word.upper() if upper else word) + sep for word, sep, upper in parts)
)


@settings(max_examples=1500, deadline=None)
@given(_KEYS | st.text(max_size=30))
def test_answers_read_together_are_each_questions_own(key: str) -> None:
    """`key_answers` reads both answers at once (issue 16): each is what its own question says."""
    kind = kind_of_key_name(key)
    assert key_answers.question(key) == (kind, names_secret_in_passing(key) or names_a_lookup_key(key))


def test_no_name_nor_word_of_a_value_is_held_in_clear() -> None:
    value = "zebracrumblefoxquiver"  # one word, as the pre-parse filter splits values; made up
    text = f"service: app\nprovider:\n  name: aws\n  environment:\n    STAGE: {value}\n"
    scan_file("serverless.yml", text.encode(), ruleset=RuleSet.default(), config=ScanConfig())
    held = key_answers.remembered()
    assert held
    assert all(isinstance(entry, bytes) and len(entry) == 16 for entry in held)
    assert all(value.encode() not in entry for entry in held)
