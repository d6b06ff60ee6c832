from __future__ import annotations

import pytest

from bot.reports.model import Annotation, CheckRunOutput, DraftComment
from tests.github.conftest import REPO, World

NAME = "Serverless secrets"


def make_annotations(count: int) -> tuple[Annotation, ...]:
    return tuple(
        Annotation("serverless.yml", 7, 7, "failure", f"Hard-coded secret {index}", f"message {index}")
        for index in range(count)
    )


def start(world: World) -> int:
    return world.gateway.create_check_run(REPO, world.pull.head_sha, name=NAME, external_id="d-1")


@pytest.mark.parametrize(("count", "requests"), [(0, 1), (1, 1), (50, 1), (51, 2), (120, 3), (250, 5)])
def test_annotations_go_in_batches_of_50(world: World, count: int, requests: int) -> None:
    run_id = start(world)

    world.gateway.complete_check_run(
        REPO,
        run_id,
        conclusion="failure",
        output=CheckRunOutput("t", "s", "details", make_annotations(count)),
    )

    run = world.fake.world.check_runs[run_id]
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert [a["title"] for a in run.annotations] == [f"Hard-coded secret {i}" for i in range(count)]
    patches = [r.json() for r in world.fake.calls("checks/update")]
    assert len(patches) == requests
    assert all(len(p["output"].get("annotations", [])) <= 50 for p in patches)
    assert patches[0]["conclusion"] == "failure"
    assert patches[0]["output"]["text"] == "details"
    assert all("conclusion" not in p and "text" not in p["output"] for p in patches[1:])


def test_annotation_fields_are_githubs(world: World) -> None:
    run_id = start(world)
    output = CheckRunOutput("t", "s", None, (Annotation("a.yml", 3, 4, "warning", "T", "M"),))

    world.gateway.complete_check_run(REPO, run_id, conclusion="neutral", output=output)

    sent = world.fake.calls("checks/update")[0].json()["output"]
    assert sent == {
        "title": "t",
        "summary": "s",
        "annotations": [
            {
                "path": "a.yml",
                "start_line": 3,
                "end_line": 4,
                "annotation_level": "warning",
                "title": "T",
                "message": "M",
            }
        ],
    }


def test_oversized_texts_are_cut_to_githubs_limit(world: World) -> None:
    run_id = start(world)
    output = CheckRunOutput("t", "é" * 70_000, "x" * 100_000)

    world.gateway.complete_check_run(REPO, run_id, conclusion="success", output=output)

    sent = world.fake.calls("checks/update")[0].json()["output"]
    assert len(sent["summary"].encode()) <= 65_535
    assert len(sent["text"]) <= 65_535


def test_an_ambiguous_failure_on_a_batch_does_not_duplicate_annotations(world: World) -> None:
    run_id = start(world)
    world.fake.fail("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}", 502, after_apply=True)

    world.gateway.complete_check_run(
        REPO, run_id, conclusion="failure", output=CheckRunOutput("t", "s", None, make_annotations(75))
    )

    assert len(world.fake.world.check_runs[run_id].annotations) == 75
    assert len(world.fake.calls("checks/get")) == 1


def test_a_refused_batch_is_sent_again(world: World) -> None:
    run_id = start(world)
    world.fake.fail("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}", 500)

    world.gateway.complete_check_run(
        REPO, run_id, conclusion="failure", output=CheckRunOutput("t", "s", None, make_annotations(3))
    )

    run = world.fake.world.check_runs[run_id]
    assert (run.status, len(run.annotations)) == ("completed", 3)


