"""One scan, start to finish: decide what to scan, scan it, report it on GitHub exactly once.

The order matters. A rescan comment is authorised (by asking GitHub, not by trusting the payload) before
anything else. The check run is created as soon as the SHA is known and is always completed — with results,
with "superseded" (neutral) when GitHub says the pull request's head has moved on, or with "the scan could not
finish" — so no check ever stays in progress. Supersession follows GitHub's current head, never the order in
which events arrived: the ledger only says when to ask, and a job that finds its head superseded makes sure
the current head gets scanned. Effects are idempotent (the check run is found again by its external id,
comments by their markers), so a retried or recovered job never posts twice.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from bot.core.rules import RuleSet
from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import GitHubGateway, GitHubUnavailable, PullInfo, RateLimited
from bot.jobs import acknowledgements, commit_command, default_branch
from bot.jobs.dashboard import Dashboards, dashboard_url, refresh_dashboard
from bot.jobs.scanning import ScanReport, scan_target
from bot.jobs.targets import Target, pull_target, resolve_target
from bot.metrics import METRICS
from bot.reports.check_run import NAME, render_check_run, render_failed_scan, render_waiting
from bot.reports.fix_pr import FIX_ACTION, offers_fix
from bot.reports.markers import fingerprints_in, with_current_markers
from bot.reports.model import CheckRunOutput
from bot.reports.review import plan_review
from bot.store import FindingsStore
from bot.verify.verifier import Verifier

logger = logging.getLogger(__name__)

WRITE_PERMISSIONS = frozenset({"admin", "maintain", "write"})
ACK_REACTION = "eyes"
ANY_SCOPE = "any"
# Not `skipped`: branch protection counts skipped as passing. The old head's run is neutral and says which
# head replaced it; the current head gets a run of its own, and only that one decides the merge.
SUPERSEDED_CONCLUSION = "neutral"
UNKNOWN_RUN = 0  # in the ledger: a check run may have been created for this SHA, id not yet known


class ScanOutcome(StrEnum):
    REPORTED = "reported"
    ALREADY_REPORTED = "already-reported"
    SUPERSEDED = "superseded"
    NOTHING_TO_DO = "nothing-to-do"
    DENIED = "denied"
    FAILED = "failed"


class ScanLedger(Protocol):
    """Facts shared by every process working on the same queue (see `bot.jobs.ledger`)."""

    def newest_head(self, repo: str, number: int) -> str | None: ...

    def record_head(self, repo: str, number: int, sha: str) -> None: ...

    def was_reported(self, repo: str, sha: str, scope: str) -> bool: ...

    def mark_reported(self, repo: str, sha: str, scope: str) -> None: ...

    def remember_run(self, repo: str, sha: str, run_id: int) -> None: ...

    def open_run(self, repo: str, sha: str) -> int | None: ...

    def forget_run(self, repo: str, sha: str) -> None: ...

    def history_told(self, repo: str, number: int, fingerprints: frozenset[str]) -> bool: ...

    def tell_history(self, repo: str, number: int, fingerprints: frozenset[str]) -> None: ...

    def hold(self, name: str) -> AbstractContextManager[None]: ...


def where_it_failed(error: BaseException) -> str:
    """The traceback's frames without the exception's message, which may quote the file being scanned."""
    return "".join(traceback.format_tb(error.__traceback__)).rstrip()


def external_id(repo: str, sha: str) -> str:
    """The check run's stable id: a retried job finds the run it created instead of making another."""
    return f"secrets-bot:{repo}@{sha}"


def run_scan(
    request: ScanRequest,
    gateway: GitHubGateway,
    *,
    ruleset_base: RuleSet,
    latest_heads: ScanLedger,
    final_attempt: bool = True,
    fingerprint_key: bytes = b"",
    store: FindingsStore | None = None,
    resolve: Callable[[ScanRequest, GitHubGateway], Target | None] = resolve_target,
    dashboards: Dashboards | None = None,
    verifier: Verifier | None = None,
) -> ScanOutcome:
    """Scan and report one request; a scan of the default branch also updates the findings `store`, then
    the repository's dashboard issue (when `dashboards` is given).
    Raises `GitHubUnavailable` (after reporting it on the last attempt) so the queue can retry, and
    `bot.jobs.leases.Busy` when another job holds the pull request. `resolve` says what the request
    scans (a baseline scan decides it its own way)."""
    if _reported_already(request, latest_heads):
        return ScanOutcome.ALREADY_REPORTED
    if request.trigger.is_command and not _may_rescan(request, gateway):
        return ScanOutcome.DENIED
    target = resolve(request, gateway)
    if target is None:
        return ScanOutcome.NOTHING_TO_DO
    if request.trigger.is_command and target.pull is not None:
        latest_heads.record_head(target.repo, target.pull.number, target.head_sha)
    with latest_heads.hold(target.lock_name):
        return _report(
            request,
            target,
            gateway,
            ruleset_base,
            latest_heads,
            final_attempt,
            fingerprint_key,
            store,
            dashboards,
            verifier,
        )


