"""`bot.launch.run`, the `secrets-bot` entry point, with the long-running commands it also starts."""

from __future__ import annotations

from pathlib import Path

from tests.processes import free_port, kill, start, terminate, wait_for_http

SERVE_BY_ENTRY_POINT = (
    "import sys\nfrom bot.launch import run\nsys.argv = ['secrets-bot', 'serve']\nsys.exit(run())"
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
