"""Real `secrets-bot` processes for tests: started with a clean environment, stopped or killed by pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
# Variables of the bot that must come from the test alone, never from the machine running it.
BOT_VARIABLES = (
    "APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH", "WEBHOOK_SECRET", "GITHUB_API_URL", "GHE_HOST", "PORT",
    "HOST", "WEBHOOK_PATH", "QUEUE_URL", "LOG_LEVEL", "WORKERS", "WEBHOOK_PROXY_URL", "SHUTDOWN_TIMEOUT",
    "METRICS_PORT", "APP_MANIFEST", "JOB_RETRIES", "JOB_RETRY_DELAY", "FINGERPRINT_KEY", "PUBLIC_URL",
    "JOB_TIMEOUT", "OVERVIEW", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "GITHUB_URL",
)  # fmt: skip
SERVE = "from bot.settings import Settings\nfrom bot.web.server import run\nrun(Settings.from_env())"


def worker_code(concurrency: int) -> str:
    return (
        "from bot.settings import Settings\nfrom bot.jobs.worker import run\n"
        f"run(Settings.from_env(), {concurrency})"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    code: str, env: Mapping[str, str], cwd: Path, *, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """`python -c code` in `cwd` with the bot's variables taken from `env` only; output to `log` if given."""
    environment = {key: value for key, value in os.environ.items() if key not in BOT_VARIABLES}
    environment.update({"PYTHONPATH": str(ROOT), **env})
    output = log.open("ab") if log is not None else subprocess.DEVNULL
    try:
        return subprocess.Popen(
            [sys.executable, "-c", code], cwd=cwd, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    finally:
        if log is not None:
            output.close()  # type: ignore[union-attr]


def wait_for_http(url: str, process: subprocess.Popen[bytes], *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the process exited with {process.returncode} before answering {url}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def terminate(process: subprocess.Popen[bytes], *, timeout: float) -> int:
    """SIGTERM, then the exit code; a process still running after `timeout` is killed and fails the test."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError(f"the process did not exit within {timeout} s of SIGTERM") from None


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