def _reported_already(request: ScanRequest, ledger: ScanLedger) -> bool:
    """GitHub's `check_suite requested` duplicates the push / pull request events for the same SHA."""
    sha = request.head_sha
    return (
        request.trigger is Trigger.CHECK_SUITE
        and sha is not None
        and ledger.was_reported(request.repo, sha, ANY_SCOPE)
    )


def _may_rescan(request: ScanRequest, gateway: GitHubGateway) -> bool:
    """Only people who could push the fix may ask; the payload's author_association is not proof."""
    if request.pr_number is None:
        return commit_command.permitted(request, gateway, WRITE_PERMISSIONS)
    if request.commenter is None or request.comment_id is None or request.pr_number is None:
        raise ValueError("a rescan request needs the commenter, the comment and the PR number")
    if gateway.permission(request.repo, request.commenter) in WRITE_PERMISSIONS:
        gateway.add_reaction(request.repo, request.comment_id, ACK_REACTION)
        return True
    asked = "acknowledge a rotated secret" if request.trigger is Trigger.ROTATED else "ask for a rescan"
    gateway.create_issue_comment(
        request.repo,
        request.pr_number,
        f"@{request.commenter} only people with write access to this repository can {asked}; "
        "the check runs again by itself on every push.",
    )
    return False


def _report(
    request: ScanRequest,
    target: Target,
    gateway: GitHubGateway,
    ruleset_base: RuleSet,
    ledger: ScanLedger,
    final_attempt: bool,
    fingerprint_key: bytes,
    store: FindingsStore | None,
    dashboards: Dashboards | None = None,
    verifier: Verifier | None = None,
) -> ScanOutcome:
    automatic = request.trigger.is_automatic
    if automatic and ledger.was_reported(target.repo, target.head_sha, target.scope):
        return ScanOutcome.ALREADY_REPORTED
    # A pull_request event may be late or replayed, and the web process recorded its head as the newest on
    # arrival: its head is checked with GitHub before anything is created (other triggers read it there).
    replayable = request.trigger is Trigger.PULL_REQUEST
    newest = _current_head(target, gateway, ledger, ask=replayable) if automatic else None
    if newest is not None:
        _close_left_open(gateway, target, ledger, newest)
        return _scan_current_head(
            request, target, newest, gateway, ruleset_base, ledger, final_attempt, fingerprint_key, verifier
        )
    # Recorded before GitHub is asked, so that a worker killed between GitHub creating the run and the
    # ledger hearing of it still leaves a trace for the retry to close (UNKNOWN_RUN: look it up).
    ledger.remember_run(target.repo, target.head_sha, UNKNOWN_RUN)
    check_id = _open_check_run(gateway, target)
    ledger.remember_run(target.repo, target.head_sha, check_id)
    try:
        newest = _scan_and_complete(
            request,
            target,
            gateway,
            check_id,
            ruleset_base,
            ledger,
            fingerprint_key,
            store,
            dashboards,
            verifier,
        )
    except RateLimited as waiting:
        _note_waiting(gateway, target, check_id, waiting)
        raise
    except GitHubUnavailable:
        if final_attempt:
            _complete_failed(gateway, target, check_id, "GitHub did not answer after several attempts.")
        raise
    except Exception as error:
        logger.error("scan failed: %s\n%s", type(error).__name__, where_it_failed(error))
        _complete_failed(gateway, target, check_id, f"an internal error ({type(error).__name__}).")
        return ScanOutcome.FAILED
    if newest is None:
        return ScanOutcome.REPORTED
    return _scan_current_head(
        request, target, newest, gateway, ruleset_base, ledger, final_attempt, fingerprint_key, verifier
    )


