"""The seam between jobs and the store: what a job may ask, in findings and repositories, never in SQL."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.core.findings import Finding


class FindingState(StrEnum):
    OPEN = "open"
    FIXED = "fixed"  # a later complete scan of the default branch no longer saw it
    ACKNOWLEDGED = "acknowledged"


class BaselineState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"  # archived, empty or a fork: nothing to scan, but nothing left to do either


@dataclass(frozen=True, slots=True)
class StoredFinding:
    """A default-branch finding as stored: a redacted preview and a keyed fingerprint, never the value."""

    repo: str
    fingerprint: str
    path: str
    line: int
    rule: str
    severity: str
    redacted: str
    platform: str
    first_seen_sha: str
    first_seen_at: datetime
    last_seen_at: datetime
    state: FindingState
    fixed_at: datetime | None = None
    fix_pull: int | None = None


@dataclass(frozen=True, slots=True)
class RepositoryDetails:
    """What the store knows of a repository besides its findings (for links and fix requests)."""

    repo: str
    installation_id: int | None
    default_branch: str | None
    last_scanned_sha: str | None
    dashboard_issue: int | None  # the number of its dashboard issue, when the bot opened or found one


class FindingsStore(Protocol):
    def record_default_branch_scan(
        self,
        repo: str,
        sha: str,
        findings: Sequence[Finding],
        *,
        complete: bool,
        at: datetime,
        scope: Collection[str] | None = None,
    ) -> None:
        """Store a default-branch scan at `sha`: its findings are open (or stay acknowledged). Open findings
        it no longer sees become fixed only when the scan was `complete`, and only within `scope`, the
        paths it answered for (None: the whole branch, as a baseline scan)."""
        ...

    def findings(self, repo: str, state: FindingState | None = None) -> list[StoredFinding]: ...

    def open_findings(self, repo: str) -> list[StoredFinding]: ...

    def findings_in(self, repos: Collection[str]) -> list[StoredFinding]:
        """Every stored finding (any state) of these repositories, and of no other: the caller passes only
        repositories its reader may see."""
        ...

    def repository_details(self, repos: Collection[str]) -> dict[str, RepositoryDetails]:
        """The tracked repositories among `repos`, by name."""
        ...

    def track_repository(
        self, repo: str, *, installation_id: int, default_branch: str | None = None, archived: bool = False
    ) -> None:
        """Remember a repository of an installation (added, or seen again: its details are updated)."""
        ...

    def mark_baseline(self, repo: str, state: BaselineState) -> None: ...

    def baseline_state(self, repo: str) -> BaselineState | None:
        """None when the repository is not tracked or its baseline was never started."""
        ...

    def baseline_progress(self, installation_id: int) -> tuple[int, int]:
        """(repositories done or skipped, repositories tracked) for one installation."""
        ...

    def last_scanned_sha(self, repo: str) -> str | None: ...

    def set_fix_pull(self, repo: str, fingerprints: Collection[str], number: int) -> None:
        """Record that pull request `number` fixes these findings (unknown fingerprints are ignored)."""
        ...

    def clear_fix_pull(self, repo: str, number: int) -> None:
        """Pull request `number` was closed unmerged: the findings it was to fix wait on none any more."""
        ...

    def dashboard_issue(self, repo: str) -> int | None:
        """The repository's dashboard issue as last recorded (GitHub may have deleted it since)."""
        ...

    def set_dashboard_issue(self, repo: str, number: int | None) -> None:
        """Record the repository's dashboard issue (None: it is gone). An untracked repository is left
        untracked: a refresh racing with its removal does not bring it back."""
        ...

    def forget_repository(self, repo: str) -> None:
        """Delete everything stored about `repo` (the App was removed from it)."""
        ...

    def forget_installation(self, installation_id: int) -> None:
        """Delete everything stored about every repository of the installation (uninstalled)."""
        ...
