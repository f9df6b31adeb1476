"""photos and files on tickets: ticket_attachment keeps each MediaUrlN of a family's text,
where it is stored, and whether it was refused or could not be fetched

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dfc.db_types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("media_url", sa.String(length=500), nullable=True),
        sa.Column("declared_type", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("storage_key", sa.String(length=100), nullable=True),
        sa.Column("thumbnail", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "waiting",
                "stored",
                "refused",
                "failed",
                "removed",
                name="attachmentstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stored_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["ticket_message.id"],
            name=op.f("fk_ticket_attachment_message_id_ticket_message"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_attachment_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_attachment")),
        sa.UniqueConstraint("message_id", "position", name=op.f("uq_ticket_attachment_message_id")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_ticket_attachment_storage_key")),
    )
    op.create_index(
        op.f("ix_ticket_attachment_message_id"), "ticket_attachment", ["message_id"], unique=False
    )
    op.create_index(
        op.f("ix_ticket_attachment_ticket_id"), "ticket_attachment", ["ticket_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_ticket_attachment_ticket_id"), table_name="ticket_attachment")
    op.drop_index(op.f("ix_ticket_attachment_message_id"), table_name="ticket_attachment")
    op.drop_table("ticket_attachment")