def _scan_and_complete(
    request: ScanRequest,
    target: Target,
    gateway: GitHubGateway,
    check_id: int,
    ruleset_base: RuleSet,
    ledger: ScanLedger,
    fingerprint_key: bytes,
    store: FindingsStore | None,
    dashboards: Dashboards | None,
    verifier: Verifier | None = None,
) -> PullInfo | None:
    """None once reported; the pull request's current head when this one was superseded instead.
    The dashboard is refreshed before the check run is completed: if GitHub fails it, the retry finds the
    run still open and does both again."""
    newest = _complete_if_superseded(gateway, target, check_id, ledger)
    if newest is not None:
        return newest
    scanned = scan_target(target, gateway, ruleset_base, fingerprint_key, verifier)
    if store is not None and default_branch.record(store, target, scanned) and dashboards is not None:
        refresh_dashboard(dashboards, gateway, store, target.repo, enabled=scanned.dashboard)
    report = acknowledgements.apply(request, target, gateway, scanned)
    if target.pull is not None and store is not None:
        url = dashboard_url(store, report.context.web_url, target.repo)
        report = replace(report, context=replace(report.context, dashboard_url=url))
    newest = _complete_if_superseded(gateway, target, check_id, ledger)
    if newest is not None:
        return newest
    conclusion, output = render_check_run(report.findings, report.notices, report.context)
    if _offers_fix_pull(target, report, gateway):
        output = replace(output, actions=(FIX_ACTION,))
    if target.pull is not None:
        # Before the completion: if the review fails, the retry finds this run still open and reuses it,
        # so a commit never collects one completed run per attempt.
        _publish_review(gateway, target, target.pull.number, report, ledger)
    gateway.complete_check_run(target.repo, check_id, conclusion=conclusion, output=output)
    METRICS.record_findings(report.findings, known_rules=_builtin_rule_ids(ruleset_base))
    if target.whole_tree:
        METRICS.baseline_findings.inc(len(report.findings))
    ledger.mark_reported(target.repo, target.head_sha, target.scope)
    ledger.mark_reported(target.repo, target.head_sha, ANY_SCOPE)
    ledger.forget_run(target.repo, target.head_sha)
    return None


def _offers_fix_pull(target: Target, report: ScanReport, gateway: GitHubGateway) -> bool:
    """The "Open fix PR" button: on the default branch's findings (a pull request's are fixed by its
    author, from the review's suggestions), when some secret has a one-click fix and the installation lets
    the bot push a branch (`contents: write`, asked only then)."""
    return (
        target.pull is None and target.leaked and offers_fix(report.findings) and gateway.contents_writable()
    )


def _builtin_rule_ids(ruleset: RuleSet) -> frozenset[str]:
    """Rule ids that may be metric labels; a repository's own rule ids are counted as "custom"."""
    return frozenset(rule.id for rule in ruleset.rules)


def _current_head(
    target: Target, gateway: GitHubGateway, ledger: ScanLedger, *, ask: bool = False
) -> PullInfo | None:
    """The pull request as GitHub has it now when its head is no longer `target`'s, else None.

    The ledger records heads in the order events arrived, and a late or replayed event records an old head:
    unless `ask`, it only tells when to ask GitHub (one call, only then); GitHub's answer is written back."""
    if target.pull is None:
        return None
    recorded = ledger.newest_head(target.repo, target.pull.number)
    if not ask and (recorded is None or recorded == target.head_sha):
        return None
    pull = gateway.pull_request(target.repo, target.pull.number)
    ledger.record_head(target.repo, pull.number, pull.head_sha)
    return pull if pull.head_sha != target.head_sha else None


def _scan_current_head(
    request: ScanRequest,
    target: Target,
    newest: PullInfo,
    gateway: GitHubGateway,
    ruleset_base: RuleSet,
    ledger: ScanLedger,
    final_attempt: bool,
    fingerprint_key: bytes,
    verifier: Verifier | None = None,
) -> ScanOutcome:
    """A superseded job leaves no pull request without a result for its current head: unless that head is
    already reported, it is scanned here (under the same lock; the job queued for it then finds it done)."""
    if newest.state == "open" and not ledger.was_reported(target.repo, newest.head_sha, target.scope):
        logger.info("superseded by %s, which has no result yet: scanning it", newest.head_sha[:7])
        current = pull_target(target.repo, newest)
        # A pull request's head: never the default branch, so nothing for the findings store.
        _report(
            request,
            current,
            gateway,
            ruleset_base,
            ledger,
            final_attempt,
            fingerprint_key,
            None,
            verifier=verifier,
        )
    return ScanOutcome.SUPERSEDED


