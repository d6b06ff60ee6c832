"""Worker entry points: `secrets-bot worker` (also what `serve` starts as its children), and `start_workers`
for worker threads hosted by another program (tests, embedding).

Both run huey's consumer (workers plus the scheduler that releases delayed retries) and a supervisor thread
that keeps this process's heartbeat alive and re-queues jobs left behind by dead workers. Signals belong to
the host: `run()` handles SIGTERM / SIGINT here, a hosting program handles its own. Either way a stop
takes no new job, gives running ones SHUTDOWN_TIMEOUT seconds to finish, and puts the rest back on the queue
before the process exits, so a deploy never loses a job (re-running one is safe: effects are idempotent).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from functools import partial
from types import FrameType

from huey.consumer import Consumer
from prometheus_client import start_http_server

from bot.core.rules import RuleSet
from bot.events.request import Trigger
from bot.github.gateway import GitHubAppClient
from bot.github.protocol import GatewayFactory
from bot.jobs.baseline_scan import BaselineScans
from bot.jobs.leases import HEARTBEAT_EVERY
from bot.jobs.queue import JobQueue, QueueError, open_queue
from bot.jobs.runner import ScanRunner
from bot.logs import configure_logging
from bot.metrics import METRICS, exposition_registry
from bot.settings import DEFAULT_SHUTDOWN_TIMEOUT, Settings
from bot.store import open_store
from bot.verify.verifier import Limits, Verifier

logger = logging.getLogger(__name__)

# SQLite storage is polled (Redis blocks on the list instead). An idle worker asks at most every 50 ms, so a
# pull request waits about 25 ms to be picked up (it waited up to 250 ms: issue 16); an idle poll is one
# indexed `select 1 ... limit 1`, about 0.2 % of a core per worker.
POLL_INTERVAL = 0.02
POLL_MAX = 0.05


class _HostedConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer without its signal handlers: the process hosting it owns the signals."""

    def _set_signal_handlers(self) -> None:
        return None


class Workers:
    """`count` worker threads, huey's scheduler and the supervisor, started and stopped together."""

    def __init__(
        self,
        queue: JobQueue,
        count: int,
        *,
        on_stop: Callable[[], None] | None = None,
        shutdown_timeout: float = DEFAULT_SHUTDOWN_TIMEOUT,
    ) -> None:
        self._queue = queue
        self._on_stop = on_stop
        self._consumer = _HostedConsumer(
            queue.huey,
            workers=count,
            periodic=False,
            initial_delay=POLL_INTERVAL,
            max_delay=POLL_MAX,
            backoff=1.5,
            shutdown_timeout=shutdown_timeout,
        )
        self._stopping = threading.Event()
        self._supervisor = threading.Thread(
            target=self._supervise, name="secrets-bot-supervisor", daemon=True
        )

    def start(self) -> None:
        self._queue.lessee.heartbeat()
        self._queue.recover_orphans()
        self._consumer.start()
        self._supervisor.start()

    def stop(self) -> bool:
        """Take no new job, let running ones finish within the shutdown timeout and re-queue the others.
        True when every job finished."""
        self._consumer.stop(graceful=True)
        self._stopping.set()
        self._supervisor.join(timeout=HEARTBEAT_EVERY * 2)
        requeued = self._queue.requeue_own()
        if requeued:
            logger.warning("stopped with %d unfinished job(s), re-queued for the next worker", requeued)
        elif self._on_stop is not None:
            self._on_stop()  # with jobs still running, their client stays open until the process exits
        return requeued == 0

    def _supervise(self) -> None:
        while not self._stopping.wait(HEARTBEAT_EVERY):
            try:
                self._queue.lessee.heartbeat()
                self._queue.recover_orphans()
                self._queue.state.prune()
            except Exception as error:
                logger.warning("supervisor pass failed: %s", type(error).__name__)


def start_workers(
    settings: Settings,
    queue: JobQueue,
    count: int,
    *,
    gateways: GatewayFactory | None = None,
    own_process: bool = False,
) -> Workers:
    """Attach a scan runner to `queue` and start `count` workers in this process.

    Without `gateways`, the App's own client is built from the settings and closed when the workers stop.
    `own_process`: this process only runs jobs, so it may end itself when one hangs past its budget.
    """
    on_stop: Callable[[], None] | None = None
    if gateways is None:
        client = _app_client(settings)
        gateways, on_stop = client, client.close
    runner = ScanRunner(
        queue,
        gateways,
        RuleSet.default(),
        _fingerprint_key(settings),
        job_timeout=settings.job_timeout,
        hard_stop=own_process,
        store=open_store(settings.database_url),
        baselines=BaselineScans(
            queue.installations,
            forks=settings.baseline_forks,
            floor=settings.baseline_rate_floor,
            running=partial(queue.in_flight.count, Trigger.BASELINE.value),
        ),
        verifier=_verifier(settings),
    )
    queue.attach(runner)
    workers = Workers(queue, count, on_stop=on_stop, shutdown_timeout=settings.shutdown_timeout)
    workers.start()
    return workers


def _verifier(settings: Settings) -> Verifier | None:
    """One per process: its rate limits and cache are shared by every scan the process runs."""
    if not settings.verify_secrets:
        return None
    logger.info("VERIFY_SECRETS=on: credentials are checked with their providers (docs/verification.md)")
    return Verifier(
        cache_seconds=settings.verify_cache_seconds,
        verify_history=settings.verify_history,
        limits=Limits(timeout=settings.verify_timeout),
    )


def _fingerprint_key(settings: Settings) -> bytes:
    """Workers never scan without a key: an unkeyed fingerprint could be matched against guesses."""
    key = settings.scan_key
    if key is None:
        raise RuntimeError("no fingerprint key: set FINGERPRINT_KEY or configure the App first")
    if settings.fingerprint_key is None:
        logger.warning(
            "FINGERPRINT_KEY is not set: fingerprints are keyed with a key derived from the App's private "
            "key, and change if that key is replaced; set FINGERPRINT_KEY (docs/configuration.md)"
        )
    return key


def run(settings: Settings, concurrency: int) -> None:
    """`secrets-bot worker`: consume the queue until SIGTERM or SIGINT, then stop within the bound."""
    configure_logging(settings.log_level, secrets=(settings.webhook_secret, settings.private_key))
    if not settings.is_configured:
        raise SystemExit("the worker needs APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET")
    queue = open_or_exit(settings)
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s; finishing running jobs", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    workers = start_workers(settings, queue, concurrency, own_process=True)
    if settings.metrics_port is not None:
        registry = exposition_registry(METRICS, queue)
        start_http_server(settings.metrics_port, addr=settings.host, registry=registry)
    logger.info("worker started", extra={"concurrency": concurrency, "queue": settings.queue_display})
    stop.wait()
    workers.stop()
    queue.lessee.retire()
    logger.info("worker stopped")


def open_or_exit(settings: Settings) -> JobQueue:
    """The queue, or a one-line startup error naming the problem (a corrupt or locked file, no Redis)."""
    try:
        return open_queue(settings)
    except QueueError as error:
        logger.critical("%s", error)
        raise SystemExit(f"secrets-bot: {error}") from None


def _app_client(settings: Settings) -> GitHubAppClient:
    if settings.app_id is None or settings.private_key is None:
        raise ValueError("the App is not configured")
    return GitHubAppClient(settings.app_id, settings.private_key, settings.github_api_url)
