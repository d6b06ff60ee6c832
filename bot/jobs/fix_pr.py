"""A fix pull request: the default branch's manifests rewritten with the review suggestions' own fixes.

Asked for by the check run's "Open fix PR" button (or the dashboard's checkbox), by someone GitHub says may
write to the repository; anyone else gets nothing (logged). The job reads the default branch's head, scans
the affected manifests there again (the stored positions may be old), rewrites each with `bot.core.fix` and
checks that the rewritten file no longer shows what it fixed: a file whose own scan still would is left out
(fail closed), and a file that cannot be read is named in the body as not fixed. The change is one commit
on `secrets-bot/fix-secrets`, and the one open pull request from that branch is opened or updated: a
repeated or concurrent request (serialised by a lease per repository) reuses it, and a request that changes
nothing writes nothing. The repository's config is read once, at the head, and handed to `after_fix` (the
dashboard's `dashboard` setting).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.findings import Finding
from bot.core.fix import fix_file
from bot.core.rules import RuleSet
from bot.events.request import ScanRequest
from bot.files import is_manifest_path
from bot.github.protocol import FileTooLarge, GitHubGateway, OpenPull, UnreadableAnswer
from bot.jobs.scan_job import WRITE_PERMISSIONS, ScanLedger, ScanOutcome
from bot.jobs.scanning import RepoConfig, keyed_config, scan_one
from bot.reports.fix_pr import FIX_BRANCH, MAX_FIXED, TITLE, NotRead, commit_message, render_body
from bot.reports.kinds import is_advisory
from bot.reports.markers import fingerprints_in
from bot.store import FindingsStore, StoredFinding

logger = logging.getLogger(__name__)

NO_CONTENTS_WRITE = (
    "the installation has not granted the App `contents: write`, which a fix pull request needs (an "
    "organisation owner can accept it in the App's installation settings)"
)

AfterFix = Callable[[ScanRequest, OpenPull, RepoConfig], None]  # the dashboard refreshed after a fix


@dataclass
class FixPlan:
    files: dict[str, bytes] = field(default_factory=dict)  # path -> rewritten bytes
    applied: list[Finding] = field(default_factory=list)
    by_hand: list[Finding] = field(default_factory=list)
    not_read: list[NotRead] = field(default_factory=list)  # files whose findings are neither fixed nor shown
    deferred: int = 0  # files with secrets left for the next pull request (this one is full)


def fix_unavailable_reason(gateway: GitHubGateway) -> str | None:
    """Why this installation cannot get fix pull requests (no button, no checkbox), or None when it can."""
    return None if gateway.contents_writable() else NO_CONTENTS_WRITE


def open_fix_pull(
    request: ScanRequest,
    gateway: GitHubGateway,
    *,
    ruleset_base: RuleSet,
    ledger: ScanLedger,
    fingerprint_key: bytes = b"",
    store: FindingsStore | None = None,
    after_fix: AfterFix | None = None,
) -> ScanOutcome:
    """Open or update the repository's fix pull request for the findings `request.arguments` names
    (space-separated fingerprints; None: every secret on the default branch). `after_fix` runs once the
    pull request is open and stored, with the config read at the head."""
    repo = request.repo
    if request.commenter is None or gateway.permission(repo, request.commenter) not in WRITE_PERMISSIONS:
        logger.info("fix pull request not opened: the person who asked cannot write to the repository")
        return ScanOutcome.DENIED
    reason = fix_unavailable_reason(gateway)
    if reason is not None:
        logger.warning("fix pull request not opened: %s", reason)
        return ScanOutcome.NOTHING_TO_DO
    base = request.default_branch or gateway.repository(repo).default_branch
    head = gateway.branch_head(repo, base)
    if head is None:
        return ScanOutcome.NOTHING_TO_DO
    with ledger.hold(f"{repo}#fix-pull-request"):
        existing = gateway.open_pull_from(repo, FIX_BRANCH)
        wanted = _wanted(request, existing)
        repo_config = keyed_config(gateway, repo, head, ruleset_base, fingerprint_key)
        plan = _plan(repo, wanted, gateway, head, repo_config, store)
        if not plan.files:
            logger.info("fix pull request not opened: nothing at %s has a one-click fix", head[:7])
            return ScanOutcome.NOTHING_TO_DO
        gateway.push_files(
            repo, FIX_BRANCH, base=head, files=plan.files, message=commit_message(plan.applied)
        )
        body = render_body(
            plan.applied,
            plan.by_hand,
            base_branch=base,
            head_sha=head,
            not_read=plan.not_read,
            deferred=plan.deferred,
        )
        pull = _open_or_update(gateway, repo, base, body, existing)
        if store is not None:
            store.set_fix_pull(repo, {finding.fingerprint for finding in plan.applied}, pull.number)
    logger.info("fix pull request #%d covers %d secrets", pull.number, len(plan.applied))
    if after_fix is not None:
        after_fix(request, pull, repo_config)
    return ScanOutcome.REPORTED


def _wanted(request: ScanRequest, existing: OpenPull | None) -> frozenset[str] | None:
    """The fingerprints to fix (None: every secret). The open pull request's own findings (its markers) are
    kept: a later request for one more finding adds it to the pull request instead of replacing its fixes."""
    if not request.arguments:
        return None
    kept = fingerprints_in(existing.body) if existing is not None else set()
    return frozenset(request.arguments.split()) | kept


def _open_or_update(
    gateway: GitHubGateway, repo: str, base: str, body: str, pull: OpenPull | None
) -> OpenPull:
    if pull is None:
        return gateway.create_pull(repo, branch=FIX_BRANCH, base=base, title=TITLE, body=body)
    if (pull.title, pull.body) != (TITLE, body):
        gateway.update_pull(repo, pull.number, title=TITLE, body=body)
    return pull


def _plan(
    repo: str,
    wanted: frozenset[str] | None,
    gateway: GitHubGateway,
    head: str,
    repo_config: RepoConfig,
    store: FindingsStore | None,
) -> FixPlan:
    plan = FixPlan()
    stored = store.open_findings(repo) if store is not None else []
    for path in _affected_paths(repo, gateway, head, repo_config, stored, wanted):
        if len(plan.applied) >= MAX_FIXED:
            plan.deferred += 1
            continue
        data = _read(gateway, repo, path, head, repo_config)
        if isinstance(data, str):
            where = sorted((item.line, item.rule) for item in stored if _asked(item, path, wanted))
            plan.not_read.append(NotRead(path, tuple(where)))
            continue
        if data is None:
            continue  # gone at the head: nothing left to fix there
        chosen = [
            finding
            for finding in scan_one(path, data, repo_config).findings
            if not is_advisory(finding) and (wanted is None or finding.fingerprint in wanted)
        ]
        fixed = fix_file(data, chosen)
        if len(plan.applied) + len(fixed.applied) > MAX_FIXED and plan.applied:
            plan.deferred += 1
        elif fixed.changed and _comes_out_clean(path, fixed.data, fixed.applied, repo_config):
            plan.files[path] = fixed.data
            plan.applied += fixed.applied
            plan.by_hand += fixed.by_hand
        else:
            plan.by_hand += chosen
    return plan


def _asked(item: StoredFinding, path: str, wanted: frozenset[str] | None) -> bool:
    return item.path == path and (wanted is None or item.fingerprint in wanted)


def _affected_paths(
    repo: str,
    gateway: GitHubGateway,
    head: str,
    repo_config: RepoConfig,
    stored: list[StoredFinding],
    wanted: frozenset[str] | None,
) -> list[str]:
    """The manifests the store holds open findings in (those asked for: none when a ticked box names a
    finding no longer open); every manifest at the head only when the store knows no open finding at all
    (no store, or a repository never scanned whole)."""
    if stored:
        return sorted({item.path for item in stored if wanted is None or item.fingerprint in wanted})
    tree = gateway.tree(repo, head)
    return sorted(path for path in tree.blobs if is_manifest_path(path, repo_config.config))


def _read(
    gateway: GitHubGateway, repo: str, path: str, head: str, repo_config: RepoConfig
) -> bytes | str | None:
    """The file at the head; None when it is gone; why (logged, nothing fixed there) when it is too large
    or unreadable."""
    try:
        data = gateway.file_content(repo, path, head, max_bytes=repo_config.config.limits.max_bytes)
    except (FileTooLarge, UnreadableAnswer) as error:
        logger.warning("fix pull request: a manifest could not be read (%s)", type(error).__name__)
        return type(error).__name__
    return data


def _comes_out_clean(path: str, data: bytes, applied: tuple[Finding, ...], repo_config: RepoConfig) -> bool:
    """The rewritten file's own scan no longer shows any finding the fix claims to remove."""
    result = scan_one(path, data, repo_config)
    left = {finding.fingerprint for finding in result.findings}
    if left & {finding.fingerprint for finding in applied} or not result.complete:
        logger.error("fix pull request: a rewritten manifest still shows what it fixes; left out")
        return False
    return True
