"""The overview over HTTP, as a browser without JavaScript uses it: who sees what, in the page, the exports
and guessed URLs; sessions (forged, expired, signed out); the OAuth `state`; no open redirect; fix requests
through the queue, for writers only and with a CSRF token. Every test runs with the store on SQLite and on
PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import Response

from bot.events.request import ScanRequest, Trigger
from bot.web.overview.sessions import COOKIE, Sessions
from tests.web.overview.conftest import GLOBEX_MARKER, HOSTILE_PATH, Bot

ALICE_ONLY = ("acme/payments", "acme/infra", "AKIA…(20)", "hu…(9)", "pay-old", "infra-hostile")


@contextmanager
def signed_in(bot: Bot, login: str) -> Iterator[httpx.Client]:
    with bot.client() as client:
        assert bot.sign_in(client, login).status_code == 303
        yield client


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def queued(bot: Bot) -> list[ScanRequest]:
    return [ScanRequest.from_job(task.args[0]) for task in bot.queue.huey.pending()]


def test_alice_sees_the_findings_of_her_repositories_only(bot: Bot) -> None:
    with signed_in(bot, "alice") as client:
        page = client.get("/overview")
    assert page.status_code == 200 and "Signed in as <strong>alice</strong>" in page.text
    for text in ("acme/payments", "acme/web", "acme/infra", "AKIA…(20)", "sk_live_…(32)"):
        assert text in page.text
    assert "globex" not in page.text and GLOBEX_MARKER not in page.text
    assert "<svg" in page.text and "Median time to fix" in page.text and "Oldest open finding" in page.text


def test_a_reader_of_one_repository_never_sees_another_in_the_page_the_exports_or_a_guessed_url(
    bot: Bot,
) -> None:
    with signed_in(bot, "bob") as client:
        page = client.get("/overview", params={"state": "all"})
        assert page.status_code == 200 and "acme/web" in page.text and "sk_live_…(32)" in page.text
        exported = client.get("/overview/export.csv", params={"state": "all"}).text
        sarif = client.get("/overview/export.sarif", params={"state": "all"}).text
        for text in (page.text, exported, sarif):
            assert not [secret for secret in (*ALICE_ONLY, "globex", GLOBEX_MARKER) if secret in text]
        for repo in ("acme/payments", "globex/api", "nobody/nothing"):
            assert client.get("/overview", params={"repo": repo}).status_code == 404
            assert client.get("/overview/export.csv", params={"repo": repo}).status_code == 404
            assert client.get("/overview/export.sarif", params={"repo": repo}).status_code == 404
        assert "Open fix pull request" not in page.text  # a reader is offered no fix button


def test_a_person_with_no_access_sees_no_finding(bot: Bot) -> None:
    with signed_in(bot, "carol") as client:
        page = client.get("/overview", params={"state": "all"})
        exported = client.get("/overview/export.csv", params={"state": "all"}).text
    assert "You can access no repository" in page.text and "acme/" not in page.text
    assert exported.count("\r\n") == 1  # the header row only


def test_filters_narrow_the_table_and_bad_filters_are_refused(bot: Bot) -> None:
    with signed_in(bot, "alice") as client:
        fixed = client.get("/overview", params={"state": "fixed"}).text
        assert "pay-gone" in fixed and "infra-hostile" not in fixed
        medium = client.get("/overview", params={"severity": "medium"}).text
        assert "functions/api.yml" in medium and "pay-old" not in medium
        old = client.get("/overview", params={"age": "30"}).text
        assert "pay-old" in old and "web-key" not in old
        assert client.get("/overview", params={"state": "everything"}).status_code == 400
        assert client.get("/overview", params={"age": "12"}).status_code == 400
        assert client.get("/overview", params={"secret": "1"}).status_code == 400


def test_repository_text_is_escaped_and_the_csv_export_is_inert_in_a_spreadsheet(bot: Bot) -> None:
    with signed_in(bot, "alice") as client:
        page = client.get("/overview").text
        exported = client.get("/overview/export.csv").text
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0][:3] == ["repository", "path", "line"]
    cells = [cell for row in rows for cell in row]
    assert "'" + HOSTILE_PATH in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_the_sarif_export_holds_the_redacted_preview_and_fingerprint_only(bot: Bot) -> None:
    with signed_in(bot, "alice") as client:
        response = client.get("/overview/export.sarif", params={"repo": "acme/payments"})
    assert response.headers["content-type"].startswith("application/sarif+json")
    [run] = json.loads(response.text)["runs"]
    assert run["versionControlProvenance"][0]["revisionId"] == "b" * 40
    results = {r["partialFingerprints"]["secretsBot/v1"]: r for r in run["results"]}
    assert set(results) == {"pay-old" + "0" * 57, "pay-medium" + "0" * 54}
    assert results["pay-old" + "0" * 57]["message"]["text"].endswith("AKIA…(20)")


def test_a_forged_session_is_refused(bot: Bot) -> None:
    other_key = bot.api.keys.private_pem.replace("A", "B", 3)
    forged = Response()
    Sessions(other_key, secure=False).start(forged, login="alice", user_id=1, token="ghu_x", expires_at=None)
    value = forged.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1]
    for cookie in (value, "not-a-session", value[:-3] + "abc"):
        with bot.client() as client:
            client.cookies.set(COOKIE, cookie, domain="127.0.0.1", path="/overview")
            page = client.get("/overview")
            assert "Sign in with GitHub" in page.text and "acme/" not in page.text
            assert client.get("/overview/export.csv").status_code == 200
            assert "acme/" not in client.get("/overview/export.csv").text


def test_an_expired_session_is_refused(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    with signed_in(bot, "alice") as client:
        assert "acme/payments" in client.get("/overview").text
        later = time.time() + 8 * 3600 + 5
        monkeypatch.setattr(time, "time", lambda: later)  # itsdangerous and Fernet read time.time()
        page = client.get("/overview")
    assert "Sign in with GitHub" in page.text and "acme/" not in page.text


def test_a_revoked_github_token_signs_the_person_out(bot: Bot) -> None:
    with signed_in(bot, "alice") as client:
        page = client.get("/overview").text  # the access is cached now
        with bot.api.world.lock:
            for token in bot.api.oauth.tokens.values():
                token.expires_at = 0
        form = {"repo": "acme/payments", "fingerprint": "pay-old" + "0" * 57, "csrf": csrf_of(page)}
        refused = client.post("/overview/fix", data=form)  # asks GitHub afresh: 401
        assert refused.status_code == 401 and "expired" in refused.text
        assert 'secrets_bot_overview=""' in refused.headers["set-cookie"]
        again = client.get("/overview")
    assert "Sign in with GitHub" in again.text and "acme/" not in again.text
    assert queued(bot) == []


def test_sign_out_ends_the_session(bot: Bot) -> None:
    with signed_in(bot, "alice") as client:
        page = client.get("/overview").text
        assert client.post("/overview/logout", data={"csrf": "wrong"}).status_code == 403
        out = client.post("/overview/logout", data={"csrf": csrf_of(page)})
        assert out.status_code == 303 and out.headers["location"] == "/overview"
        assert 'secrets_bot_overview=""' in out.headers["set-cookie"]
        assert "Sign in with GitHub" in client.get("/overview").text


def test_the_oauth_state_must_be_the_one_this_browser_was_sent_with(bot: Bot) -> None:
    with bot.client() as client:
        assert client.get("/overview/callback", params={"code": "c", "state": "s"}).status_code == 400
        client.get("/overview/login")
        wrong = client.get("/overview/callback", params={"code": "c", "state": "forged"})
    assert wrong.status_code == 400 and COOKIE + "=" not in wrong.headers.get("set-cookie", "").replace(
        '=""', ""
    )
    assert not bot.api.oauth.tokens  # no code was exchanged


def test_no_parameter_chooses_where_the_browser_goes(bot: Bot) -> None:
    with bot.client() as client:
        out = client.get("/overview/login", params={"next": "https://evil.test/"})
        assert out.headers["location"].startswith(bot.web.origin + "/login/oauth/authorize?")
        assert "evil" not in out.headers["location"]
    with bot.client() as client:
        done = bot.sign_in(client, "alice")
    assert done.headers["location"] == "/overview"
    assert bot.api.oauth.redirect_uris == [bot.base + "/overview/callback"]


def test_the_session_cookie_is_httponly_lax_scoped_and_bounded_and_holds_no_token(bot: Bot) -> None:
    with bot.client() as client:
        done = bot.sign_in(client, "alice")
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/overview" in cookie
    assert int(re.search(r"max-age=(\d+)", cookie).group(1)) <= 8 * 3600  # type: ignore[union-attr]
    assert "secure" not in cookie  # plain http on loopback; see the https test in test_overview_app.py
    [token] = bot.api.oauth.tokens
    assert token not in done.headers["set-cookie"]


def test_a_writer_asks_for_a_fix_pull_request_through_the_queue(bot: Bot) -> None:
    fingerprint = "pay-old" + "0" * 57
    with signed_in(bot, "alice") as client:
        page = client.get("/overview", params={"repo": "acme/payments"}).text
        assert "Open fix pull request" in page
        form = {"repo": "acme/payments", "fingerprint": fingerprint}
        assert client.post("/overview/fix", data={**form, "csrf": "forged"}).status_code == 403
        assert queued(bot) == []
        asked = client.post("/overview/fix", data={**form, "csrf": csrf_of(page)})
        assert asked.status_code == 202 and "Fix pull request requested" in asked.text
        assert (
            client.post(
                "/overview/fix", data={**form, "fingerprint": "nope", "csrf": csrf_of(page)}
            ).status_code
            == 404
        )
    [request] = queued(bot)
    assert (request.trigger, request.repo, request.installation_id) == (Trigger.FIX, "acme/payments", 1)
    assert (request.commenter, request.arguments, request.default_branch) == ("alice", fingerprint, "main")


def test_a_reader_or_an_outsider_cannot_ask_for_a_fix(bot: Bot) -> None:
    with signed_in(bot, "bob") as client:
        page = client.get("/overview").text
        csrf = csrf_of(page)
        as_reader = client.post(
            "/overview/fix", data={"repo": "acme/web", "fingerprint": "web-key" + "0" * 57, "csrf": csrf}
        )
        elsewhere = client.post(
            "/overview/fix", data={"repo": "acme/payments", "fingerprint": "pay-old" + "0" * 57, "csrf": csrf}
        )
    assert (as_reader.status_code, elsewhere.status_code) == (403, 404)
    assert queued(bot) == []


def test_write_access_is_checked_afresh_when_a_fix_is_asked(bot: Bot) -> None:
    with signed_in(bot, "alice") as client:
        page = client.get("/overview").text
        with bot.api.world.lock:
            bot.api.world.repos["acme/payments"].permissions["alice"] = "read"
        asked = client.post(
            "/overview/fix",
            data={"repo": "acme/payments", "fingerprint": "pay-old" + "0" * 57, "csrf": csrf_of(page)},
        )
    assert asked.status_code == 403 and queued(bot) == []


def test_times_are_shown_in_utc_days(bot: Bot) -> None:
    with signed_in(bot, "alice") as client:
        page = client.get("/overview", params={"sort": "age"}).text
    assert datetime.now(UTC).strftime("%Y") in page and "40 days" in page
