"""Every store test runs on a SQLite file and on the real PostgreSQL at 127.0.0.1:5432 (a throwaway database
per session; skipped with the reason where none answers, failed under CI=true)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import psycopg
import pytest

from bot.store import SqlFindingsStore, open_store
from tests.conftest import require_service

POSTGRES = "postgresql://postgres@127.0.0.1:5432/"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    name = f"secrets_bot_test_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(POSTGRES + "postgres", autocommit=True, connect_timeout=2)
    except psycopg.OperationalError:
        require_service(
            "PostgreSQL", "no PostgreSQL server answers on 127.0.0.1:5432 (the store tests need one)"
        )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield POSTGRES + name
        finally:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store')}/findings.db"
        return
    url: str = request.getfixturevalue("postgres_database")
    yield url
    with psycopg.connect(url, autocommit=True) as connection:  # each test starts from an empty schema
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


@pytest.fixture
def store(database_url: str) -> Iterator[SqlFindingsStore]:
    opened = open_store(database_url)
    yield opened
    opened.close()
