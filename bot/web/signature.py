"""GitHub's webhook signature: HMAC-SHA256 of the raw body with the App's webhook secret.

Checked on the exact bytes received, before the body is parsed, with a constant-time comparison. `BodyDigest`
computes it while the body streams in, together with the body's plain SHA-256 (the replay key), so that no
second pass over a large body is needed.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def signature_for(secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` header value GitHub sends for `body`."""
    digest = BodyDigest(secret)
    digest.update(body)
    return digest.signature()


def is_valid_signature(secret: str, body: bytes, header: str | None) -> bool:
    digest = BodyDigest(secret)
    digest.update(body)
    return digest.matches(header)


class BodyDigest:
    """The HMAC and the SHA-256 of a body fed chunk by chunk."""

    def __init__(self, secret: str) -> None:
        self._mac = hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)
        self._sha = hashlib.sha256()

    def update(self, chunk: bytes) -> None:
        self._mac.update(chunk)
        self._sha.update(chunk)

    def signature(self) -> str:
        return PREFIX + self._mac.hexdigest()

    def matches(self, header: str | None) -> bool:
        if not header or not header.startswith(PREFIX):
            return False
        expected = self.signature().encode("ascii")
        return hmac.compare_digest(expected, header.strip().encode("utf-8", errors="replace"))

    def body_sha256(self) -> str:
        """The body's own hash: the same signed body replayed under any delivery id has the same one."""
        return self._sha.hexdigest()
