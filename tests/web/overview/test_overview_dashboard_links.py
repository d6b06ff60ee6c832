"""The overview links each repository's dashboard issue itself once the store knows its number, and searches
for it by title until then (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from html import escape

from bot.store import open_store
from tests.web.overview.conftest import Bot
from tests.web.overview.test_overview_access import signed_in


def test_a_known_dashboard_issue_is_linked_directly_and_an_unknown_one_searched(bot: Bot) -> None:
    store = open_store(bot.settings.database_url)
    try:
        store.set_dashboard_issue("acme/payments", 17)  # as the dashboard job records it
    finally:
        store.close()

    with signed_in(bot, "alice") as client:
        page = client.get("/overview").text

    web = bot.web.origin
    assert page.count(f'href="{web}/acme/payments/issues/17"') == 1 + 2  # the repository list, its 2 rows
    assert f'href="{web}/acme/web/issues?q=' in page  # not recorded: the title search
    assert escape(f"{web}/acme/payments/issues?q=") not in page
