"""A scan's report with each checkable finding's verification outcome (VERIFY_SECRETS=on).

The session holds the values the scan revealed; this asks about the findings the report lists (the head's,
and the history's unless VERIFY_HISTORY=off) and puts the outcomes on them. Nothing else changes: the
fingerprints stay, so baselines, acknowledgements and review markers still match.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.verify.verifier import Session

if TYPE_CHECKING:
    from bot.jobs.scanning import ScanReport


def verified(report: ScanReport, session: Session) -> ScanReport:
    history = report.context.history
    findings, past = session.apply_with_history(report.findings, [finding for finding, _ in history])
    if past is not None:
        history = tuple(zip(past, (where for _, where in history), strict=True))
    return replace(report, findings=findings, context=replace(report.context, history=history))
