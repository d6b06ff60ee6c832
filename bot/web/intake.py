"""How many webhook body bytes are held in memory at once, across every request in flight.

The per-request cap (25 MB) alone lets 80 concurrent unsigned requests hold 2 GB before any signature is
checked. Each chunk is taken from one shared budget as it arrives and given back when the request is done;
a request that would overdraw it is refused with 503 and `Retry-After` (GitHub redelivers), so memory for
bodies stays under the budget whatever the number of senders.
"""

from __future__ import annotations

import threading

IN_FLIGHT_BODY_BYTES = 64 * 1024 * 1024


class BodyBudget:
    """A byte counter with a ceiling; thread-safe, though the event loop is its only user."""

    def __init__(self, capacity: int = IN_FLIGHT_BODY_BYTES) -> None:
        self.capacity = capacity
        self.in_use = 0
        self.peak = 0  # the most ever held at once (for tests and metrics)
        self._lock = threading.Lock()

    def take(self, size: int) -> bool:
        """Reserve `size` bytes; False (nothing reserved) when that would exceed the capacity."""
        with self._lock:
            if self.in_use + size > self.capacity:
                return False
            self.in_use += size
            self.peak = max(self.peak, self.in_use)
            return True

    def give_back(self, size: int) -> None:
        with self._lock:
            self.in_use -= size
