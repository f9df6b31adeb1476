"""check-ins: the days each council asks its families whether the child still has their
device (check_in_date), and each device's check-in, its tries and the answer (check_in)

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dfc.db_types

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "check_in_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("sends_on", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("wait_days", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["organisation.id"],
            name=op.f("fk_check_in_date_council_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in_date")),
        sa.UniqueConstraint("council_id", "sends_on", name=op.f("uq_check_in_date_council_id")),
    )
    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_in_date_id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("first_sent_on", sa.Date(), nullable=False),
        sa.Column("second_due_on", sa.Date(), nullable=False),
        sa.Column("second_sent_on", sa.Date(), nullable=True),
        sa.Column("no_answer_on", sa.Date(), nullable=True),
        sa.Column(
            "answer",
            sa.Enum("yes", "no", "help", name="checkinanswer", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("answered_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer_sid", sa.String(length=64), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["allocation_id"],
            ["allocation.id"],
            name=op.f("fk_check_in_allocation_id_allocation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["check_in_date_id"],
            ["check_in_date.id"],
            name=op.f("fk_check_in_check_in_date_id_check_in_date"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_check_in_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_check_in_family_id_family"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organisation.id"],
            name=op.f("fk_check_in_school_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
        sa.UniqueConstraint(
            "check_in_date_id", "allocation_id", name=op.f("uq_check_in_check_in_date_id")
        ),
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_check_in_allocation_id"), ["allocation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_check_in_answer_sid"), ["answer_sid"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_in_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_in_family_id"), ["family_id"], unique=False)
        batch_op.create_index("ix_check_in_open", ["answer", "second_due_on"], unique=False)
        batch_op.create_index(
            "ix_check_in_school_first_sent", ["school_id", "first_sent_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index("ix_check_in_school_first_sent")
        batch_op.drop_index("ix_check_in_open")
        batch_op.drop_index(batch_op.f("ix_check_in_family_id"))
        batch_op.drop_index(batch_op.f("ix_check_in_device_id"))
        batch_op.drop_index(batch_op.f("ix_check_in_answer_sid"))
        batch_op.drop_index(batch_op.f("ix_check_in_allocation_id"))

    op.drop_table("check_in")
    op.drop_table("check_in_date")
