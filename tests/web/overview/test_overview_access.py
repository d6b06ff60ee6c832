"""The overview over HTTP, as a browser without JavaScript uses it: who sees what, sessions, exports."""

from __future__ import annotations

from tests.web.overview.conftest import GLOBEX_MARKER, Bot


def test_alice_sees_the_findings_of_her_repositories_only(bot: Bot) -> None:
    with bot.client() as client:
        done = bot.sign_in(client, "alice")
        assert done.status_code == 303 and done.headers["location"] == "/overview"
        page = client.get("/overview")
    assert page.status_code == 200
    assert "acme/payments" in page.text and "acme/web" in page.text and "Signed in as" in page.text
    assert "globex/api" not in page.text and GLOBEX_MARKER not in page.text
