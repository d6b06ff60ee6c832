"""What the fake keeps about traffic: every request as received, and the primary rate limit's state."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # below the API base path, without the query
    operation: str | None
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    status: int

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class RateLimit:
    reset: float
    limit: int = 5000
    remaining: int = 5000
    used: int = 0

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(math.ceil(self.reset)),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-resource": "core",
        }
