"""One Redis database, flushed before and after a test; skips with the reason when no server answers (fails
under CI=true: see `tests.conftest.require_service`)."""

from __future__ import annotations

from collections.abc import Iterator

import redis

from tests.conftest import require_service


def flushed_redis(url: str, *, needed_by: str) -> Iterator[str]:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        client.close()
        require_service("Redis", f"no Redis server answers on 127.0.0.1:6379 ({needed_by} needs one)")
    client.flushdb()
    try:
        yield url
    finally:
        client.flushdb()
        client.close()
