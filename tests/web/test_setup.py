"""The setup pages and the manifest flow, request by request (the browser test drives the same pages)."""

from __future__ import annotations

import html
import json
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.dotenv import parse_dotenv
from bot.fingerprint_keys import parse_key
from bot.github.manifest_flow import registration_url, web_url_for
from bot.jobs.queue import open_queue
from bot.settings import Settings, SettingsError
from bot.web.app import create_app
from bot.web.setup import COOKIE
from bot.web.signature import signature_for
from tests.fakegithub.server import FakeGitHub
from tests.processes import ROOT, SERVE, free_port, kill, start, terminate, wait_for_http
from tests.web.client import AppClient
from tests.web.serverlog import logged_setup_link

BASE = "http://bot.test"


class Setup:
    """One app with no App configured, its client, and what `on_configured` received."""

    def __init__(self, tmp_path: Path, **settings: Any) -> None:
        self.settings = Settings(
            queue_url=f"sqlite:///{tmp_path}/q.db",
            app_manifest=ROOT / "app.yml",
            env_file=tmp_path / ".env",
            **{"public_url": BASE, **settings},
        )
        self.configured: list[Settings] = []
        self.app = create_app(self.settings, open_queue(self.settings), on_configured=self.configured.append)
        self.client = AppClient(self.app)

    def state(self) -> str:
        page = self.client.get("/")
        assert page.status_code == 200
        found = re.search(r'name="state" value="([^"]+)"', page.text)
        assert found is not None
        return found.group(1)

    @property
    def code(self) -> str:
        """The setup code the server logged at start."""
        code: str = self.app.state.setup.code
        return code

    def start(
        self, state: str, cookie: str | None = None, *, host: str = "bot.test", **fields: str
    ) -> httpx.Response:
        form = {"state": state, "account": "personal", "app_name": "Secrets Bot", "code": self.code, **fields}
        return self.client.post(
            "/setup/manifest",
            data=form,
            headers={"Cookie": f"{COOKIE}={state if cookie is None else cookie}", "Host": host},
        )

    def callback(self, state: str, code: str, cookie: str | None = None) -> httpx.Response:
        return self.client.get(
            f"/setup/callback?code={code}&state={state}",
            headers={"Cookie": f"{COOKIE}={state if cookie is None else cookie}"},
        )


def confirm_form(response: httpx.Response) -> tuple[str, dict[str, Any]]:
    """(action, manifest) of the form that posts to GitHub."""
    action = re.search(r'<form method="post" action="([^"]+)"', response.text)
    manifest = re.search(r'name="manifest" value="([^"]+)"', response.text)
    assert action is not None and manifest is not None
    return html.unescape(action.group(1)), json.loads(html.unescape(manifest.group(1)))


def test_first_run_page_offers_the_form_with_a_state_bound_to_a_cookie(tmp_path: Path) -> None:
    response = Setup(tmp_path).client.get("/")
    assert response.status_code == 200
    assert 'action="/setup/manifest"' in response.text and 'for="organization"' in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(COOKIE + "=") and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "form-action 'self'" in policy
    assert response.headers["referrer-policy"] == "no-referrer"


