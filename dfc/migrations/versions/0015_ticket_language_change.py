"""ticket_language_change keeps every change to a ticket's language (and the family's with
it): from what, to what, who (the family by text, or staff) and why

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dfc.db_types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_language_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("from_language", sa.String(length=8), nullable=True),
        sa.Column("to_language", sa.String(length=8), nullable=False),
        sa.Column("family_from_language", sa.String(length=8), nullable=True),
        sa.Column("changed_by", sa.String(length=20), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("changed_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
            name=op.f("fk_ticket_language_change_ticket_id_ticket"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_ticket_language_change_family_id_family"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_user.id"],
            name=op.f("fk_ticket_language_change_staff_user_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_language_change")),
    )
    for column in ("ticket_id", "family_id", "staff_user_id"):
        op.create_index(
            op.f(f"ix_ticket_language_change_{column}"),
            "ticket_language_change",
            [column],
            unique=False,
        )


def downgrade() -> None:
    for column in ("staff_user_id", "family_id", "ticket_id"):
        op.drop_index(
            op.f(f"ix_ticket_language_change_{column}"), table_name="ticket_language_change"
        )
    op.drop_table("ticket_language_change")
