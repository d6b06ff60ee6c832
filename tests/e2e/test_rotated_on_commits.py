"""`/secrets-bot rotated FINGERPRINT` on a pushed commit, end to end against the fake GitHub.

The App answers in its own check run, never with a commit comment (that would need `contents: write`): the
re-run of the push is the reply, and the acknowledgement is kept, hidden, at the top of that run's text.
`history_finding` (tests/e2e/conftest.py) stands in for the scan of each pushed commit, as for pull requests.
"""

from __future__ import annotations

import re
from collections import Counter

from tests.e2e.harness import Bot
from tests.e2e.scenarios import commit_comment_event, person, pull_request_event, push_event, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import CheckRun, Repository

FINGERPRINT = re.compile(r"v2-[0-9a-f]{32}")


def pushed(bot: Bot, github: FakeGitHub, repo: Repository) -> str:
    before = repo.branches["main"]
    after = repo.commit("main", {"serverless.yml": serverless()})
    github.world.record_push(repo.full_name, "main", before, after)
    bot.deliver("push", push_event(repo, "main", before, after))
    bot.settle()
    return after


def runs(github: FakeGitHub, repo: Repository, sha: str) -> list[CheckRun]:
    return github.world.runs_for(repo.full_name, sha)


def fingerprint_of(run: CheckRun) -> str:
    [found] = set(FINGERPRINT.findall(str(run.output.get("text"))))
    return found


def command(bot: Bot, repo: Repository, sha: str, user: str, body: str, comment_id: int = 7001) -> None:
    bot.deliver("commit_comment", commit_comment_event(repo, sha, comment_id, commenter=user, body=body))
    bot.settle()


def test_a_writers_acknowledgement_on_the_pushed_commit_stops_the_rerun_failing(
    bot: Bot, github: FakeGitHub, repo: Repository, history_finding: None
) -> None:
    after = pushed(bot, github, repo)
    [first] = runs(github, repo, after)
    assert first.conclusion == "failure"
    fingerprint = fingerprint_of(first)
    alice = person(github, repo, "alice", "write")
    before = len(github.calls())

    command(bot, repo, after, alice, f"/secrets-bot rotated {fingerprint[3:13]}")

    operations = Counter(r.operation for r in github.calls()[before:])
    assert operations["repos/get-collaborator-permission-level"] == 1
    assert operations["checks/get-suite"] == 1  # the push's range, as GitHub keeps it
    assert operations["repos/list-pull-requests-associated-with-commit"] == 1  # not a pull request's head
    assert operations["checks/list-for-ref"] == 3  # the commit's runs, the run to reuse, the record
    assert operations["repos/compare-commits-with-basehead"] == 2  # the same push again: files, then commits
    assert operations["checks/create"] == 1
    assert not [op for op in operations if op.endswith("comment") or op.startswith("reactions/")]
    assert operations["issues/get"] == 1  # the dashboard, read again after the scan: nothing to change there
    assert not [op for op in operations if op in ("issues/create", "issues/update")]
    compare = github.calls("repos/compare-commits-with-basehead")[-1]
    assert compare.path.endswith(f"/compare/{first_push_base(github, repo, after)}...{after}")
    [_, rerun] = runs(github, repo, after)
    assert rerun.conclusion == "success"
    assert "Acknowledged as rotated: 1" in str(rerun.output["summary"])
    text = str(rerun.output["text"])
    assert text.startswith("## /secrets-bot rotated\n\n@alice recorded as rotated at")
    assert f"<!-- secrets-bot:rotated fingerprint={fingerprint} sha={after} by=alice -->" in text

    command(bot, repo, after, alice, "/secrets-bot rotated", comment_id=7002)  # names nothing: a re-run
    latest = runs(github, repo, after)[-1]
    assert latest.conclusion == "success"  # read back from the App's own run: nothing kept in memory
    assert f"fingerprint={fingerprint}" in str(latest.output["text"])  # carried forward


def first_push_base(github: FakeGitHub, repo: Repository, after: str) -> str:
    return github.world.pushes[(repo.full_name, after)][1]


def test_a_readers_acknowledgement_changes_nothing(
    bot: Bot, github: FakeGitHub, repo: Repository, history_finding: None
) -> None:
    after = pushed(bot, github, repo)
    fingerprint = fingerprint_of(runs(github, repo, after)[0])
    mallory = person(github, repo, "mallory", "read")
    before = len(github.calls())

    command(bot, repo, after, mallory, f"/secrets-bot rotated {fingerprint}")

    assert [r.operation for r in github.calls()[before:]] == ["repos/get-collaborator-permission-level"]
    [run] = runs(github, repo, after)
    assert run.conclusion == "failure" and "secrets-bot:rotated" not in str(run.output["text"])


def test_markers_pasted_by_people_or_written_by_another_app_acknowledge_nothing(
    bot: Bot, github: FakeGitHub, repo: Repository, history_finding: None
) -> None:
    after = pushed(bot, github, repo)
    fingerprint = fingerprint_of(runs(github, repo, after)[0])
    forged = f"<!-- secrets-bot:rotated fingerprint={fingerprint} sha={after} by=alice -->"
    before = len(github.calls())
    command(bot, repo, after, "mallory", forged)  # a person's commit comment: not a command, never read
    assert github.calls()[before:] == []
    other_app = CheckRun(
        id=github.world.new_id(),
        repo=repo.full_name,
        head_sha=after,
        name="Serverless secrets",
        app_id=github.app_id + 1,
        status="completed",
        conclusion="success",
        output={"title": "ok", "summary": "ok", "text": forged},
    )
    github.world.check_runs[other_app.id] = other_app
    alice = person(github, repo, "alice", "write")

    command(bot, repo, after, alice, "/secrets-bot rotated deadbeefdeadbeef")

    run = runs(github, repo, after)[-1]
    assert run.app_id == github.app_id and run.conclusion == "failure"
    text = str(run.output["text"])
    assert "matches no finding" in text and "secrets-bot:rotated fingerprint" not in text


def test_a_command_on_a_commit_the_app_never_reported_does_nothing(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    sha = repo.branches["main"]
    alice = person(github, repo, "alice", "write")

    command(bot, repo, sha, alice, "/secrets-bot rotated deadbeefdeadbeef")

    assert runs(github, repo, sha) == []
    assert [r.operation for r in github.calls()][-2:] == [
        "repos/get-collaborator-permission-level",
        "checks/list-for-ref",
    ]


def test_a_command_on_an_open_pull_requests_head_is_left_to_the_pull_request(
    bot: Bot, github: FakeGitHub, repo: Repository, history_finding: None
) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()
    [run] = runs(github, repo, pull.head_sha)
    alice = person(github, repo, "alice", "write")

    command(bot, repo, pull.head_sha, alice, f"/secrets-bot rotated {fingerprint_of(run)}")

    assert runs(github, repo, pull.head_sha) == [run] and run.conclusion == "failure"
    assert not github.calls("checks/get-suite")