def test_missing_app_manifest_is_named(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    setup.app.state.settings = Settings(app_manifest=tmp_path / "nowhere.yml")
    response = setup.client.get("/")
    assert response.status_code == 500
    assert "nowhere.yml not found" in response.text and "APP_MANIFEST" in response.text


def test_personal_account_manifest_from_app_yml(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    state = setup.state()
    action, manifest = confirm_form(setup.start(state))
    assert action == f"https://github.com/settings/apps/new?state={state}"
    assert manifest["name"] == "Secrets Bot"
    assert manifest["hook_attributes"] == {"url": BASE + "/api/github/webhooks", "active": True}
    assert manifest["redirect_url"] == BASE + "/setup/callback"
    assert manifest["callback_urls"] == [BASE + "/overview/callback"]  # the overview's sign-in
    assert manifest["default_permissions"]["checks"] == "write"
    assert manifest["public"] is False and "pull_request" in manifest["default_events"]


def test_organisation_on_enterprise_server_with_a_webhook_proxy(tmp_path: Path) -> None:
    setup = Setup(tmp_path, github_api_url="https://ghe.example.com/api/v3")
    state = setup.state()
    response = setup.start(
        state, account="organization", organization="acme-inc", webhook_proxy_url="https://smee.io/abc"
    )
    action, manifest = confirm_form(response)
    assert action == f"https://ghe.example.com/organizations/acme-inc/settings/apps/new?state={state}"
    assert manifest["hook_attributes"]["url"] == "https://smee.io/abc"
    assert "form-action 'self' https://ghe.example.com" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("fields", "cookie"),
    [({}, "another-state"), ({"organization": "-bad-", "account": "organization"}, None)],
    ids=["cookie-mismatch", "bad-organisation"],
)
def test_bad_form_is_refused(tmp_path: Path, fields: dict[str, str], cookie: str | None) -> None:
    setup = Setup(tmp_path)
    response = setup.start(setup.state(), cookie, **fields)
    assert response.status_code == 400
    assert 'name="manifest"' not in response.text


def test_unknown_state_is_refused(tmp_path: Path) -> None:
    response = Setup(tmp_path).start("never-issued")
    assert response.status_code == 400 and "expired" in response.text


def test_callback_saves_the_app_and_serves_webhooks_at_once(
    tmp_path: Path, make_fake_github: Callable[..., FakeGitHub]
) -> None:
    github = make_fake_github()
    github.add_manifest_code("code123")
    (tmp_path / ".env").write_text("# mine\nLOG_LEVEL=DEBUG\nAPP_ID=\n", encoding="utf-8")
    setup = Setup(tmp_path, github_api_url=github.url)
    state = setup.state()
    setup.start(state)
    response = setup.callback(state, "code123")
    assert response.status_code == 200
    assert "https://github.test/apps/secrets-bot/installations/new" in response.text
    env_file = tmp_path / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert env_file.read_text(encoding="utf-8").startswith('# mine\nLOG_LEVEL=DEBUG\nAPP_ID="4242"\n')
    saved = parse_dotenv(env_file.read_text(encoding="utf-8"))
    assert saved["WEBHOOK_SECRET"] == github.webhook_secret and "WEBHOOK_PROXY_URL" not in saved
    # The App's OAuth client, for the overview's "Sign in with GitHub".
    assert (saved["GITHUB_CLIENT_ID"], saved["GITHUB_CLIENT_SECRET"]) == (
        "Iv1.fake4242",
        "fake-client-secret-code123",
    )
    [configured] = setup.configured
    assert (configured.github_client_id, configured.github_client_secret) == (
        "Iv1.fake4242",
        "fake-client-secret-code123",
    )
    assert configured.is_configured and setup.app.state.settings is configured
    # A fresh fingerprint key is saved with the App, and the running bot already uses the saved one.
    assert configured.fingerprint_key is not None and len(configured.fingerprint_key) == 32
    assert parse_key(saved["FINGERPRINT_KEY"]) == configured.fingerprint_key
    assert Settings.from_env({}, env_file=env_file).scan_key == configured.scan_key
    body = b'{"zen": "Keep it logically awesome."}'
    headers = {
        "X-GitHub-Event": "ping",
        "X-GitHub-Delivery": "after-setup",
        "X-Hub-Signature-256": signature_for(github.webhook_secret, body),
    }
    assert setup.client.post("/api/github/webhooks", content=body, headers=headers).status_code == 200
    assert setup.callback(state, "code123").status_code == 303  # configured: setup is closed
    assert setup.client.get("/").text.count("The bot is running") == 1


def test_callback_needs_the_browser_that_started_the_flow(
    tmp_path: Path, make_fake_github: Callable[..., FakeGitHub]
) -> None:
    github = make_fake_github()
    github.add_manifest_code("code123")
    setup = Setup(tmp_path, github_api_url=github.url)
    state = setup.state()
    setup.start(state)
    assert setup.callback(state, "code123", cookie="someone-else").status_code == 400
    assert "code123" in github.manifest_codes  # never sent to GitHub
    assert not (tmp_path / ".env").exists() and not setup.configured


def test_refused_code_configures_nothing(tmp_path: Path, make_fake_github: Callable[..., FakeGitHub]) -> None:
    github = make_fake_github()
    setup = Setup(tmp_path, github_api_url=github.url)
    state = setup.state()
    setup.start(state)
    response = setup.callback(state, "spent-code")
    assert response.status_code == 502 and "HTTP 404" in response.text
    assert not (tmp_path / ".env").exists() and not setup.app.state.settings.is_configured
    assert setup.callback(state, "spent-code").status_code == 400  # the state was spent too


def test_callback_keeps_a_fingerprint_key_that_was_already_set(
    tmp_path: Path, make_fake_github: Callable[..., FakeGitHub]
) -> None:
    github = make_fake_github()
    github.add_manifest_code("code123")
    key = bytes(range(32))
    setup = Setup(tmp_path, github_api_url=github.url, fingerprint_key=key)
    state = setup.state()
    setup.start(state)
    assert setup.callback(state, "code123").status_code == 200
    assert "FINGERPRINT_KEY" not in parse_dotenv((tmp_path / ".env").read_text(encoding="utf-8"))
    assert setup.configured[0].scan_key == key


@pytest.mark.parametrize(
    ("api_url", "web_url"),
    [
        ("https://api.github.com", "https://github.com"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com"),
        ("http://127.0.0.1:8080/api/v3/", "http://127.0.0.1:8080"),
    ],
)
def test_github_web_url_from_the_api_url(api_url: str, web_url: str) -> None:
    assert web_url_for(api_url) == web_url


def test_registration_url_refuses_what_is_not_an_organisation_name() -> None:
    with pytest.raises(ValueError, match="organisation"):
        registration_url("https://api.github.com", organization="../settings", state="s")


@pytest.mark.parametrize("code", ["", "not-the-code", "x" * 5000], ids=["missing", "wrong", "huge"])
def test_setup_refuses_to_register_an_app_without_the_setup_code(
    tmp_path: Path, make_fake_github: Callable[..., FakeGitHub], code: str
) -> None:
    github = make_fake_github()
    github.add_manifest_code("code123")
    setup = Setup(tmp_path, github_api_url=github.url)
    state = setup.state()
    response = setup.start(state, code=code)
    assert response.status_code == 403 and "Wrong setup code" in response.text
    assert 'name="manifest"' not in response.text
    # Nor can the state be taken straight to GitHub and back: only a correct code authorises it.
    assert setup.callback(state, "code123").status_code == 400
    assert "code123" in github.manifest_codes and not setup.configured


def test_setup_code_works_once_and_the_next_one_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    setup = Setup(tmp_path)
    first_code = setup.code
    assert setup.start(setup.state(), code=first_code).status_code == 200
    assert setup.start(setup.state(), code=first_code).status_code == 403
    assert setup.code != first_code and setup.code in caplog.text
    assert setup.start(setup.state()).status_code == 200  # the logged next code works


def test_setup_page_prefills_the_code_from_the_link_in_the_log(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    page = setup.client.get(f"/?code={setup.code}")
    assert f'name="code" value="{setup.code}"' in page.text
    assert 'name="code" value="&lt;b&gt;"' in setup.client.get("/?code=<b>").text


def test_forged_host_header_does_not_change_the_callback_url(tmp_path: Path) -> None:
    setup = Setup(tmp_path, public_url="https://bot.example.com")
    _, manifest = confirm_form(setup.start(setup.state(), host="evil.example"))
    assert manifest["redirect_url"] == "https://bot.example.com/setup/callback"
    assert manifest["hook_attributes"]["url"] == "https://bot.example.com/api/github/webhooks"


@pytest.mark.parametrize("host", ["127.0.0.1:3000", "localhost:8080", "[::1]:3000", "localhost"])
def test_without_public_url_a_loopback_host_is_used(tmp_path: Path, host: str) -> None:
    setup = Setup(tmp_path, public_url=None)
    _, manifest = confirm_form(setup.start(setup.state(), host=host))
    assert manifest["redirect_url"] == f"http://{host}/setup/callback"


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost:80@evil", ""])
def test_without_public_url_any_other_host_is_refused(tmp_path: Path, host: str) -> None:
    setup = Setup(tmp_path, public_url=None)
    code = setup.code
    response = setup.start(setup.state(), host=host)
    assert response.status_code == 400 and "PUBLIC_URL" in response.text
    assert 'name="manifest"' not in response.text
    assert setup.code == code  # refused before the code was spent


def test_serve_logs_the_setup_link_at_start(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "PORT": str(port),
        "QUEUE_URL": f"sqlite:///{tmp_path}/q.db",
        "APP_MANIFEST": str(ROOT / "app.yml"),
    }
    server = start(SERVE, env, tmp_path, log=tmp_path / "serve.log")
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", server)
        address, code = logged_setup_link(tmp_path / "serve.log")
        assert address == f"http://127.0.0.1:{port}"
        page = httpx.get(f"{address}/?code={code}")
        assert f'name="code" value="{code}"' in page.text
    finally:
        assert terminate(server, timeout=30) == 0
        kill(server)


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("https://bot.example.com/", "https://bot.example.com"),
        ("http://10.0.0.5:3000", "http://10.0.0.5:3000"),
    ],
)
def test_public_url_setting(tmp_path: Path, value: str, parsed: str) -> None:
    assert Settings.from_env({"PUBLIC_URL": value}, env_file=tmp_path / ".env").public_url == parsed


@pytest.mark.parametrize("value", ["bot.example.com", "ftp://bot.example.com", "https://bot.example.com/bot"])
def test_public_url_must_be_an_http_origin(tmp_path: Path, value: str) -> None:
    with pytest.raises(SettingsError, match="PUBLIC_URL"):
        Settings.from_env({"PUBLIC_URL": value}, env_file=tmp_path / ".env")
