"""WhatsApp within its rules: each number's chosen channel and consent, its 24-hour window,
the approved template per message and language, and a message's template values

Revision ID: 0031
Revises: 0026
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0031"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "text_channel_choice",
        sa.Column("phone_number", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("sms", "whatsapp", "email", name="channel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("consent", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("phone_number", name=op.f("pk_text_channel_choice")),
    )
    op.create_table(
        "whatsapp_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("content_sid", sqlmodel.sql.sqltypes.AutoString(length=34), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("added_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_whatsapp_template")),
        sa.UniqueConstraint("template", "locale", name=op.f("uq_whatsapp_template_template")),
    )
    op.create_table(
        "whatsapp_window",
        sa.Column("phone_number", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("last_inbound_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("phone_number", name=op.f("pk_whatsapp_window")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("variables", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("variables")

    op.drop_table("whatsapp_window")
    op.drop_table("whatsapp_template")
    op.drop_table("text_channel_choice")
