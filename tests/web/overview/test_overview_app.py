"""The overview's switches and edges, on the ASGI app without a server: OVERVIEW=off, sign-in not
configured, the Secure cookie flag over https, no redirect URI from an untrusted Host."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from bot.jobs.queue import memory_queue
from bot.settings import Settings
from bot.web.app import create_app
from tests.fakegithub.appauth import generate_keys
from tests.web.client import AppClient

SETTINGS = Settings(
    app_id=1,
    private_key=generate_keys().private_pem,
    webhook_secret="w" * 20,
    github_client_id="Iv1.client",
    github_client_secret="client-secret-value",
    github_url="https://ghe.example.com",
    database_url="sqlite:///:memory:",
)


def client(settings: Settings) -> AppClient:
    return AppClient(create_app(settings, memory_queue()))


def test_overview_off_answers_404_everywhere() -> None:
    app = client(replace(SETTINGS, overview=False))
    for path in ("/overview", "/overview/login", "/overview/export.csv", "/overview/overview.css"):
        assert app.get(path).status_code == 404
    assert app.post("/overview/fix").status_code in (404, 405)
    assert app.get("/healthz").status_code == 200


def test_without_the_apps_oauth_client_the_page_says_so() -> None:
    response = client(replace(SETTINGS, github_client_secret=None)).get("/overview")
    assert response.status_code == 503 and "GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET" in response.text


def test_over_https_the_cookies_are_secure_and_the_callback_is_public_url() -> None:
    response = client(replace(SETTINGS, public_url="https://bot.example.com")).get("/overview/login")
    assert response.status_code == 302
    cookie = response.headers["set-cookie"].lower()
    assert (
        "secure" in cookie
        and "httponly" in cookie
        and "samesite=lax" in cookie
        and "path=/overview" in cookie
    )
    target = urlsplit(response.headers["location"])
    assert (
        f"{target.scheme}://{target.netloc}{target.path}" == "https://ghe.example.com/login/oauth/authorize"
    )
    query = parse_qs(target.query)
    assert query["redirect_uri"] == ["https://bot.example.com/overview/callback"]
    assert query["client_id"] == ["Iv1.client"] and len(query["state"][0]) >= 20
    assert "client-secret-value" not in response.headers["location"]


def test_an_untrusted_host_never_becomes_the_redirect_uri() -> None:
    response = client(SETTINGS).get("/overview/login", headers={"Host": "evil.example"})
    assert response.status_code == 400 and "PUBLIC_URL" in response.text
    assert "location" not in response.headers


def test_pages_forbid_scripts_and_framing() -> None:
    response = client(SETTINGS).get("/overview")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script" not in policy
    assert "<script" not in response.text and "Sign in with GitHub" in response.text
