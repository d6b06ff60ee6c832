"""Small shared facts next to the queue: delivery ids seen, newest PR heads, locks, jobs in flight.

They live in the queue's own storage (the same SQLite file, or the same Redis) so that every process that
shares the queue shares them, and so that "accepted" and "deduplicated" are decided atomically by the store
rather than by one process's memory. Every key can expire: the SQLite table is pruned of expired rows, and
Redis expires them itself, so the store stays bounded.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage


class JobState(Protocol):
    def claim(self, key: str, value: str, ttl: float) -> bool:
        """Set `key` only if absent (or expired); True when this caller set it."""
        ...

    def put(self, key: str, value: str, ttl: float | None = None) -> None: ...

    def get(self, key: str) -> str | None: ...

    def delete(self, key: str, *, only_if: str | None = None) -> None:
        """Delete `key`; with `only_if`, only while it still holds that value (releasing one's own lock)."""
        ...

    def items(self, prefix: str) -> dict[str, str]:
        """Every live key starting with `prefix` (small sets: jobs in flight)."""
        ...

    def prune(self) -> None:
        """Drop expired keys where the store does not do it itself."""
        ...

    def ping(self) -> None:
        """Raise when the store cannot be reached."""
        ...


def state_for(huey: Huey) -> JobState:
    """The state store that lives in this huey instance's storage."""
    storage = huey.storage
    if isinstance(storage, SqliteStorage):
        return SqliteState(storage)
    if isinstance(storage, RedisStorage):
        return RedisState(storage, prefix=f"secrets-bot:{storage.name}:")
    if isinstance(storage, MemoryStorage):
        return MemoryState()
    raise TypeError(f"no job state for {type(storage).__name__}")


class SqliteState:
    """A table in the queue's SQLite file, written in the storage's own exclusive transactions."""

    _DDL = (
        "create table if not exists secrets_bot_state"
        " (key text primary key, value text not null, expires real)"
    )

    def __init__(self, storage: SqliteStorage) -> None:
        self._storage = storage
        self._execute(self._DDL)

    def _execute(
        self, sql: str, params: tuple[Any, ...] = (), *, write: bool = True
    ) -> list[tuple[Any, ...]]:
        with self._storage.db(commit=write) as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def claim(self, key: str, value: str, ttl: float) -> bool:
        now = time.time()
        with self._storage.db(commit=True) as cursor:
            cursor.execute("delete from secrets_bot_state where key = ? and expires <= ?", (key, now))
            cursor.execute(
                "insert or ignore into secrets_bot_state (key, value, expires) values (?, ?, ?)",
                (key, value, now + ttl),
            )
            return bool(cursor.rowcount == 1)

    def put(self, key: str, value: str, ttl: float | None = None) -> None:
        expires = None if ttl is None else time.time() + ttl
        self._execute(
            "insert or replace into secrets_bot_state (key, value, expires) values (?, ?, ?)",
            (key, value, expires),
        )

    def get(self, key: str) -> str | None:
        rows = self._execute(
            "select value from secrets_bot_state where key = ? and (expires is null or expires > ?)",
            (key, time.time()),
            write=False,
        )
        return str(rows[0][0]) if rows else None

    def delete(self, key: str, *, only_if: str | None = None) -> None:
        if only_if is None:
            self._execute("delete from secrets_bot_state where key = ?", (key,))
        else:
            self._execute("delete from secrets_bot_state where key = ? and value = ?", (key, only_if))

    def items(self, prefix: str) -> dict[str, str]:
        rows = self._execute(
            "select key, value from secrets_bot_state"
            " where substr(key, 1, ?) = ? and (expires is null or expires > ?)",
            (len(prefix), prefix, time.time()),
            write=False,
        )
        return {str(key): str(value) for key, value in rows}

    def prune(self) -> None:
        self._execute("delete from secrets_bot_state where expires <= ?", (time.time(),))

    def ping(self) -> None:
        self._execute("select 1", write=False)


_DELETE_IF = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class RedisState:
    """Plain Redis keys with native expiry, next to huey's own keys."""

    def __init__(self, storage: RedisStorage, *, prefix: str) -> None:
        self._redis = storage.conn
        self._prefix = prefix
        self._delete_if = self._redis.register_script(_DELETE_IF)

    def claim(self, key: str, value: str, ttl: float) -> bool:
        return bool(self._redis.set(self._prefix + key, value, nx=True, px=max(1, int(ttl * 1000))))

    def put(self, key: str, value: str, ttl: float | None = None) -> None:
        expiry = None if ttl is None else max(1, int(ttl * 1000))
        self._redis.set(self._prefix + key, value, px=expiry)

    def get(self, key: str) -> str | None:
        value = self._redis.get(self._prefix + key)
        return None if value is None else bytes(value).decode("utf-8")

    def delete(self, key: str, *, only_if: str | None = None) -> None:
        if only_if is None:
            self._redis.delete(self._prefix + key)
        else:
            self._delete_if(keys=[self._prefix + key], args=[only_if])

    def items(self, prefix: str) -> dict[str, str]:
        keys = list(self._redis.scan_iter(match=_glob_escape(self._prefix + prefix) + "*", count=500))
        values = self._redis.mget(keys) if keys else []
        start = len(self._prefix)
        return {
            bytes(key).decode("utf-8")[start:]: bytes(value).decode("utf-8")
            for key, value in zip(keys, values, strict=True)
            if value is not None
        }

    def prune(self) -> None:
        """Redis expires keys itself."""

    def ping(self) -> None:
        self._redis.ping()


def _glob_escape(text: str) -> str:
    return "".join(f"\\{char}" if char in "*?[]\\" else char for char in text)


class MemoryState:
    """For huey's in-memory storage (one process, tests and `immediate` mode)."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[str, float | None]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str) -> str | None:
        entry = self._values.get(key)
        if entry is None or (entry[1] is not None and entry[1] <= time.time()):
            return None
        return entry[0]

    def claim(self, key: str, value: str, ttl: float) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._values[key] = (value, time.time() + ttl)
            return True

    def put(self, key: str, value: str, ttl: float | None = None) -> None:
        with self._lock:
            self._values[key] = (value, None if ttl is None else time.time() + ttl)

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._live(key)

    def delete(self, key: str, *, only_if: str | None = None) -> None:
        with self._lock:
            if only_if is None or self._live(key) == only_if:
                self._values.pop(key, None)

    def items(self, prefix: str) -> dict[str, str]:
        with self._lock:
            live = {key: self._live(key) for key in self._values if key.startswith(prefix)}
            return {key: value for key, value in live.items() if value is not None}

    def prune(self) -> None:
        with self._lock:
            for key in [key for key in self._values if self._live(key) is None]:
                del self._values[key]

    def ping(self) -> None:
        """Always reachable."""
