"""The worker side of a job: context for the logs, the in-flight record, retries and the dead-letter count.

`ScanRunner` is what a worker process attaches to the queue. It turns the JSON job back into a
`ScanRequest`, mints nothing itself (the gateway factory gets installation tokens on demand), and maps the
scan's outcome onto huey: `Busy` waits a moment without using up a retry, `GitHubUnavailable` is retried with
back-off until the bound, after which the job is dead-lettered (logged, counted, its check run failed). A
job that runs past JOB_TIMEOUT is stopped (`bot.jobs.deadline`) and fails like any scan that raised.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from huey.exceptions import RetryTask

from bot.core.rules import RuleSet
from bot.events.request import ScanRequest, Trigger
from bot.github.protocol import GatewayFactory, GitHubGateway, GitHubUnavailable, OpenPull, RateLimited
from bot.jobs.baseline_scan import BaselineScans
from bot.jobs.dashboard import Dashboards, refresh_after_fix, refresh_dashboard
from bot.jobs.deadline import Deadlines, JobTimedOut
from bot.jobs.discovery import discover
from bot.jobs.fix_pr import AfterFix, open_fix_pull
from bot.jobs.leases import Busy
from bot.jobs.queue import JobQueue, worker_deaths
from bot.jobs.scan_job import ScanOutcome, external_id, run_scan, where_it_failed
from bot.jobs.scanning import RepoConfig, load_config
from bot.jobs.targets import Target, resolve_target
from bot.logs import log_context
from bot.metrics import METRICS
from bot.reports.check_run import NAME, render_failed_scan
from bot.settings import DEFAULT_JOB_TIMEOUT
from bot.store import FindingsStore
from bot.verify.verifier import Verifier

logger = logging.getLogger(__name__)

BUSY_RETRY_SECONDS = 1.0
MAX_WORKER_DEATHS = 2  # a job that was running when this many workers died is failed, not run again


class ScanRunner:
    def __init__(
        self,
        queue: JobQueue,
        gateways: GatewayFactory,
        ruleset: RuleSet,
        fingerprint_key: bytes = b"",
        *,
        job_timeout: float = DEFAULT_JOB_TIMEOUT,
        hard_stop: bool = False,
        store: FindingsStore | None = None,
        baselines: BaselineScans | None = None,
        dashboards: Dashboards | None = None,
        verifier: Verifier | None = None,
    ) -> None:
        """`hard_stop`: this process is a worker and nothing else, which may end itself when a job hangs in C
        code past its budget (`bot.jobs.deadline`). `baselines`: how installs are scanned (default: no
        forks, the default rate-limit floor). `dashboards`: how each repository's dashboard issue is kept
        (default: in the queue's shared state, with the boxes offered). `verifier`: asks providers about
        values (VERIFY_SECRETS)."""
        self._queue = queue
        self._gateways = gateways
        self._ruleset = ruleset
        self._fingerprint_key = fingerprint_key
        self._job_timeout = job_timeout
        self._store = store
        self._verifier = verifier
        self._deadlines = Deadlines(hard_stop=hard_stop)
        self._dashboards = dashboards or Dashboards(queue.state, queue.lessee, self.requeue_dashboard)
        self._baselines = baselines or BaselineScans(
            queue.installations, running=partial(queue.in_flight.count, Trigger.BASELINE.value)
        )

    def __call__(self, job: dict[str, Any], job_id: str, retries_left: int) -> str:
        try:
            request = ScanRequest.from_job(job)
        except ValueError as error:
            logger.error("dropping malformed job %s: %s", job_id, error)
            return ScanOutcome.FAILED.value
        trigger = request.trigger.value
        self._queue.rescan_started(request)
        started = time.perf_counter()
        with (
            log_context(delivery=request.delivery_id or None, repo=request.repo, job=job_id),
            METRICS.installation(request.installation_id),
        ):
            try:
                with self._queue.in_flight.tracking(job_id, job):
                    if worker_deaths(job) >= MAX_WORKER_DEATHS:
                        outcome = self._give_up(request)
                    else:
                        outcome = self._within_budget(request, job_id, retries_left)
                    if request.trigger is Trigger.BASELINE:
                        self._baselines.finished(request, self._open_findings(request.repo))
            except Exception:
                METRICS.scans.labels(trigger=trigger, outcome="retried").inc()
                raise
            finally:
                METRICS.scan_duration.labels(trigger=trigger).observe(time.perf_counter() - started)
            METRICS.scans.labels(trigger=trigger, outcome=outcome.value).inc()
            logger.info("scan %s", outcome.value, extra={"trigger": trigger})
            return outcome.value

    def _within_budget(self, request: ScanRequest, job_id: str, retries_left: int) -> ScanOutcome:
        """The attempt, stopped at JOB_TIMEOUT. The scan fails its check run on the way out; a job stopped
        outside the scan (between GitHub calls) is not retried either: the same input would time out again."""
        try:
            with self._deadlines.limit(self._job_timeout):
                return self._attempt(request, job_id, retries_left)
        except JobTimedOut:
            logger.error("job stopped: it ran past JOB_TIMEOUT (%.0f s)", self._job_timeout)
            return ScanOutcome.FAILED

    def _give_up(self, request: ScanRequest) -> ScanOutcome:
        """Its worker died each time it ran this job (a scan stuck in C code past its budget, or one that
        crashed the process): fail the check run it left in progress instead of taking down another worker."""
        logger.error("job abandoned: %d workers died running it", MAX_WORKER_DEATHS)
        if request.trigger in (Trigger.DISCOVER, Trigger.FIX, Trigger.FIX_CLOSED, Trigger.DASHBOARD):
            return ScanOutcome.FAILED  # no check run of its own to fail
        gateway = self._gateways.for_installation(request.installation_id)
        target = self._resolver(request)(request, gateway)
        if target is not None:
            run_id = gateway.create_check_run(  # finds the run the dead workers left in progress
                target.repo,
                target.head_sha,
                name=NAME,
                external_id=external_id(target.repo, target.head_sha),
            )
            output = render_failed_scan("the scan stopped its worker process each time it ran.")
            gateway.complete_check_run(target.repo, run_id, conclusion="failure", output=output)
        return ScanOutcome.FAILED

    def _attempt(self, request: ScanRequest, job_id: str, retries_left: int) -> ScanOutcome:
        if request.trigger is Trigger.REMOVED:  # uninstalled: nothing to scan, its findings are forgotten
            if self._store is not None:
                self._store.forget_repository(request.repo)
            return ScanOutcome.NOTHING_TO_DO
        if request.trigger is Trigger.FIX_CLOSED:  # the next fix request opens a new pull request
            if self._store is not None and request.pr_number is not None:
                self._store.clear_fix_pull(request.repo, request.pr_number)
            return ScanOutcome.NOTHING_TO_DO
        gateway = self._gateways.for_installation(request.installation_id)
        try:
            if request.trigger is Trigger.DISCOVER:
                discover(request, gateway, self._queue, job_id)
                return ScanOutcome.NOTHING_TO_DO
            if request.trigger is Trigger.DASHBOARD:
                return self._refresh_dashboard(request, gateway)
            if request.trigger is Trigger.FIX:
                return open_fix_pull(
                    request,
                    gateway,
                    ruleset_base=self._ruleset,
                    ledger=self._queue.ledger,
                    fingerprint_key=self._fingerprint_key,
                    store=self._store,
                    after_fix=self._after_fix(gateway),
                )
            return run_scan(
                request,
                gateway,
                ruleset_base=self._ruleset,
                latest_heads=self._queue.ledger,
                final_attempt=retries_left == 0,
                fingerprint_key=self._fingerprint_key,
                store=self._store,
                resolve=self._resolver(request),
                dashboards=self._dashboards,
                verifier=self._verifier,
            )
        except Busy:
            logger.info("another scan of the same pull request is running; waiting")
            raise RetryTask(delay=BUSY_RETRY_SECONDS) from None
        except RateLimited as waiting:
            # Rescheduled for after GitHub's wait without using up a retry: the limit resets by itself.
            logger.warning("GitHub's rate limit: rescheduled in %.0f s", waiting.wait)
            raise RetryTask(delay=waiting.wait + BUSY_RETRY_SECONDS) from None
        except GitHubUnavailable:
            if retries_left > 0:
                logger.warning("GitHub unavailable; %d retries left", retries_left)
                raise
            self._dead_letter(request, job_id)
            return ScanOutcome.FAILED
        except Exception as error:
            # Not retryable: the same input would fail the same way. run_scan has already completed the
            # check run when it got that far.
            logger.error("scan failed: %s\n%s", type(error).__name__, where_it_failed(error))
            return ScanOutcome.FAILED

    def _refresh_dashboard(self, request: ScanRequest, gateway: GitHubGateway) -> ScanOutcome:
        """A DASHBOARD job: the repository's `dashboard` setting read at its default branch, then the issue
        rendered from the store."""
        if self._store is None:
            return ScanOutcome.NOTHING_TO_DO
        branch = request.default_branch or gateway.repository(request.repo).default_branch
        repo_config = load_config(gateway, request.repo, branch, self._ruleset)
        enabled = repo_config.config.dashboard
        refresh_dashboard(self._dashboards, gateway, self._store, request.repo, enabled=enabled)
        return ScanOutcome.NOTHING_TO_DO

    def requeue_dashboard(self, repo: str) -> None:
        """Refresh requests that kept arriving while a holder rendered: one DASHBOARD job renders them."""
        details = self._store.repository_details([repo]).get(repo) if self._store is not None else None
        if details is None or details.installation_id is None:
            logger.warning("dashboard: requests left for the next refresh (repository not tracked)")
            return
        request = ScanRequest(
            installation_id=details.installation_id,
            repo=repo,
            trigger=Trigger.DASHBOARD,
            head_sha=None,
            default_branch=details.default_branch or "",
        )
        self._queue.enqueue(request.to_job(), f"dashboard-{secrets.token_hex(8)}")

    def _after_fix(self, gateway: GitHubGateway) -> AfterFix | None:
        """The dashboard links the fix pull request on its boxes and unticks them."""
        store = self._store
        if store is None:
            return None

        def refresh(request: ScanRequest, _pull: OpenPull, repo_config: RepoConfig) -> None:
            refresh_after_fix(self._dashboards, gateway, store, request, repo_config)

        return refresh

    def _resolver(self, request: ScanRequest) -> Callable[[ScanRequest, GitHubGateway], Target | None]:
        return self._baselines.target if request.trigger is Trigger.BASELINE else resolve_target

    def _open_findings(self, repo: str) -> int:
        """What the store holds open for the repository (0 without a store): the baseline's findings."""
        return len(self._store.open_findings(repo)) if self._store is not None else 0

    def _dead_letter(self, request: ScanRequest, job_id: str) -> None:
        self._queue.record_dead_letter(job_id, request.to_job())
        logger.error("job dead-lettered: GitHub stayed unavailable through every retry")
