"""Repositories and their default-branch findings.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "repositories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("installation_id", sa.BigInteger, nullable=True),
        sa.Column("default_branch", sa.String(255), nullable=True),
        sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("last_scanned_sha", sa.String(64), nullable=True),
        sa.Column("last_scanned_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "findings",
        sa.Column("repository_id", sa.Integer, sa.ForeignKey("repositories.id"), primary_key=True),
        sa.Column("fingerprint", sa.String(128), primary_key=True),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("redacted", sa.String(200), nullable=False),
        sa.Column("platform", sa.String(64), nullable=False),
        sa.Column("first_seen_sha", sa.String(64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fix_pull", sa.Integer, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("findings")
    op.drop_table("repositories")
