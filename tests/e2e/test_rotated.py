"""`/secrets-bot rotated FINGERPRINT`, end to end against the fake GitHub: who may acknowledge, what is
recorded (a marker in the bot's own reply, nothing local), and what the next scan makes of it.

A value still in the head is never acknowledged (it must be removed). The whole story with real commits (a
key added, then deleted, then acknowledged) is in tests/e2e/test_history.py; here `history_finding` sets
`ScanReport.presence` directly, so that each rule of who may acknowledge what is tested on one small pull
request (the fixture is in conftest.py, shared with the command on a commit).
"""

from __future__ import annotations

import re
from collections import Counter

from tests.e2e.harness import Bot
from tests.e2e.scenarios import comment_event, person, pull_request_event, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import CheckRun, Pull, Repository

FINGERPRINT = re.compile(r"v2-[0-9a-f]{32}")


def scanned_pull(bot: Bot, repo: Repository) -> Pull:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()
    return pull


def latest_run(github: FakeGitHub, repo: Repository, pull: Pull) -> CheckRun:
    return github.world.runs_for(repo.full_name, pull.head_sha)[-1]


def fingerprint_of(run: CheckRun) -> str:
    [found] = set(FINGERPRINT.findall(str(run.output.get("text"))))
    return found


def command(bot: Bot, github: FakeGitHub, repo: Repository, pull: Pull, user: str, body: str) -> None:
    comment = github.world.add_issue_comment(repo.full_name, pull.number, body, user=user)
    bot.deliver("issue_comment", comment_event(repo, pull, comment.id, commenter=user, body=body))
    bot.settle()


def bot_replies(github: FakeGitHub) -> list[str]:
    return [c.body for c in github.world.issue_comments.values() if c.user == github.bot_login]


def test_a_writers_acknowledgement_of_a_history_finding_stops_it_failing(
    bot: Bot, github: FakeGitHub, repo: Repository, history_finding: None
) -> None:
    pull = scanned_pull(bot, repo)
    first = latest_run(github, repo, pull)
    assert first.conclusion == "failure"
    fingerprint = fingerprint_of(first)
    alice = person(github, repo, "alice", "write")
    before = len(github.calls())

    command(bot, github, repo, pull, alice, f"/secrets-bot rotated {fingerprint[3:13]}")

    operations = Counter(r.operation for r in github.calls()[before:])
    # A rescan's calls, plus one listing of the conversation and the reply that records it.
    assert operations["issues/list-comments"] == 1
    assert operations["issues/create-comment"] == 1
    assert operations["reactions/create-for-issue-comment"] == 1
    run = latest_run(github, repo, pull)
    assert run.id != first.id and run.conclusion == "success"
    summary = str(run.output["summary"])
    assert "Acknowledged as rotated: 1" in summary and "@alice" in summary
    assert run.annotations == []
    [reply] = bot_replies(github)
    assert f"sha={pull.head_sha} by=alice -->" in reply and f"fingerprint={fingerprint}" in reply
    assert [r.content for r in github.world.reactions] == ["eyes"]

    command(bot, github, repo, pull, alice, "/secrets-bot rescan")
    rescanned = latest_run(github, repo, pull)
    assert rescanned.id not in (first.id, run.id)
    assert rescanned.conclusion == "success"  # the marker read back from GitHub: nothing kept in memory


def test_the_value_in_a_commit_after_the_acknowledgement_fails_again(
    bot: Bot, github: FakeGitHub, repo: Repository, history_finding: None
) -> None:
    pull = scanned_pull(bot, repo)
    fingerprint = fingerprint_of(latest_run(github, repo, pull))
    alice = person(github, repo, "alice", "write")
    command(bot, github, repo, pull, alice, f"/secrets-bot rotated {fingerprint}")
    assert latest_run(github, repo, pull).conclusion == "success"

    repo.commit("feature/billing", {"serverless.yml": serverless(service="billing-v2")})
    pull = repo.pulls[pull.number]
    bot.deliver("pull_request", pull_request_event(repo, pull, action="synchronize"))
    bot.settle()

    run = latest_run(github, repo, pull)  # the stand-in says the new commit holds the value again
    assert run.conclusion == "failure" and "Acknowledged as rotated" not in str(run.output["summary"])


