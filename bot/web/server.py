"""`secrets-bot serve`: uvicorn in front of `create_app`, with worker threads in the same process.

On the embedded default (SQLite) the workers run here, so one process is the whole bot. With Redis the
default is no workers here (run `secrets-bot worker` processes); WORKERS overrides either way. With no App
configured the process serves the setup page, and starts its workers the moment the page registers one.

Shutdown on SIGTERM / SIGINT, bounded: uvicorn stops accepting and finishes open requests (up to
HTTP_GRACE seconds), then the workers finish their jobs (up to SHUTDOWN_TIMEOUT) and re-queue the rest.
uvicorn re-raises the signal once it is done; the handlers installed here turn that into a log line instead
of the default "die now", so the workers' shutdown still runs.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import threading
from types import FrameType
from typing import Any

import uvicorn

from bot.jobs.queue import JobQueue
from bot.jobs.worker import Workers, open_or_exit, start_workers
from bot.logs import configure_logging
from bot.settings import Settings
from bot.web.app import create_app

logger = logging.getLogger(__name__)

HTTP_GRACE = 5  # seconds for open requests once SIGTERM arrives (a webhook is answered in milliseconds)
# h11, not httptools: httptools buffers request headers without any limit (a 32 MB header was accepted),
# h11 refuses more than this many bytes of request line and headers with a 400. GitHub sends about 2 KB.
HTTP_LIMITS: dict[str, Any] = {"http": "h11", "h11_max_incomplete_event_size": 64 * 1024}


class WorkerHost:
    """The in-process workers, started once: at boot when an App is configured, else by the setup page."""

    def __init__(self, queue: JobQueue, count: int) -> None:
        self._queue = queue
        self._count = count
        self._running: Workers | None = None
        self._lock = threading.Lock()

    def start(self, settings: Settings) -> None:
        configure_logging(settings.log_level, secrets=(settings.webhook_secret, settings.private_key))
        with self._lock:
            if self._running is None and self._count > 0 and settings.is_configured:
                self._running = start_workers(settings, self._queue, self._count)
                logger.info("workers started", extra={"workers": self._count})

    def stop(self) -> None:
        with self._lock:
            if self._running is not None:
                self._running.stop()
                self._running = None


def run(settings: Settings, *, workers: int | None = None) -> None:
    """Serve until SIGTERM / SIGINT. `workers` overrides the number of in-process workers."""
    configure_logging(settings.log_level, secrets=(settings.webhook_secret, settings.private_key))
    queue = open_or_exit(settings)
    count = settings.serve_workers if workers is None else workers
    host = WorkerHost(queue, count)
    app = create_app(settings, queue, on_configured=host.start)
    if settings.is_configured:
        host.start(settings)
    else:
        # The setup code is not a secret of the bot's users: it proves the person at the browser can read
        # this log, so that nobody else who reaches the port can register their App here.
        logger.warning(
            "no GitHub App configured yet: open %s/?code=%s to register one (setup code %s)",
            _setup_address(settings),
            app.state.setup.code,
            app.state.setup.code,
        )
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=HTTP_GRACE,
        **HTTP_LIMITS,
    )
    logger.info(
        "serving",
        extra={
            "host": settings.host,
            "port": settings.port,
            "workers": count,
            "queue": settings.queue_display,
        },
    )
    _note_signals()
    try:
        uvicorn.Server(config).run()
    finally:
        host.stop()
        queue.lessee.retire()
        logger.info("stopped")


def _setup_address(settings: Settings) -> str:
    if settings.public_url is not None:
        return settings.public_url
    try:
        everywhere = ipaddress.ip_address(settings.host).is_unspecified
    except ValueError:
        everywhere = False
    return f"http://{'localhost' if everywhere else settings.host}:{settings.port}"


def _note_signals() -> None:
    def note(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s; finishing running jobs", signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, note)
    signal.signal(signal.SIGINT, note)
