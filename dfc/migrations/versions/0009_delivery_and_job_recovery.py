"""outbox hand-overs and attempts whose outcome is unknown; import job heartbeats, runs and problem counts

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dfc.db_types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as table:
        table.add_column(sa.Column("handed_over_at", dfc.db_types.UTCDateTime(), nullable=True))
        table.add_column(
            sa.Column("unconfirmed_attempt_at", dfc.db_types.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("import_job") as table:
        table.add_column(
            sa.Column("problem_count", sa.Integer(), nullable=False, server_default="0")
        )
        table.add_column(sa.Column("runs", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("heartbeat_at", dfc.db_types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_job") as table:
        table.drop_column("heartbeat_at")
        table.drop_column("runs")
        table.drop_column("problem_count")
    with op.batch_alter_table("outbox_message") as table:
        table.drop_column("unconfirmed_attempt_at")
        table.drop_column("handed_over_at")
