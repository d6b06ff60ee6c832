"""The rate budget a baseline saw is shared per installation until its reset, so queued baselines below the
floor wait without a call."""

from __future__ import annotations

import time

import pytest

from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import RateBudget, RateLimited
from bot.jobs.baseline_scan import BaselineScans
from bot.jobs.installations import Installations
from bot.jobs.state import MemoryState
from tests.jobs.scenarios import INSTALLATION, REPO


class NoCalls:
    """A gateway that must not be asked anything."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the job called GitHub ({name})")


def test_a_known_budget_below_the_floor_pauses_the_job_before_any_call() -> None:
    now = time.time()
    installations = Installations(MemoryState())
    installations.note_budget(INSTALLATION, RateBudget(150, 1000, now + 300), now)
    scans = BaselineScans(installations, clock=lambda: now)
    request = ScanRequest(INSTALLATION, REPO, Trigger.BASELINE, None, "")

    with pytest.raises(RateLimited) as waiting:
        scans.target(request, NoCalls())  # type: ignore[arg-type]

    assert waiting.value.wait == pytest.approx(300)


def test_the_record_is_per_installation_and_ends_at_the_reset() -> None:
    now = time.time()
    installations = Installations(MemoryState())
    installations.note_budget(INSTALLATION, RateBudget(150, 1000, now + 300), now)
    installations.note_budget(INSTALLATION + 1, RateBudget(150, 1000, now - 1), now)  # already reset

    assert installations.last_budget(INSTALLATION) == RateBudget(150, 1000, now + 300)
    assert installations.last_budget(INSTALLATION + 1) is None
