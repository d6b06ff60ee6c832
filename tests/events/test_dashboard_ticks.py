"""`issues.edited` on the secrets dashboard: a box a person ticked asks for a fix pull request; edits by the
bot itself, edits that tick nothing and copies of the dashboard ask for nothing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bot.events import ScanRequest, Trigger, route

PAYLOADS = Path(__file__).parent / "payloads"
FP1 = "v2-" + "3f" * 16
FP2 = "v2-" + "a7" * 16


def edited() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / "issues.edited.json").read_text())
    return data


def test_a_ticked_box_asks_for_a_fix_pull_request() -> None:
    [request] = route("issues", edited(), delivery_id="d-9")

    assert request == ScanRequest(
        installation_id=42424242,
        repo="acme/payments-api",
        trigger=Trigger.FIX,
        head_sha=None,
        default_branch="main",
        delivery_id="d-9",
        commenter="dev-alice",
        arguments=FP1,
    )
    assert ScanRequest.from_job(request.to_job()) == request


def test_two_boxes_ticked_in_one_edit_are_one_request() -> None:
    payload = edited()
    payload["issue"]["body"] = payload["issue"]["body"].replace("- [ ] open", "- [x] open")

    [request] = route("issues", payload)

    assert request.arguments == f"{FP1} {FP2}"


def test_the_bots_own_edits_ask_for_nothing() -> None:
    payload = edited()
    payload["sender"] = copy.deepcopy(payload["issue"]["user"])  # the App rewrote the body
    assert route("issues", payload) == []
    payload["sender"] = {"login": "serverless-secrets-bot[bot]", "id": 5, "type": "User"}
    assert route("issues", payload) == []


def test_another_bot_ticking_asks_for_nothing() -> None:
    payload = edited()
    payload["sender"] = {"login": "renovate[bot]", "id": 29139614, "type": "Bot"}
    assert route("issues", payload) == []


@pytest.mark.parametrize(
    "change",
    [
        "untick",  # the box was ticked before and is not now
        "other text",  # only prose around the boxes changed
        "title",  # a title edit carries no previous body
        "no marker",  # the body is not the dashboard's
        "person's issue",  # a copy of the dashboard opened by a person
        "closed action",
    ],
)
def test_edits_without_a_newly_ticked_box_ask_for_nothing(change: str) -> None:
    payload = edited()
    issue = payload["issue"]
    if change == "untick":
        issue["body"], payload["changes"]["body"]["from"] = payload["changes"]["body"]["from"], issue["body"]
    elif change == "other text":
        issue["body"] = payload["changes"]["body"]["from"] + "\nThanks, bot!\n- [x] buy milk\n"
    elif change == "title":
        payload["changes"] = {"title": {"from": "Old title"}}
    elif change == "no marker":
        issue["body"] = issue["body"].replace("<!-- secrets-bot:dashboard -->", "")
    elif change == "person's issue":
        issue["user"] = {"login": "mallory", "id": 666, "type": "User"}
    else:
        payload["action"] = "closed"

    assert route("issues", payload) == []


def test_a_body_that_is_not_text_asks_for_nothing() -> None:
    payload = edited()
    payload["issue"]["body"] = None
    assert route("issues", payload) == []
