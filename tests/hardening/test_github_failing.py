"""GitHub failing on one call in five (5xx, resets, truncated JSON, 403/429 with and without Retry-After,
timeouts) across many scans: each pull request ends with exactly one completed check run and no duplicate
comment, and a job that cannot finish is dead-lettered, counted in /metrics, logged, and says so on GitHub."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest

from bot.github.gateway import GitHubAppClient
from bot.jobs.worker import start_workers
from tests.e2e.harness import Bot
from tests.e2e.scenarios import pull_request_event, serverless
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository
from tests.hardening.flaky import CLIENT_TIMEOUT, audit, make_github_flaky

SCANS = int(os.environ.get("HARDENING_SCANS", "200"))


@pytest.fixture
def impatient_bot(bot: Bot, github: FakeGitHub, fake_clock: FakeClock) -> Iterator[Bot]:
    """The e2e bot with a client whose timeout is shorter than the fake's slow answers."""
    bot.workers.stop()
    bot.client.close()
    bot.client = GitHubAppClient(
        github.app_id,
        github.keys.private_pem,
        github.url,
        sleep=fake_clock.sleep,
        clock=fake_clock,
        timeout=CLIENT_TIMEOUT,
    )
    bot.workers = start_workers(bot.settings, bot.queue, 2, gateways=bot.client)
    yield bot


def test_every_scan_ends_with_one_completed_check_run_while_github_fails(
    impatient_bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    pulls = []
    for index in range(SCANS):
        repo.commit(f"feature/{index}", {"serverless.yml": serverless(service=f"svc{index}")})
        pull = repo.open_pull(f"feature/{index}")
        pulls.append((repo.full_name, pull.number, pull.head_sha))
    make_github_flaky(github)

    for index, (_, number, _) in enumerate(pulls):
        pull = repo.pulls[number]
        answer = impatient_bot.deliver(
            "pull_request", pull_request_event(repo, pull), delivery=f"pr-{number}"
        )
        assert answer.status_code == 202, index
    impatient_bot.settle(timeout=120)
    github.faults.clear()

    result = audit(github, pulls)
    if not result.ok:
        numbers = [problem.split("#")[1].split(":")[0] for problem in result.problems]
        logs = [
            line
            for line in impatient_bot.log.getvalue().splitlines()
            if any(f"pr-{n}/" in line for n in numbers)
        ]
        pytest.fail("\n".join(result.problems[:10] + logs[:60]))
    assert {502, 500, 503, 403, 429} <= set(result.statuses), result.statuses
    assert len(github.calls()) < SCANS * 40, "retries are not bounded"


def test_a_job_that_cannot_finish_is_dead_lettered_visibly(
    bot: Bot, github: FakeGitHub, repo: Repository
) -> None:
    repo.commit("feature/doomed", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/doomed")
    github.fail("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", 502, times=None)

    bot.deliver("pull_request", pull_request_event(repo, pull))
    bot.wait_for(lambda: bot.queue.dead_letters() == 1)
    bot.settle()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert "GitHub did not answer" in str(run.output)
    metrics = bot.http.get("/metrics").text
    assert re.search(r"^secrets_bot_dead_letters(_total)? 1(\.0)?$", metrics, re.MULTILINE), metrics
    assert "dead-lettered" in bot.log_text()
    reviews = len(github.calls("pulls/create-review"))
    assert 1 < reviews <= (bot.settings.job_retries + 1) * 5, "retries are not bounded"
