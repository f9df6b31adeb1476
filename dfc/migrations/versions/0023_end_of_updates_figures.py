"""end of updates on the dashboard and in the forecast: devices past it in the daily
headlines, devices whose updates end in each month of a window, and the council's
replacement price per device kind

Revision ID: 0023
Revises: 0025
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRICES = ("replacement_laptop", "replacement_chromebook", "replacement_tablet")


def upgrade() -> None:
    with op.batch_alter_table("dashboard_headline") as table:
        table.add_column(
            sa.Column("past_end_of_updates", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("dashboard_ending") as table:
        table.add_column(
            sa.Column("devices_updates_ending", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("council_prices") as table:
        for name in PRICES:
            table.add_column(sa.Column(name, sa.Numeric(10, 2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("council_prices") as table:
        for name in PRICES:
            table.drop_column(name)
    with op.batch_alter_table("dashboard_ending") as table:
        table.drop_column("devices_updates_ending")
    with op.batch_alter_table("dashboard_headline") as table:
        table.drop_column("past_end_of_updates")
