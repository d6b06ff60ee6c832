"""A per-file work budget counted in operations, not seconds, so that a scan stops the same way everywhere.

Every step of judging is linear in the text it reads, but a file can make the judge read a lot: a value
reached through many aliases is judged at each place it appears. Each value judged costs its length plus a
fixed amount (its reference analysis, key judgement and emission); when a file has used its budget, the
rest of it is not judged, and the scan says so with a `budget` notice instead of running on.
"""

from __future__ import annotations

from bot.core.tree import Scalar

VALUE_COST = 200  # units per value judged, whatever its length: about a short value's judging time


class Budget:
    __slots__ = ("exhausted", "left")

    def __init__(self, units: int) -> None:
        self.left = units
        self.exhausted = False

    def spend(self, scalar: Scalar) -> bool:
        """Charge for judging `scalar`; False (and `exhausted` from then on) when the budget cannot pay."""
        value = scalar.value
        cost = VALUE_COST + (len(value) if isinstance(value, str) else 0)
        if self.exhausted or cost > self.left:
            self.exhausted = True
            return False
        self.left -= cost
        return True
