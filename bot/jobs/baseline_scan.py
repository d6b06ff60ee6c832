"""A baseline scan: what is already on a repository's default branch when the App is installed there.

The installation payload names repositories only, so the job asks GitHub (one `repos/get`) whether the
repository is archived or a fork (both skipped, forks unless BASELINE_FORKS=on) and which branch is the
default, then reads that branch's head (one `git/get-ref`; an empty repository has none and is skipped).
The scan itself is the push scan's (`bot.jobs.scan_job`) over the whole tree: one recursive listing, one blob
read per manifest, the same check run with the rotation advice, since the default branch is exposed.

Baseline jobs are the lowest priority in the queue and keep to a share of the installation's rate limit: when
less than `floor` of it is left, the job is rescheduled for after the reset (the runner's `RateLimited` path).
What the last baseline saw is shared (`Installations.note_budget`): below the floor, the jobs still queued
wait for the reset without spending a call each to find out.
A repository removed from the App before its job runs is not scanned.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.events.request import ScanRequest
from bot.github.protocol import GitHubGateway, RateBudget, RateLimited
from bot.jobs.installations import Installations
from bot.jobs.targets import Target, baseline_target

logger = logging.getLogger(__name__)

DEFAULT_RATE_FLOOR = 0.2  # never spend the last fifth of an installation's rate limit on baselines
# About what one baseline job spends after its check (a ref, a tree, the configuration, a blob per manifest,
# the check run): each baseline running reserves this much above the floor, so together they stay above it.
CALLS_PER_BASELINE = 12


class BaselineScans:
    def __init__(
        self,
        installations: Installations,
        *,
        forks: bool = False,
        floor: float = DEFAULT_RATE_FLOOR,
        clock: Callable[[], float] = time.time,
        running: Callable[[int], int] = lambda installation: 1,
    ) -> None:
        """`running`: how many baseline jobs of an installation run now, this one included (all processes)."""
        self._installations = installations
        self._running = running
        self._forks = forks
        self._floor = floor
        self._clock = clock

    def target(self, request: ScanRequest, gateway: GitHubGateway) -> Target | None:
        """The default branch's head to scan, or None when the repository is not to be scanned."""
        if self._installations.removed(request.repo):
            logger.info("baseline skipped: the repository was removed from the App")
            return None
        installation = request.installation_id
        self._keep_to_floor(installation, self._installations.last_budget(installation))  # without a call
        info = gateway.repository(request.repo)
        budget = gateway.rate_budget()  # after one call: a fresh gateway knows no rate limit before
        if budget is not None:
            self._installations.note_budget(installation, budget, self._clock())
        self._keep_to_floor(installation, budget)
        if info.archived or (info.fork and not self._forks):
            logger.info("baseline skipped: the repository is %s", "archived" if info.archived else "a fork")
            return None
        head = gateway.branch_head(request.repo, info.default_branch)
        if head is None:
            logger.info("baseline skipped: the repository is empty")
            return None
        return baseline_target(request.repo, head)

    def finished(self, request: ScanRequest, findings: int) -> None:
        """Counted as done whatever the outcome (scanned, skipped, already reported); a retried job is not.
        `findings`: the repository's open findings now, summed into the installation's progress."""
        if self._installations.removed(request.repo):
            return
        progress = self._installations.finish_baseline(request.installation_id, request.repo, findings)
        logger.info(
            "baseline progress: %d of %d repositories, open findings so far: %d",
            progress.done,
            progress.total,
            progress.findings,
            extra={"installation": request.installation_id},
        )

    def _keep_to_floor(self, installation: int, budget: RateBudget | None) -> None:
        if budget is None:
            return
        reserve = CALLS_PER_BASELINE * max(self._running(installation), 1)
        if budget.remaining - reserve >= budget.limit * self._floor:
            return
        wait = max(budget.reset - self._clock(), 0.0)
        raise RateLimited(
            f"baseline paused: {budget.remaining} of {budget.limit} requests left",
            until=budget.reset,
            wait=wait,
        )
