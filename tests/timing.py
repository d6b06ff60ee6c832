"""Growth tests compare the cost of one input with the cost of a larger one; this measures that cost.

CPU time of this process, not wall time: on a shared machine another process's load stretches wall time
by a factor of two or more between two measurements and made ratios of 8 read as 25. The collector is
paused while measuring, as a collection that happens to fall in one measurement and not the other is not
the code's own growth. The best of `repeats` runs is kept."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def cpu_seconds(action: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.process_time()
            action()
            best = min(best, time.process_time() - start)
    finally:
        if enabled:
            gc.enable()
    return best
