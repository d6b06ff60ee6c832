"""What scans need to agree on across processes: the newest head of each PR and which SHAs are reported.

The web process records a pull request's head when it accepts the event, in arrival order; a worker whose
head is no longer the newest knows a newer scan is coming and must not post over it. "Reported" lets the
automatic triggers that GitHub sends in threes for one push (`push`, `pull_request`, `check_suite`) cost one
scan instead of three. The check run created for a SHA is remembered until the SHA is reported, so that a job
re-run after its worker died can still close the run it left in progress, even when it is superseded by then.
A pull request's history findings (values pushed and deleted) are told in a review once per set of them, not
again on every new head that still has them in its history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from bot.jobs.leases import Locks
from bot.jobs.state import JobState

HEAD_TTL = 30 * 24 * 3600.0
REPORTED_TTL = 7 * 24 * 3600.0


class Ledger:
    def __init__(self, state: JobState, locks: Locks) -> None:
        self._state = state
        self._locks = locks

    def newest_head(self, repo: str, number: int) -> str | None:
        return self._state.get(f"head:{repo}#{number}")

    def record_head(self, repo: str, number: int, sha: str) -> None:
        self._state.put(f"head:{repo}#{number}", sha, ttl=HEAD_TTL)

    def remember_run(self, repo: str, sha: str, run_id: int) -> None:
        self._state.put(f"run:{repo}@{sha}", str(run_id), ttl=REPORTED_TTL)

    def open_run(self, repo: str, sha: str) -> int | None:
        """The check run a job created for `sha` and did not complete (its worker died), if any."""
        value = self._state.get(f"run:{repo}@{sha}")
        return int(value) if value is not None else None

    def forget_run(self, repo: str, sha: str) -> None:
        self._state.delete(f"run:{repo}@{sha}")

    def was_reported(self, repo: str, sha: str, scope: str) -> bool:
        return self._state.get(f"reported:{repo}@{sha}#{scope}") is not None

    def mark_reported(self, repo: str, sha: str, scope: str) -> None:
        self._state.put(f"reported:{repo}@{sha}#{scope}", "1", ttl=REPORTED_TTL)

    def history_told(self, repo: str, number: int, fingerprints: frozenset[str]) -> bool:
        """Whether a review on the pull request already listed exactly these history findings."""
        return self._state.get(_history_key(repo, number, fingerprints)) is not None

    def tell_history(self, repo: str, number: int, fingerprints: frozenset[str]) -> None:
        self._state.put(_history_key(repo, number, fingerprints), "1", ttl=HEAD_TTL)

    @contextmanager
    def hold(self, name: str) -> Iterator[None]:
        """One scan at a time per pull request (or per pushed SHA); `Busy` otherwise."""
        with self._locks.hold(name):
            yield


def _history_key(repo: str, number: int, fingerprints: frozenset[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(fingerprints)).encode()).hexdigest()[:32]
    return f"history:{repo}#{number}:{digest}"
