"""An existing store is upgraded in place: rows written at the first revision survive the newest schema."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from bot.store import FindingState, migrate, open_store


def _engine_url(database_url: str) -> str:
    return database_url.replace("postgresql://", "postgresql+psycopg://", 1)


def test_a_store_at_the_first_revision_is_upgraded_with_its_rows(database_url: str) -> None:
    engine = create_engine(_engine_url(database_url))
    migrate.upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO repositories (name, installation_id) VALUES ('o/old', 5)"))
        connection.execute(
            text(
                "INSERT INTO findings (repository_id, fingerprint, path, line, rule, severity, redacted, "
                "platform, first_seen_sha, first_seen_at, last_seen_at, state) SELECT id, 'fp', 's.yml', 4, "
                "'r', 'high', 'ab…', 'serverless', :sha, :at, :at, 'open' FROM repositories"
            ),
            {"sha": "a" * 40, "at": datetime(2026, 1, 1, tzinfo=UTC)},
        )
    engine.dispose()
    store = open_store(database_url)
    [kept] = store.open_findings("o/old")
    assert (kept.fingerprint, kept.line, kept.state) == ("fp", 4, FindingState.OPEN)
    assert store.baseline_progress(5) == (0, 1)  # the column added by revision 0002 is there, empty
    store.close()


def test_opening_an_up_to_date_store_again_changes_nothing(database_url: str) -> None:
    first = open_store(database_url)
    first.track_repository("o/a", installation_id=1)
    first.close()
    second = open_store(database_url)
    assert second.baseline_progress(1) == (0, 1)
    second.close()


def test_a_store_before_the_dashboard_issue_column_is_upgraded_with_its_rows(database_url: str) -> None:
    engine = create_engine(_engine_url(database_url))
    migrate.upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO repositories (name, installation_id, baseline) VALUES ('o/old', 5, 'done')")
        )
    engine.dispose()
    store = open_store(database_url)
    [details] = store.repository_details(["o/old"]).values()
    assert (details.installation_id, details.dashboard_issue) == (5, None)  # revision 0003's column, empty
    assert store.baseline_progress(5) == (1, 1)
    store.set_dashboard_issue("o/old", 8)
    assert store.dashboard_issue("o/old") == 8
    store.close()
