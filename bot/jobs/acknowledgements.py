"""`/secrets-bot rotated`: record acknowledgements on GitHub and apply them to a scan before it is reported.

Nothing is stored locally: an acknowledgement is a hidden marker in the bot's own reply on the pull request,
and only comments written by this App's login (from `GET /app`) are read for markers, so a person pasting a
marker acknowledges nothing. The conversation is listed (one call per 100 comments) only when it can change
the result: for a `rotated` command, or when the scan reports a finding that is no longer at the head.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from bot.core.findings import Finding
from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import GitHubGateway, IssueComment
from bot.jobs.scanning import ScanReport
from bot.jobs.targets import Target
from bot.reports.markers import RotatedMark, replied_to, reply_marker, rotated_in, rotated_marker
from bot.reports.rotation import Acknowledgement, acknowledged, reply, resolve


def apply(request: ScanRequest, target: Target, gateway: GitHubGateway, report: ScanReport) -> ScanReport:
    """The report with acknowledged findings (history findings: values no longer at the head) moved out of
    `context.history` into `context.acknowledged`; for a `rotated` command, its reply (with the markers that
    record it) is posted first."""
    candidates = (*report.findings, *(finding for finding, _ in report.context.history))
    at_head = report.presence.at_head(report.findings)
    command = request.trigger is Trigger.ROTATED
    if target.pull is None or not (command or any(f.fingerprint not in at_head for f in candidates)):
        return report
    number = target.pull.number
    own = [item for item in gateway.conversation(target.repo, number) if item.author == gateway.bot_login()]
    given = acknowledgements_in(own)
    if command and not any(request.comment_id in replied_to(item.body) for item in own):
        given += _answer(request, target, gateway, candidates, at_head)
    presence = report.presence
    failing, covered = acknowledged(
        candidates, given, head=at_head, commits=presence.commits, presence=presence.holds
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


def acknowledgements_in(own: list[IssueComment]) -> list[Acknowledgement]:
    """Every acknowledgement in the bot's own comments, dated by GitHub."""
    return [
        Acknowledgement(mark.fingerprint, mark.sha, mark.by, item.created_at)
        for item in own
        for mark in rotated_in(item.body)
    ]


def _answer(
    request: ScanRequest,
    target: Target,
    gateway: GitHubGateway,
    findings: Sequence[Finding],
    at_head: frozenset[str],
) -> list[Acknowledgement]:
    if request.commenter is None or request.comment_id is None or target.pull is None:
        raise ValueError("a rotated command needs the commenter, the comment and the pull request")
    resolution = resolve((request.arguments or "").split(), findings)
    marks = [
        RotatedMark(fingerprint, target.head_sha, request.commenter) for fingerprint in resolution.matched
    ]
    body = "\n".join(
        [
            reply(request.commenter, resolution, sha=target.head_sha, at_head=at_head),
            "",
            reply_marker(request.comment_id),
            *(rotated_marker(mark) for mark in marks),
        ]
    )
    gateway.create_issue_comment(target.repo, target.pull.number, body)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [Acknowledgement(mark.fingerprint, mark.sha, mark.by, now) for mark in marks]
