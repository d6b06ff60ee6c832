"""`kill -9` of `secrets-bot serve` right after its 202: the job survives in the SQLite queue and the next
process reports it to (fake) GitHub."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.harness import WEBHOOK_SECRET, Bot, post_webhook
from tests.e2e.scenarios import pull_request_event, serverless
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Repository

ROOT = Path(__file__).resolve().parents[2]
SERVE = "from bot.settings import Settings\nfrom bot.web.server import run\nrun(Settings.from_env())"


def test_a_job_accepted_before_kill_9_is_reported_after_the_restart(
    github: FakeGitHub, repo: Repository, fake_clock: FakeClock, tmp_path: Path
) -> None:
    repo.commit("feature/billing", {"serverless.yml": serverless()})
    pull = repo.open_pull("feature/billing")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "APP_ID": str(github.app_id),
        "PRIVATE_KEY": github.keys.private_pem,
        "WEBHOOK_SECRET": WEBHOOK_SECRET,
        "GITHUB_API_URL": github.url,
        "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.db'}",
        "PORT": str(port),
        "WORKERS": "0",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen([sys.executable, "-c", SERVE], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/healthz")
        accepted = _post(port, pull_request_event(repo, pull))
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
    assert accepted.status_code == 202
    assert github.calls() == []

    restarted = Bot(github, fake_clock, tmp_path)
    try:
        restarted.settle()
    finally:
        restarted.close()

    [run] = github.world.runs_for(repo.full_name, pull.head_sha)
    assert (run.status, run.conclusion) == ("completed", "failure")
    assert len(github.world.comments_on(repo.full_name, pull.number)) == 1


def _post(port: int, event: dict[str, object]) -> httpx.Response:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10.0) as http:
        return post_webhook(http, "/api/github/webhooks", "pull_request", event)


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("secrets-bot serve did not start")
