"""A signed body is accepted once within GitHub's redelivery window, whatever delivery id comes with it, on
both storages (the claim is the store's, so two processes cannot both accept it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.jobs.queue import DELIVERY_TTL, JobQueue, Submission, open_queue
from bot.settings import Settings
from tests.jobs.scenarios import pull_request
from tests.redisdb import flushed_redis

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/queue.db"
    else:
        yield from flushed_redis(REDIS_URL, needed_by="the Redis replay tests")


def queues(url: str) -> tuple[JobQueue, JobQueue]:
    """Two queues on one storage: the web process and another replica of it."""
    return open_queue(Settings(queue_url=url)), open_queue(Settings(queue_url=url))


def test_same_body_under_a_new_delivery_id_is_a_duplicate(queue_url: str) -> None:
    first, second = queues(queue_url)
    assert first.submit("d-1", [pull_request()], body_digest="ab" * 32) is Submission.ACCEPTED
    assert second.submit("d-2", [pull_request()], body_digest="ab" * 32) is Submission.DUPLICATE
    assert first.submit("d-3", [pull_request()], body_digest="cd" * 32) is Submission.ACCEPTED
    assert first.depth() == 2


def test_body_claim_lives_as_long_as_the_delivery_claim(queue_url: str) -> None:
    queue, _ = queues(queue_url)
    queue.submit("d-1", [pull_request()], body_digest="ef" * 32)
    assert queue.state.get("body:" + "ef" * 32) == "1"
    if queue_url.startswith("redis"):
        [key] = queue.huey.storage.conn.keys("*body:" + "ef" * 32)
        ttl = queue.huey.storage.conn.pttl(key) / 1000
    else:
        [(expires,)] = queue.huey.storage.conn.execute(
            "select expires from secrets_bot_state where key = ?", ("body:" + "ef" * 32,)
        ).fetchall()
        ttl = expires - time.time()
    assert DELIVERY_TTL - 60 < ttl <= DELIVERY_TTL


def test_a_failed_enqueue_releases_the_body_claim(queue_url: str) -> None:
    queue, _ = queues(queue_url)

    def broken(job: dict[str, object], job_id: str) -> None:
        raise OSError("disk full")

    queue.enqueue = broken  # type: ignore[method-assign]
    with pytest.raises(OSError):
        queue.submit("d-1", [pull_request()], body_digest="01" * 32)
    del queue.enqueue
    assert queue.submit("d-2", [pull_request()], body_digest="01" * 32) is Submission.ACCEPTED
