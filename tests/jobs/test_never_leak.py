"""A canary secret goes in through a pull request; it must come out nowhere but where it started.

The whole path runs: signed webhook -> web app -> SQLite queue -> worker threads -> fake GitHub, with every
log record captured at DEBUG. The canary must be found (so the test means something), and must not appear in
the logs, the queue file, or anything sent to GitHub.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.rules import RuleSet
from bot.jobs.queue import open_queue
from bot.jobs.runner import ScanRunner
from bot.jobs.worker import Workers
from bot.logs import configure_logging
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.signature import signature_for
from tests.conftest import FakeGateways, wait_until
from tests.jobs.scenarios import serverless
from tests.web.client import AppClient

CANARY = "sk_live_" + "C4n4ry" + "x9Q2" * 6
SECRET = "leak-test-" + "w" * 12
PAYLOAD = Path(__file__).resolve().parents[1] / "events" / "payloads" / "pull_request.opened.json"
HEAD = "6dcb09b5b57875f334f61aebed695e2e4193db5e"


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("DEBUG", secrets=(SECRET,), stream=stream, json_lines=True)
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_canary_secret_appears_nowhere_but_the_input(
    tmp_path: Path, fake_gateways: FakeGateways, captured_logs: io.StringIO
) -> None:
    github = fake_gateways.github
    github.open_pull("acme/payments-api", 7, head_sha=HEAD, files={"serverless.yml": serverless(CANARY)})
    settings = Settings(
        app_id=1, private_key="pem", webhook_secret=SECRET, queue_url=f"sqlite:///{tmp_path}/queue.db"
    )
    queue = open_queue(settings)
    client = AppClient(create_app(settings, queue))
    body = PAYLOAD.read_bytes()
    headers = {
        "X-GitHub-Event": "pull_request",
        "X-GitHub-Delivery": "canary-1",
        "X-Hub-Signature-256": signature_for(SECRET, body),
    }
    assert client.post("/api/github/webhooks", content=body, headers=headers).status_code == 202

    queue.attach(ScanRunner(queue, fake_gateways, RuleSet.default()))
    workers = Workers(queue, 2)
    workers.start()
    try:
        wait_until(lambda: bool(github.runs_for(HEAD)) and github.runs_for(HEAD)[0].status == "completed")
    finally:
        workers.stop()

    run = github.only_run(HEAD)
    assert run.conclusion == "failure" and run.output is not None and run.output.annotations
    assert github.reviews, "the canary must be found for this test to mean anything"
    logs = captured_logs.getvalue()
    assert "canary-1" in logs  # the delivery id is carried
    assert CANARY not in logs
    assert CANARY not in github.everything_sent()
    for path in tmp_path.glob("queue.db*"):
        assert CANARY.encode() not in path.read_bytes()
