"""A queue file that is corrupt, foreign or locked stops the start with a clear error and is left untouched:
jobs accepted earlier are never silently dropped by starting over with an empty queue."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot.jobs import queue as queue_module
from bot.jobs.queue import QueueError, open_queue
from bot.settings import Settings
from tests.jobs.scenarios import pull_request
from tests.processes import SERVE, start


def settings_for(path: Path) -> Settings:
    return Settings(queue_url=f"sqlite:///{path}")


def filled_queue_file(path: Path, jobs: int = 300) -> None:
    queue = open_queue(settings_for(path))
    for index in range(jobs):
        queue.submit(f"fill-{index}", [pull_request(delivery=f"fill-{index}")])
    queue.huey.storage.close()  # the last connection checkpoints the WAL into the file


def test_a_file_that_is_not_a_database_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    path.write_bytes(b"these are not the pages you are looking for\n" * 200)
    before = path.read_bytes()
    with pytest.raises(QueueError, match="corrupt or not a queue file") as caught:
        open_queue(settings_for(path))
    assert str(path) in str(caught.value) and "left untouched" in str(caught.value)
    assert path.read_bytes() == before


def test_a_damaged_queue_file_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    filled_queue_file(path)
    data = bytearray(path.read_bytes())
    assert len(data) > 8 * 4096
    data[3 * 4096 : 5 * 4096] = b"\xa5" * (2 * 4096)  # two pages of the middle overwritten
    path.write_bytes(bytes(data))
    with pytest.raises(QueueError, match="corrupt"):
        open_queue(settings_for(path))
    assert path.read_bytes() == bytes(data)


def test_a_locked_queue_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "queue.db"
    filled_queue_file(path, jobs=1)
    monkeypatch.setattr(queue_module, "SQLITE_BUSY_TIMEOUT", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("begin exclusive")
    try:
        with pytest.raises(QueueError, match="locked by another process"):
            open_queue(settings_for(path))
    finally:
        holder.execute("rollback")
        holder.close()
    assert open_queue(settings_for(path)).depth() == 1  # nothing was lost once the lock is gone


def test_serve_refuses_to_start_on_a_corrupt_file_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    path.write_bytes(b"\x00garbage" * 512)
    process = start(SERVE, {"QUEUE_URL": f"sqlite:///{path}", "PORT": "9"}, tmp_path, log=tmp_path / "out")
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    output = (tmp_path / "out").read_text(encoding="utf-8")
    assert code == 1
    assert f"secrets-bot: QUEUE_URL: cannot open the SQLite queue file {path}" in output
    assert "Traceback" not in output
