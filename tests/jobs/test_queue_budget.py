"""JOB_TIMEOUT: a job that burns CPU past its budget is stopped, and its check run fails, not left open."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core.rules import RuleSet
from bot.events import ScanRequest
from bot.github.protocol import GitHubGateway
from bot.jobs.deadline import Deadlines, JobTimedOut
from bot.jobs.queue import WORKER_DEATHS, open_queue, worker_deaths
from bot.jobs.runner import MAX_WORKER_DEATHS, ScanRunner
from bot.jobs.scan_job import external_id
from bot.reports.check_run import NAME
from bot.settings import Settings
from tests.conftest import FakeGateways
from tests.fakegithub.server import FakeGitHub
from tests.jobs.scenarios import HEAD, REPO, pull_request, serverless
from tests.jobs.test_queue import drain

BURN_LIMIT = 30.0  # the burn gives up by itself, so a broken budget fails the test instead of hanging it


def burn(seconds: float) -> int:
    """Pure-Python CPU work, as a scan of a hostile manifest would do."""
    spins = 0
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        spins += sum(range(100))
    return spins


@dataclass
class SlowReads:
    """The fake GitHub, except that reading a file costs BURN_LIMIT seconds of CPU."""

    github: FakeGitHub

    def for_installation(self, installation_id: int) -> GitHubGateway:
        return self  # type: ignore[return-value]

    def file_content(self, repo: str, path: str, ref: str, *, max_bytes: int) -> bytes | None:
        burn(BURN_LIMIT)
        return self.github.file_content(repo, path, ref, max_bytes=max_bytes)

    def __getattr__(self, name: str) -> object:
        return getattr(self.github, name)


def test_a_job_past_its_budget_is_stopped_and_its_check_run_fails(
    tmp_path: Path, fake_gateways: FakeGateways
) -> None:
    github = fake_gateways.github
    github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    queue = open_queue(Settings(queue_url=f"sqlite:///{tmp_path}/queue.db", job_retry_delay=0.0))
    queue.attach(ScanRunner(queue, SlowReads(github), RuleSet.default(), job_timeout=0.5))
    queue.submit("d-1", [pull_request()])
    started = time.monotonic()
    assert drain(queue) == 1  # stopped once, not retried: the same input would time out again
    assert time.monotonic() - started < BURN_LIMIT / 2
    run = github.only_run(HEAD)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert queue.state.items("inflight:") == {} and queue.depth() == 0


def test_deadline_interrupts_only_the_thread_past_it() -> None:
    deadlines = Deadlines()
    outcomes: dict[str, str] = {}

    def job(name: str, budget: float, work: float) -> None:
        try:
            with deadlines.limit(budget):
                burn(work)
            outcomes[name] = "finished"
        except JobTimedOut:
            outcomes[name] = "stopped"

    threads = [
        threading.Thread(target=job, args=("runaway", 0.3, BURN_LIMIT)),
        threading.Thread(target=job, args=("quick", 20.0, 0.5)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BURN_LIMIT + 5)
    assert outcomes == {"runaway": "stopped", "quick": "finished"}


def test_a_job_that_ends_in_time_is_not_interrupted_later() -> None:
    deadlines = Deadlines()
    with deadlines.limit(0.2):
        pass
    burn(0.5)  # past the old deadline: nothing is raised here


def test_job_timeout_setting(tmp_path: Path) -> None:
    assert Settings.from_env({}, env_file=tmp_path / ".env").job_timeout == 120.0
    assert Settings.from_env({"JOB_TIMEOUT": "30"}, env_file=tmp_path / ".env").job_timeout == 30.0
    with pytest.raises(Exception, match="JOB_TIMEOUT"):
        Settings.from_env({"JOB_TIMEOUT": "0"}, env_file=tmp_path / ".env")


def test_orphan_recovery_counts_the_worker_deaths_in_the_job(tmp_path: Path) -> None:
    queue = open_queue(Settings(queue_url=f"sqlite:///{tmp_path}/queue.db"))
    job = pull_request().to_job()
    for deaths in (1, 2):
        owner = f"elsewhere:{deaths}:gone"  # each run of the job died with another worker
        queue.state.put("inflight:d/0", json.dumps({"owner": owner, "job": job}))
        assert queue.recover_orphans() == 1
        [task] = queue.huey.pending()
        job = task.args[0]
        assert worker_deaths(job) == deaths
        queue.huey.flush()
    assert ScanRequest.from_job(job) == pull_request()  # the count travels beside the request, not in it


def test_a_job_whose_workers_died_is_failed_without_scanning(
    tmp_path: Path, fake_gateways: FakeGateways
) -> None:
    github = fake_gateways.github
    github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    left_open = github.create_check_run(REPO, HEAD, name=NAME, external_id=external_id(REPO, HEAD))
    queue = open_queue(Settings(queue_url=f"sqlite:///{tmp_path}/queue.db"))
    queue.attach(ScanRunner(queue, fake_gateways, RuleSet.default()))
    queue.enqueue({**pull_request().to_job(), WORKER_DEATHS: MAX_WORKER_DEATHS}, "d-1/0")
    assert drain(queue) == 1
    run = github.only_run(HEAD)
    assert (run.id, run.status, run.conclusion) == (left_open, "completed", "failure")
    assert run.output is not None and "stopped its worker process" in run.output.summary
    assert github.count("file_content") == 0 and queue.depth() == 0


def test_one_death_is_not_enough_to_give_up(tmp_path: Path, fake_gateways: FakeGateways) -> None:
    github = fake_gateways.github
    github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    queue = open_queue(Settings(queue_url=f"sqlite:///{tmp_path}/queue.db"))
    queue.attach(ScanRunner(queue, fake_gateways, RuleSet.default()))
    queue.enqueue({**pull_request().to_job(), WORKER_DEATHS: MAX_WORKER_DEATHS - 1}, "d-1/0")
    assert drain(queue) == 1
    assert github.count("file_content") > 0  # scanned
    assert github.only_run(HEAD).output.title != "Scan could not finish"  # type: ignore[union-attr]
