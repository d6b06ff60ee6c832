"""The test GitHub App's key pair, and GitHub's rules for App JWTs and installation tokens.

GitHub accepts an App JWT signed RS256 with the App's private key, whose `iss` is the App id, `iat` not in
the future and `exp` at most ten minutes after `iat` and not past; the fake applies the same rules with its
own clock so tests can move time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CLOCK_SKEW = 60.0
MAX_JWT_LIFETIME = 600.0
TOKEN_LIFETIME = 3600.0


@dataclass(frozen=True)
class AppKeys:
    private_pem: str
    public_pem: str


@cache
def generate_keys(label: str = "test-app") -> AppKeys:
    """One RSA key pair per label and test session (generation costs tens of milliseconds)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return AppKeys(private.decode(), public.decode())


class JwtRejected(Exception):
    """Why GitHub would answer 401 to this JWT (the message is GitHub's kind of wording)."""


def verify_app_jwt(token: str, *, app_id: int, public_pem: str, now: float) -> None:
    try:
        claims = jwt.decode(
            token,
            public_pem,
            algorithms=["RS256"],
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["iat", "exp", "iss"],
            },
        )
    except jwt.PyJWTError as error:
        raise JwtRejected(f"A JSON web token could not be decoded ({type(error).__name__})") from None
    if str(claims["iss"]) != str(app_id):
        raise JwtRejected("'Issuer' claim ('iss') must be the App id")
    issued, expires = float(claims["iat"]), float(claims["exp"])
    if issued > now + CLOCK_SKEW:
        raise JwtRejected("'Issued at' claim ('iat') must be an Integer representing a time in the past")
    if expires - issued > MAX_JWT_LIFETIME:
        raise JwtRejected("'Expiration time' claim ('exp') is too far in the future")
    if expires <= now:
        raise JwtRejected(
            "'Expiration time' claim ('exp') must be a numeric value representing the future time"
        )


@dataclass
class Token:
    value: str
    installation_id: int
    expires_at: float


def new_token(installation_id: int, now: float) -> Token:
    return Token("ghs_" + secrets.token_hex(18), installation_id, now + TOKEN_LIFETIME)
