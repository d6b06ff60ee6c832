"""What keeps verification polite and cheap: a token bucket per provider, and outcomes cached by fingerprint.

Both are shared by every scan in a worker process (threads included, hence the locks), so a burst of scans
cannot hammer a provider and the same leaked key is asked about once per VERIFY_CACHE_SECONDS. Only a clear
answer (active or inactive) is cached: an unknown one is asked again next time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.core.findings import Validity

MAX_CACHED = 10_000


@dataclass(frozen=True, slots=True)
class Outcome:
    validity: Validity
    checked_at: datetime  # UTC
    provider: str


class TokenBucket:
    """`rate` requests a second on average, bursts of `capacity`."""

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float]) -> None:
        self._rate = rate
        self._capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def wait_time(self) -> float:
        """Takes a token and returns 0.0, or returns how long until one is free (taking nothing)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self._rate


class OutcomeCache:
    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self._seconds = seconds
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Outcome]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Outcome | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._clock() - entry[0] >= self._seconds:
                del self._entries[key]
                return None
            return entry[1]

    def put(self, key: str, outcome: Outcome) -> None:
        if self._seconds <= 0 or outcome.validity is Validity.UNKNOWN:
            return
        with self._lock:
            self._entries[key] = (self._clock(), outcome)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_CACHED:
                self._entries.popitem(last=False)
