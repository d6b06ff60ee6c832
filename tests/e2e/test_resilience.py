"""GitHub misbehaving while the bot reports: nothing posted twice, every check run completed."""

from __future__ import annotations

from tests.e2e.harness import Bot
from tests.e2e.scenarios import pull_request_event, serverless
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository


def test_502_on_check_run_creation_still_makes_one_run(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    github.fail("POST", "/repos/{owner}/{repo}/check-runs", 502, after_apply=True)

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert [r.status for r in github.calls("checks/create")] == [502]
    assert len(github.world.comments_on(repo.full_name, pull.number)) == 1


def test_a_rate_limit_resetting_in_a_few_seconds_is_waited_out(
    bot: Bot, github: FakeGitHub, repo: Repository, fake_clock: FakeClock
) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    github.exhaust_rate_limit(reset_in=3)

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    assert fake_clock.sleeps == [4.0]
    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.conclusion == "failure"
    assert [r.status for r in github.calls()[:3]] == [201, 403, 200]


def test_a_file_over_the_size_limit_is_not_scanned_and_fails_the_check(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    huge = serverless(None) + "".join(f"# padding line {index:07}\n" for index in range(90_000))
    repo.commit("feature/huge", {"serverless.yml": huge})
    pull = repo.open_pull("feature/huge")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert run.output["title"] == "1 file not scanned in full"
    assert "`serverless.yml`: not scanned:" in str(run.output["summary"])
    assert "over the 2,000,000\\-byte limit" in str(run.output["summary"])
