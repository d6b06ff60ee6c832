"""A job accepted with 202 survives `kill -9`: of the server before a worker took it, and of a worker mid-job.

Both tests kill a real subprocess with SIGKILL, then start a consumer in this process on the same SQLite file
and watch the job reach the (fake) GitHub.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.core.rules import RuleSet
from bot.jobs.queue import JobQueue, open_queue
from bot.jobs.runner import ScanRunner
from bot.jobs.worker import Workers
from bot.settings import Settings
from bot.web.signature import signature_for
from tests.conftest import FakeGateways, wait_until
from tests.jobs.scenarios import HEAD, REPO, pull_request, serverless

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = ROOT / "tests" / "events" / "payloads" / "pull_request.opened.json"
PAYLOAD_HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e"
SECRET = "durability-" + "x" * 12
FAKE_PEM = "-----BEGIN RSA PRIVATE KEY-----\\nMIIB" + "A" * 40 + "\\n-----END RSA PRIVATE KEY-----"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(code: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    if process.stdout is not None:
        process.stdout.close()


def started_workers(queue: JobQueue, gateways: FakeGateways) -> Iterator[Workers]:
    queue.attach(ScanRunner(queue, gateways, RuleSet.default()))
    workers = Workers(queue, 2)
    workers.start()
    try:
        yield workers
    finally:
        workers.stop()


@pytest.fixture
def queue_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/queue.db"


def test_job_accepted_with_202_survives_kill_9_of_the_server(
    tmp_path: Path, queue_url: str, fake_gateways: FakeGateways
) -> None:
    port = free_port()
    env = {
        "APP_ID": "123",
        "PRIVATE_KEY": FAKE_PEM,
        "WEBHOOK_SECRET": SECRET,
        "QUEUE_URL": queue_url,
        "PORT": str(port),
        "WORKERS": "0",
        "LOG_LEVEL": "WARNING",
    }
    server = spawn(
        "from bot.settings import Settings\nfrom bot.web.server import run\nrun(Settings.from_env())",
        env,
        tmp_path,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(base + "/healthz"), what="the server to start")
        body = PAYLOAD.read_bytes()
        headers = {
            "X-GitHub-Event": "pull_request",
            "X-GitHub-Delivery": "kill-me-1",
            "X-Hub-Signature-256": signature_for(SECRET, body),
            "Content-Type": "application/json",
        }
        response = httpx.post(base + "/api/github/webhooks", content=body, headers=headers, timeout=10)
        assert response.status_code == 202
    finally:
        kill_hard(server)

    fake_gateways.github.open_pull(
        "acme/payments-api", 7, head_sha=PAYLOAD_HEAD, files={"serverless.yml": serverless()}
    )
    queue = open_queue(Settings(queue_url=queue_url))
    for _ in started_workers(queue, fake_gateways):
        wait_until(lambda: _completed(fake_gateways, PAYLOAD_HEAD), what="the job to run after the restart")
    assert fake_gateways.github.only_run(PAYLOAD_HEAD).conclusion == "failure"


def test_job_in_flight_on_a_killed_worker_is_run_by_the_next_one(
    tmp_path: Path, queue_url: str, fake_gateways: FakeGateways
) -> None:
    open_queue(Settings(queue_url=queue_url)).submit("in-flight-1", [pull_request()])
    taker = spawn(
        """
        import sys, time
        from bot.jobs.queue import open_queue
        from bot.settings import Settings
        queue = open_queue(Settings.from_env())
        task = queue.huey.dequeue()
        with queue.in_flight.tracking(task.kwargs["job_id"], task.args[0]):
            print("taken", flush=True)
            time.sleep(60)
        """,
        {"QUEUE_URL": queue_url},
        tmp_path,
    )
    try:
        assert taker.stdout is not None
        assert taker.stdout.readline().strip() == b"taken"
    finally:
        kill_hard(taker)

    queue = open_queue(Settings(queue_url=queue_url))
    assert queue.depth() == 0  # huey alone would have lost it here
    fake_gateways.github.open_pull(REPO, 7, head_sha=HEAD, files={"serverless.yml": serverless()})
    for _ in started_workers(queue, fake_gateways):
        wait_until(lambda: _completed(fake_gateways, HEAD), what="the orphaned job to be re-run")
    assert fake_gateways.github.only_run(HEAD).conclusion == "failure"


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _completed(gateways: FakeGateways, sha: str) -> bool:
    runs = gateways.github.runs_for(sha)
    return bool(runs) and runs[0].status == "completed"
