"""Listing an installation's repositories: one baseline job per repository not yet claimed, below every
other job; a listing that fails part-way enqueues nothing and is retried."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import GitHubUnavailable
from bot.jobs.discovery import discover
from bot.jobs.queue import Submission
from bot.jobs.runner import ScanRunner
from tests.jobs.scenarios import INSTALLATION, push
from tests.jobs.test_queue import RULES, sqlite_queue

NAMES = ["acme/a", "acme/b", "acme/c"]


class Listing:
    """A gateway that answers the listing only (all a discovery job asks), or fails it."""

    def __init__(self, names: list[str], *, failure: Exception | None = None) -> None:
        self.names, self.failure, self.calls = names, failure, 0

    def installation_repositories(self) -> list[str]:
        self.calls += 1
        if self.failure is not None:
            raise self.failure
        return list(self.names)


class Gateways:
    def __init__(self, gateway: Listing) -> None:
        self.gateway = gateway

    def for_installation(self, installation_id: int) -> Listing:
        return self.gateway


def listing(delivery: str = "d-1") -> ScanRequest:
    return ScanRequest(INSTALLATION, "acme", Trigger.DISCOVER, None, "", delivery_id=delivery)


def baseline(repo: str) -> ScanRequest:
    return ScanRequest(INSTALLATION, repo, Trigger.BASELINE, None, "", delivery_id="d-0")


def queued(tmp_path: Path) -> list[tuple[str, str]]:
    queue = sqlite_queue(tmp_path)
    order = []
    while (task := queue.huey.dequeue()) is not None:
        order.append((task.args[0]["trigger"], task.args[0]["repo"]))
    return order


def test_repositories_not_yet_claimed_get_a_baseline_job(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.submit("install", [baseline("acme/b")])  # named by the installation's payload
    queue.huey.dequeue()

    outcome = discover(listing(), Listing(NAMES), queue, "d-1/0")  # type: ignore[arg-type]

    assert outcome is Submission.ACCEPTED
    assert queued(tmp_path) == [("baseline", "acme/a"), ("baseline", "acme/c")]
    assert queue.installations.progress(INSTALLATION).total == 3
    assert discover(listing("d-2"), Listing(NAMES), queue, "d-2/0") is Submission.COALESCED  # type: ignore[arg-type]


def test_the_same_job_listing_twice_enqueues_once(tmp_path: Path) -> None:
    """A listing job run again after its worker died submits under the same derived delivery id."""
    queue = sqlite_queue(tmp_path)
    assert discover(listing(), Listing(NAMES), queue, "d-1/0") is Submission.ACCEPTED  # type: ignore[arg-type]
    assert discover(listing(), Listing(NAMES), queue, "d-1/0") is Submission.DUPLICATE  # type: ignore[arg-type]
    assert queue.depth() == 3


def test_listing_jobs_wait_behind_pushes_like_baselines(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.submit("install", [listing()])
    queue.submit("push", [push()])
    assert [trigger for trigger, _ in queued(tmp_path)] == ["push", "discover"]


def test_the_runner_lists_and_enqueues_the_baselines(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    gateway = Listing(NAMES)
    runner = ScanRunner(queue, Gateways(gateway), RULES)  # type: ignore[arg-type]

    assert runner(listing().to_job(), "d-1/0", 2) == "nothing-to-do"

    assert gateway.calls == 1
    assert [repo for _, repo in queued(tmp_path)] == NAMES


def test_a_listing_github_cannot_answer_is_retried_and_enqueues_nothing(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    runner = ScanRunner(queue, Gateways(Listing(NAMES, failure=GitHubUnavailable("502"))), RULES)  # type: ignore[arg-type]

    with pytest.raises(GitHubUnavailable):
        runner(listing().to_job(), "d-1/0", 2)

    assert queue.depth() == 0
    assert queue.installations.progress(INSTALLATION).total == 0
