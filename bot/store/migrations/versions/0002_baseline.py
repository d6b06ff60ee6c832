"""Baseline progress per repository, counted per installation.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("repositories") as batch:
        batch.add_column(sa.Column("baseline", sa.String(16), nullable=True))
        batch.create_index("ix_repositories_installation_id", ["installation_id"])


def downgrade() -> None:
    with op.batch_alter_table("repositories") as batch:
        batch.drop_index("ix_repositories_installation_id")
        batch.drop_column("baseline")
