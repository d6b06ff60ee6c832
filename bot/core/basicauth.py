"""HTTP Basic credentials: `Basic <base64 of user:password>` written into a header value or a setting.

API Gateway integration headers, webhook settings and proxy configs carry `Authorization: Basic ...` as a
literal; base64 hides the password from every password check, but anyone can decode it. The token rule
`http-basic-credentials` finds the shape, and only a value that decodes to printable `user:password` with
a password that is no placeholder (`user:password`, `admin:changeme`) is reported.
"""

from __future__ import annotations

import base64
import binascii

from bot.core import filters

BASIC_RULE_ID = "http-basic-credentials"
_SHORTEST_PASSWORD = 3


def is_basic_credential(encoded: str) -> bool:
    """Whether `encoded` is base64 of `user:password` with a real-looking password."""
    try:
        text = base64.b64decode(encoded, validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return False
    user, colon, password = text.partition(":")
    if not (user and colon and len(password) >= _SHORTEST_PASSWORD and text.isprintable()):
        return False
    return not filters.is_placeholder(password, password=True)
