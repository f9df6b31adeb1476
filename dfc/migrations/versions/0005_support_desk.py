"""support desk

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 02:19:21.209087
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "support_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "will-not-switch-on",
                "broken-screen",
                "cannot-connect",
                "data-used-up",
                "locked-out",
                "lost-or-stolen",
                "other",
                name="category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "team",
            sa.Enum(
                "school-it",
                "council-helpdesk",
                "supplier",
                "national-helpline",
                name="team",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("hours", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["organisation.id"],
            name=op.f("fk_support_contact_council_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_contact")),
        sa.UniqueConstraint("council_id", "category", name=op.f("uq_support_contact_council_id")),
    )
    with op.batch_alter_table("support_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_contact_council_id"), ["council_id"], unique=False
        )

    op.create_table(
        "agent_language",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_agent_language_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "language", name=op.f("pk_agent_language")),
    )
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("access_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column(
            "requester",
            sa.Enum(
                "family", "staff", "agent", "system", name="author", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("phone_number", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column(
            "via",
            sa.Enum("web", "sms", "whatsapp", "staff", name="via", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "category",
            sa.Enum(
                "will-not-switch-on",
                "broken-screen",
                "cannot-connect",
                "data-used-up",
                "locked-out",
                "lost-or-stolen",
                "other",
                name="category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("language_confidence", sa.Float(), nullable=True),
        sa.Column("language_source", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "open",
                "waiting-on-family",
                "resolved",
                "closed",
                name="ticketstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "priority",
            sa.Enum(
                "urgent",
                "high",
                "normal",
                "low",
                name="ticketpriority",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "team",
            sa.Enum(
                "school-it",
                "council-helpdesk",
                "supplier",
                "national-helpline",
                name="team",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("first_response_due", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolution_due", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_responded_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["staff_user.id"],
            name=op.f("fk_ticket_agent_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_ticket_device_id_device"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_ticket_family_id_family"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_merged_into_id_ticket"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_ticket_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket")),
        sa.UniqueConstraint("access_hash", name=op.f("uq_ticket_access_hash")),
        sa.UniqueConstraint("reference", name=op.f("uq_ticket_reference")),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_agent_id"), ["agent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ticket_family_id"), ["family_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ticket_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ticket_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ticket_phone_number"), ["phone_number"], unique=False)
        batch_op.create_index("ix_ticket_queue", ["status", "language"], unique=False)

    op.create_table(
        "ticket_follow_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_follow_code_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_follow_code")),
    )
    with op.batch_alter_table("ticket_follow_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_follow_code_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "ticket_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column(
            "author",
            sa.Enum(
                "family", "staff", "agent", "system", name="author", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column(
            "via",
            sa.Enum("web", "sms", "whatsapp", "staff", name="via", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["staff_user.id"],
            name=op.f("fk_ticket_message_author_user_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_message_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_message")),
    )
    with op.batch_alter_table("ticket_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_message_author_user_id"), ["author_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ticket_message_ticket_id"), ["ticket_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_message_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_message_author_user_id"))

    op.drop_table("ticket_message")
    with op.batch_alter_table("ticket_follow_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_follow_code_ticket_id"))

    op.drop_table("ticket_follow_code")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_queue")
        batch_op.drop_index(batch_op.f("ix_ticket_phone_number"))
        batch_op.drop_index(batch_op.f("ix_ticket_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_family_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_device_id"))
        batch_op.drop_index(batch_op.f("ix_ticket_agent_id"))

    op.drop_table("ticket")
    op.drop_table("agent_language")
    with op.batch_alter_table("support_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_contact_council_id"))

    op.drop_table("support_contact")
