"""the dashboard's daily figures: headline counts, devices by status and what ends by month,
per organisation, with when they were computed (nightly, and after imports)

Revision ID: 0019
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dfc.db_types import UTCDateTime

revision: str = "0019"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _organisation() -> sa.Column:
    return sa.Column(
        "organisation_id",
        sa.Integer(),
        sa.ForeignKey("organisation.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    )


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "dashboard_headline",
        _organisation(),
        _count("devices_in_service"),
        _count("owned_by_families"),
        _count("short_of_cover"),
        _count("sims_at_cap"),
        _count("devices_unmet"),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("computed_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "dashboard_status",
        _organisation(),
        sa.Column("status", sa.String(length=32), primary_key=True, nullable=False),
        _count("devices"),
    )
    op.create_table(
        "dashboard_ending",
        _organisation(),
        sa.Column("within_days", sa.Integer(), primary_key=True, nullable=False),
        sa.Column("month", sa.String(length=7), primary_key=True, nullable=False),
        _count("devices_cover_ending"),
        _count("licences_ending"),
        _count("licence_seats_ending"),
        _count("sims_ending"),
    )


def downgrade() -> None:
    op.drop_table("dashboard_ending")
    op.drop_table("dashboard_status")
    op.drop_table("dashboard_headline")
