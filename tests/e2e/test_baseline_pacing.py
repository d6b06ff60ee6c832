"""Below the rate-limit floor, baseline jobs still queued wait for the reset without spending a call each:
what the first one saw is shared (a 500-repository install would otherwise spend 500 calls of the reserved
share just to learn that it must wait)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import INSTALLATION, Bot
from tests.e2e.scenarios import serverless
from tests.e2e.test_installation import installed
from tests.e2e.test_rate_limit_wait import run_what_is_scheduled
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub

WORKER_THREADS = 2  # the harness's


@pytest.fixture
def live_github(make_fake_github: Callable[..., FakeGitHub]) -> FakeGitHub:
    """On a clock that starts now: the rate limit's reset is a real moment, as on GitHub."""
    fake = make_fake_github(clock=FakeClock(start=time.time()))
    fake.add_installation(INSTALLATION)
    return fake


@pytest.fixture
def live_bot(live_github: FakeGitHub, tmp_path: Path) -> Iterator[Bot]:
    bot = Bot(live_github, FakeClock(start=time.time()), tmp_path)
    try:
        yield bot
    finally:
        bot.close()


def test_queued_baselines_wait_for_the_reset_without_a_call(live_bot: Bot, live_github: FakeGitHub) -> None:
    github = live_github
    repos = [github.add_repo(f"acme/service-{index}") for index in range(6)]
    for repo in repos:
        repo.commit("main", {"serverless.yml": serverless()})
    github.rate.remaining = github.rate.limit // 5 - 50  # under the default 20 % floor
    github.rate.reset = time.time() + 2.0

    live_bot.deliver("installation", installed(repos))
    live_bot.wait_for(lambda: live_bot.queue.huey.scheduled_count() == len(repos))

    assert 1 <= len(github.calls("repos/get")) <= WORKER_THREADS  # the first jobs to start, at once
    assert github.world.check_runs == {}
    time.sleep(max(github.rate.reset - time.time(), 0.0) + 0.2)  # the shared record ends at the reset
    github.rate.remaining = github.rate.limit
    run_what_is_scheduled(live_bot)
    live_bot.settle()

    assert len(github.world.check_runs) == len(repos)
    assert {run.conclusion for run in github.world.check_runs.values()} == {"failure"}
