"""outbox and alerts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 01:53:32.596934
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sms_opt_out",
        sa.Column("phone_number", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("opted_out_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("phone_number", name=op.f("pk_sms_opt_out")),
    )
    op.create_table(
        "alert_policy",
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("support_days", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("licence_days", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("connectivity_days", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("data_percents", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("digest_emails", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("text_families", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["organisation.id"],
            name=op.f("fk_alert_policy_council_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("council_id", name=op.f("pk_alert_policy")),
    )
    op.create_table(
        "alert_raised",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("raised_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_alert_raised_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_alert_raised")),
    )
    with op.batch_alter_table("alert_raised", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_raised_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column(
            "audience",
            sa.Enum("family", "staff", name="audience", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum("sms", "whatsapp", "email", name="channel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("recipient", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("encoding", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "held",
                "sending",
                "sent",
                "delivered",
                "failed",
                "cancelled",
                name="messagestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("provider_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("outbox_only", sa.Boolean(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_outbox_message_organisation_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_message_idempotency_key")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_message_channel"), ["channel"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_message_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_message_provider_id"), ["provider_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_provider_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_message_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_message_channel"))
        batch_op.drop_index("ix_outbox_due")

    op.drop_table("outbox_message")
    with op.batch_alter_table("alert_raised", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_raised_organisation_id"))

    op.drop_table("alert_raised")
    op.drop_table("alert_policy")
    op.drop_table("sms_opt_out")
