"""Keep each repository's `Serverless secrets dashboard` issue in step with the findings store.

After a scan of the default branch has updated the store (and after a fix pull request was opened), the
issue is rendered again from what the store holds and written only where it changed: created when the
first secret is open, edited in place, closed with "nothing open any more" when none is left, reopened when
a new one appears. A repository that never had an open secret gets no issue and costs no call.

Exactly one issue, whatever the redeliveries and however many workers: refreshes of one repository run one
at a time under a lock in the queue's shared state, the issue's number is recorded in the findings store
once created or found, and GitHub is always asked before anything is created (the recorded number, else
the App's own issues matched by the hidden marker). A refresh that finds the lock held does not wait: it
leaves a request in the shared state, and the holder, once done, renders again if a request came in after
it read the store. A holder renders at most `MAX_ROUNDS` times; requests still arriving after that are not
dropped but handed to `requeue` (the runner queues a DASHBOARD job for the repository).

A repository whose findings are all fixed and that has no recorded issue is looked up on GitHub once (an
older dashboard to close); that none was found is remembered in the shared state for `ABSENT_TTL`, so later
pushes cost no call until a secret is open again.

The number lives in the store, not in the shared state: the store is what every worker and instance
already shares for the findings, it keeps the number without expiry, it is deleted with the repository,
and the overview reads it to link each repository's issue itself. It is written only under the lock and
always checked against GitHub before use, so a stale number costs one read and is corrected.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from enum import StrEnum

from bot.events.request import ScanRequest
from bot.github.errors import GitHubRequestError
from bot.github.protocol import GitHubGateway, Issue, IssuesDisabled
from bot.jobs.leases import Busy, Lessee, Locks
from bot.jobs.scanning import RepoConfig
from bot.jobs.state import JobState
from bot.reports.dashboard import (
    MARKER,
    TITLE,
    has_open,
    is_dashboard,
    render_dashboard,
    rendered_at,
    secrets_only,
)
from bot.store import FindingsStore

logger = logging.getLogger(__name__)

WANTED_TTL = 3600.0
ABSENT_TTL = 7 * 24 * 3600.0  # how long "this repository has no dashboard" is believed without asking
MAX_ROUNDS = 3  # renders by one holder for requests that arrived meanwhile; later ones are re-queued

Requeue = Callable[[str], None]  # one more refresh of the repository, as a job of its own


class DashboardOutcome(StrEnum):
    NONE = "none"  # no open secret and no issue: nothing to show
    DISABLED = "disabled"  # `dashboard: false`
    UNCHANGED = "unchanged"
    CREATED = "created"
    UPDATED = "updated"
    CLOSED = "closed"
    REOPENED = "reopened"
    LEFT_TO_HOLDER = "left-to-holder"  # another worker is refreshing it and will render again
    UNAVAILABLE = "unavailable"  # issues are turned off, or the installation may not write them


class Dashboards:
    """Where refreshes of one repository's dashboard meet, across every process sharing the queue."""

    def __init__(self, state: JobState, lessee: Lessee, requeue: Requeue | None = None) -> None:
        self._state = state
        self._locks = Locks(state, lessee)
        self._requeue = requeue

    def one_at_a_time(self, repo: str, render: Callable[[], DashboardOutcome]) -> DashboardOutcome:
        """`render` under the repository's lock, again while requests arrived during the last render."""
        wanted = _wanted_key(repo)
        self._state.put(wanted, secrets.token_hex(8), ttl=WANTED_TTL)  # after the store was updated
        outcome = DashboardOutcome.LEFT_TO_HOLDER
        for _ in range(MAX_ROUNDS):
            seen = self._state.get(wanted)  # before the store is read
            try:
                with self._locks.hold(f"dashboard:{repo}"):
                    outcome = render()
            except Busy:
                return DashboardOutcome.LEFT_TO_HOLDER  # the holder sees our request once it lets go
            if self._state.get(wanted) == seen:
                return outcome
        if self._requeue is not None:  # requests kept coming: a job of their own renders them
            self._requeue(repo)
        else:
            logger.warning("dashboard: requests left for the next refresh (no queue to hand them to)")
        return outcome

    def known_absent(self, repo: str) -> bool:
        """GitHub was asked lately and the repository has no dashboard issue."""
        return self._state.get(_absent_key(repo)) is not None

    def remember_absent(self, repo: str) -> None:
        self._state.put(_absent_key(repo), "1", ttl=ABSENT_TTL)


