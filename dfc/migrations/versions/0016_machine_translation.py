"""a ticket message keeps a machine translation beside the words as written: the English of a
family's text, or the family's language of an agent's reply (what was sent), with the
languages, the service and when

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dfc.db_types import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("translated_text", sa.Text()),
    ("translated_from", sa.String(length=8)),
    ("translated_to", sa.String(length=8)),
    ("translated_by", sa.String(length=10)),
    ("translation_provider", sa.String(length=200)),
    ("translated_at", UTCDateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("ticket_message") as table:
        for name, kind in COLUMNS:
            table.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticket_message") as table:
        for name, _kind in reversed(COLUMNS):
            table.drop_column(name)
