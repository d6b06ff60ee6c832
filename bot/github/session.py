"""One installation's connection to GitHub: PyGithub for REST calls, httpx for streamed file content.

PyGithub is configured so that it never sleeps or retries on its own (no throttling, urllib3 retries only
for connection failures of GET/HEAD, never on a status code): every wait and every repeat goes through one
`Retrier`, whose `sleep` is injected, and writes are repeated only after looking for their effect.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from github import Github
from github.Auth import Auth
from github.Repository import Repository
from urllib3.util.retry import Retry

from bot.github.protocol import UnreadableAnswer
from bot.github.retry import Retrier
from bot.metrics import METRICS

T = TypeVar("T")
PER_PAGE = 100


def safe_retries() -> Retry:
    """urllib3 may resend only what cannot duplicate: GET/HEAD after a connection failure, without waiting.
    (PyGithub's default GithubRetry re-sends POSTs on 5xx, which duplicates comments.)"""
    return Retry(
        total=2,
        connect=2,
        read=2,
        status=0,
        other=0,
        redirect=3,
        allowed_methods=frozenset({"GET", "HEAD"}),
        status_forcelist=(),
        backoff_factor=0,
        respect_retry_after_header=False,
        raise_on_status=False,
    )


class TokenAuth(Auth):
    """Reads the installation token from the cache on every request, so a renewed token is used at once."""

    def __init__(self, token: Callable[[], str]) -> None:
        self._token = token

    @property
    def token_type(self) -> str:
        return "token"

    @property
    def token(self) -> str:
        return self._token()

    @property
    def _masked_token(self) -> str:
        return "token (removed)"


def make_github(api_url: str, token: Callable[[], str], *, timeout: int, user_agent: str) -> Github:
    # PyGithub logs response bodies at DEBUG level, and pull-request patches carry the very values that must
    # never be logged: its records are capped at INFO whatever the application's level.
    logging.getLogger("github").setLevel(logging.INFO)
    github = Github(
        base_url=api_url,
        auth=TokenAuth(token),
        timeout=timeout,
        user_agent=user_agent,
        per_page=PER_PAGE,
        retry=safe_retries(),
        seconds_between_requests=None,
        seconds_between_writes=None,
        lazy=True,
    )
    insist_on_json(github)
    return github


def insist_on_json(github: Github) -> None:
    """PyGithub turns a 2xx body that is not JSON (an HTML page from a proxy) into `{"data": body}` and
    carries on with empty objects; every answer it reads must be JSON, or the call fails and is retried."""
    requester = github.requester
    send = requester.requestJson

    def checked(*args: Any, **kwargs: Any) -> tuple[int, dict[str, Any], str]:
        status, headers, output = send(*args, **kwargs)
        if 200 <= status < 300 and output:
            check_json(headers, output)
        return status, headers, output

    requester.requestJson = checked  # type: ignore[method-assign]


def check_json(headers: dict[str, Any], output: str | bytes) -> None:
    media_type = str({k.lower(): v for k, v in headers.items()}.get("content-type", "")).split(";")[0]
    if not (media_type.strip().lower() == "application/json" or media_type.endswith("+json")):
        raise UnreadableAnswer(f"a {media_type or 'untyped'} answer where JSON was expected")
    try:
        json.loads(output)
    except ValueError:
        raise UnreadableAnswer("an answer that is not valid JSON") from None


class Session:
    def __init__(
        self,
        github: Github,
        http: httpx.Client,
        retrier: Retrier,
        *,
        token: Callable[[], str],
        app_id: int,
        clock: Callable[[], float],
    ) -> None:
        self.github = github
        self.http = http
        self.retrier = retrier
        self.token = token
        self.app_id = app_id
        self.clock = clock

    def repo(self, full_name: str) -> Repository:
        """A lazy repository object: no request until a method needs one."""
        return self.github.get_repo(full_name)

    def request(self, verb: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> Any:
        """One REST call through PyGithub's requester (for calls its object API would make in two)."""
        _, data = self.github.requester.requestJsonAndCheck(verb, path, parameters=params, input=body)
        return data

    def read(self, action: str, operation: Callable[[], T]) -> T:
        """Safe and idempotent calls: repeated as the retry policy allows."""
        try:
            return self.retrier.run(action, operation)
        finally:
            self._record_rate_limit()

    def write(self, action: str, operation: Callable[[], T], *, recover: Callable[[], T | None] | None) -> T:
        """Creations: repeated after a transient failure only when `recover` did not find their effect."""
        try:
            return self.retrier.run(action, operation, unsafe=True, recover=recover)
        finally:
            self._record_rate_limit()

    def _record_rate_limit(self) -> None:
        """PyGithub keeps the last `x-ratelimit-remaining` it saw (-1 before any)."""
        METRICS.rate_limit(self.github.requester.rate_limiting[0])

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)
