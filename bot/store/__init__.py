"""The findings store: what each repository's default branch holds, kept between scans.

The only package that knows SQL. Jobs see the `FindingsStore` Protocol; `open_store(url)` gives the
SQLAlchemy implementation on an embedded SQLite file (the default) or a shared PostgreSQL database.
"""

from bot.store.protocol import BaselineState, FindingsStore, FindingState, RepositoryDetails, StoredFinding
from bot.store.sql import SqlFindingsStore, open_store

__all__ = [
    "BaselineState",
    "FindingState",
    "FindingsStore",
    "RepositoryDetails",
    "SqlFindingsStore",
    "StoredFinding",
    "open_store",
]
