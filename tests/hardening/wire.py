"""The real webhook endpoint on loopback (uvicorn in a thread with the production HTTP limits, SQLite queue,
no workers) and a raw socket
client, for requests no well-behaved HTTP library would send: lying lengths, huge headers, trickled bodies."""

from __future__ import annotations

import hashlib
import hmac
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from bot.jobs.queue import JobQueue, open_queue
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.server import HTTP_LIMITS

SECRET = "hardening-webhook-" + "secret-value"
PATH = "/api/github/webhooks"
ANSWER_WAIT = 5.0  # a socket read bound, so a hung server fails the test instead of hanging the suite


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def request_head(
    *, event: str = "ping", delivery: str = "d-1", signature: str | None = None, **headers: str
) -> bytes:
    """The request line and headers (ending with the blank line); `headers` use `_` for `-`."""
    lines = [
        f"POST {PATH} HTTP/1.1",
        "Host: bot.test",
        f"X-GitHub-Event: {event}",
        f"X-GitHub-Delivery: {delivery}",
    ]
    if signature is not None:
        lines.append(f"X-Hub-Signature-256: {signature}")
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def signed_request(body: bytes, *, content_type: str = "application/json", **options: str) -> bytes:
    head = request_head(
        signature=sign(body), Content_Type=content_type, Content_Length=str(len(body)), **options
    )
    return head + body


@dataclass
class Answer:
    status: int
    body: bytes


def parse_answer(data: bytes) -> Answer:
    head, _, body = data.partition(b"\r\n\r\n")
    return Answer(int(head.split(b" ", 2)[1]), body)


def read_answer(sock: socket.socket) -> Answer:
    """Reads until the headers and the declared body have arrived, or the peer closes."""
    sock.settimeout(ANSWER_WAIT)
    data = b""
    while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < _declared(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    assert data, "the server closed the connection without answering"
    return parse_answer(data)


def _declared(data: bytes) -> int:
    for line in data.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


class Endpoint:
    """The bot's web app served on 127.0.0.1 with its own queue; `exchange` sends raw bytes."""

    def __init__(self, workdir: Path) -> None:
        self.queue: JobQueue = open_queue(Settings(queue_url=f"sqlite:///{workdir / 'queue.db'}"))
        app = create_app(Settings(app_id=1, private_key="pem", webhook_secret=SECRET), self.queue)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, log_config=None, access_log=False, lifespan="off", server_header=False, **HTTP_LIMITS
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=ANSWER_WAIT)

    def exchange(self, raw: bytes) -> Answer:
        with self.connect() as sock:
            sock.sendall(raw)
            return read_answer(sock)

    def jobs(self) -> int:
        return len(self.queue.huey.pending())

    def close(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
        self.queue.lessee.retire()


def served(workdir: Path) -> Iterator[Endpoint]:
    endpoint = Endpoint(workdir)
    try:
        yield endpoint
    finally:
        endpoint.close()
