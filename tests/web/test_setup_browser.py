"""The first run, as a person does it: a real headless Chromium drives the setup page of a real `serve`
process, through GitHub's App Manifest flow (the fake's web form and code conversion), and the webhooks that
follow are served without a restart.

Needs Debian's `chromium` (`.ci/run` installs it) and the `playwright` package, which drives the system
browser; no browser is ever downloaded. Screenshots of each step are left in the test's tmp dir.
"""

from __future__ import annotations

import importlib
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.dotenv import parse_dotenv
from bot.settings import Settings
from tests.conftest import require_service
from tests.deliveries import pull_request_event, serverless, signed
from tests.fakegithub.server import FakeGitHub
from tests.processes import ROOT, SERVE, free_port, kill, start, terminate, wait_for_http
from tests.web.githubweb import GitHubWeb
from tests.web.serverlog import logged_setup_link

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no calls home: this machine has no network
    "--disable-component-update",
    "--disable-sync",
]
INSTALLATION = 77


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Any]:
    try:
        sync_api = importlib.import_module("playwright.sync_api")
    except ImportError:
        require_service("Chromium", "the playwright package is not installed (pip install playwright)")
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():
        require_service("Chromium", f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does it)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 900, "height": 1000})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def test_setup_page_registers_the_app_and_webhooks_flow_without_a_restart(
    tmp_path: Path, make_fake_github: Callable[..., FakeGitHub], page: Any
) -> None:
    api = make_fake_github(base_path="/api/v3")
    api.add_installation(INSTALLATION)
    web = GitHubWeb(api)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "GITHUB_API_URL": web.api_url,
        "PORT": str(port),
        "QUEUE_URL": f"sqlite:///{tmp_path}/queue.db",
        "APP_MANIFEST": str(ROOT / "app.yml"),
        "JOB_RETRY_DELAY": "0.1",
    }
    server = start(SERVE, env, tmp_path, log=tmp_path / "serve.log")
    try:
        wait_for_http(base + "/healthz", server)
        _, code = logged_setup_link(tmp_path / "serve.log")
        _register_through_the_pages(page, base, code, tmp_path)
        saved = _check_saved_app(tmp_path, api)
        _check_manifest_sent(web, base)
        _deliver_and_see_the_check_run(api, base, saved["WEBHOOK_SECRET"])
        assert terminate(server, timeout=40) == 0
    finally:
        kill(server)
        web.stop()


def _register_through_the_pages(page: Any, base: str, code: str, shots: Path) -> None:
    page.goto(base + "/")
    page.get_by_role("heading", name="Register your GitHub App").wait_for()
    page.get_by_role("textbox", name="Setup code").fill(code)
    page.screenshot(path=str(shots / "1-setup.png"), full_page=True)
    page.get_by_role("radio", name="An organisation").check()
    page.get_by_role("textbox", name="Organisation name").fill("acme")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Confirm on GitHub").wait_for()
    page.screenshot(path=str(shots / "2-confirm.png"), full_page=True)
    page.get_by_role("button", name="Create the App on GitHub").click()
    page.get_by_role("heading", name="Your App is ready").wait_for()
    page.screenshot(path=str(shots / "3-ready.png"), full_page=True)
    install = page.get_by_role("link", name="Install the App on repositories")
    assert install.get_attribute("href") == "https://github.test/apps/secrets-bot/installations/new"
    page.goto(base + "/")
    page.get_by_role("heading", name="The bot is running").wait_for()


def _check_saved_app(directory: Path, api: FakeGitHub) -> dict[str, str]:
    env_file = directory / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    saved = parse_dotenv(env_file.read_text(encoding="utf-8"))
    assert saved["APP_ID"] == str(api.app_id)
    assert saved["WEBHOOK_SECRET"] == api.webhook_secret
    assert saved["PRIVATE_KEY"].strip() == api.keys.private_pem.strip()
    assert Settings.from_env({}, env_file=env_file).is_configured
    assert [path.name for path in directory.iterdir() if path.name.startswith(".env")] == [".env"]
    return saved


def _check_manifest_sent(web: GitHubWeb, base: str) -> None:
    [registration] = web.registrations
    manifest = registration.manifest
    assert registration.organization == "acme" and registration.state
    assert manifest["name"] == "Serverless Secrets Bot"
    assert manifest["hook_attributes"] == {"url": base + "/api/github/webhooks", "active": True}
    assert manifest["redirect_url"] == base + "/setup/callback"
    assert manifest["default_permissions"] == {
        "checks": "write",
        "contents": "write",
        "pull_requests": "write",
        "issues": "write",
        "metadata": "read",
    }
    assert set(manifest["default_events"]) == {
        "check_run",
        "check_suite",
        "commit_comment",
        "issue_comment",
        "issues",
        "pull_request",
        "push",
    }


def _deliver_and_see_the_check_run(api: FakeGitHub, base: str, secret: str) -> None:
    with api.world.lock:
        repo = api.add_repo("acme/payments")
        repo.commit("main", {"README.md": "# payments\n"})
        repo.commit("feature-1", {"serverless.yml": serverless()})
        pull = repo.open_pull("feature-1")
    event = pull_request_event(
        "acme/payments", pull.number, head=pull.head_sha, base=pull.base_sha, installation=INSTALLATION
    )
    body, headers = signed("pull_request", event, delivery="first-run-1", secret=secret)
    response = httpx.post(base + "/api/github/webhooks", content=body, headers=headers, timeout=10)
    assert response.status_code == 202
    deadline = time.monotonic() + 30
    while not _completed(api, "acme/payments", pull.head_sha):
        assert time.monotonic() < deadline, "the in-process workers did not report the scan"
        time.sleep(0.1)
    with api.world.lock:
        [run] = api.world.runs_for("acme/payments", pull.head_sha)
        assert run.conclusion == "failure"


def _completed(api: FakeGitHub, repo: str, sha: str) -> bool:
    with api.world.lock:
        return any(run.status == "completed" for run in api.world.runs_for(repo, sha))
