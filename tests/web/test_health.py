"""Liveness and readiness."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.jobs.queue import READY_PROBE_TTL, JobQueue, open_queue
from bot.settings import Settings
from bot.web.app import create_app
from tests.processes import free_port
from tests.redisdb import flushed_redis
from tests.web.client import AppClient

REDIS_URL = "redis://127.0.0.1:6379/14"
CONFIGURED = Settings(app_id=1, private_key="pem", webhook_secret="secret-" + "x" * 8)


def sqlite_queue(tmp_path: Path) -> JobQueue:
    return open_queue(Settings(queue_url=f"sqlite:///{tmp_path}/q.db"))


def test_healthz_answers_when_alive(tmp_path: Path) -> None:
    client = AppClient(create_app(Settings(), sqlite_queue(tmp_path)))
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_needs_a_configured_app(tmp_path: Path) -> None:
    response = AppClient(create_app(Settings(), sqlite_queue(tmp_path))).get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["the App is not configured"]


def test_readyz_when_configured_and_queue_reachable(tmp_path: Path) -> None:
    response = AppClient(create_app(CONFIGURED, sqlite_queue(tmp_path))).get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})


def not_ready(queue: JobQueue) -> list[str]:
    response = AppClient(create_app(CONFIGURED, queue)).get("/readyz")
    assert response.status_code == 503
    problems: list[str] = response.json()["problems"]
    return problems


def test_readyz_reports_an_unreachable_queue(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.huey.storage.close()
    queue.huey.storage.filename = str(tmp_path / "missing" / "q.db")
    assert not_ready(queue) == ["queue not writable (OperationalError)"]


def test_readyz_fails_on_a_queue_file_that_reads_but_cannot_be_written(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.huey.storage.conn.execute("pragma query_only = on")  # as a read-only file or mount answers
    queue.huey.storage.conn.execute("select 1")  # reads still work: a ping would say ready
    assert not_ready(queue) == ["queue not writable (OperationalError)"]


def test_readyz_fails_while_another_process_holds_the_queue_file_locked(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.huey.storage.close()
    queue.huey.storage._timeout = 0.2  # the busy wait; 5 s in production
    holder = sqlite3.connect(tmp_path / "q.db", isolation_level=None)
    holder.execute("begin exclusive")
    try:
        assert not_ready(queue) == ["queue not writable (OperationalError)"]
    finally:
        holder.rollback()
        holder.close()
    response = AppClient(create_app(CONFIGURED, queue)).get("/readyz")
    assert response.status_code == 200


def test_readyz_probe_key_expires(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.probe_write()
    [(key, _)] = queue.state.items("ready-probe:").items()
    assert key == f"ready-probe:{queue.lessee.name}"
    [(expires,)] = queue.huey.storage.conn.execute(
        "select expires from secrets_bot_state where key = ?", (key,)
    ).fetchall()
    assert 0 < expires - time.time() <= READY_PROBE_TTL


@pytest.fixture
def redis_url() -> Iterator[str]:
    yield from flushed_redis(REDIS_URL, needed_by="the Redis readiness tests")


@pytest.mark.redis
def test_readyz_on_redis_fails_while_redis_answers_pings_but_refuses_writes(redis_url: str) -> None:
    admin = redis.Redis.from_url(redis_url)
    # A user that may read and ping but not write: per connection, so no other test sees a read-only server.
    admin.acl_setuser(
        "readyz-reader",
        enabled=True,
        passwords=["+reader-pw"],
        keys=["*"],
        commands=["+@read", "+ping", "+select"],
    )
    try:
        queue = open_queue(Settings(queue_url=redis_url.replace("//", "//readyz-reader:reader-pw@")))
        queue.huey.storage.conn.ping()
        assert not_ready(queue) == ["queue not writable (NoPermissionError)"]
    finally:
        admin.acl_deluser("readyz-reader")
        admin.close()
    assert (
        AppClient(create_app(CONFIGURED, open_queue(Settings(queue_url=redis_url))))
        .get("/readyz")
        .status_code
        == 200
    )


@pytest.mark.redis
def test_readyz_fails_when_redis_is_down(redis_url: str) -> None:
    queue = open_queue(Settings(queue_url=redis_url))
    queue.huey.storage.conn.connection_pool.reset()
    queue.huey.storage.conn.connection_pool.connection_kwargs["port"] = free_port()
    assert not_ready(queue) == ["queue not writable (ConnectionError)"]