def _close_left_open(gateway: GitHubGateway, target: Target, ledger: ScanLedger, newest: PullInfo) -> None:
    """A superseded job that had already created its check run (then its worker died) closes that run."""
    left_open = ledger.open_run(target.repo, target.head_sha)
    if left_open == UNKNOWN_RUN:
        left_open = _open_check_run(gateway, target)  # finds the unfinished run rather than adding one
    if left_open is not None:
        _complete_superseded(gateway, target, left_open, ledger, newest.head_sha)


def _open_check_run(gateway: GitHubGateway, target: Target) -> int:
    return gateway.create_check_run(
        target.repo, target.head_sha, name=NAME, external_id=external_id(target.repo, target.head_sha)
    )


def _complete_if_superseded(
    gateway: GitHubGateway, target: Target, check_id: int, ledger: ScanLedger
) -> PullInfo | None:
    newest = _current_head(target, gateway, ledger)
    if newest is not None:
        _complete_superseded(gateway, target, check_id, ledger, newest.head_sha)
    return newest


def _complete_superseded(
    gateway: GitHubGateway, target: Target, check_id: int, ledger: ScanLedger, newer: str
) -> None:
    output = CheckRunOutput(
        title=f"Superseded by {newer[:7]}",
        summary=(
            f"The pull request's head is now `{newer[:7]}`, so that commit is scanned instead and its "
            "results are reported there. This commit was not checked; its result does not count."
        ),
    )
    gateway.complete_check_run(target.repo, check_id, conclusion=SUPERSEDED_CONCLUSION, output=output)
    ledger.forget_run(target.repo, target.head_sha)


def _publish_review(
    gateway: GitHubGateway, target: Target, number: int, report: ScanReport, ledger: ScanLedger
) -> None:
    """One review with the new comments (if any), and old comments whose finding is gone marked resolved.

    Only comments by this App's own login that carry our marker count as ours (another bot's or a person's
    comment quoting a marker is never edited); comments on files this scan could not read in full are left
    alone, since their finding may still be there.
    """
    comments = gateway.review_comments(target.repo, number)
    own = gateway.bot_login() if any(fingerprints_in(comment.body) for comment in comments) else None
    existing = [
        (comment.id, with_current_markers(comment.body, comment.path, comment.line, report.findings))
        for comment in comments
        if comment.author == own and fingerprints_in(comment.body) and comment.path not in report.incomplete
    ]
    # History findings go in a review body (no line holds them), told once per set, not on every new head.
    history = frozenset(finding.fingerprint for finding, _ in report.context.history)
    new_history = bool(history) and not ledger.history_told(target.repo, number, history)
    plan = plan_review(
        report.findings,
        commentable=report.commentable,
        existing=existing,
        pushed=True,
        limit=report.max_inline_comments,
        preexisting=report.context.preexisting,
        added=report.added,
        history=report.context.history if new_history else (),
        hunks=report.hunks,
    )
    if plan.comments or new_history:
        gateway.create_review(
            target.repo, number, commit_sha=target.head_sha, body=plan.body, comments=plan.comments
        )
    if new_history:
        ledger.tell_history(target.repo, number, history)
    for comment_id, body in (*plan.update, *plan.resolve):
        gateway.update_review_comment(target.repo, comment_id, body)


def _note_waiting(gateway: GitHubGateway, target: Target, check_id: int, waiting: RateLimited) -> None:
    """The run stays in progress while the job waits for the rate limit; it says so rather than nothing.
    Best effort: with the limit spent, this call may be refused too."""
    until = datetime.fromtimestamp(waiting.until, UTC)
    try:
        gateway.note_check_run(target.repo, check_id, output=render_waiting(until))
    except GitHubUnavailable:
        logger.warning("could not say on the check run that the scan waits for the rate limit")


def _complete_failed(gateway: GitHubGateway, target: Target, check_id: int, reason: str) -> None:
    """Best effort: when GitHub itself is down this may fail too, and the retry or rescan fixes it."""
    try:
        gateway.complete_check_run(
            target.repo, check_id, conclusion="failure", output=render_failed_scan(reason)
        )
    except GitHubUnavailable:
        logger.warning("could not mark the check run as failed: GitHub is unavailable")
