"""The whole bot on loopback: uvicorn serving the real app, the real SQLite queue and worker threads, talking
to the fake GitHub. Webhooks are posted over HTTP, signed like GitHub signs them.

The App client and the fake share a fake clock, so rate-limit waits are recorded instead of slept. Logs go
through the app's own configuration (JSON lines, scrubbed) into a buffer, and every raw record is kept too,
so a test can prove a value never reached a log line before any scrubbing.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from bot.github.gateway import GitHubAppClient
from bot.jobs.queue import open_queue
from bot.jobs.worker import start_workers
from bot.logs import configure_logging
from bot.settings import Settings
from bot.web.app import create_app
from tests.fakegithub.clock import FakeClock
from tests.fakegithub.server import FakeGitHub

PAYLOADS = Path(__file__).with_name("payloads")
WEBHOOK_SECRET = "e2e-webhook-" + "secret-value"
FINGERPRINT_KEY = "f1" * 8 + "9e" * 8 + "2d" * 8 + "c3" * 8  # 32 bytes, hex; a canary: never logged or sent
INSTALLATION = 31337


def payload(name: str, **values: object) -> dict[str, Any]:
    """`payloads/<event>.<action>.json` with `{{name}}` placeholders filled; `{{repository}}` is the
    repository object. A placeholder that is a whole string takes the value's type (ids are numbers)."""
    values.setdefault("repository", _fill(_load("_repository"), values))
    filled: dict[str, Any] = _fill(_load(name), values)
    return filled


def _load(name: str) -> Any:
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


def _fill(node: Any, values: dict[str, object]) -> Any:
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, values) for value in node]
    if isinstance(node, str) and node.startswith("{{") and node.endswith("}}") and node.count("{{") == 1:
        return values[node[2:-2]]
    if isinstance(node, str):
        for key, value in values.items():
            node = node.replace("{{" + key + "}}", str(value))
    return node


class RawRecords(logging.Handler):
    """Keeps every record as logged, before the app's scrubbing filter sees it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.getMessage()} {record.__dict__} {record.exc_text or ''}"
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        with self._guard:
            self.lines.append(text)


class Bot:
    def __init__(self, fake: FakeGitHub, clock: FakeClock, workdir: Path) -> None:
        self.fake = fake
        self.workdir = workdir
        self.settings = Settings.from_env(
            {
                "APP_ID": str(fake.app_id),
                "PRIVATE_KEY": fake.keys.private_pem,
                "WEBHOOK_SECRET": WEBHOOK_SECRET,
                "FINGERPRINT_KEY": FINGERPRINT_KEY,
                "GITHUB_API_URL": fake.url,
                "QUEUE_URL": f"sqlite:///{workdir / 'queue.db'}",
                "DATABASE_URL": f"sqlite:///{workdir / 'findings.db'}",
                "LOG_LEVEL": "DEBUG",
                "JOB_RETRY_DELAY": "0.1",
            },
            env_file=workdir / ".env",
        )
        self.log = io.StringIO()
        self._saved_logging = (logging.getLogger().handlers[:], logging.getLogger().level)
        configure_logging(
            "DEBUG", secrets=(WEBHOOK_SECRET, fake.keys.private_pem), stream=self.log, json_lines=True
        )
        self.raw = RawRecords()
        logging.getLogger().handlers.insert(0, self.raw)
        self.queue = open_queue(self.settings)
        self.client = GitHubAppClient(
            fake.app_id, fake.keys.private_pem, fake.url, sleep=clock.sleep, clock=clock
        )
        self.workers = start_workers(self.settings, self.queue, 2, gateways=self.client)
        self._server, self._thread, self.url = _serve(create_app(self.settings, self.queue))
        self.http = httpx.Client(base_url=self.url, timeout=10.0)

    def deliver(
        self,
        event: str,
        body: dict[str, Any] | bytes,
        *,
        delivery: str | None = None,
        secret: str = WEBHOOK_SECRET,
    ) -> httpx.Response:
        return post_webhook(
            self.http, self.settings.webhook_path, event, body, delivery=delivery, secret=secret
        )

    def settle(self, timeout: float = 20.0) -> None:
        """Returns once the queue is empty, no job runs and GitHub has seen no new request for a moment."""
        deadline = time.monotonic() + timeout
        quiet, seen = 0, -1
        while quiet < 4:
            if time.monotonic() > deadline:
                raise AssertionError("the bot did not settle: " + self.log.getvalue()[-2000:])
            idle = (
                self.queue.depth() == 0
                and self.queue.huey.scheduled_count() == 0
                and not self.queue.state.items("inflight:")
            )
            count = len(self.fake.calls())
            quiet = quiet + 1 if idle and count == seen else 0
            seen = count
            time.sleep(0.05)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met: " + self.log.getvalue()[-2000:])
            time.sleep(0.05)

    def log_text(self) -> str:
        return self.log.getvalue() + "\n".join(self.raw.lines)

    def close(self) -> None:
        self.http.close()
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.workers.stop()
        self.client.close()
        self.queue.lessee.retire()
        root = logging.getLogger()
        root.handlers[:], level = self._saved_logging
        root.setLevel(level)


def post_webhook(
    http: httpx.Client,
    path: str,
    event: str,
    body: dict[str, Any] | bytes,
    *,
    delivery: str | None = None,
    secret: str = WEBHOOK_SECRET,
) -> httpx.Response:
    """POST a webhook with the headers GitHub sends, signed with `secret`."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    headers = {
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": signature,
        "X-GitHub-Hook-ID": "123456",
        "X-GitHub-Hook-Installation-Target-Type": "integration",
        "User-Agent": "GitHub-Hookshot/e2e",
        "Content-Type": "application/json",
    }
    return http.post(path, content=raw, headers=headers)


def _serve(app: Any) -> tuple[uvicorn.Server, threading.Thread, str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off", server_header=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    return server, thread, f"http://127.0.0.1:{sock.getsockname()[1]}"
