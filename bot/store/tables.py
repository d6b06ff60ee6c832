"""The schema at the newest migration, as SQLAlchemy Core tables for queries (migrations/ builds it)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table

metadata = MetaData()

repositories = Table(
    "repositories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),  # owner/name
    Column("installation_id", BigInteger, nullable=True, index=True),
    Column("default_branch", String(255), nullable=True),
    Column("archived", Boolean, nullable=False, default=False),
    Column("last_scanned_sha", String(64), nullable=True),
    Column("last_scanned_at", DateTime(timezone=True), nullable=True),
    Column("baseline", String(16), nullable=True),  # BaselineState; None: never started (revision 0002)
    Column("dashboard_issue", Integer, nullable=True),  # None: no dashboard issue known (revision 0003)
)

findings = Table(
    "findings",
    metadata,
    Column("repository_id", Integer, ForeignKey("repositories.id"), primary_key=True),
    Column("fingerprint", String(128), primary_key=True),
    Column("path", String(1024), nullable=False),
    Column("line", Integer, nullable=False),
    Column("rule", String(200), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("redacted", String(200), nullable=False),
    Column("platform", String(64), nullable=False),
    Column("first_seen_sha", String(64), nullable=False),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("state", String(16), nullable=False),
    Column("fixed_at", DateTime(timezone=True), nullable=True),
    Column("fix_pull", Integer, nullable=True),
)
