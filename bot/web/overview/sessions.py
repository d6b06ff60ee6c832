"""The overview's session: a cookie signed and time-stamped with itsdangerous, the GitHub token inside it
encrypted with Fernet, so that the token never reaches the browser in a usable form and several web processes
behind one balancer read each other's sessions without a shared store.

Both keys are derived (HKDF-SHA256, one label each) from the App's private key, which every process of one
deployment already holds; rotating that key signs everybody out. The cookie is HttpOnly, SameSite=Lax,
Secure when PUBLIC_URL is https, scoped to /overview, and refused by the signature check after
`SESSION_LIFETIME` (it is never extended: GitHub's user tokens expire after eight hours too).
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "secrets_bot_overview"
LOGIN_COOKIE = "secrets_bot_overview_login"
PATH = "/overview"
SESSION_LIFETIME = 8 * 3600  # seconds
LOGIN_LIFETIME = 600  # seconds between "Sign in" and GitHub's callback


@dataclass(frozen=True, slots=True)
class Session:
    login: str
    user_id: int
    token: str = field(repr=False)
    csrf: str = field(repr=False)
    issued: float


class Sessions:
    """Reads and writes the session and login-state cookies for one App (keys from its private key)."""

    def __init__(self, private_key: str, *, secure: bool) -> None:
        self._secure = secure
        self._signer = URLSafeTimedSerializer(_derive(private_key, b"session-signing"), salt="overview")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(private_key, b"token-encryption")))

    def read(self, request: Request) -> Session | None:
        """The signed-in session, or None for none, a forged one, or one older than its lifetime."""
        data = self._load(request.cookies.get(COOKIE), SESSION_LIFETIME)
        if not isinstance(data, dict):
            return None
        try:
            token = self._fernet.decrypt(str(data["t"]).encode(), ttl=SESSION_LIFETIME).decode()
            return Session(str(data["l"]), int(data["u"]), token, str(data["c"]), float(data["i"]))
        except (KeyError, TypeError, ValueError, InvalidToken):
            return None

    def start(
        self, response: Response, *, login: str, user_id: int, token: str, expires_at: float | None
    ) -> None:
        now = time.time()
        lifetime = (
            SESSION_LIFETIME if expires_at is None else max(0, min(SESSION_LIFETIME, int(expires_at - now)))
        )
        data = {
            "l": login,
            "u": user_id,
            "t": self._fernet.encrypt(token.encode()).decode(),
            "c": secrets.token_urlsafe(24),
            "i": now,
        }
        self._set(response, COOKIE, self._signer.dumps(data), lifetime)

    def end(self, response: Response) -> None:
        response.delete_cookie(COOKIE, path=PATH, secure=self._secure, httponly=True, samesite="lax")

    def remember_login(self, response: Response, state: str) -> None:
        """The OAuth `state` this browser was sent to GitHub with, bound to it by a signed cookie."""
        self._set(response, LOGIN_COOKIE, self._signer.dumps({"s": state}), LOGIN_LIFETIME)

    def login_state(self, request: Request) -> str:
        data = self._load(request.cookies.get(LOGIN_COOKIE), LOGIN_LIFETIME)
        return str(data.get("s", "")) if isinstance(data, dict) else ""

    def forget_login(self, response: Response) -> None:
        response.delete_cookie(LOGIN_COOKIE, path=PATH, secure=self._secure, httponly=True, samesite="lax")

    def _load(self, cookie: str | None, max_age: int) -> Any:
        if not cookie:
            return None
        try:
            return self._signer.loads(cookie, max_age=max_age)
        except BadSignature:  # includes SignatureExpired
            return None

    def _set(self, response: Response, name: str, value: str, max_age: int) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path=PATH, httponly=True, samesite="lax", secure=self._secure
        )


def _derive(private_key: str, label: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"serverless-secrets-bot/overview/" + label
    )
    return hkdf.derive(private_key.encode())
