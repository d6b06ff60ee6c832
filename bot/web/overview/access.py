"""Who may see which repository: the signed-in person's GitHub listing, cached briefly per token.

The cache is keyed by a hash of the token (never the token itself), holds each answer for `ACCESS_TTL`
seconds and then asks GitHub again, so that access removed on GitHub is gone from the overview within a
minute. A fix request bypasses it (`fresh=True`): write access is checked at the moment of asking.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bot.github.user_access import AccessibleRepository, UserApi

ACCESS_TTL = 60.0
MAX_ENTRIES = 1000


@dataclass(frozen=True, slots=True)
class Access:
    repositories: tuple[AccessibleRepository, ...]

    def get(self, repo: str) -> AccessibleRepository | None:
        return next((item for item in self.repositories if item.full_name == repo), None)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(item.full_name for item in self.repositories)


class AccessCache:
    def __init__(
        self,
        *,
        ttl: float = ACCESS_TTL,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._transport = transport
        self._entries: dict[str, tuple[float, Access]] = {}
        self._lock = threading.Lock()

    async def access(self, api_url: str, app_id: int | None, token: str, *, fresh: bool = False) -> Access:
        key = hashlib.sha256(token.encode()).hexdigest()
        now = self._clock()
        with self._lock:
            cached = self._entries.get(key)
        if cached is not None and cached[0] > now and not fresh:
            return cached[1]
        repositories = await UserApi(api_url, token, transport=self._transport).repositories(app_id)
        access = Access(tuple(sorted(repositories, key=lambda item: item.full_name)))
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (now + self._ttl, access)
        return access

    def forget(self, token: str) -> None:
        with self._lock:
            self._entries.pop(hashlib.sha256(token.encode()).hexdigest(), None)
