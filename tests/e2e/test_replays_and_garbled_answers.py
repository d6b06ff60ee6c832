"""Through the whole bot, against the fake GitHub: a late `synchronize` for an old head never passes or skips
the current head, and an HTML page answered with 200 for a manifest is never scanned as the manifest."""

from __future__ import annotations

import copy

from tests.e2e.harness import Bot
from tests.e2e.scenarios import pull_request_event, serverless
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Pull, Repository


def two_heads(repo: Repository) -> tuple[Pull, Pull]:
    """The pull request now, and as it was one push earlier (the secret arrives with the new head)."""
    repo.commit("feature/billing", {"serverless.yml": serverless(None)})
    pull = repo.open_pull("feature/billing")
    old = copy.copy(pull)
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    return pull, old


def test_a_late_synchronize_for_an_old_head_leaves_the_current_heads_check_alone(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    pull, old = two_heads(repo)

    bot.deliver("pull_request", pull_request_event(repo, pull, "synchronize"))
    bot.settle()
    bot.deliver("pull_request", pull_request_event(repo, old, "synchronize"))  # late, or replayed
    bot.settle()

    [current] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (current.status, current.conclusion) == ("completed", "failure")
    assert github.world.runs_for(repo.full_name, old.head_sha) == []
    assert all(run.conclusion != "skipped" for run in github.world.runs_for(repo.full_name))


def test_a_late_event_that_arrives_first_still_gets_the_current_head_scanned(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    """Only the old head's event ever arrives (the new one was lost): the current head is scanned anyway."""
    pull, old = two_heads(repo)

    bot.deliver("pull_request", pull_request_event(repo, old, "opened"))
    bot.settle()

    [current] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (current.status, current.conclusion) == ("completed", "failure")
    assert github.world.runs_for(repo.full_name, old.head_sha) == []


def test_an_html_page_for_the_manifest_is_never_scanned_and_the_check_fails(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless(None)})
    pull = repo.open_pull("feature/billing")
    github.html_page("GET", "/repos/{owner}/{repo}/contents/{path}", times=None)

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert run.annotations == []  # the page's "password: hunter2" was never judged as the manifest
    summary = str(run.output["summary"])
    assert (
        "`serverless.yml`: not scanned: GitHub kept answering with something other than the file" in summary
    )
    assert "secrets\\-bot\\.yml could not be read" in summary  # the config read got the page too
