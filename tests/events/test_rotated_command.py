"""`/secrets-bot rotated FINGERPRINT...` comments: what travels to the worker, and what never does."""

from __future__ import annotations

import pytest

from bot.events import Trigger, route
from bot.events.issue_comment import MAX_ARGUMENTS, rotated_arguments
from bot.events.request import ScanRequest
from tests.events.test_router import load, only


def rotated(body: str) -> ScanRequest:
    payload = load("issue_comment.created")
    payload["comment"]["body"] = body
    return only(route("issue_comment", payload, delivery_id="d-9"))


def test_a_rotated_comment_asks_for_a_rescan_with_its_fingerprints() -> None:
    request = rotated("/secrets-bot rotated v2-0123abcd 89abcdef01\nrotated both yesterday")
    assert request.trigger is Trigger.ROTATED
    assert request.arguments == "v2-0123abcd 89abcdef01"
    assert (request.pr_number, request.comment_id, request.commenter) == (7, 2110123456, "dev-bob")
    assert ScanRequest.from_job(request.to_job()) == request


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/Secrets-Bot ROTATED v2-0123abcd", "v2-0123abcd"),
        ("/secrets-bot rotated v2-0123abcd,89abcdef01 ,  fedcba98", "v2-0123abcd 89abcdef01 fedcba98"),
        ("/secrets-bot rotated", ""),
        ("/secrets-bot rotated <!--x--> `v2-0123abcd` @team", ""),
        ("/secrets-bot rotated v2-0123abcd <b>x</b>", "v2-0123abcd"),
    ],
)
def test_only_words_that_could_be_fingerprints_travel(line: str, expected: str) -> None:
    assert rotated_arguments(line) == expected


@pytest.mark.parametrize("line", ["/secrets-bot rescan", "/secrets-bot rotatedx v2-0123abcd", "rotated", ""])
def test_other_lines_are_not_the_command(line: str) -> None:
    assert rotated_arguments(line) is None


def test_the_number_of_fingerprints_read_is_bounded() -> None:
    words = " ".join(f"{n:08x}" for n in range(MAX_ARGUMENTS + 5))
    assert len((rotated_arguments(f"/secrets-bot rotated {words}") or "").split()) == MAX_ARGUMENTS


def test_the_command_must_be_the_first_line() -> None:
    payload = load("issue_comment.created")
    payload["comment"]["body"] = "thanks!\n/secrets-bot rotated v2-0123abcd"
    assert route("issue_comment", payload) == []


def test_a_bots_rotated_comment_is_ignored() -> None:
    payload = load("issue_comment.created")
    payload["comment"]["body"] = "/secrets-bot rotated v2-0123abcd"
    payload["comment"]["user"] = {"login": "helper[bot]", "type": "Bot"}
    assert route("issue_comment", payload) == []
