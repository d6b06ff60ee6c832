"""`/secrets-bot rotated` on a commit: the record of a push's acknowledgements is the App's own check runs.

A reply on the commit would be a commit comment, which needs `contents: write` (the right to push code);
the App keeps `contents: read`. Its check runs are its own words instead: GitHub lists a commit's runs by
App id, and no person or other App can write into them. Each run of the push's head keeps, at the top of
its text, the reply to a command and every acknowledgement known so far (carried forward, so the newest run
alone is enough); a scan reads them back with one listing call, and only when they can change the result.
"""

from __future__ import annotations

from dataclasses import replace

from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import GitHubGateway, OwnCheckRun
from bot.jobs.rotated_reply import answer, covering
from bot.jobs.scanning import ScanReport
from bot.jobs.targets import Target
from bot.reports.check_run import NAME
from bot.reports.markers import RotatedMark, replied_to, rotated_in, rotated_marker
from bot.reports.rotation import Acknowledgement

HEADING = "## /secrets-bot rotated"


def apply(
    request: ScanRequest,
    target: Target,
    gateway: GitHubGateway,
    report: ScanReport,
    at_head: frozenset[str],
) -> ScanReport:
    """The report with acknowledged findings moved aside, and the record for this run in its context."""
    runs = gateway.own_check_runs(target.repo, target.head_sha, name=NAME)
    given = acknowledgements_in(runs)
    reply = ""
    answered = any(request.comment_id in replied_to(run.text) for run in runs)
    if request.trigger is Trigger.ROTATED and not answered:
        reply, recorded = answer(request, target.head_sha, report, at_head)
        given += recorded
    report = covering(report, given, at_head)
    records = _records(reply, given)
    if not records:
        return report
    return replace(report, context=replace(report.context, records=records))


def acknowledgements_in(runs: list[OwnCheckRun]) -> list[Acknowledgement]:
    """Every acknowledgement kept in the App's runs (already filtered to its own App id), dated by them."""
    return [
        Acknowledgement(mark.fingerprint, mark.sha, mark.by, run.at)
        for run in runs
        for mark in rotated_in(run.text)
    ]


def _records(reply: str, given: list[Acknowledgement]) -> str:
    """The reply (with its own markers), then every other acknowledgement's marker, each once."""
    kept = {RotatedMark(item.fingerprint, item.sha, item.by) for item in given} - set(rotated_in(reply))
    markers = sorted(rotated_marker(mark) for mark in kept)
    parts = [f"{HEADING}\n\n{reply}"] if reply else []
    return "\n\n".join([*parts, *(["\n".join(markers)] if markers else [])])
