"""The overview as people use it: a real headless Chromium (Debian's, driven by playwright, as for the setup
page) signs in through the fake GitHub's OAuth pages, reads the page, filters, exports CSV and signs out;
a second person who can read one repository sees nothing else, whatever URL they try. Runs with the store on
SQLite and on PostgreSQL. Screenshots go to the test's tmp dir and to `test-artifacts/overview/`
(ignored by git); docs/overview.png is one of them.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.processes import ROOT
from tests.web.overview.conftest import GLOBEX_MARKER, Bot
from tests.web.test_setup_browser import page

__all__ = ["page"]

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts" / "overview"


def shoot(page: Any, directory: Path, name: str) -> None:
    page.screenshot(path=str(directory / name), full_page=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(directory / name, ARTIFACTS / name)


def sign_in(page: Any, bot: Bot, login: str) -> None:
    page.goto(bot.base + "/overview")
    page.get_by_role("link", name="Sign in with GitHub").click()
    page.get_by_role("heading", name="Authorize the App").wait_for()
    page.get_by_label("Username").fill(login)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_role("heading", name="Overview", exact=True).wait_for()


def test_sign_in_read_filter_export_and_sign_out(bot: Bot, page: Any, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(bot.base + "/overview")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    sign_in(page, bot, "alice")
    assert page.get_by_text("Signed in as").is_visible()
    table = page.get_by_role("table")
    for text in ("acme/payments", "acme/web", "acme/infra", "AKIA…(20)"):
        assert table.get_by_text(text).first.is_visible()
    assert GLOBEX_MARKER not in page.content() and "globex" not in page.content()
    assert page.get_by_role("img", name="Findings opened and fixed per week").count() == 1
    shoot(page, tmp_path, "overview-alice.png")

    page.get_by_label("Severity").select_option("medium")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/overview?*severity=medium*")
    assert page.get_by_role("table").get_by_text("functions/api.yml:12").is_visible()
    assert page.get_by_role("table").get_by_text("AKIA…(20)").count() == 0
    shoot(page, tmp_path, "overview-filtered.png")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.reader(Path(download.value.path()).read_text(encoding="utf-8").splitlines()))
    assert [row[:2] for row in rows[1:]] == [["acme/payments", "functions/api.yml"]]
    assert rows[1][6:9] == ["open", "hu…(9)", "pay-medium" + "0" * 54]

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in with GitHub").wait_for()
    page.goto(bot.base + "/overview")
    assert page.get_by_role("table").count() == 0 and "acme/" not in page.content()


def test_a_reader_of_one_repository_sees_nothing_else_in_the_browser(
    bot: Bot, page: Any, tmp_path: Path
) -> None:
    sign_in(page, bot, "bob")
    content = page.content()
    assert "acme/web" in content and "sk_live_…(32)" in content
    for other in ("acme/payments", "acme/infra", "globex", GLOBEX_MARKER, "AKIA…(20)"):
        assert other not in content
    assert page.get_by_role("button", name="Open fix pull request").count() == 0
    shoot(page, tmp_path, "overview-bob.png")
    for url in (
        "/overview?repo=acme/payments",
        "/overview?repo=globex/api",
        "/overview/export.csv?repo=acme/infra",
    ):
        response = page.goto(bot.base + url)
        assert response is not None and response.status == 404
        assert "acme/payments" not in page.content().replace("repo=acme/payments", "")
    with page.expect_download() as download:
        page.goto(bot.base + "/overview")
        page.get_by_role("link", name="Export CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "acme/web" in exported and "acme/payments" not in exported and "globex" not in exported