def test_review_is_one_request_with_right_side_comments(world: World) -> None:
    comments = [DraftComment("serverless.yml", 6, "one"), DraftComment("serverless.yml", 7, "two")]

    world.gateway.create_review(REPO, 1, commit_sha=world.pull.head_sha, body="Review", comments=comments)

    assert world.fake.calls("pulls/create-review")[0].json() == {
        "commit_id": world.pull.head_sha,
        "event": "COMMENT",
        "body": "Review",
        "comments": [
            {"path": "serverless.yml", "line": 6, "side": "RIGHT", "body": "one"},
            {"path": "serverless.yml", "line": 7, "side": "RIGHT", "body": "two"},
        ],
    }
    listed = world.gateway.review_comments(REPO, 1)
    assert [(c.path, c.line, c.body, c.author) for c in listed] == [
        ("serverless.yml", 6, "one", "secrets-bot[bot]"),
        ("serverless.yml", 7, "two", "secrets-bot[bot]"),
    ]


def test_nothing_to_say_sends_nothing(world: World) -> None:
    world.gateway.create_review(REPO, 1, commit_sha=world.pull.head_sha, body="", comments=[])
    assert world.fake.calls("pulls/create-review") == []


def test_review_comments_are_paginated(world: World) -> None:
    drafts = [DraftComment("serverless.yml", 5 + i % 3, f"c{i}") for i in range(230)]
    world.gateway.create_review(REPO, 1, commit_sha=world.pull.head_sha, body="b", comments=drafts)

    assert [c.body for c in world.gateway.review_comments(REPO, 1)] == [f"c{i}" for i in range(230)]
    assert len(world.fake.calls("pulls/list-review-comments")) == 3


def test_outdated_comments_have_no_line_after_a_force_push(world: World) -> None:
    world.gateway.create_review(
        REPO, 1, commit_sha=world.pull.head_sha, body="b", comments=[DraftComment("serverless.yml", 7, "x")]
    )
    world.repo.commit("feature", {"serverless.yml": "service: svc\n"})

    [comment] = world.gateway.review_comments(REPO, 1)
    assert comment.line is None


def test_update_review_comment(world: World) -> None:
    world.gateway.create_review(
        REPO, 1, commit_sha=world.pull.head_sha, body="b", comments=[DraftComment("serverless.yml", 7, "x")]
    )
    [comment] = world.gateway.review_comments(REPO, 1)

    world.gateway.update_review_comment(REPO, comment.id, "Resolved")

    assert world.fake.world.review_comments[comment.id].body == "Resolved"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", "admin"),
        ("maintain", "maintain"),
        ("write", "write"),
        ("triage", "triage"),
        ("read", "read"),
    ],
)
def test_permission_is_the_role(world: World, role: str, expected: str) -> None:
    world.fake.world.add_user("alice")
    world.repo.permissions["alice"] = role

    assert world.gateway.permission(REPO, "alice") == expected


def test_permission_of_strangers_is_none(world: World) -> None:
    world.fake.world.add_user("mallory")
    assert world.gateway.permission(REPO, "mallory") == "none"
    assert world.gateway.permission(REPO, "no-such-user") == "none"


def test_reaction_and_reply(world: World) -> None:
    comment = world.fake.world.add_issue_comment(REPO, 1, "/secrets-bot rescan", user="alice")

    world.gateway.add_reaction(REPO, comment.id, "eyes")
    world.gateway.add_reaction(REPO, comment.id, "eyes")
    world.gateway.create_issue_comment(REPO, 1, "Only writers can ask for a rescan.")

    assert [(r.comment_id, r.content) for r in world.fake.world.reactions] == [(comment.id, "eyes")]
    replies = [c.body for c in world.fake.world.issue_comments.values() if c.user == world.fake.bot_login]
    assert replies == ["Only writers can ask for a rescan."]


def test_a_reply_that_reached_github_is_not_posted_twice(world: World) -> None:
    world.fake.reset_connection(
        "POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", after_apply=True
    )

    world.gateway.create_issue_comment(REPO, 1, "Only writers can ask for a rescan.")

    assert len([c for c in world.fake.world.issue_comments.values() if c.user == world.fake.bot_login]) == 1