def test_a_scan_without_history_findings_never_lists_the_conversation(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    scanned_pull(bot, repo)
    assert not [r for r in github.calls() if r.operation == "issues/list-comments"]


def test_a_value_still_in_the_head_is_recorded_but_keeps_failing(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    pull = scanned_pull(bot, repo)
    fingerprint = fingerprint_of(latest_run(github, repo, pull))
    alice = person(github, repo, "alice", "admin")

    command(bot, github, repo, pull, alice, f"/secrets-bot rotated {fingerprint}")

    run = latest_run(github, repo, pull)
    assert run.conclusion == "failure" and "Acknowledged as rotated" not in str(run.output["summary"])
    [reply] = bot_replies(github)
    assert "still in the head" in reply and f"fingerprint={fingerprint}" in reply


def test_a_readers_acknowledgement_changes_nothing(
    bot: Bot, github: FakeGitHub, repo: Repository, history_finding: None
) -> None:
    pull = scanned_pull(bot, repo)
    fingerprint = fingerprint_of(latest_run(github, repo, pull))
    mallory = person(github, repo, "mallory", "read")
    before = len(github.calls())

    command(bot, github, repo, pull, mallory, f"/secrets-bot rotated {fingerprint}")

    operations = [r.operation for r in github.calls()[before:]]
    assert operations == ["repos/get-collaborator-permission-level", "issues/create-comment"]
    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure"
    [reply] = bot_replies(github)
    assert "write access" in reply and "secrets-bot:rotated" not in reply
    assert github.world.reactions == []


def test_a_marker_pasted_by_a_person_acknowledges_nothing(
    bot: Bot, github: FakeGitHub, repo: Repository, history_finding: None
) -> None:
    pull = scanned_pull(bot, repo)
    fingerprint = fingerprint_of(latest_run(github, repo, pull))
    forged = f"<!-- secrets-bot:rotated fingerprint={fingerprint} sha={pull.head_sha} by=alice -->"
    github.world.add_issue_comment(repo.full_name, pull.number, forged, user="mallory")
    alice = person(github, repo, "alice", "write")

    command(bot, github, repo, pull, alice, "/secrets-bot rotated deadbeefdeadbeef")

    run = latest_run(github, repo, pull)
    assert run.conclusion == "failure"
    [reply] = bot_replies(github)
    assert "matches no finding" in reply and "secrets-bot:rotated" not in reply


def test_short_and_ambiguous_prefixes_get_a_reply_and_record_nothing(
    bot: Bot, github: FakeGitHub, repo: Repository, history_finding: None
) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless(), "api/serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()
    alice = person(github, repo, "alice", "write")

    command(bot, github, repo, pull, alice, "/secrets-bot rotated v2-1234 v2-")

    [reply] = bot_replies(github)
    assert "`v2-1234` is not 8 or more hex digits" in reply and "nothing was recorded" in reply
    assert "secrets-bot:rotated" not in reply
    assert latest_run(github, repo, pull).conclusion == "failure"


def test_a_bots_rotated_comment_is_ignored(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    pull = scanned_pull(bot, repo)
    body = "/secrets-bot rotated 0123456789abcdef"
    comment = github.world.add_issue_comment(repo.full_name, pull.number, body, user="other[bot]")
    before = len(github.calls())

    answer = bot.deliver(
        "issue_comment", comment_event(repo, pull, comment.id, commenter="other[bot]", body=body, bot=True)
    )
    bot.settle()

    assert answer.status_code == 200
    assert github.calls()[before:] == []
