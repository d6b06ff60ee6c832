"""Scale-out on the real Redis: one `serve` taking webhooks, three `secrets-bot worker` processes, 300
deliveries across 50 pull requests whose heads keep moving, and one worker killed with SIGKILL in the middle
of a job. Every pull request must end with exactly one completed check run for its newest head and one review
comment per finding: nothing lost, nothing posted twice.

Redis on 127.0.0.1:6379, database 13 (flushed before and after); skipped when no server answers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bot.jobs.queue import JobQueue, open_queue
from bot.reports.markers import fingerprints_in
from bot.settings import Settings
from tests.deliveries import pull_request_event, serverless, signed
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Pull, Repository
from tests.processes import SERVE, free_port, kill, start, terminate, wait_for_http, worker_code
from tests.redisdb import flushed_redis

pytestmark = pytest.mark.redis

REDIS_URL = "redis://127.0.0.1:6379/13"
SECRET = "scale-out-" + "h00k" * 6
INSTALLATION = 8
REPOS, PULLS_PER_REPO, ROUNDS = 5, 10, 6  # 50 pull requests, 6 deliveries each: 300
WORKERS = 3
SETTLE_TIMEOUT = 60.0


@pytest.fixture
def redis_url() -> Iterator[str]:
    yield from flushed_redis(REDIS_URL, needed_by="the scale-out test")


@pytest.fixture
def github(make_fake_github: Callable[..., FakeGitHub]) -> FakeGitHub:
    fake = make_fake_github(webhook_secret=SECRET)
    fake.add_installation(INSTALLATION)
    return fake


def open_pulls(github: FakeGitHub) -> list[tuple[Repository, Pull]]:
    pulls = []
    with github.world.lock:
        for r in range(REPOS):
            repo = github.add_repo(f"acme/service-{r}")
            repo.commit("main", {"README.md": f"# service {r}\n"})
            for p in range(PULLS_PER_REPO):
                repo.commit(f"feature-{p}", {"serverless.yml": serverless(service=f"svc-{p}-0")})
                pulls.append((repo, repo.open_pull(f"feature-{p}")))
    return pulls


def test_three_workers_300_deliveries_one_killed(redis_url: str, github: FakeGitHub, tmp_path: Path) -> None:
    pulls = open_pulls(github)
    env = {
        "APP_ID": str(github.app_id),
        "PRIVATE_KEY": github.keys.private_pem,
        "WEBHOOK_SECRET": SECRET,
        "GITHUB_API_URL": github.url,
        "QUEUE_URL": redis_url,
        "JOB_RETRY_DELAY": "0.2",
        "LOG_LEVEL": "WARNING",
    }
    port = free_port()
    server = start(SERVE, {**env, "PORT": str(port)}, tmp_path, log=tmp_path / "serve.log")
    workers = [start(worker_code(2), env, tmp_path, log=tmp_path / f"worker-{n}.log") for n in range(WORKERS)]
    queue = open_queue(Settings(queue_url=redis_url))
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/healthz", server)
        with httpx.Client(base_url=base, timeout=10) as client:
            for round_ in range(ROUNDS):
                _deliver_round(client, github, pulls, round_)
                if round_ == ROUNDS // 2:
                    _kill_mid_job(workers[0], queue)
        _settle(queue, github, pulls)
        for process in [server, *workers[1:]]:
            assert terminate(process, timeout=40) == 0
    finally:
        for process in [server, *workers]:
            kill(process)
    _check_each_pull(github, pulls)


def _deliver_round(
    client: httpx.Client, github: FakeGitHub, pulls: list[tuple[Repository, Pull]], round_: int
) -> None:
    for repo, pull in pulls:
        if round_ > 0:
            with github.world.lock:
                repo.commit(
                    pull.head_ref, {"serverless.yml": serverless(service=f"svc-{pull.number}-{round_}")}
                )
        action = "opened" if round_ == 0 else "synchronize"
        event = pull_request_event(
            repo.full_name, pull.number, head=pull.head_sha, base=pull.base_sha, installation=INSTALLATION,
            action=action,
        )  # fmt: skip
        delivery = f"{repo.full_name.replace('/', '-')}-{pull.number}-{round_}"
        body, headers = signed("pull_request", event, delivery=delivery, secret=SECRET)
        assert client.post("/api/github/webhooks", content=body, headers=headers).status_code == 202


def _kill_mid_job(worker: subprocess.Popen[bytes], queue: JobQueue) -> None:
    """SIGKILL the worker while it holds a job, so that only the recovery can bring that job back."""
    marker = f":{worker.pid}:"
    deadline = time.monotonic() + 20
    while not any(marker in json.loads(raw)["owner"] for raw in queue.state.items("inflight:").values()):
        assert time.monotonic() < deadline, "the worker never took a job"
        time.sleep(0.005)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def _settle(queue: JobQueue, github: FakeGitHub, pulls: list[tuple[Repository, Pull]]) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        idle = queue.depth() == 0 and queue.huey.scheduled_count() == 0 and not queue.state.items("inflight:")
        if idle and all(_newest_completed(github, repo, pull) for repo, pull in pulls):
            return
        assert time.monotonic() < deadline, "the workers did not finish every pull request in time"
        time.sleep(0.2)


def _newest_completed(github: FakeGitHub, repo: Repository, pull: Pull) -> bool:
    with github.world.lock:
        return any(run.status == "completed" for run in github.world.runs_for(repo.full_name, pull.head_sha))


def _check_each_pull(github: FakeGitHub, pulls: list[tuple[Repository, Pull]]) -> None:
    with github.world.lock:
        for repo, pull in pulls:
            runs = github.world.runs_for(repo.full_name, pull.head_sha)
            assert [(run.status, run.conclusion) for run in runs] == [("completed", "failure")], pull
            markers = Counter(
                fingerprint
                for comment in github.world.comments_on(repo.full_name, pull.number)
                for fingerprint in fingerprints_in(comment.body)
            )
            assert markers and set(markers.values()) == {1}, (repo.full_name, pull.number, markers)
        stuck = [run for run in github.world.check_runs.values() if run.status != "completed"]
        assert stuck == []
