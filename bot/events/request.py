"""`ScanRequest`: what a webhook asks a worker to do, as scalars only.

A request travels through the queue (JSON), so it holds ids, SHAs and names, never tokens, API objects or
file content. `to_job()` / `from_job()` are the only way in and out of the queue's representation, and
`from_job()` checks every field so that a malformed job fails loudly instead of scanning the wrong thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

JobValue = str | int | None


class Trigger(StrEnum):
    """Why a scan runs. Automatic triggers may be skipped when the same SHA was already reported."""

    PULL_REQUEST = "pull_request"
    PUSH = "push"
    CHECK_SUITE = "check_suite"  # GitHub asked for checks on new code
    RERUN = "rerun"  # someone pressed "Re-run" on our check run or check suite
    RESCAN = "rescan"  # `/secrets-bot rescan` comment
    ROTATED = "rotated"  # `/secrets-bot rotated FINGERPRINT...`: record the acknowledgements, then rescan
    BASELINE = "baseline"  # the App was installed on the repository: scan its default branch whole
    REMOVED = "removed"  # the App was uninstalled from the repository: stop and forget its work
    DISCOVER = "discover"  # list the installation's repositories (the payload did not name them all)
    FIX = (
        "fix"  # a fix pull request was asked for: `commenter` asked, `arguments` the fingerprints (None: all)
    )
    FIX_CLOSED = "fix-closed"  # the bot's fix pull request `pr_number` was closed unmerged: forget it
    DASHBOARD = "dashboard"  # render the dashboard issue from the store again (requests a holder left over)

    @property
    def is_automatic(self) -> bool:
        return self in (Trigger.PULL_REQUEST, Trigger.PUSH, Trigger.CHECK_SUITE, Trigger.BASELINE)

    @property
    def is_command(self) -> bool:
        """A person asked in a comment: their permission is checked with GitHub before anything else."""
        return self in (Trigger.RESCAN, Trigger.ROTATED)


@dataclass(frozen=True, slots=True)
class ScanRequest:
    installation_id: int
    repo: str  # owner/name (DISCOVER: the account the App was installed on)
    trigger: Trigger
    head_sha: str | None  # None for a rescan comment or an installation: the worker asks GitHub
    default_branch: str  # empty for an installation: its payload does not say, the worker asks GitHub
    delivery_id: str = ""
    pr_number: int | None = None
    base_ref: str | None = None
    base_sha: str | None = None
    before: str | None = None  # push / check suite: the SHA before; None for a new branch
    after: str | None = None
    ref: str | None = None  # push / check suite: the branch name (without refs/heads/)
    comment_id: int | None = None
    commenter: str | None = None
    arguments: str | None = None  # `/secrets-bot rotated`: the fingerprint prefixes, space-separated

    def to_job(self) -> dict[str, JobValue]:
        job = {item.name: getattr(self, item.name) for item in fields(self)}
        job["trigger"] = self.trigger.value
        return job

    @classmethod
    def from_job(cls, job: Mapping[str, Any]) -> ScanRequest:
        """Rebuild a request from `to_job()` output; `ValueError` on a missing or mistyped field."""
        values = {name: _checked(name, job.get(name), kind) for name, kind in _SCHEMA.items()}
        return cls(trigger=Trigger(str(job.get("trigger"))), **values)

    @property
    def pushed_to_default_branch(self) -> bool:
        return self.ref is not None and self.ref == self.default_branch


# field -> (type, optional); `trigger` is converted separately.
_SCHEMA: dict[str, tuple[type, bool]] = {
    "installation_id": (int, False),
    "repo": (str, False),
    "head_sha": (str, True),
    "default_branch": (str, False),
    "delivery_id": (str, False),
    "pr_number": (int, True),
    "base_ref": (str, True),
    "base_sha": (str, True),
    "before": (str, True),
    "after": (str, True),
    "ref": (str, True),
    "comment_id": (int, True),
    "commenter": (str, True),
    "arguments": (str, True),
}


def _checked(name: str, value: object, kind: tuple[type, bool]) -> Any:
    expected, optional = kind
    if value is None:
        if optional:
            return None
        raise ValueError(f"job field {name} is missing")
    if not isinstance(value, expected) or isinstance(value, bool):
        raise ValueError(f"job field {name} has the wrong type")
    return value
