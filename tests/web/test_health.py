"""Liveness and readiness."""

from __future__ import annotations

from pathlib import Path

from bot.jobs.queue import JobQueue, open_queue
from bot.settings import Settings
from bot.web.app import create_app
from tests.web.client import AppClient

CONFIGURED = Settings(app_id=1, private_key="pem", webhook_secret="secret-" + "x" * 8)


def sqlite_queue(tmp_path: Path) -> JobQueue:
    return open_queue(Settings(queue_url=f"sqlite:///{tmp_path}/q.db"))


def test_healthz_answers_when_alive(tmp_path: Path) -> None:
    client = AppClient(create_app(Settings(), sqlite_queue(tmp_path)))
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_needs_a_configured_app(tmp_path: Path) -> None:
    response = AppClient(create_app(Settings(), sqlite_queue(tmp_path))).get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["the App is not configured"]


def test_readyz_when_configured_and_queue_reachable(tmp_path: Path) -> None:
    response = AppClient(create_app(CONFIGURED, sqlite_queue(tmp_path))).get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})


def test_readyz_reports_an_unreachable_queue(tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path)
    queue.huey.storage.close()
    queue.huey.storage.filename = str(tmp_path / "missing" / "q.db")
    response = AppClient(create_app(CONFIGURED, queue)).get("/readyz")
    assert response.status_code == 503
    assert response.json()["problems"] == ["queue unreachable (OperationalError)"]
