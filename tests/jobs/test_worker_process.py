"""`secrets-bot worker` as a process: starts, keeps a heartbeat, stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
from pathlib import Path

from bot.jobs.queue import open_queue
from bot.settings import Settings
from tests.conftest import wait_until
from tests.jobs.test_durability import FAKE_PEM, spawn


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
