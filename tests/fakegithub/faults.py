"""Fault injection: the ways GitHub and the network misbehave, queued per route or drawn with a probability.

A fault matches a method and a path template from the REST description (None matches any) and fires for its
next `times` requests. `after_apply` runs the real handler first and then fails, which is the ambiguous case
(GitHub did create the check run, but the client saw a 502) that idempotent creation has to survive.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from enum import Enum


class FaultKind(Enum):
    STATUS = "status"  # an error response with `status` and, if set, a `Retry-After` header
    RESET = "reset"  # the connection is closed without a response
    TRUNCATE = "truncate"  # a 200 whose JSON body is cut in half
    DELAY = "delay"  # the answer comes `delay` seconds late
    HTML = "html"  # a 200 whose body is an HTML error page (a proxy or load balancer answering for GitHub)


@dataclass
class Fault:
    kind: FaultKind
    method: str | None = None
    route: str | None = None
    status: int = 502
    times: int | None = 1  # None: until removed
    probability: float = 1.0
    retry_after: float | None = None
    after_apply: bool = False
    delay: float = 0.0
    message: str = "Server Error"

    def matches(self, method: str, route: str | None) -> bool:
        return (self.method is None or self.method == method) and (self.route is None or self.route == route)


class FaultPlan:
    def __init__(self, seed: int = 1234) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, route: str | None) -> Fault | None:
        """The fault to apply to this request, if any; spends one of its `times`."""
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, route) or self._random.random() >= fault.probability:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None
