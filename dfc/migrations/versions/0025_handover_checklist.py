"""handover checklist: the steps done for a device before it becomes a family's (management
removed, wiped, filtering signed off) and each council's required steps

Revision ID: 0025
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0025"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handover_policy",
        sa.Column("council_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("required", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("changed_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["organisation.id"],
            name=op.f("fk_handover_policy_council_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("council_id", name=op.f("pk_handover_policy")),
    )
    op.create_table(
        "handover_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column(
            "step",
            sa.Enum(
                "management-removed",
                "wiped",
                "licences-released",
                "filtering-signed-off",
                "family-accepted",
                name="handoverstep",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("confirmed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["allocation.id"],
            name=op.f("fk_handover_check_allocation_id_allocation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_handover_check_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_check")),
    )
    with op.batch_alter_table("handover_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_handover_check_allocation_id"), ["allocation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_handover_check_device_id"), ["device_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("handover_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_check_device_id"))
        batch_op.drop_index(batch_op.f("ix_handover_check_allocation_id"))

    op.drop_table("handover_check")
    op.drop_table("handover_policy")
