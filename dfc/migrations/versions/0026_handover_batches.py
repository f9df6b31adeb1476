"""handover batches: many devices handed over at once by the worker, with progress and
each device's outcome

Revision ID: 0026
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0026"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handover_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("handed_over_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued", "running", "finished", name="batchstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("handed_over", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_by_api_key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_api_key_id"],
            ["api_key.id"],
            name=op.f("fk_handover_batch_created_by_api_key_id_api_key"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["staff_user.id"],
            name=op.f("fk_handover_batch_created_by_user_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_handover_batch_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_batch")),
    )
    with op.batch_alter_table("handover_batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_handover_batch_created_by_api_key_id"),
            ["created_by_api_key_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_handover_batch_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_handover_batch_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "handover_batch_device",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "waiting",
                "handed-over",
                "refused",
                name="batchoutcome",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["handover_batch.id"],
            name=op.f("fk_handover_batch_device_batch_id_handover_batch"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_handover_batch_device_device_id_device"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", "device_id", name=op.f("pk_handover_batch_device")),
    )


def downgrade() -> None:
    op.drop_table("handover_batch_device")
    with op.batch_alter_table("handover_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_batch_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_handover_batch_created_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_handover_batch_created_by_api_key_id"))

    op.drop_table("handover_batch")
