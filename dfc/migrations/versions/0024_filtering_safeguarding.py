"""filtering and safeguarding: each council's safeguarding lead and which of its managers
filter the web (council_safeguarding), and the filtering reviews a router's new SIM calls
for (filtering_review)

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dfc.db_types

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "council_safeguarding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("lead_name", sa.String(length=200), nullable=True),
        sa.Column("lead_email", sa.String(length=254), nullable=True),
        sa.Column("intune_filters", sa.Boolean(), nullable=False),
        sa.Column("google_admin_filters", sa.Boolean(), nullable=False),
        sa.Column("other_mdm_filters", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["organisation.id"],
            name=op.f("fk_council_safeguarding_council_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_safeguarding")),
        sa.UniqueConstraint("council_id", name=op.f("uq_council_safeguarding_council_id")),
    )
    op.create_table(
        "filtering_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dongle_id", sa.Integer(), nullable=False),
        sa.Column("sim_id", sa.Integer(), nullable=False),
        sa.Column("replaced_sim_id", sa.Integer(), nullable=True),
        sa.Column("flagged_on", sa.Date(), nullable=False),
        sa.Column("flagged_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("flagged_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("review_note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["dongle_id"],
            ["dongle.id"],
            name=op.f("fk_filtering_review_dongle_id_dongle"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sim_id"],
            ["sim.id"],
            name=op.f("fk_filtering_review_sim_id_sim"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["replaced_sim_id"],
            ["sim.id"],
            name=op.f("fk_filtering_review_replaced_sim_id_sim"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filtering_review")),
    )
    op.create_index(
        op.f("ix_filtering_review_dongle_id"), "filtering_review", ["dongle_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_filtering_review_dongle_id"), table_name="filtering_review")
    op.drop_table("filtering_review")
    op.drop_table("council_safeguarding")
