"""consent by text: an opt-out keeps how (the keyword) and the channel it came by, and
text_consent_change keeps every opt-out, opt-in and staff lifting, with who and why

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dfc.db_types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _channel() -> sa.Enum:
    return sa.Enum("sms", "whatsapp", "email", name="channel", native_enum=False, length=32)


def upgrade() -> None:
    with op.batch_alter_table("sms_opt_out") as table:
        table.add_column(sa.Column("how", sa.String(length=40), nullable=True))
        table.add_column(sa.Column("channel", _channel(), nullable=True))
    op.create_table(
        "text_consent_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone_number", sa.String(length=16), nullable=False),
        sa.Column(
            "change",
            sa.Enum(
                "opted-out",
                "opted-in",
                "lifted-by-staff",
                name="consentchange",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("how", sa.String(length=40), nullable=False),
        sa.Column("channel", _channel(), nullable=True),
        sa.Column("provider_sid", sa.String(length=64), nullable=True),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("changed_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_text_consent_change_staff_user_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_consent_change")),
        sa.UniqueConstraint("provider_sid", name=op.f("uq_text_consent_change_provider_sid")),
    )
    op.create_index(
        op.f("ix_text_consent_change_phone_number"),
        "text_consent_change",
        ["phone_number"],
        unique=False,
    )
    # The opt-outs made before this history began are its first entries.
    op.execute(
        "INSERT INTO text_consent_change (phone_number, change, how, changed_at) "
        "SELECT phone_number, 'opted-out', 'not recorded', opted_out_at FROM sms_opt_out"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_text_consent_change_phone_number"), table_name="text_consent_change")
    op.drop_table("text_consent_change")
    with op.batch_alter_table("sms_opt_out") as table:
        table.drop_column("channel")
        table.drop_column("how")
