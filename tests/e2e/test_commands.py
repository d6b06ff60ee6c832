"""`/secrets-bot rescan` comments and check re-runs, end to end."""

from __future__ import annotations

from tests.e2e.harness import Bot
from tests.e2e.scenarios import comment_event, pull_request_event, rerun_event, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Pull, Repository


def scanned_pull(bot: Bot, github: FakeGitHub, repo: Repository) -> Pull:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()
    return pull


def test_rescan_by_a_writer_is_acknowledged_and_scans_again(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    pull = scanned_pull(bot, github, repo)
    github.world.add_user("alice")
    repo.permissions["alice"] = "write"
    comment = github.world.add_issue_comment(repo.full_name, pull.number, "/secrets-bot rescan", user="alice")

    answer = bot.deliver("issue_comment", comment_event(repo, pull, comment.id, commenter="alice"))
    bot.settle()

    assert answer.status_code == 202
    assert [(r.comment_id, r.content) for r in github.world.reactions] == [(comment.id, "eyes")]
    runs = github.world.runs_for(repo.full_name, pull.head_sha)
    assert len(runs) == 2
    assert all(run.status == "completed" and len(run.annotations) == 1 for run in runs)
    assert len(github.world.comments_on(repo.full_name, pull.number)) == 1


def test_rescan_by_a_reader_gets_a_reply_and_no_scan(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    pull = scanned_pull(bot, github, repo)
    github.world.add_user("mallory")
    repo.permissions["mallory"] = "read"
    comment = github.world.add_issue_comment(
        repo.full_name, pull.number, "/secrets-bot rescan", user="mallory"
    )
    before = len(github.calls())

    bot.deliver("issue_comment", comment_event(repo, pull, comment.id, commenter="mallory"))
    bot.settle()

    operations = [r.operation for r in github.calls()[before:]]
    assert operations == ["repos/get-collaborator-permission-level", "issues/create-comment"]
    assert github.world.reactions == []
    assert len(github.world.runs_for(repo.full_name, pull.head_sha)) == 1
    [reply] = [c for c in github.world.issue_comments.values() if c.user == github.bot_login]
    assert "write access" in reply.body


def test_rescan_by_a_bot_is_ignored(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    pull = scanned_pull(bot, github, repo)
    comment = github.world.add_issue_comment(
        repo.full_name, pull.number, "/secrets-bot rescan", user="ci[bot]"
    )
    before = len(github.calls())

    answer = bot.deliver(
        "issue_comment", comment_event(repo, pull, comment.id, commenter="ci[bot]", bot=True)
    )
    bot.settle()

    assert answer.status_code == 200
    assert github.calls()[before:] == []


def test_check_run_re_run_scans_the_sha_again(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    pull = scanned_pull(bot, github, repo)
    [first] = github.world.runs_for(repo.full_name, pull.head_sha)

    answer = bot.deliver("check_run", rerun_event(repo, pull, first.id, first.external_id, github.app_id))
    bot.settle()

    assert answer.status_code == 202
    runs = github.world.runs_for(repo.full_name, pull.head_sha)
    assert len(runs) == 2
    newest = max(runs, key=lambda run: run.id)
    assert (newest.status, newest.conclusion, len(newest.annotations)) == ("completed", "failure", 1)
    assert len(first.annotations) == 1
    assert len(github.world.comments_on(repo.full_name, pull.number)) == 1
