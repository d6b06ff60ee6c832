"""Every trigger, from GitHub-shaped payloads in tests/events/payloads/<event>.<action>.json."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.events import MalformedPayload, ScanRequest, Trigger, default_router, route

PAYLOADS = Path(__file__).parent / "payloads"
HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e"
BASE = "9049f1265b7d61be4a8904a9a27120d2064dab3b"
BEFORE = "1c8e1b0a27de3d5b8e0e1d2b6a3f6f5e4d3c2b1a"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return data


def only(requests: list[ScanRequest]) -> ScanRequest:
    assert len(requests) == 1, requests
    return requests[0]


@pytest.mark.parametrize("action", ["opened", "reopened", "synchronize", "ready_for_review"])
def test_pull_request_actions_scan_the_head(action: str) -> None:
    payload = load("pull_request.opened")
    payload["action"] = action
    request = only(route("pull_request", payload, delivery_id="d-1"))
    assert request == ScanRequest(
        installation_id=42424242,
        repo="acme/payments-api",
        trigger=Trigger.PULL_REQUEST,
        head_sha=HEAD,
        default_branch="main",
        delivery_id="d-1",
        pr_number=7,
        base_ref="main",
        base_sha=BASE,
    )


def test_synchronize_keeps_before_and_after() -> None:
    request = only(route("pull_request", load("pull_request.synchronize")))
    assert (request.before, request.after, request.head_sha) == (BEFORE, HEAD, HEAD)


@pytest.mark.parametrize("action", ["closed", "labeled", "edited", "assigned"])
def test_other_pull_request_actions_do_nothing(action: str) -> None:
    payload = load("pull_request.closed")
    payload["action"] = action
    assert route("pull_request", payload) == []


def fix_pull_closed(*, merged: bool = False, ref: str = "secrets-bot/fix-secrets") -> dict[str, Any]:
    payload = load("pull_request.closed")
    payload["pull_request"]["merged"] = merged
    payload["pull_request"]["head"]["ref"] = ref
    return payload


def test_the_bots_fix_pull_request_closed_unmerged_is_forgotten() -> None:
    request = only(route("pull_request", fix_pull_closed(), delivery_id="d-9"))

    assert (request.trigger, request.repo, request.pr_number) == (Trigger.FIX_CLOSED, "acme/payments-api", 7)
    assert request.head_sha is None


def test_a_merged_fix_a_fork_or_another_branch_closing_forgets_nothing() -> None:
    fork = fix_pull_closed()
    fork["pull_request"]["head"]["repo"] = {**fork["pull_request"]["head"]["repo"], "full_name": "mallory/x"}
    for payload in (fix_pull_closed(merged=True), fix_pull_closed(ref="feature/billing"), fork):
        assert route("pull_request", payload) == []


def test_fork_pull_request_is_scanned_in_the_base_repository() -> None:
    payload = load("pull_request.opened")
    payload["pull_request"]["head"]["repo"] = {
        "id": 601234567,
        "full_name": "octocat/payments-api",
        "fork": True,
    }
    request = only(route("pull_request", payload))
    assert (request.repo, request.pr_number, request.head_sha) == ("acme/payments-api", 7, HEAD)


def test_push_to_default_branch_compares_before_and_after() -> None:
    request = only(route("push", load("push"), delivery_id="d-2"))
    assert request.trigger is Trigger.PUSH
    assert (request.before, request.after, request.head_sha, request.ref) == (BEFORE, HEAD, HEAD, "main")
    assert request.pushed_to_default_branch
    assert request.pr_number is None


def test_new_branch_is_compared_with_the_default_branch() -> None:
    request = only(route("push", load("push.created")))
    assert request.before is None
    assert request.base_ref == "main"
    assert request.ref == "feature/billing"
    assert not request.pushed_to_default_branch


def test_branch_deletion_does_nothing() -> None:
    assert route("push", load("push.deleted")) == []


def test_tag_push_does_nothing() -> None:
    assert route("push", load("push.tag")) == []


def test_check_suite_requested_carries_the_linked_pull_request() -> None:
    request = only(route("check_suite", load("check_suite.requested")))
    assert request.trigger is Trigger.CHECK_SUITE
    assert (request.head_sha, request.pr_number, request.base_ref, request.base_sha) == (
        HEAD,
        7,
        "main",
        BASE,
    )
    assert (request.before, request.ref) == (BEFORE, "feature/billing")
    assert request.trigger.is_automatic


def test_check_suite_rerequested_is_a_forced_rerun() -> None:
    request = only(route("check_suite", load("check_suite.rerequested")))
    assert request.trigger is Trigger.RERUN
    assert not request.trigger.is_automatic


def test_fork_check_suite_has_no_pull_request_and_is_resolved_by_sha_later() -> None:
    request = only(route("check_suite", load("check_suite.requested.fork")))
    assert (request.head_sha, request.pr_number, request.ref) == (HEAD, None, None)


def test_check_suite_ignores_pull_requests_of_other_repositories() -> None:
    payload = load("check_suite.requested")
    payload["check_suite"]["pull_requests"][0]["base"]["repo"]["id"] = 1
    assert only(route("check_suite", payload)).pr_number is None


def test_check_suite_completed_does_nothing() -> None:
    payload = load("check_suite.requested")
    payload["action"] = "completed"
    assert route("check_suite", payload) == []


def test_check_run_rerequested_scans_that_sha() -> None:
    request = only(route("check_run", load("check_run.rerequested"), delivery_id="d-3"))
    assert request.trigger is Trigger.RERUN
    assert (request.head_sha, request.pr_number, request.before, request.delivery_id) == (
        HEAD,
        7,
        BEFORE,
        "d-3",
    )


def test_fork_check_run_rerequested_has_no_pull_request() -> None:
    payload = load("check_run.rerequested")
    payload["check_run"]["pull_requests"] = []
    payload["check_run"]["check_suite"]["pull_requests"] = []
    payload["check_run"]["check_suite"]["head_branch"] = None
    request = only(route("check_run", payload))
    assert (request.head_sha, request.pr_number) == (HEAD, None)


def test_rerun_of_another_apps_check_run_does_nothing() -> None:
    payload = load("check_run.rerequested")
    payload["check_run"]["name"] = "build"
    assert route("check_run", payload) == []


def test_rescan_comment_on_a_pull_request() -> None:
    request = only(route("issue_comment", load("issue_comment.created"), delivery_id="d-4"))
    assert request.trigger is Trigger.RESCAN
    assert (request.pr_number, request.comment_id, request.commenter) == (7, 2110123456, "dev-bob")
    assert request.head_sha is None


@pytest.mark.parametrize(
    "body", ["/SECRETS-BOT rescan", "  /secrets-bot rescan  \nthanks", "/secrets-bot rescan"]
)
def test_rescan_command_is_the_first_line(body: str) -> None:
    payload = load("issue_comment.created")
    payload["comment"]["body"] = body
    assert len(route("issue_comment", payload)) == 1


@pytest.mark.parametrize(
    "body",
    ["please /secrets-bot rescan", "LGTM\n/secrets-bot rescan", "/secrets-bot rescanned", "", "/secrets-bot"],
)
def test_other_comments_do_nothing(body: str) -> None:
    payload = load("issue_comment.created")
    payload["comment"]["body"] = body
    assert route("issue_comment", payload) == []


@pytest.mark.parametrize(
    "user",
    [
        {"login": "dependabot[bot]", "type": "Bot"},
        {"login": "serverless-secrets-bot[bot]", "type": "Bot"},
        {"login": "renovate[bot]", "type": "User"},
    ],
)
def test_comments_from_bots_are_ignored(user: dict[str, str]) -> None:
    payload = load("issue_comment.created")
    payload["comment"]["user"] = user
    assert route("issue_comment", payload) == []


def test_comment_on_an_issue_does_nothing() -> None:
    payload = load("issue_comment.created")
    del payload["issue"]["pull_request"]
    assert route("issue_comment", payload) == []


@pytest.mark.parametrize("action", ["edited", "deleted"])
def test_edited_or_deleted_comments_do_nothing(action: str) -> None:
    payload = load("issue_comment.created")
    payload["action"] = action
    assert route("issue_comment", payload) == []


def test_rotated_comment_on_a_commit_names_the_commit() -> None:
    request = only(route("commit_comment", load("commit_comment.created"), delivery_id="d-9"))
    assert request == ScanRequest(
        installation_id=42424242,
        repo="acme/payments-api",
        trigger=Trigger.ROTATED,
        head_sha=HEAD,
        default_branch="main",
        delivery_id="d-9",
        comment_id=143290001,
        commenter="dev-bob",
        arguments="v2-0f3a9c1d2e",
    )


@pytest.mark.parametrize(
    "body", ["/secrets-bot rescan", "thanks\n/secrets-bot rotated v2-0f3a9c1d2e", "looks good", ""]
)
def test_other_commit_comments_do_nothing(body: str) -> None:
    payload = load("commit_comment.created")
    payload["comment"]["body"] = body
    assert route("commit_comment", payload) == []


@pytest.mark.parametrize(
    "user",
    [{"login": "serverless-secrets-bot[bot]", "type": "Bot"}, {"login": "renovate[bot]", "type": "User"}],
)
def test_commit_comments_from_bots_are_ignored(user: dict[str, str]) -> None:
    payload = load("commit_comment.created")
    payload["comment"]["user"] = user
    assert route("commit_comment", payload) == []


def test_a_commit_comment_without_installation_does_nothing() -> None:
    payload = load("commit_comment.created")
    del payload["installation"]
    assert route("commit_comment", payload) == []


def test_unknown_events_and_ping_do_nothing() -> None:
    assert route("ping", load("ping")) == []
    assert route("star", {"action": "created"}) == []


def test_delivery_without_installation_does_nothing() -> None:
    payload = load("pull_request.opened")
    del payload["installation"]
    assert route("pull_request", payload) == []


@pytest.mark.parametrize(
    ("event", "name", "path"),
    [
        ("pull_request", "pull_request.opened", ("pull_request", "head", "sha")),
        ("push", "push", ("repository", "full_name")),
        ("check_suite", "check_suite.requested", ("check_suite", "head_sha")),
        ("issue_comment", "issue_comment.created", ("comment", "id")),
    ],
)
def test_payload_missing_a_needed_field_is_malformed(event: str, name: str, path: tuple[str, ...]) -> None:
    payload = load(name)
    target = payload
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    with pytest.raises(MalformedPayload, match=path[-1]):
        route(event, payload)


def test_router_lists_the_events_the_app_subscribes_to() -> None:
    """app.yml lists the first seven; GitHub sends the installation events to every App unasked."""
    subscribed = yaml.safe_load((Path(__file__).parents[2] / "app.yml").read_text())["default_events"]
    assert default_router().events == {*subscribed, "installation", "installation_repositories"}
    assert set(subscribed) == {
        "pull_request",
        "push",
        "check_run",
        "check_suite",
        "issue_comment",
        "issues",
        "commit_comment",
    }


def test_requests_round_trip_through_the_job_form() -> None:
    requests = [
        *route("pull_request", load("pull_request.synchronize"), delivery_id="a"),
        *route("push", load("push.created"), delivery_id="b"),
        *route("issue_comment", load("issue_comment.created"), delivery_id="c"),
        *route("check_suite", load("check_suite.requested.fork"), delivery_id="d"),
    ]
    for request in requests:
        job = request.to_job()
        assert json.loads(json.dumps(job)) == job
        assert ScanRequest.from_job(job) == request


@pytest.mark.parametrize(
    ("field", "value"),
    [("installation_id", None), ("installation_id", "42"), ("repo", 3), ("trigger", "nope")],
)
def test_from_job_rejects_malformed_jobs(field: str, value: object) -> None:
    job = copy.deepcopy(only(route("push", load("push"))).to_job())
    job[field] = value  # type: ignore[assignment]
    with pytest.raises(ValueError, match=field if field != "trigger" else "nope"):
        ScanRequest.from_job(job)