def dashboard_url(store: FindingsStore, web_url: str, repo: str) -> str | None:
    """The dashboard issue's address when the store knows one (no call to GitHub): pull requests point their
    findings already on the base branch to it."""
    number = store.dashboard_issue(repo)
    return None if number is None else f"{web_url.rstrip('/')}/{repo}/issues/{number}"


def refresh_dashboard(
    dashboards: Dashboards, gateway: GitHubGateway, store: FindingsStore, repo: str, *, enabled: bool = True
) -> DashboardOutcome:
    """Bring the repository's dashboard issue in line with the store. `enabled`: the repository's
    `dashboard` setting (false: nothing is touched). `GitHubUnavailable` propagates (the job is retried);
    a repository without issues, or an installation without the permission, is logged and left alone."""
    if not enabled:
        return DashboardOutcome.DISABLED
    findings = store.findings(repo)
    if store.dashboard_issue(repo) is None:
        if not secrets_only(findings):
            return DashboardOutcome.NONE  # never had a secret: no call to GitHub at all
        if not has_open(findings) and dashboards.known_absent(repo):
            return DashboardOutcome.NONE  # only fixed ones, and GitHub said lately there is no issue
    try:
        outcome = dashboards.one_at_a_time(repo, lambda: _sync(gateway, store, repo))
    except (IssuesDisabled, GitHubRequestError) as error:
        logger.warning("dashboard not updated: %s", type(error).__name__)
        return DashboardOutcome.UNAVAILABLE
    if outcome is DashboardOutcome.NONE:  # GitHub was asked: no issue, nothing open
        dashboards.remember_absent(repo)
    return outcome


def refresh_after_fix(
    dashboards: Dashboards,
    gateway: GitHubGateway,
    store: FindingsStore,
    request: ScanRequest,
    repo_config: RepoConfig,
) -> DashboardOutcome:
    """After a fix pull request was opened or updated: its boxes link it and are unticked again. A fix asked
    from the check run's button may be for a repository without a dashboard: `repo_config` is the config
    the fix job read at the default branch's head (read once per job)."""
    return refresh_dashboard(dashboards, gateway, store, request.repo, enabled=repo_config.config.dashboard)


def _sync(gateway: GitHubGateway, store: FindingsStore, repo: str) -> DashboardOutcome:
    findings = store.findings(repo)
    opened = has_open(findings)
    fixes_allowed = opened and gateway.contents_writable()  # from the token's answer: no call

    def render(sha: str | None) -> str:
        return render_dashboard(
            findings, repo=repo, scanned_sha=sha, web_url=gateway.web_url(), fixes_allowed=fixes_allowed
        )

    body = render(store.last_scanned_sha(repo))
    issue = _find(gateway, store, repo)
    if issue is None:
        if not opened:
            return DashboardOutcome.NONE
        created = gateway.create_issue(repo, title=TITLE, body=body, marker=MARKER)
        store.set_dashboard_issue(repo, created.number)
        logger.info("dashboard opened", extra={"issue": created.number})
        return DashboardOutcome.CREATED
    state = "open" if opened else "closed"
    # Quiet: a push that changed nothing shown (only the commit the links point at) is not written.
    shown_at = rendered_at(issue.body)
    same = body == issue.body or (shown_at is not None and render(shown_at) == issue.body)
    new_body = None if same else body
    new_state = state if state != issue.state else None
    if new_body is None and new_state is None:
        return DashboardOutcome.UNCHANGED
    gateway.update_issue(repo, issue.number, body=new_body, state=new_state)
    outcome = _OUTCOMES[new_state]
    logger.info("dashboard %s", outcome.value, extra={"issue": issue.number})
    return outcome


_OUTCOMES = {
    None: DashboardOutcome.UPDATED,
    "open": DashboardOutcome.REOPENED,
    "closed": DashboardOutcome.CLOSED,
}


def _find(gateway: GitHubGateway, store: FindingsStore, repo: str) -> Issue | None:
    """The recorded issue when it is still the App's dashboard, else the App's issue with the marker."""
    number = store.dashboard_issue(repo)
    if number is not None:
        issue = gateway.issue(repo, number)
        if issue is not None and issue.author == gateway.bot_login() and is_dashboard(issue.body):
            return issue
    found = gateway.find_own_issue(repo, MARKER)
    known = None if found is None else found.number
    if known != number:
        store.set_dashboard_issue(repo, known)
    return found


def _wanted_key(repo: str) -> str:
    return f"dashboard-wanted:{repo}"


def _absent_key(repo: str) -> str:
    return f"dashboard-absent:{repo}"
