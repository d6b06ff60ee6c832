"""Baseline jobs in the queue: lowest priority, one per repository, dropped after a removal, paced by the
installation's rate limit, and forks only when configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import RateBudget, RateLimited, RepoInfo
from bot.jobs.baseline_scan import CALLS_PER_BASELINE, BaselineScans
from bot.jobs.installations import Installations
from bot.jobs.queue import Submission
from bot.jobs.state import MemoryState
from bot.jobs.targets import Target
from tests.conftest import FakeGateways
from tests.jobs.scenarios import HEAD, INSTALLATION, REPO, push
from tests.jobs.test_queue import drain, sqlite_queue, worker_queue

NOW = 1_750_000_000.0


def baseline(repo: str = REPO, trigger: Trigger = Trigger.BASELINE) -> ScanRequest:
    return ScanRequest(INSTALLATION, repo, trigger, head_sha=None, default_branch="")


def test_baseline_jobs_wait_behind_every_other_job(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.submit("install", [baseline("acme/a"), baseline("acme/b")])
    queue.submit("push", [push()])
    order = []
    while (task := queue.huey.dequeue()) is not None:
        order.append(task.args[0]["trigger"])
    assert order == ["push", "baseline", "baseline"]


def test_a_repository_is_claimed_once_per_installation(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    assert queue.submit("d-1", [baseline()]) is Submission.ACCEPTED
    assert queue.submit("d-2", [baseline(), baseline("acme/other")]) is Submission.ACCEPTED
    assert queue.submit("d-3", [baseline("acme/other")]) is Submission.COALESCED
    assert queue.depth() == 2
    assert queue.installations.progress(INSTALLATION).total == 2


def test_a_removed_repository_is_not_scanned(tmp_path: Path, fake_gateways: FakeGateways) -> None:
    queue = worker_queue(tmp_path, fake_gateways)
    queue.submit("install", [baseline()])
    assert queue.submit("removed", [baseline(trigger=Trigger.REMOVED)]) is Submission.ACCEPTED

    assert drain(queue) == 2  # the baseline finds the mark; the removal job forgets the stored findings
    assert fake_gateways.github.call_names() == []
    assert queue.installations.progress(INSTALLATION).total == 0


def test_removal_deletes_what_is_kept_about_the_repository_only() -> None:
    state = MemoryState()
    installations = Installations(state)
    for key in (f"reported:{REPO}@{HEAD}#push", f"run:{REPO}@{HEAD}", f"head:{REPO}#7", f"rescan:{REPO}#7:x"):
        state.put(key, "1")
    state.put(f"reported:{REPO}-fork@{HEAD}#push", "1")
    installations.claim_baseline(INSTALLATION, REPO)

    installations.forget(INSTALLATION, REPO)

    assert set(state.items("")) == {f"reported:{REPO}-fork@{HEAD}#push", f"removed:{REPO}"}
    assert installations.removed(REPO)
    assert installations.claim_baseline(INSTALLATION, REPO)  # added again: a new baseline
    assert not installations.removed(REPO)


class Repos:
    """The three calls a baseline makes before it scans."""

    def __init__(self, info: RepoInfo, budget: RateBudget | None = None, head: str | None = HEAD) -> None:
        self.info, self.budget, self.head = info, budget, head
        self.calls: list[str] = []

    def repository(self, repo: str) -> RepoInfo:
        self.calls.append("repository")
        return self.info

    def rate_budget(self) -> RateBudget | None:
        return self.budget

    def branch_head(self, repo: str, branch: str) -> str | None:
        self.calls.append(f"head {branch}")
        return self.head


def _target(repos: Repos, *, forks: bool = False, floor: float = 0.2) -> Target | None:
    scans = BaselineScans(Installations(MemoryState()), forks=forks, floor=floor, clock=lambda: NOW)
    return scans.target(baseline(), repos)  # type: ignore[arg-type]  # only what a baseline reads first


def test_the_default_branch_head_is_scanned_whole_and_exposed() -> None:
    repos = Repos(RepoInfo("trunk", archived=False, fork=False))
    target = _target(repos)
    assert repos.calls == ["repository", "head trunk"]
    assert target is not None
    assert (target.head_sha, target.whole_tree, target.leaked, target.scope) == (HEAD, True, True, "baseline")


@pytest.mark.parametrize(("forks", "scanned"), [(False, False), (True, True)])
def test_forks_are_scanned_only_when_configured(forks: bool, scanned: bool) -> None:
    target = _target(Repos(RepoInfo("main", archived=False, fork=True)), forks=forks)
    assert (target is not None) is scanned


def test_archived_and_empty_repositories_are_skipped() -> None:
    assert _target(Repos(RepoInfo("main", archived=True, fork=False))) is None
    assert _target(Repos(RepoInfo("main", archived=False, fork=False), head=None)) is None


def test_below_the_rate_limit_floor_the_job_waits_for_the_reset() -> None:
    repos = Repos(RepoInfo("main", archived=False, fork=False), RateBudget(199, 1000, NOW + 600))
    with pytest.raises(RateLimited) as waiting:
        _target(repos)
    assert waiting.value.wait == 600
    assert repos.calls == ["repository"]  # nothing more is spent


def test_at_the_floor_or_above_the_job_goes_on() -> None:
    budget = RateBudget(200 + CALLS_PER_BASELINE, 1000, NOW + 600)  # the floor and what this job may spend
    assert _target(Repos(RepoInfo("main", archived=False, fork=False), budget)) is not None
    lower = Repos(RepoInfo("main", archived=False, fork=False), RateBudget(400, 1000, NOW + 600))
    with pytest.raises(RateLimited):
        _target(lower, floor=0.5)


def test_claims_and_progress_survive_a_restart(tmp_path: Path) -> None:
    first = sqlite_queue(tmp_path)
    first.submit("install", [baseline("acme/a"), baseline("acme/b")])
    first.installations.finish_baseline(INSTALLATION, "acme/a")

    again = sqlite_queue(tmp_path)  # another process, after a restart, on the same file

    assert again.baseline_progress() == {INSTALLATION: (1, 2, 0)}
    assert again.submit("redelivered", [baseline("acme/a"), baseline("acme/b")]) is Submission.COALESCED
    assert again.depth() == 2
