"""a text joins its ticket once: ticket_message.provider_sid keeps Twilio's MessageSid,
unique, so a replayed webhook adds nothing

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # In a batch, so SQLite copies the table to add the constraint; PostgreSQL alters it.
    with op.batch_alter_table("ticket_message") as table:
        table.add_column(sa.Column("provider_sid", sa.String(length=64), nullable=True))
        table.create_unique_constraint("uq_ticket_message_provider_sid", ["provider_sid"])


def downgrade() -> None:
    with op.batch_alter_table("ticket_message") as table:
        table.drop_constraint("uq_ticket_message_provider_sid", type_="unique")
        table.drop_column("provider_sid")
