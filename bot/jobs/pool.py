"""`serve`'s workers: `secrets-bot worker` child processes that it starts, restarts and stops.

A scan is CPU-bound, and part of it can be C code that holds the interpreter lock for its whole run. In
threads of the web process it would stall webhook acknowledgements and `/healthz`; in a child process it has
its own interpreter, and the web process answers in milliseconds whatever a scan does. Each child runs one
job at a time, so a runaway job delays nobody else's, and the children share the queue exactly as separately
deployed `secrets-bot worker` processes do (durable, deduplicated and recovered through the queue's storage).

The children get the web process's settings through their environment (so an App registered by the setup
page reaches them even when `.env` could not be written). A child that dies is started again. On stop each
child gets SIGTERM, finishes or re-queues its job within SHUTDOWN_TIMEOUT, and is killed only past that.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

from bot.settings import Settings

logger = logging.getLogger(__name__)

WATCH_EVERY = 1.0  # seconds between checks that every child is alive
RESTART_AFTER = 2.0  # a child that died is started again after this pause, so a crash loop cannot spin
STOP_MARGIN = 10.0  # seconds past SHUTDOWN_TIMEOUT before a child that ignores SIGTERM is killed
NOT_INHERITED = ("METRICS_PORT", "WORKERS")  # a port cannot be shared; a child runs exactly one job at a time


class WorkerProcesses:
    """`count` child workers, started once (at boot when an App is configured, else by the setup page)."""

    def __init__(self, count: int) -> None:
        self._count = count
        self._children: list[subprocess.Popen[bytes]] = []
        self._settings: Settings | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="secrets-bot-workers", daemon=True)

    @property
    def pids(self) -> list[int]:
        with self._lock:
            return [child.pid for child in self._children]

    def start(self, settings: Settings) -> None:
        with self._lock:
            if self._settings is not None or self._count == 0 or not settings.is_configured:
                return
            self._settings = settings
            self._children = [self._spawn(settings) for _ in range(self._count)]
        self._watcher.start()
        logger.info("worker processes started", extra={"workers": self._count})

    def stop(self) -> None:
        """SIGTERM to every child, then wait for each within the shutdown bound; kill what is left."""
        self._stopping.set()
        with self._lock:
            children, settings = list(self._children), self._settings
        if settings is None:
            return
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + settings.shutdown_timeout + STOP_MARGIN
        for child in children:
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.error("worker process %d did not stop in time; killing it", child.pid)
                child.kill()
                child.wait()

    def _watch(self) -> None:
        while not self._stopping.wait(WATCH_EVERY):
            with self._lock:
                dead = [i for i, child in enumerate(self._children) if child.poll() is not None]
            for index in dead:
                if self._stopping.wait(RESTART_AFTER):
                    return
                self._restart(index)

    def _restart(self, index: int) -> None:
        with self._lock:
            old = self._children[index]
            if self._stopping.is_set() or self._settings is None:
                return
            logger.warning("worker process %d exited with %s; starting another", old.pid, old.returncode)
            self._children[index] = self._spawn(self._settings)

    @staticmethod
    def _spawn(settings: Settings) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "bot", "worker", "--concurrency", "1"]
        return subprocess.Popen(command, env=child_environment(settings))  # noqa: S603 - a fixed argv


def child_environment(settings: Settings) -> dict[str, str]:
    """This process's environment with the settings it resolved, which the child reads back."""
    environment = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    resolved = {
        "APP_ID": str(settings.app_id) if settings.app_id is not None else None,
        "PRIVATE_KEY": settings.private_key,
        "WEBHOOK_SECRET": settings.webhook_secret,
        "GITHUB_API_URL": settings.github_api_url,
        "QUEUE_URL": settings.queue_url,
        "LOG_LEVEL": settings.log_level,
        "JOB_RETRIES": str(settings.job_retries),
        "JOB_RETRY_DELAY": str(settings.job_retry_delay),
        "JOB_TIMEOUT": str(settings.job_timeout),
        "SHUTDOWN_TIMEOUT": str(settings.shutdown_timeout),
    }
    environment.update({key: value for key, value in resolved.items() if value is not None})
    return environment
