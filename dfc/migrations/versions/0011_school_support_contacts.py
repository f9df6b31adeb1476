"""schools set their own points of contact too: support_contact.council_id becomes
organisation_id (a council or a school), and a contact's name is optional

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _hold_contacts_by(old: str, new: str, *, name_nullable: bool) -> None:
    # In a batch, so SQLite copies the table; PostgreSQL alters it in place. Every name
    # follows the naming convention of dfc.db_types, so the models and migrations agree.
    with op.batch_alter_table("support_contact") as table:
        table.drop_index(f"ix_support_contact_{old}")
        table.drop_constraint(f"uq_support_contact_{old}", type_="unique")
        table.drop_constraint(f"fk_support_contact_{old}_organisation", type_="foreignkey")
        table.alter_column(old, new_column_name=new, existing_type=sa.Integer(), nullable=False)
        table.alter_column("name", existing_type=sa.String(length=200), nullable=name_nullable)
    # A second batch: the first's copy of the table must have the renamed column first.
    with op.batch_alter_table("support_contact") as table:
        table.create_foreign_key(
            f"fk_support_contact_{new}_organisation",
            "organisation",
            [new],
            ["id"],
            ondelete="CASCADE",
        )
        table.create_unique_constraint(f"uq_support_contact_{new}", [new, "category"])
        table.create_index(f"ix_support_contact_{new}", [new], unique=False)


def upgrade() -> None:
    _hold_contacts_by("council_id", "organisation_id", name_nullable=True)


def downgrade() -> None:
    # Only councils held contacts before: a school's own are removed, and a blank name
    # is filled with the team that answers, as the column needs one.
    op.execute(
        "DELETE FROM support_contact WHERE organisation_id IN "
        "(SELECT id FROM organisation WHERE kind <> 'council')"
    )
    op.execute("UPDATE support_contact SET name = team WHERE name IS NULL")
    _hold_contacts_by("organisation_id", "council_id", name_nullable=False)
