"""`secrets-bot worker` as a process: starts, keeps a heartbeat, stops cleanly on SIGTERM."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bot.jobs.queue import JobQueue, open_queue
from bot.jobs.runner import MAX_WORKER_DEATHS
from bot.settings import Settings
from tests.conftest import wait_until
from tests.deliveries import pull_request_event, signed
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.state import Pull
from tests.jobs.test_durability import FAKE_PEM, spawn
from tests.jobs.test_shutdown import INSTALLATION, REPO, SECRET, bot_env, completed, open_pull
from tests.processes import ROOT, SERVE, free_port, kill, start, terminate, wait_for_http
from tests.redisdb import flushed_redis


def test_worker_process_heartbeats_and_stops_on_sigterm(tmp_path: Path) -> None:
    queue_url = f"sqlite:///{tmp_path}/queue.db"
    env = {
        "APP_ID": "1",
        "PRIVATE_KEY": FAKE_PEM,
        "WEBHOOK_SECRET": "worker-test-" + "q" * 8,
        "QUEUE_URL": queue_url,
        "GITHUB_API_URL": "http://127.0.0.1:9",
        "LOG_LEVEL": "INFO",
    }
    worker = spawn(
        "from bot.settings import Settings\nfrom bot.jobs.worker import run\nrun(Settings.from_env(), 2)",
        env,
        tmp_path,
    )
    queue = open_queue(Settings(queue_url=queue_url))
    try:
        wait_until(lambda: bool(queue.state.items("owner:")), what="the worker's heartbeat")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        output = worker.stdout.read().decode() if worker.stdout else ""
        if worker.stdout:
            worker.stdout.close()
    assert queue.state.items("owner:") == {}
    assert '"msg": "worker started"' in output and "received SIGTERM" in output


# Loaded by every Python process started with `hook/` first on PYTHONPATH (serve and its workers): the scan
# burns pure-Python CPU for BURN seconds first, as a hostile manifest would, and notes where it ran.
BURN_HOOK = """
import os, time
import bot.jobs.runner as runner

real_run_scan = runner.run_scan


def burning_run_scan(*args, **kwargs):
    marker = os.environ["BURN_MARKER"]
    with open(marker, "w") as out:
        out.write(str(os.getpid()))
    ends = time.monotonic() + float(os.environ["BURN_SECONDS"])
    while time.monotonic() < ends:
        sum(range(1000))
    os.rename(marker, marker + ".done")
    return real_run_scan(*args, **kwargs)


runner.run_scan = burning_run_scan
"""
REDIS_URL = "redis://127.0.0.1:6379/11"
BURN = 8.0
ANSWER_BOUND = 2.0  # generous: an acknowledgement takes milliseconds


@pytest.fixture
def github_with_pull(make_fake_github: Callable[..., FakeGitHub]) -> tuple[FakeGitHub, Pull]:
    github = make_fake_github(webhook_secret=SECRET)
    github.add_installation(INSTALLATION)
    return github, open_pull(github)


def serve_with_hook(
    github: FakeGitHub, tmp_path: Path, hook_code: str, **extra: str
) -> tuple[subprocess.Popen[bytes], str]:
    """`serve` with one worker process, `hook_code` loaded as `sitecustomize` by both; (process, base URL)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(hook_code, encoding="utf-8")
    port = free_port()
    hooked = {"PYTHONPATH": f"{hook}{os.pathsep}{ROOT}", **extra}
    env = bot_env(github, tmp_path, PORT=str(port), WORKERS="1", **hooked)
    return start(SERVE, env, tmp_path, log=tmp_path / "serve.log"), f"http://127.0.0.1:{port}"


def test_serve_answers_health_and_deliveries_while_a_scan_burns_cpu(
    tmp_path: Path, github_with_pull: tuple[FakeGitHub, Pull]
) -> None:
    github, pull = github_with_pull
    marker = tmp_path / "burning"
    server, base = serve_with_hook(
        github, tmp_path, BURN_HOOK, BURN_MARKER=str(marker), BURN_SECONDS=str(BURN)
    )
    try:
        wait_for_http(base + "/healthz", server)
        assert _deliver(base, pull, "burn-0").status_code == 202
        wait_until(marker.exists, what="the scan to start burning")
        timings = []
        for index in range(1, 6):
            started = time.monotonic()
            health = httpx.get(base + "/healthz", timeout=ANSWER_BOUND)
            delivered = _deliver(base, pull, f"burn-{index}")
            timings.append(time.monotonic() - started)
            assert (health.status_code, delivered.status_code) == (200, 202)
            time.sleep(0.5)
        assert marker.exists(), "the burn ended before the probes did: they proved nothing"
        assert int(marker.read_text()) != server.pid  # the scan ran in a worker process, not in serve
        assert max(timings) < ANSWER_BOUND
        wait_until(lambda: completed(github, pull.head_sha), what="the burning scan to finish", timeout=60)
        assert terminate(server, timeout=60) == 0
    finally:
        kill(server)


