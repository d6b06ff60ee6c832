"""What a `/secrets-bot rotated` command records and how acknowledgements change a report: shared by the
pull request (reply in the conversation) and the push (record in the App's check run)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.core.findings import Finding
from bot.events.request import ScanRequest
from bot.jobs.scanning import ScanReport
from bot.reports.markers import RotatedMark, reply_marker, rotated_marker
from bot.reports.rotation import Acknowledgement, acknowledged, reply, resolve


def candidates(report: ScanReport) -> tuple[Finding, ...]:
    """What an acknowledgement may name: the head's findings and the history findings (values that some
    pushed commit held and the head no longer does)."""
    return (*report.findings, *(finding for finding, _ in report.context.history))


def covering(report: ScanReport, given: list[Acknowledgement], at_head: frozenset[str]) -> ScanReport:
    """The report with the findings `given` covers moved out of `findings` or `context.history` into
    `context.acknowledged`."""
    presence = report.presence
    failing, covered = acknowledged(
        candidates(report), given, head=at_head, commits=presence.commits, presence=presence.holds
    )
    if not covered:
        return report
    still = {id(finding) for finding in failing}
    context = replace(
        report.context,
        acknowledged=tuple(covered),
        history=tuple(entry for entry in report.context.history if id(entry[0]) in still),
    )
    return replace(report, findings=tuple(f for f in report.findings if id(f) in still), context=context)


def answer(
    request: ScanRequest, sha: str, report: ScanReport, at_head: frozenset[str]
) -> tuple[str, list[Acknowledgement]]:
    """The reply to a `rotated` command given at `sha` (with the markers that record it), and what it
    records, dated now."""
    if request.commenter is None or request.comment_id is None:
        raise ValueError("a rotated command needs the commenter and the comment")
    resolution = resolve((request.arguments or "").split(), candidates(report))
    marks = [RotatedMark(fingerprint, sha, request.commenter) for fingerprint in resolution.matched]
    body = "\n".join(
        [
            reply(request.commenter, resolution, sha=sha, at_head=at_head),
            "",
            reply_marker(request.comment_id),
            *(rotated_marker(mark) for mark in marks),
        ]
    )
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return body, [Acknowledgement(mark.fingerprint, mark.sha, mark.by, now) for mark in marks]
