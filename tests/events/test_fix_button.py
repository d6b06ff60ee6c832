"""`check_run.requested_action`: the "Open fix PR" button of our check run becomes one FIX request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.events import MalformedPayload, ScanRequest, Trigger, route

PAYLOADS = Path(__file__).parent / "payloads"


def pressed(identifier: str = "open-fix-pr", **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((PAYLOADS / "check_run.rerequested.json").read_text())
    payload["action"] = "requested_action"
    payload["requested_action"] = {"identifier": identifier}
    payload["sender"] = {"login": "dev-alice", "id": 7, "type": "User"}
    payload.update(changes)
    return payload


def test_pressing_open_fix_pr_asks_for_a_fix_of_every_open_finding() -> None:
    [request] = route("check_run", pressed(), delivery_id="d-9")

    assert request == ScanRequest(
        installation_id=42424242,
        repo="acme/payments-api",
        trigger=Trigger.FIX,
        head_sha=None,
        default_branch="main",
        delivery_id="d-9",
        commenter="dev-alice",
        arguments=None,
    )
    assert ScanRequest.from_job(request.to_job()) == request


def test_another_button_or_another_check_run_asks_for_nothing() -> None:
    assert route("check_run", pressed("something-else")) == []
    other = pressed()
    other["check_run"] = {**other["check_run"], "name": "Another check"}
    assert route("check_run", other) == []


def test_a_press_without_a_sender_is_malformed() -> None:
    with pytest.raises(MalformedPayload):
        route("check_run", pressed(sender=None))
