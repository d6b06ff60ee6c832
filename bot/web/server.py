"""`secrets-bot serve`: uvicorn in front of `create_app`, with its workers as child processes.

On the embedded default (SQLite) serve starts WORKERS child `secrets-bot worker` processes
(`bot.jobs.pool`), so one command is the whole bot, and no scan ever runs in the interpreter that answers
webhooks. With Redis the default is no children (run `secrets-bot worker` processes); WORKERS overrides
either way. With no App configured the process serves the setup page, logs its one-time setup code, and
starts its workers the moment the page registers an App.

Shutdown on SIGTERM / SIGINT, bounded: uvicorn stops accepting and finishes open requests (up to
HTTP_GRACE seconds), then the children get SIGTERM, finish their jobs (up to SHUTDOWN_TIMEOUT) and re-queue
the rest.
uvicorn re-raises the signal once it is done; the handlers installed here turn that into a log line instead
of the default "die now", so the workers' shutdown still runs.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
from types import FrameType
from typing import Any

import uvicorn

from bot.jobs.pool import WorkerProcesses
from bot.jobs.worker import open_or_exit
from bot.logs import configure_logging
from bot.settings import Settings
from bot.web.app import create_app

logger = logging.getLogger(__name__)

HTTP_GRACE = 5  # seconds for open requests once SIGTERM arrives (a webhook is answered in milliseconds)
# h11, not httptools: httptools buffers request headers without any limit (a 32 MB header was accepted),
# h11 refuses more than this many bytes of request line and headers with a 400. GitHub sends about 2 KB.
HTTP_LIMITS: dict[str, Any] = {"http": "h11", "h11_max_incomplete_event_size": 64 * 1024}


def run(settings: Settings, *, workers: int | None = None) -> None:
    """Serve until SIGTERM / SIGINT. `workers` overrides the number of in-process workers."""
    configure_logging(
        settings.log_level,
        secrets=(settings.webhook_secret, settings.private_key, settings.github_client_secret),
    )
    queue = open_or_exit(settings)
    count = settings.serve_workers if workers is None else workers
    pool = WorkerProcesses(count)

    def configured(new: Settings) -> None:
        configure_logging(
            new.log_level, secrets=(new.webhook_secret, new.private_key, new.github_client_secret)
        )
        pool.start(new)

    app = create_app(settings, queue, on_configured=configured)
    if settings.is_configured:
        pool.start(settings)
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
        pool.stop()
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
