"""Pushes, end to end: a secret on the default branch is leaked; a deleted branch asks for nothing."""

from __future__ import annotations

from tests.e2e.harness import Bot
from tests.e2e.scenarios import SECRET_LINE, branch_deleted_event, push_event, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository


def test_a_secret_pushed_to_the_default_branch_is_reported_as_leaked(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    before = repo.branches["main"]
    after = repo.commit("main", {"serverless.yml": serverless()})

    answer = bot.deliver("push", push_event(repo, "main", before, after))
    bot.settle()

    assert answer.status_code == 202
    [run] = github.world.runs_for(repo.full_name, after)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert "Rotate each secret" in str(run.output["summary"])
    assert [a["start_line"] for a in run.annotations] == [SECRET_LINE]
    assert github.world.reviews == {}
    compare = github.calls("repos/compare-commits-with-basehead")
    # one comparison for the changed files, one (per 100 commits) for the pushed commits
    assert [r.path for r in compare] == [f"/repos/{repo.full_name}/compare/{before}...{after}"] * 2
    assert github.calls("repos/get-commit") == []  # the only commit is the head: nothing more to read


def test_a_clean_push_to_the_default_branch_is_green(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    before = repo.branches["main"]
    after = repo.commit("main", {"serverless.yml": serverless(None)})

    bot.deliver("push", push_event(repo, "main", before, after))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, after)
    assert run.conclusion == "success"


def test_branch_deletion_does_nothing(bot: Bot, github: FakeGitHub, repo: Repository) -> None:
    head = repo.commit("feature/old", {"serverless.yml": serverless()})
    repo.delete_branch("feature/old")

    answer = bot.deliver("push", branch_deleted_event(repo, "feature/old", head))
    bot.settle()

    assert answer.status_code == 200
    assert github.calls() == []
