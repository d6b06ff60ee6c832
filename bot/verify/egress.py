"""The only way verification reaches the network: the providers' fixed hosts over https, nothing else.

Certificates are checked, redirects are never followed (a 3xx is an answer that tells nothing), the
environment's proxies and .netrc are ignored, and a guard in the transport refuses any request whose
scheme, host and port are not one of the configured destinations. A URL can name the value (Telegram's bot
token is part of its path), so httpx's and httpcore's own log records are dropped while a check runs.
Tests may route a provider's host to a loopback server (`endpoints_for_tests`); nothing else can.
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx

from bot.verify.providers import ALL_HOSTS, Call

_checking: contextvars.ContextVar[bool] = contextvars.ContextVar("verify_checking", default=False)
_QUIET_LOGGERS = ("httpx", "httpcore.connection", "httpcore.http11", "httpcore.http2", "botocore.auth")


class EgressRefused(httpx.TransportError):
    """A request to a destination that is not a provider's configured host; never sent."""


def _quiet(record: logging.LogRecord) -> bool:
    return not _checking.get()


for _name in _QUIET_LOGGERS:
    logging.getLogger(_name).addFilter(_quiet)


@contextmanager
def checking() -> Iterator[None]:
    """Library log records are dropped inside: their URLs and headers may hold the value."""
    token = _checking.set(True)
    try:
        yield
    finally:
        _checking.reset(token)


class _Guard(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, allowed: frozenset[tuple[str, str, int]]) -> None:
        self._inner = inner
        self._allowed = allowed

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if (url.scheme, url.host, url.port or _DEFAULT_PORTS[url.scheme]) not in self._allowed:
            raise EgressRefused("destination not allowed", request=request)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


_DEFAULT_PORTS = {"https": 443, "http": 80}


class Egress:
    def __init__(self, *, timeout: float, endpoints_for_tests: Mapping[str, str] | None = None) -> None:
        """`endpoints_for_tests`: official host -> a loopback origin (http://127.0.0.1:PORT) that stands
        in for it. Only tests pass it; a non-loopback origin is refused."""
        self._origins = {host: f"https://{host}" for host in ALL_HOSTS}
        for host, origin in (endpoints_for_tests or {}).items():
            self._origins[host] = _loopback_origin(host, origin)
        allowed = frozenset(_destination(origin) for origin in self._origins.values())
        transport = _Guard(httpx.HTTPTransport(verify=True, retries=0), allowed)
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(timeout),
            trust_env=False,
            headers={"User-Agent": "serverless-secrets-bot (validity check)"},
        )

    def send(self, host: str, call: Call) -> httpx.Response:
        """The provider's answer; raises `httpx.HTTPError` (timeouts, refused egress, network errors)."""
        request = self._client.build_request(
            call.method, self._origins[host] + call.path, headers=call.headers, content=call.body
        )
        with checking():
            return self._client.send(request)

    def close(self) -> None:
        self._client.close()


def _destination(origin: str) -> tuple[str, str, int]:
    parts = urlsplit(origin)
    return parts.scheme, parts.hostname or "", parts.port or _DEFAULT_PORTS[parts.scheme]


def _loopback_origin(host: str, origin: str) -> str:
    parts = urlsplit(origin)
    try:
        loopback = ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        loopback = False
    if (
        host not in ALL_HOSTS
        or parts.scheme not in _DEFAULT_PORTS
        or not loopback
        or parts.path not in ("", "/")
    ):
        raise ValueError(
            f"a test endpoint must be a loopback origin standing in for a provider host ({host})"
        )
    return origin.rstrip("/")
