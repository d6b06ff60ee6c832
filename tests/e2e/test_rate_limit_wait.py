"""A long wait asked by GitHub (Retry-After, or a rate limit resetting far ahead) reschedules the job for
after the wait, using up no retry, and the check run says it is waiting; nothing is dropped or failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.e2e.harness import Bot
from tests.e2e.scenarios import pull_request_event, serverless
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository

FILES = "/repos/{owner}/{repo}/pulls/{pull_number}/files"


def run_what_is_scheduled(bot: Bot) -> int:
    """What the consumer's scheduler does once the wait is over (no one waits half an hour in a test)."""
    huey = bot.queue.huey
    due = huey.read_schedule(datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1))
    for task in due:
        task.eta = None
        huey.enqueue(task)
    return len(due)


def test_a_long_retry_after_reschedules_the_job_and_the_check_says_it_waits(
    bot: Bot, github: FakeGitHub, repo: Repository, fake_clock: FakeClock
) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    github.secondary_rate_limit("GET", FILES, retry_after=1800)
    until = datetime.fromtimestamp(fake_clock() + 1800, UTC).strftime("%H:%M")

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.wait_for(lambda: bot.queue.huey.scheduled_count() == 1)

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert run.status == "in_progress"
    assert run.output["title"] == f"Waiting for GitHub's rate limit until {until} UTC"
    assert f"GitHub's rate limit: waiting until {until} UTC" in str(run.output["summary"])
    [task] = bot.queue.huey.scheduled()
    assert task.eta - datetime.now(UTC).replace(tzinfo=None) > timedelta(minutes=29)
    assert fake_clock.sleeps == []  # not slept through in a worker thread

    assert run_what_is_scheduled(bot) == 1
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert run.output["title"] == "1 hard-coded secret found"
    assert bot.queue.dead_letters() == 0


def test_a_spent_rate_limit_far_ahead_reschedules_rather_than_fails(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    github.exhaust_rate_limit(reset_in=3600)

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.wait_for(lambda: bot.queue.huey.scheduled_count() == 1)

    assert github.world.runs_for(repo.full_name, pull.head_sha) == []  # nothing could be written yet
    assert bot.queue.dead_letters() == 0
