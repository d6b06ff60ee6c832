"""GitHub App authentication: a short-lived App JWT, exchanged for installation tokens that are cached.

GitHub accepts an App JWT for at most ten minutes and rejects one issued "in the future" by a skewed clock,
so `iat` is set 60 s in the past and `exp` nine minutes ahead. Installation tokens live an hour; one is kept
per installation and renewed five minutes before it expires, under a per-installation lock so that concurrent
workers mint one token, not one each. Neither the key, the JWT nor a token is ever logged or put in an error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import httpx
import jwt

from bot.github.retry import HttpStatusError, Retrier

log = logging.getLogger(__name__)

JWT_BACKDATE = 60
JWT_LIFETIME = 540
RENEW_BEFORE = 300.0


class AppCredentials:
    """The App id and private key; signs App JWTs. Its repr never shows the key."""

    def __init__(self, app_id: int, private_key: str, *, clock: Callable[[], float]) -> None:
        self.app_id = app_id
        self._private_key = private_key
        self._clock = clock

    def jwt(self) -> str:
        now = int(self._clock())
        claims = {"iat": now - JWT_BACKDATE, "exp": now + JWT_LIFETIME, "iss": str(self.app_id)}
        return jwt.encode(claims, self._private_key, algorithm="RS256")

    def __repr__(self) -> str:
        return f"AppCredentials(app_id={self.app_id}, private_key=<hidden>)"


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float
    # What the installation granted, as the token's answer says (`{"contents": "write", ...}`).
    permissions: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"_Token(expires_at={self.expires_at})"


class InstallationTokens:
    """Installation id -> a valid token, minted through `POST /app/installations/{id}/access_tokens`."""

    def __init__(
        self,
        credentials: AppCredentials,
        http: httpx.Client,
        retrier: Retrier,
        *,
        clock: Callable[[], float],
    ) -> None:
        self._credentials = credentials
        self._http = http
        self._retrier = retrier
        self._clock = clock
        self._tokens: dict[int, _Token] = {}
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def token(self, installation_id: int) -> str:
        with self._lock_for(installation_id):
            cached = self._tokens.get(installation_id)
            if cached is None or cached.expires_at - self._clock() <= RENEW_BEFORE:
                cached = self._retrier.run("mint an installation token", lambda: self._mint(installation_id))
                self._tokens[installation_id] = cached
            return cached.value

    def permissions(self, installation_id: int) -> Mapping[str, str]:
        """What the installation granted, from its current token's answer (minting one if needed): an
        owner who has not accepted a new permission keeps the old grant, and the bot must not offer what it
        cannot do."""
        self.token(installation_id)
        with self._lock_for(installation_id):
            cached = self._tokens.get(installation_id)
            return dict(cached.permissions) if cached is not None else {}

    def invalidate(self, installation_id: int) -> None:
        """Forgets the token GitHub refused (revoked or expired early); the next call mints one."""
        with self._lock_for(installation_id):
            self._tokens.pop(installation_id, None)

    def _mint(self, installation_id: int) -> _Token:
        response = self._http.post(
            f"app/installations/{installation_id}/access_tokens",
            headers={
                "Authorization": f"Bearer {self._credentials.jwt()}",
                "Accept": "application/vnd.github+json",
            },
        )
        if response.status_code != 201:
            raise HttpStatusError(response.status_code, response.headers, _message(response))
        payload = response.json()
        expires_at = datetime.fromisoformat(payload["expires_at"].replace("Z", "+00:00")).timestamp()
        log.info(
            "installation token minted for installation %d",
            installation_id,
            extra={"installation_id": installation_id, "expires_at": expires_at},
        )
        granted = payload.get("permissions")
        permissions = {str(k): str(v) for k, v in granted.items()} if isinstance(granted, dict) else {}
        return _Token(payload["token"], expires_at, permissions)

    def _lock_for(self, installation_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(installation_id, threading.Lock())


class AppIdentity:
    """The App's bot login (`<slug>[bot]`), read once from `GET /app` with the App JWT and cached.

    Review comments are recognised as the bot's own by this login, which only GitHub can give an account:
    another App's bot or a person who copies our hidden marker into a comment never matches it."""

    def __init__(self, credentials: AppCredentials, http: httpx.Client, retrier: Retrier) -> None:
        self._credentials = credentials
        self._http = http
        self._retrier = retrier
        self._login: str | None = None
        self._lock = threading.Lock()

    def login(self) -> str:
        with self._lock:
            if self._login is None:
                self._login = self._retrier.run("read the App's identity", self._fetch)
            return self._login

    def _fetch(self) -> str:
        response = self._http.get(
            "app",
            headers={
                "Authorization": f"Bearer {self._credentials.jwt()}",
                "Accept": "application/vnd.github+json",
            },
        )
        if response.status_code != 200:
            raise HttpStatusError(response.status_code, response.headers, _message(response))
        slug = response.json().get("slug")
        if not isinstance(slug, str) or not slug:
            raise HttpStatusError(502, response.headers, "GET /app answered without the App's slug")
        return f"{slug}[bot]"


def _message(response: httpx.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        return ""
    message = payload.get("message") if isinstance(payload, dict) else None
    return message if isinstance(message, str) else ""
