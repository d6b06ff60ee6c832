"""`bot.launch.run`, the `secrets-bot` entry point, with the long-running commands it also starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import free_port, kill, start, terminate, wait_for_http

SERVE_BY_ENTRY_POINT = (
    "import sys\nfrom bot.launch import run\nsys.argv = ['secrets-bot', 'serve']\nsys.exit(run())"
)


@pytest.mark.xfail(
    strict=True,
    reason="bot.launch.run freezes the collector's heap when main() returns: the queue's SQLite "
    "connections, held in reference cycles, are then never closed at exit, so a clean SIGTERM leaves "
    "queue.db-wal and queue.db-shm behind and queue.db alone lacks the last commits (by `python -c` "
    "through bot.cli.main, as the other process tests start serve, only queue.db is left)",
)
def test_serve_stopped_by_sigterm_leaves_its_queue_file_whole(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "QUEUE_URL": f"sqlite:///{tmp_path}/queue.db",
        "WORKERS": "1",
    }
    process = start(SERVE_BY_ENTRY_POINT, env, tmp_path, log=tmp_path / "serve.log")
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
        assert terminate(process, timeout=30) == 0
    finally:
        kill(process)
    assert (tmp_path / "queue.db").is_file()
    assert not (tmp_path / "queue.db-wal").exists()  # the last connection closed: the WAL checkpointed
