"""`/secrets-bot rotated`: record acknowledgements on GitHub and apply them to a scan before it is reported.

Nothing is stored locally: an acknowledgement is a hidden marker in the bot's own reply on the pull request,
and only comments written by this App's login (from `GET /app`) are read for markers, so a person pasting a
marker acknowledges nothing. The conversation is listed (one call per 100 comments) only when it can change
the result: for a `rotated` command, or when the scan reports a finding that is no longer at the head.
A push has no conversation: its record is kept in the App's own check runs (`bot.jobs.push_acknowledgements`).
"""

from __future__ import annotations

from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import GitHubGateway, IssueComment
from bot.jobs import push_acknowledgements
from bot.jobs.rotated_reply import answer, candidates, covering
from bot.jobs.scanning import ScanReport
from bot.jobs.targets import Target
from bot.reports.markers import replied_to, rotated_in
from bot.reports.rotation import Acknowledgement


def apply(request: ScanRequest, target: Target, gateway: GitHubGateway, report: ScanReport) -> ScanReport:
    """The report with acknowledged findings (history findings: values no longer at the head) moved out of
    `context.history` into `context.acknowledged`; for a `rotated` command, its reply (with the markers that
    record it) is posted first."""
    at_head = report.presence.at_head(report.findings)
    command = request.trigger is Trigger.ROTATED
    if not (command or any(f.fingerprint not in at_head for f in candidates(report))):
        return report
    if target.pull is None:
        return push_acknowledgements.apply(request, target, gateway, report, at_head)
    number = target.pull.number
    own = [item for item in gateway.conversation(target.repo, number) if item.author == gateway.bot_login()]
    given = acknowledgements_in(own)
    if command and not any(request.comment_id in replied_to(item.body) for item in own):
        given += _answer(request, target, gateway, report, at_head)
    return covering(report, given, at_head)


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
    report: ScanReport,
    at_head: frozenset[str],
) -> list[Acknowledgement]:
    if target.pull is None:
        raise ValueError("a rotated command on a pull request needs the pull request")
    body, given = answer(request, target.head_sha, report, at_head)
    gateway.create_issue_comment(target.repo, target.pull.number, body)
    return given
