"""The overview's pure parts: filters, summaries, the trend chart, links, exports, and the access cache."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.github.user_access import AccessibleRepository
from bot.store import FindingState, StoredFinding
from bot.web.overview import query
from bot.web.overview.access import AccessCache
from bot.web.overview.chart import trend_svg
from bot.web.overview.export import inert_cell
from bot.web.overview.links import dashboard_url, line_url
from bot.web.overview.summary import summarise, weekly_trend

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday


def stored(
    fingerprint: str, *, repo: str = "o/a", days: int = 1, fixed_after: int | None = None, **more: object
) -> StoredFinding:
    first = NOW - timedelta(days=days)
    values: dict[str, object] = {
        "repo": repo,
        "fingerprint": fingerprint,
        "path": "serverless.yml",
        "line": 3,
        "rule": "aws-access-key",
        "severity": "high",
        "redacted": "AKIA…(20)",
        "platform": "serverless",
        "first_seen_sha": "a" * 40,
        "first_seen_at": first,
        "last_seen_at": first,
        "state": FindingState.OPEN if fixed_after is None else FindingState.FIXED,
        "fixed_at": None if fixed_after is None else first + timedelta(days=fixed_after),
        **more,
    }
    return StoredFinding(**values)  # type: ignore[arg-type]


def test_filters_from_the_query_string_are_strict() -> None:
    assert query.parse({}) == query.Filters()
    chosen = query.parse(
        {"repo": "o/a", "severity": "low", "state": "all", "age": "30", "sort": "age", "order": "asc"}
    )
    assert (
        query.parse(dict(pair.split("=") for pair in chosen.query().replace("%2F", "/").split("&"))) == chosen
    )
    for bad in (
        {"age": "3"},
        {"state": "gone"},
        {"sort": "value"},
        {"order": "up"},
        {"x": "1"},
        {"rule": "a\nb"},
    ):
        with pytest.raises(query.BadFilter):
            query.parse(bad)
    with pytest.raises(query.BadFilter):
        query.parse({"repo": "o/" + "a" * 300})


def test_selection_filters_and_sorts() -> None:
    findings = [
        stored("old", days=40),
        stored("new", days=2, severity="low"),
        stored("gone", days=20, fixed_after=5),
    ]
    assert [f.fingerprint for f in query.select(findings, query.Filters(), NOW)] == ["old", "new"]
    assert [f.fingerprint for f in query.select(findings, query.Filters(state="all", sort="age"), NOW)] == [
        "old",
        "gone",
        "new",
    ]
    assert [f.fingerprint for f in query.select(findings, query.Filters(age=30), NOW)] == ["old"]
    assert [f.fingerprint for f in query.select(findings, query.Filters(severity="low"), NOW)] == ["new"]


def test_summary_counts_trend_and_median_time_to_fix() -> None:
    repos = [AccessibleRepository("o/a", 1, "o", True), AccessibleRepository("o/b", 1, "o", False)]
    findings = [
        stored("a1", days=3),
        stored("a2", days=10, severity="medium", platform="aws-sam"),
        stored("b1", repo="o/b", days=30, fixed_after=2),
        stored("b2", repo="o/b", days=30, fixed_after=10),
        stored("b3", repo="o/b", days=20, fixed_after=6),
        stored("x", repo="elsewhere/c", days=1),  # not visible: never counted
    ]
    [summary] = summarise(findings, repos, NOW)
    assert summary.open_by_repository == (("o/a", 2),) and summary.open_total == 2
    assert summary.open_by_severity == (("high", 1), ("medium", 1), ("low", 0))
    assert summary.open_by_platform == (("aws-sam", 1), ("serverless", 1))
    assert summary.oldest_open is not None and summary.oldest_open.fingerprint == "a2"
    assert summary.median_time_to_fix == timedelta(days=6)
    assert len(summary.weeks) == 12 and summary.weeks[-1].start == datetime(2026, 3, 16).date()
    assert sum(week.opened for week in summary.weeks) == 5 and sum(week.fixed for week in summary.weeks) == 3


def test_the_trend_chart_is_an_accessible_svg() -> None:
    weeks = weekly_trend([stored("a", days=3), stored("b", days=10, fixed_after=4)], NOW, weeks=4)
    svg = trend_svg(weeks, chart_id="t")
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert svg.count('class="opened"') == 4 and svg.count('class="fixed"') == 4
    assert "1 opened, 1 fixed" in svg


def test_links_encode_repository_text() -> None:
    hostile = stored("h", path="a b/#x?.yml")
    assert line_url("https://github.com", hostile, "c" * 40) == (
        f"https://github.com/o/a/blob/{'c' * 40}/a%20b/%23x%3F.yml#L3"
    )
    fixed = stored("f", fixed_after=1)
    assert f"/blob/{'a' * 40}/" in line_url("https://github.com", fixed, "c" * 40)


def test_the_dashboard_link_is_the_issue_itself_when_its_number_is_known_else_a_title_search() -> None:
    assert dashboard_url("https://ghe.example/", "o/a b", 17) == "https://ghe.example/o/a%20b/issues/17"
    search = dashboard_url("https://github.com", "o/a", None)
    assert search.startswith("https://github.com/o/a/issues?q=")
    assert "Serverless%20secrets%20dashboard" in search


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_evaluate_is_made_text(start: str) -> None:
    assert inert_cell(start + "SUM(A1)") == "'" + start + "SUM(A1)"
    assert inert_cell("serverless.yml") == "serverless.yml"


def test_access_is_cached_per_token_for_a_minute_then_asked_again() -> None:
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        assert request.headers["authorization"] == "Bearer tok-1"
        if request.url.path == "/user/installations":
            installation = {"id": 5, "app_id": 9, "account": {"login": "o"}}
            other_app = {"id": 6, "app_id": 10, "account": {"login": "o"}}
            return httpx.Response(200, json={"total_count": 2, "installations": [installation, other_app]})
        repo = {"full_name": "o/a", "permissions": {"push": True}}
        return httpx.Response(200, json={"total_count": 1, "repositories": [repo]})

    now = [0.0]
    cache = AccessCache(ttl=60, clock=lambda: now[0], transport=httpx.MockTransport(answer))

    def ask(fresh: bool = False) -> frozenset[str]:
        return asyncio.run(cache.access("https://api.test", 9, "tok-1", fresh=fresh)).names

    assert ask() == {"o/a"} and len(calls) == 2  # the other App's installation is not listed
    now[0] = 59.0
    assert ask() == {"o/a"} and len(calls) == 2
    now[0] = 61.0
    assert ask() == {"o/a"} and len(calls) == 4
    assert ask(fresh=True) == {"o/a"} and len(calls) == 6
    assert all("tok-1" not in key for key in cache._entries)