def _deliver(base: str, pull: Pull, delivery: str) -> httpx.Response:
    event = pull_request_event(
        REPO, pull.number, head=pull.head_sha, base=pull.base_sha, installation=INSTALLATION
    )
    event["delivery_note"] = delivery  # a distinct body: one signed body is accepted once
    body, headers = signed("pull_request", event, delivery=delivery, secret=SECRET)
    return httpx.post(f"{base}/api/github/webhooks", content=body, headers=headers, timeout=ANSWER_BOUND)


def test_serve_starts_another_worker_process_when_one_dies(
    tmp_path: Path, make_fake_github: Callable[..., FakeGitHub]
) -> None:
    github = make_fake_github(webhook_secret=SECRET)
    port = free_port()
    env = bot_env(github, tmp_path, PORT=str(port), WORKERS="1")
    queue = open_queue(Settings(queue_url=env["QUEUE_URL"]))
    server = start(SERVE, env, tmp_path, log=tmp_path / "serve.log")
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", server)
        wait_until(lambda: len(_worker_pids(queue)) == 1, what="the worker process's heartbeat")
        [first] = _worker_pids(queue)
        assert first != server.pid
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: bool(_worker_pids(queue) - {first}), what="a new worker process")
        assert server.poll() is None
        assert terminate(server, timeout=60) == 0
    finally:
        kill(server)
    assert "starting another" in (tmp_path / "serve.log").read_text(encoding="utf-8")


def _worker_pids(queue: JobQueue) -> set[int]:
    """Live worker processes, by the pid in their heartbeat key (`owner:host:pid:token`)."""
    pids = {int(key.split(":")[2]) for key in queue.state.items("owner:")}
    return {pid for pid in pids if _alive(pid)}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.redis
def test_serve_worker_processes_scan_from_redis(
    tmp_path: Path, github_with_pull: tuple[FakeGitHub, Pull]
) -> None:
    github, pull = github_with_pull
    port = free_port()
    with contextlib.ExitStack() as stack:
        queue_url = stack.enter_context(
            contextlib.contextmanager(flushed_redis)(REDIS_URL, needed_by="serve's workers on Redis")
        )
        env = bot_env(github, tmp_path, PORT=str(port), QUEUE_URL=queue_url, WORKERS="1")
        server = start(SERVE, env, tmp_path, log=tmp_path / "serve.log")
        stack.callback(kill, server)
        wait_for_http(f"http://127.0.0.1:{port}/healthz", server)
        assert _deliver(f"http://127.0.0.1:{port}", pull, "redis-1").status_code == 202
        wait_until(lambda: completed(github, pull.head_sha), what="the worker process to scan")
        assert terminate(server, timeout=60) == 0


# A scan stuck in one C call that holds the interpreter lock: a backtracking `re` match that would take
# years. No Python-level watchdog can run meanwhile; only the worker process's hard stop ends it.
HANG_HOOK = """
import re
import bot.github.gateway as gateway


def hanging_file_content(self, *args, **kwargs):
    re.match(r"(a+)+$", "a" * 64 + "!")


gateway.InstallationGateway.file_content = hanging_file_content
"""


def test_a_scan_stuck_in_c_code_ends_its_worker_and_then_fails_its_check_run(
    tmp_path: Path, github_with_pull: tuple[FakeGitHub, Pull]
) -> None:
    github, pull = github_with_pull
    server, base = serve_with_hook(github, tmp_path, HANG_HOOK, JOB_TIMEOUT="1")
    try:
        wait_for_http(base + "/healthz", server)
        assert _deliver(base, pull, "hang-1").status_code == 202
        wait_until(lambda: completed(github, pull.head_sha), what="the stuck job to be failed", timeout=90)
        assert httpx.get(base + "/healthz", timeout=ANSWER_BOUND).status_code == 200
        assert terminate(server, timeout=60) == 0
    finally:
        kill(server)
    with github.world.lock:
        [run] = github.world.runs_for(REPO, pull.head_sha)
        assert (run.status, run.conclusion) == ("completed", "failure")
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert log.count("starting another") == MAX_WORKER_DEATHS
    assert "job abandoned" in log
