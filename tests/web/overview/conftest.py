"""A running bot (in this process, on a real port) in front of the fake GitHub's web and API, with a findings
store on SQLite or on the real PostgreSQL (every test runs on both), seeded with two installations:

- `acme` (installation 1): acme/payments, acme/web, acme/infra. alice writes to all three; bob reads
  acme/web only; carol reads nothing.
- `globex` (installation 2): globex/api, which neither alice nor bob can access.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import uvicorn

from bot.core.findings import Finding, Severity
from bot.jobs.queue import JobQueue, memory_queue
from bot.settings import Settings
from bot.store import open_store
from bot.web.app import create_app
from tests.fakegithub.plugin import fake_clock, make_fake_github
from tests.fakegithub.server import FakeGitHub
from tests.processes import free_port
from tests.store.conftest import database_url, postgres_database
from tests.web.githubweb import GitHubWeb

__all__ = ["database_url", "fake_clock", "make_fake_github", "postgres_database"]

NOW = datetime.now(UTC)
HOSTILE_PATH = '=HYPERLINK("http://evil.test")<script>x</script>.yml'
GLOBEX_MARKER = "globex-only-preview"


def finding(
    fingerprint: str,
    *,
    path: str = "serverless.yml",
    line: int = 3,
    rule: str = "aws-access-key",
    severity: Severity = Severity.HIGH,
    platform: str = "serverless",
    redacted: str = "AKIA…(20)",
) -> Finding:
    return Finding(
        path=path,
        line=line,
        column=5,
        end_line=line,
        key="provider.environment.KEY",
        rule=rule,
        severity=severity,
        message="hard-coded",
        redacted=redacted,
        fingerprint=fingerprint,
        platform=platform,
    )


def seed(url: str) -> None:
    """Findings opened and fixed over the last weeks, so that every part of the page has something."""
    store = open_store(url)
    try:
        store.track_repository("acme/payments", installation_id=1, default_branch="main")
        store.track_repository("acme/web", installation_id=1, default_branch="main")
        store.track_repository("acme/infra", installation_id=1, default_branch="main")
        store.track_repository("globex/api", installation_id=2, default_branch="main")
        old, fixed = finding("pay-old" + "0" * 57), finding("pay-gone" + "0" * 56, line=9)
        store.record_default_branch_scan(
            "acme/payments", "a" * 40, [old, fixed], complete=True, at=NOW - timedelta(days=40)
        )
        medium = finding(
            "pay-medium" + "0" * 54, path="functions/api.yml", line=12, rule="generic-password",
            severity=Severity.MEDIUM, platform="aws-sam", redacted="hu…(9)",
        )  # fmt: skip
        store.record_default_branch_scan(
            "acme/payments", "b" * 40, [old, medium], complete=True, at=NOW - timedelta(days=10)
        )
        stripe = finding("web-key" + "0" * 57, rule="stripe-secret-key", redacted="sk_live_…(32)")
        store.record_default_branch_scan(
            "acme/web", "c" * 40, [stripe], complete=True, at=NOW - timedelta(days=3)
        )
        hostile = finding(
            "infra-hostile" + "0" * 51, path=HOSTILE_PATH, severity=Severity.LOW, platform="terraform"
        )
        store.record_default_branch_scan(
            "acme/infra", "d" * 40, [hostile], complete=True, at=NOW - timedelta(days=20)
        )
        globex = finding("globex-key" + "0" * 54, redacted=GLOBEX_MARKER)
        store.record_default_branch_scan(
            "globex/api", "e" * 40, [globex], complete=True, at=NOW - timedelta(days=5)
        )
    finally:
        store.close()


@dataclass
class Bot:
    base: str
    web: GitHubWeb
    api: FakeGitHub
    queue: JobQueue
    settings: Settings

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=10, follow_redirects=False)

    def sign_in(self, client: httpx.Client, login: str) -> httpx.Response:
        """The OAuth web flow as a browser does it: to GitHub, authorise, back to the callback."""
        to_github = client.get("/overview/login")
        assert to_github.status_code == 302, to_github.text
        authorize = urlsplit(to_github.headers["location"])
        page = httpx.get(to_github.headers["location"], timeout=10)
        assert page.status_code == 200, page.text
        query = {key: values[-1] for key, values in parse_qs(authorize.query).items()}
        granted = httpx.post(
            f"{self.web.origin}/login/oauth/authorize",
            data={"login": login, **{k: query[k] for k in ("client_id", "redirect_uri", "state")}},
            timeout=10,
        )
        assert granted.status_code == 302
        back = urlsplit(granted.headers["location"])
        return client.get(f"{back.path}?{back.query}")


def arrange(api: FakeGitHub) -> None:
    with api.world.lock:
        for name in ("acme/payments", "acme/web", "acme/infra", "globex/api"):
            api.add_repo(name)
        for name in ("acme/payments", "acme/web", "acme/infra"):
            api.world.repos[name].permissions["alice"] = "write"
        api.world.repos["acme/web"].permissions["bob"] = "read"
        api.world.repos["globex/api"].permissions["dave"] = "admin"
        api.add_installation(1, {"acme/payments", "acme/web", "acme/infra"})
        api.add_installation(2, {"globex/api"})


def serve(settings: Settings, queue: JobQueue) -> tuple[str, Callable[[], None]]:
    """The app on a real port in a thread; returns its base URL and a stop function."""
    port = free_port()
    app = create_app(settings, queue)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, ws="none", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="overview-bot", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the bot did not start"
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(10)
        store = getattr(app.state, "overview", None) and app.state.overview.store
        if store is not None:
            store.close()

    return f"http://127.0.0.1:{port}", stop


def bot_settings(api: FakeGitHub, web: GitHubWeb, url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "app_id": api.app_id,
        "private_key": api.keys.private_pem,
        "webhook_secret": api.webhook_secret,
        "github_api_url": web.api_url,
        "github_url": web.origin,
        "github_client_id": api.oauth.client_id,
        "github_client_secret": api.oauth.client_secret,
        "database_url": url,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def bot(database_url: str, make_fake_github: Callable[..., FakeGitHub]) -> Iterator[Bot]:
    api = make_fake_github(base_path="/api/v3")
    arrange(api)
    web = GitHubWeb(api)
    seed(database_url)
    settings = bot_settings(api, web, database_url)
    queue = memory_queue()
    base, stop = serve(settings, queue)
    api.oauth.callback_prefix = base + "/overview/callback"
    try:
        yield Bot(base, web, api, queue, settings)
    finally:
        stop()
        web.stop()
