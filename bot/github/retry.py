"""One retry policy for every call to GitHub, with waits that go through an injected `sleep`.

urllib3's own retries are limited to connection failures of safe methods (see `gateway.py`); everything
else is decided here: rate limits wait as GitHub asks (bounded by `max_wait`, beyond which the job is better
retried later), 5xx and broken connections back off exponentially, and a write whose outcome is unknown is
only sent again after `recover` has looked for its effect, so a retry never creates a duplicate.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

import httpx
import requests
from github.GithubException import GithubException

from bot.github.errors import GitHubAuthError, GitHubNotFound, GitHubRequestError
from bot.github.protocol import GitHubUnavailable, RateLimited, UnreadableAnswer
from bot.github.ratelimit import is_rate_limited, lower_keys, rate_limit_wait, retry_after
from bot.metrics import METRICS

log = logging.getLogger(__name__)
T = TypeVar("T")


class Kind(Enum):
    RATE_LIMITED = "rate limited"
    TRANSIENT = (
        "transient"  # 5xx, reset connection, timeout, truncated body: the request may have been applied
    )
    UNAUTHORIZED = "unauthorized"
    NOT_FOUND = "not found"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Failure:
    kind: Kind
    detail: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def error(self, action: str) -> GitHubRequestError:
        status = self.status or 0
        if self.kind is Kind.NOT_FOUND:
            return GitHubNotFound(action, status, self.detail)
        if self.kind is Kind.UNAUTHORIZED:
            return GitHubAuthError(action, status, self.detail)
        return GitHubRequestError(action, status, self.detail)


class HttpStatusError(Exception):
    """A non-2xx answer on the httpx paths, so that they are classified like PyGithub's exceptions."""

    def __init__(self, status: int, headers: Mapping[str, str], message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.headers = lower_keys(headers)
        self.message = message


def classify(error: BaseException) -> Failure | None:
    """None for errors that are not about talking to GitHub (they propagate unchanged)."""
    if isinstance(error, GithubException):
        return from_status(error.status, lower_keys(dict(error.headers or {})), _message(error.data))
    if isinstance(error, HttpStatusError):
        return from_status(error.status, error.headers, error.message)
    if isinstance(
        error, requests.RequestException | httpx.TransportError | json.JSONDecodeError | UnreadableAnswer
    ):
        return Failure(Kind.TRANSIENT, type(error).__name__)
    return None


def from_status(status: int, headers: Mapping[str, str], message: str) -> Failure:
    detail = message[:200] or f"HTTP {status}"
    if status == 401:
        return Failure(Kind.UNAUTHORIZED, detail, status, headers)
    if is_rate_limited(status, headers, message):
        return Failure(Kind.RATE_LIMITED, detail, status, headers)
    if status >= 500:
        return Failure(Kind.TRANSIENT, detail, status, headers)
    return Failure(Kind.NOT_FOUND if status == 404 else Kind.REJECTED, detail, status, headers)


def _message(data: object) -> str:
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, str):
        return ""
    errors = data.get("errors") if isinstance(data, dict) else None
    return message + (f" {errors}" if errors else "")


@dataclass
class Retrier:
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    max_retries: int = 4
    max_wait: float = 60.0
    backoff: float = 1.0
    max_backoff: float = 30.0
    on_unauthorized: Callable[[], None] | None = None  # drops the cached token; the call is retried once

    def run(
        self,
        action: str,
        operation: Callable[[], T],
        *,
        unsafe: bool = False,
        recover: Callable[[], T | None] | None = None,
    ) -> T:
        """`operation()` with retries. For an `unsafe` write a transient failure is ambiguous: `recover`
        looks for the write's effect, returned when found; without `recover` the call gives up."""
        attempts, refreshed = 0, False
        while True:
            try:
                result = operation()
            except Exception as error:
                failure = classify(error)
                if failure is None:
                    raise
                cause = error
            else:
                METRICS.github_call(action, "ok")
                return result
            METRICS.github_call(action, str(failure.status) if failure.status else "transport-error")
            if failure.kind is Kind.UNAUTHORIZED and self.on_unauthorized is not None and not refreshed:
                log.info("%s: GitHub refused the installation token; minting a new one", action)
                self.on_unauthorized()
                refreshed = True
                continue
            if failure.kind in {Kind.UNAUTHORIZED, Kind.NOT_FOUND, Kind.REJECTED}:
                raise failure.error(action) from cause
            attempts += 1
            if attempts > self.max_retries:
                raise GitHubUnavailable(
                    f"{action}: {failure.detail} (gave up after {attempts} attempts)"
                ) from cause
            self._pause(action, failure, attempts)
            if unsafe and failure.kind is Kind.TRANSIENT:
                if recover is None:
                    raise GitHubUnavailable(
                        f"{action}: {failure.detail}; not repeated (outcome unknown)"
                    ) from cause
                found = self.run(f"{action} (looking for an earlier attempt)", recover)
                if found is not None:
                    return found

    def _pause(self, action: str, failure: Failure, attempts: int) -> None:
        if failure.kind is Kind.RATE_LIMITED:
            wait = max(rate_limit_wait(failure.headers, self.clock()), 1.0)
        else:
            asked = retry_after(failure.headers, self.clock())
            wait = asked if asked is not None else min(self.backoff * 2 ** (attempts - 1), self.max_backoff)
        if wait > self.max_wait:
            message = f"{action}: GitHub asks to wait {wait:.0f} s, more than {self.max_wait:.0f} s"
            if failure.kind is Kind.RATE_LIMITED:
                raise RateLimited(message, until=self.clock() + wait, wait=wait)
            raise GitHubUnavailable(message)
        log.warning(
            "%s: %s, retrying in %.1f s",
            action,
            failure.detail if failure.kind is Kind.RATE_LIMITED else failure.kind.value,
            wait,
            extra={"action": action, "reason": failure.kind.value, "status": failure.status, "wait": wait},
        )
        self.sleep(wait)
