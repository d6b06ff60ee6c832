"""The rate budget a baseline saw is shared per installation until its reset, so queued baselines below the
floor wait without a call."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import RateBudget, RateLimited
from bot.jobs.baseline_scan import CALLS_PER_BASELINE, BaselineScans
from bot.jobs.installations import Installations
from bot.jobs.state import MemoryState
from tests.jobs.scenarios import INSTALLATION, REPO, push
from tests.jobs.test_queue import sqlite_queue


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


@pytest.mark.parametrize(
    ("remaining", "paused"), [(200 + 3 * CALLS_PER_BASELINE - 1, True), (200 + 3 * CALLS_PER_BASELINE, False)]
)
def test_each_running_baseline_reserves_its_calls_above_the_floor(remaining: int, paused: bool) -> None:
    """Three baselines running at once each still spend calls after their check: together they would end
    below the floor if each only checked the floor itself."""
    now = time.time()
    installations = Installations(MemoryState())
    installations.note_budget(INSTALLATION, RateBudget(remaining, 1000, now + 300), now)
    scans = BaselineScans(installations, clock=lambda: now, running=lambda installation: 3)
    request = ScanRequest(INSTALLATION, REPO, Trigger.BASELINE, None, "")

    try:
        scans.target(request, NoCalls())  # type: ignore[arg-type]
    except RateLimited:
        assert paused
    except AssertionError as error:  # it went on to ask GitHub
        assert not paused, error
    else:
        raise AssertionError("neither paused nor asked GitHub")


def test_running_baselines_are_counted_per_installation_in_the_shared_record(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    mine = ScanRequest(INSTALLATION, REPO, Trigger.BASELINE, None, "").to_job()
    other = ScanRequest(INSTALLATION + 1, REPO, Trigger.BASELINE, None, "").to_job()
    tracking = queue.in_flight.tracking
    with tracking("a/0", mine), tracking("b/0", other), tracking("c/0", push().to_job()):
        assert queue.in_flight.count(Trigger.BASELINE.value, INSTALLATION) == 1
    assert queue.in_flight.count(Trigger.BASELINE.value, INSTALLATION) == 0
