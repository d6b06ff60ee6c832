"""GitHub's webhook signature: HMAC-SHA256 of the raw body with the App's webhook secret.

Checked on the exact bytes received, before the body is parsed, with a constant-time comparison.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def signature_for(secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` header value GitHub sends for `body`."""
    return PREFIX + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def is_valid_signature(secret: str, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith(PREFIX):
        return False
    expected = signature_for(secret, body).encode("ascii")
    return hmac.compare_digest(expected, header.strip().encode("utf-8", errors="replace"))
