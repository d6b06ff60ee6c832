"""What a scan of the default branch leaves in the findings store.

A push to the default branch answers for the files it changed (renamed files under both names): findings
there that it no longer sees are fixed, findings elsewhere are left as they were. A scan that did not judge
every file it should have fixes nothing: what was not fully scanned is never taken as clean.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.findings import INCOMPLETE_KINDS
from bot.jobs.scanning import ScanReport
from bot.jobs.targets import Target
from bot.store import FindingsStore


def record(store: FindingsStore, target: Target, report: ScanReport) -> bool:
    """Store the head findings of a push or baseline scan of the default branch; other scans store
    nothing (False)."""
    if target.pull is not None or not target.leaked:
        return False
    complete = not report.incomplete and not any(n.kind in INCOMPLETE_KINDS for n in report.notices)
    store.record_default_branch_scan(
        target.repo,
        target.head_sha,
        report.findings,
        complete=complete,
        at=datetime.now(UTC),
        scope=None if target.whole_tree else report.scope,  # a baseline answers for the whole branch
    )
    return True
