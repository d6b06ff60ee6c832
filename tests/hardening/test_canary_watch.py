"""The suite-wide canary watch catches what it is meant to catch, so its silence elsewhere means something."""

from __future__ import annotations

import logging

from tests import canaries
from tests.conftest import FakeGitHub
from tests.hardening.canary import CanaryWatch

CANARY = "canary-watch-" + "Zx9" * 6


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("bot.test", logging.INFO, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def test_a_canary_in_a_message_its_arguments_or_extras_is_caught_by_a_label() -> None:
    canaries.register(CANARY)
    watch = CanaryWatch()
    watch.inspect(record("plain text"))
    assert watch.hits == []
    for leaking in (record("value " + CANARY), record("value %s", CANARY), record("x", field=CANARY)):
        watch.inspect(leaking)
    assert len(watch.hits) == 3
    assert all(CANARY not in hit for hit in watch.hits), "the report itself must not repeat the value"


def test_a_pem_key_is_caught_by_any_line_of_its_body() -> None:
    key = (
        "-----BEGIN TEST KEY-----\n" + "\n".join(f"{n}" * 64 for n in range(4)) + "\n-----END TEST KEY-----\n"
    )
    canaries.register(key)
    assert canaries.found_in(
        "a log line with 1111111111111111111111111111111111111111111111111111111111111111"
    )


def test_a_request_carrying_a_canary_is_recorded_by_the_in_memory_fake() -> None:
    canaries.register(CANARY)
    github = FakeGitHub()
    github.create_issue_comment("acme/app", 1, "leaking " + CANARY)
    hits = canaries.take_hits()  # taken here, so the autouse watch does not fail this test
    assert len(hits) == 1 and "create_issue_comment" in hits[0]
