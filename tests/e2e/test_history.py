"""Every pushed commit counts, end to end: a secret committed and then deleted still fails the check, named
with its file, its commit and its redacted value, and the calls stay within the documented bound."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests import canaries
from tests.e2e.harness import Bot
from tests.e2e.scenarios import (
    comment_event,
    commit_comment_event,
    person,
    pull_request_event,
    push_event,
    serverless,
)
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository

KEY_ID = "AKIA" + "Z7X6C5V4" + "B3N2M1L0"
SECRET = "hX9kQ2mP7vB4nR8t" + "W1yZ5cF3jL6dS0aG2eK4uI9o"
AWS_LINE = 9


def with_aws_key() -> str:
    return (
        "service: billing\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  charge:\n"
        "    handler: handler.main\n    environment:\n"
        f"      AWS_ACCESS_KEY_ID: {KEY_ID}\n      AWS_SECRET_ACCESS_KEY: {SECRET}\n"
    )


@pytest.fixture(autouse=True)
def _watched() -> None:
    canaries.register(KEY_ID, SECRET)


def added_then_deleted(repo: Repository, branch: str) -> tuple[str, str]:
    first = repo.commit(branch, {"serverless.yml": with_aws_key()}, start="main", author="mallory")
    second = repo.commit(branch, {"serverless.yml": serverless(None)}, author="mallory")
    return first, second


def assert_history_failure(github: FakeGitHub, repo: Repository, head: str, first: str) -> str:
    [run] = github.world.runs_for(repo.full_name, head)
    assert (run.name, run.status, run.conclusion) == ("Serverless secrets", "completed", "failure")
    summary = str(run.output["summary"])
    assert "in pushed commits" in str(run.output["title"])
    row = (
        f"| `serverless.yml` | {AWS_LINE} | `{first[:7]}` | `aws-access-key-id` | `AKI********L0` | mallory |"
    )
    assert row in summary  # the link to the file at that commit: tests/reports (an https host)
    assert "2 more in pushed commits" in summary
    assert "Rotate each secret first" in summary and "git filter-repo" in summary and "forks" in summary
    text = str(run.output["text"])
    assert "update-access-key" in text  # the platform's rotation step, from the finding's remediation
    assert run.annotations == []  # nothing at the head to point at
    everything = summary + text + str(run.output["title"])
    assert KEY_ID not in everything and SECRET not in everything
    return summary


def test_a_pull_request_whose_second_commit_deletes_the_key_still_fails(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    first, _ = added_then_deleted(repo, "feature/key")
    pull = repo.open_pull("feature/key")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    assert_history_failure(github, repo, pull.head_sha, first)
    [review] = github.world.reviews.values()
    assert first[:7] in review.body and "serverless.yml" in review.body
    assert github.world.comments_on(repo.full_name, pull.number) == []  # no inline comment: the line is gone
    blobs = github.calls("git/get-blob")
    assert len(blobs) == 1  # only the first commit's version: the head's was read as the head


def test_a_push_of_the_two_commits_to_the_default_branch_fails(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    before = repo.branches["main"]
    first, after = added_then_deleted(repo, "main")

    bot.deliver("push", push_event(repo, "main", before, after))
    bot.settle()

    assert_history_failure(github, repo, after, first)
    assert Counter(r.operation for r in github.calls()) >= Counter({"repos/get-commit": 1, "git/get-blob": 1})


def test_history_false_restores_the_end_result_only(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    repo.commit("main", {".github/secrets-bot.yml": "history: false\n"})
    added_then_deleted(repo, "feature/key")
    pull = repo.open_pull("feature/key")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "success"
    assert github.calls("pulls/list-commits") == []
    assert github.calls("repos/get-commit") == [] and github.calls("git/get-blob") == []


def test_a_secret_still_at_the_head_is_reported_once_naming_its_first_commit(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    first = repo.commit("feature/kept", {"serverless.yml": with_aws_key()}, start="main", author="mallory")
    repo.commit("feature/kept", {"handler.py": "def main(event, context):\n    return 201\n"})
    repo.commit("feature/kept", {"serverless.yml": with_aws_key().replace("python3.12", "python3.13")})
    pull = repo.open_pull("feature/kept")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure"
    assert "in pushed commits" not in str(run.output["title"])
    assert "In pushed commits" not in str(run.output["summary"])
    assert str(run.output["title"]).startswith("2 hard-coded secrets found")  # the pair, counted once
    assert f"First committed in `{first[:7]}` by mallory." in str(run.output["text"])


def test_a_secret_already_at_the_merge_base_is_not_the_pull_requests(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    """The base had the key; the pull request touched the file, then removed the key: its commit held the
    key, but the value was in the base's history before, so it is not this pull request's history finding."""
    repo.commit("main", {"serverless.yml": with_aws_key()})
    repo.commit("feature/fix", {"serverless.yml": with_aws_key().replace("python3.12", "python3.13")})
    repo.commit("feature/fix", {"serverless.yml": serverless(None)})
    pull = repo.open_pull("feature/fix")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "success"
    assert "In pushed commits" not in str(run.output["summary"])


def test_forty_commits_three_touching_manifests_stay_within_the_bound(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    """1 listing call for 40 commits, 1 call per commit but the head, 1 per distinct manifest blob; the
    blob committed twice (a revert brings it back) is read once."""
    for index in range(40):
        if index == 5:
            changes = {"serverless.yml": with_aws_key()}
        elif index == 20:
            changes = {"serverless.yml": serverless(None)}
        elif index == 30:
            changes = {"serverless.yml": with_aws_key()}  # the same blob as commit 5
        else:
            changes = {f"src/module{index}.py": f"VALUE = {index}\n"}
        repo.commit("feature/long", changes, start="main")
    repo.commit("feature/long", {"serverless.yml": serverless(None)})  # the head: 41st commit, clean again
    pull = repo.open_pull("feature/long")
    before = len(github.calls())

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    counts = Counter(r.operation for r in github.calls()[before:])
    assert counts["pulls/list-commits"] == 1
    assert counts["repos/get-commit"] == 40  # every commit but the head
    assert counts["git/get-blob"] == 2  # the key's blob once (commits 5 and 30), the clean one once
    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure"
    assert "Scanned 41 pushed commits." in str(run.output["summary"])


def test_acknowledging_every_history_finding_as_rotated_turns_the_check_green(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    first, _ = added_then_deleted(repo, "feature/key")
    pull = repo.open_pull("feature/key")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()
    [failed] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert failed.conclusion == "failure"
    prints = sorted(set(re.findall(r"v2-[0-9a-f]{32}", str(failed.output["text"]))))
    assert len(prints) >= 2  # the key id and the secret, at least
    person(github, repo, "alice", "write")
    body = "/secrets-bot rotated " + " ".join(fp[3:13] for fp in prints)
    comment = github.world.add_issue_comment(repo.full_name, pull.number, body, user="alice")

    bot.deliver("issue_comment", comment_event(repo, pull, comment.id, commenter="alice", body=body))
    bot.settle()

    run = github.world.runs_for(repo.full_name, pull.head_sha)[-1]
    assert run.id != failed.id and run.conclusion == "success"
    summary = str(run.output["summary"])
    assert f"Acknowledged as rotated: {len(prints)}" in summary and "in pushed commits" not in summary
    assert first[:7] not in str(run.output["title"])
    everything = summary + str(run.output.get("text", "")) + str(run.output["title"])
    assert KEY_ID not in everything and SECRET not in everything


def test_the_same_history_findings_are_told_in_one_review_not_again_on_every_new_head(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    added_then_deleted(repo, "feature/key")
    pull = repo.open_pull("feature/key")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()
    assert len(github.world.reviews) == 1

    repo.commit("feature/key", {"README.md": "notes\n"})
    pull = repo.pulls[pull.number]
    bot.deliver("pull_request", pull_request_event(repo, pull, action="synchronize"))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure" and "in pushed commits" in str(run.output["title"])  # still listed
    assert len(github.world.reviews) == 1  # but the review saying so is not posted again


def test_a_push_whose_history_findings_are_acknowledged_on_its_commit_turns_green(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    before = repo.branches["main"]
    _, after = added_then_deleted(repo, "main")
    github.world.record_push(repo.full_name, "main", before, after)
    bot.deliver("push", push_event(repo, "main", before, after))
    bot.settle()
    [failed] = github.world.runs_for(repo.full_name, after)
    assert failed.conclusion == "failure"
    prints = sorted(set(re.findall(r"v2-[0-9a-f]{32}", str(failed.output["text"]))))
    person(github, repo, "alice", "write")
    body = "/secrets-bot rotated " + " ".join(fp[3:13] for fp in prints)

    bot.deliver("commit_comment", commit_comment_event(repo, after, 7001, commenter="alice", body=body))
    bot.settle()

    rerun = github.world.runs_for(repo.full_name, after)[-1]
    assert rerun.id != failed.id and rerun.conclusion == "success"
    assert f"Acknowledged as rotated: {len(prints)}" in str(rerun.output["summary"])
