"""How long GitHub asked us to wait, read from its response headers.

GitHub's rules: `Retry-After` (seconds) wins; a spent primary limit (`x-ratelimit-remaining: 0`) lasts until
`x-ratelimit-reset` (epoch seconds); a secondary limit without either header means "wait at least a minute".
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import parsedate_to_datetime

SECONDARY_LIMIT_WAIT = 60.0
RESET_MARGIN = 1.0  # the reset is whole seconds on GitHub's clock; one more second absorbs rounding and skew


def lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds from a `Retry-After` header (delta seconds or an HTTP date), or None without one."""
    value = lower_keys(headers).get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - now, 0.0)
    except (TypeError, ValueError):
        return None


def is_rate_limited(status: int, headers: Mapping[str, str], message: str) -> bool:
    """403 is also GitHub's answer for plain permission problems; only these signs mean a rate limit."""
    if status == 429:
        return True
    if status != 403:
        return False
    lowered = lower_keys(headers)
    return (
        lowered.get("x-ratelimit-remaining") == "0"
        or "retry-after" in lowered
        or "rate limit" in message.lower()
    )


def rate_limit_wait(headers: Mapping[str, str], now: float) -> float:
    """Seconds to wait before the next request after a 403/429 rate-limit answer."""
    explicit = retry_after(headers, now)
    if explicit is not None:
        return explicit
    lowered = lower_keys(headers)
    reset = lowered.get("x-ratelimit-reset")
    if lowered.get("x-ratelimit-remaining") == "0" and reset is not None:
        try:
            return max(float(reset) - now, 0.0) + RESET_MARGIN
        except ValueError:
            pass
    return SECONDARY_LIMIT_WAIT
