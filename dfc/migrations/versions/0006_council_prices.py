"""council prices: what each council pays for licences and data after central support

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 03:16:09.643266
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "council_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("licence_per_device_per_year", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("data_per_sim_per_month", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("data_per_gb", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("gb_per_month", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("updated_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["organisation.id"],
            name=op.f("fk_council_prices_council_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_prices")),
        sa.UniqueConstraint("council_id", name=op.f("uq_council_prices_council_id")),
    )


def downgrade() -> None:
    op.drop_table("council_prices")
