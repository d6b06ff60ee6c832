"""Schema migrations, run at start: every process upgrades the store in place to the newest revision.

Several processes may start at once (`serve`'s worker processes, several instances): one migrates while the
others wait and then find nothing to do. On PostgreSQL an advisory lock held for the transaction does it; on
SQLite, whose driver runs DDL outside a transaction, an exclusive lock on a file beside the database does.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

HEAD = "head"
MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_ID = 0x5EC2E75  # any constant shared by every instance of the bot


def upgrade(engine: Engine, revision: str = HEAD) -> None:
    """Bring the store's schema to `revision` (default: the newest), in one transaction."""
    with _sqlite_file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextlib.contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with Path(f"{database}.migrate-lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield
