"""Schema migrations, run at start: every process upgrades the store in place to the newest revision.

On PostgreSQL several instances may start at once; an advisory lock held for the transaction lets one
migrate while the others wait and then find nothing to do.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

HEAD = "head"
MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_ID = 0x5EC2E75  # any constant shared by every instance of the bot


def upgrade(engine: Engine, revision: str = HEAD) -> None:
    """Bring the store's schema to `revision` (default: the newest), in one transaction."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
