"""SIGTERM while a scan runs: the process stops within its bound, and the scan either completes or goes back
on the queue for the next worker, never lost. Real processes against the fake GitHub over loopback; GitHub is
made slow on one request so that the job is surely running when the signal arrives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bot.core.rules import RuleSet
from bot.events import ScanRequest, route
from bot.github.gateway import GitHubAppClient
from bot.jobs.queue import JobQueue, open_queue
from bot.jobs.runner import ScanRunner
from bot.jobs.worker import Workers
from bot.settings import Settings
from tests.conftest import wait_until
from tests.deliveries import pull_request_event, serverless, signed
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Pull
from tests.processes import SERVE, free_port, kill, start, terminate, wait_for_http, worker_code

INSTALLATION = 5
REPO = "acme/orders"
CONTENTS = "/repos/{owner}/{repo}/contents/{path}"
SECRET = "shutdown-" + "w3bh00k" * 3


@pytest.fixture
def github(make_fake_github: Callable[..., FakeGitHub]) -> FakeGitHub:
    fake = make_fake_github(webhook_secret=SECRET)
    fake.add_installation(INSTALLATION)
    return fake


def open_pull(github: FakeGitHub) -> Pull:
    with github.world.lock:
        repo = github.add_repo(REPO)
        repo.commit("main", {"README.md": "# orders\n"})
        repo.commit("feature-1", {"serverless.yml": serverless()})
        return repo.open_pull("feature-1")


def bot_env(github: FakeGitHub, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "APP_ID": str(github.app_id),
        "PRIVATE_KEY": github.keys.private_pem,
        "WEBHOOK_SECRET": SECRET,
        "GITHUB_API_URL": github.url,
        "QUEUE_URL": f"sqlite:///{tmp_path}/queue.db",
        **extra,
    }


def completed(github: FakeGitHub, sha: str) -> bool:
    with github.world.lock:
        return any(run.status == "completed" for run in github.world.runs_for(REPO, sha))


def in_flight(queue: JobQueue) -> bool:
    return bool(queue.state.items("inflight:"))


def test_sigterm_on_serve_lets_the_running_scan_complete(github: FakeGitHub, tmp_path: Path) -> None:
    pull = open_pull(github)
    github.delay("GET", CONTENTS, 2.0)
    port = free_port()
    env = bot_env(github, tmp_path, PORT=str(port), SHUTDOWN_TIMEOUT="20")
    server = start(SERVE, env, tmp_path, log=tmp_path / "serve.log")
    queue = open_queue(Settings(queue_url=env["QUEUE_URL"]))
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", server)
        event = pull_request_event(REPO, pull.number, head=pull.head_sha, base=pull.base_sha, installation=5)
        body, headers = signed("pull_request", event, delivery="term-1", secret=SECRET)
        response = httpx.post(f"http://127.0.0.1:{port}/api/github/webhooks", content=body, headers=headers)
        assert response.status_code == 202
        wait_until(lambda: in_flight(queue), what="the scan to start")
        assert terminate(server, timeout=30) == 0
    finally:
        kill(server)
    assert completed(github, pull.head_sha)
    assert queue.depth() == 0 and not in_flight(queue)


def test_sigterm_on_a_worker_requeues_the_scan_that_ran_out_of_time(
    github: FakeGitHub, tmp_path: Path
) -> None:
    pull = open_pull(github)
    github.delay("GET", CONTENTS, 60.0)
    env = bot_env(github, tmp_path, SHUTDOWN_TIMEOUT="1")
    queue = open_queue(Settings(queue_url=env["QUEUE_URL"]))
    queue.submit("slow-1", [_request(pull)])
    worker = start(worker_code(1), env, tmp_path, log=tmp_path / "worker.log")
    try:
        wait_until(lambda: in_flight(queue), what="the worker to take the job")
        assert terminate(worker, timeout=20) == 0
    finally:
        kill(worker)
    assert not completed(github, pull.head_sha)
    assert queue.depth() == 1 and not in_flight(queue)
    assert "re-queued" in (tmp_path / "worker.log").read_text(encoding="utf-8")

    client = GitHubAppClient(github.app_id, github.keys.private_pem, github.url)
    queue.attach(ScanRunner(queue, client, RuleSet.default()))
    workers = Workers(queue, 1)
    workers.start()
    try:
        wait_until(lambda: completed(github, pull.head_sha), what="the re-queued scan to run")
    finally:
        workers.stop()
        client.close()


def _request(pull: Pull) -> ScanRequest:
    event = pull_request_event(REPO, pull.number, head=pull.head_sha, base=pull.base_sha, installation=5)
    [request] = route("pull_request", event, delivery_id="slow-1")
    return request
