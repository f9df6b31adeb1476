"""a device's support periods become cover periods, so "support" means only the help desk

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED_CONSTRAINTS = (
    ("pk_support_period", "pk_cover_period"),
    ("fk_support_period_device_id_device", "fk_cover_period_device_id_device"),
)


def _rename(old: str, new: str, *, constraints: tuple[tuple[str, str], ...]) -> None:
    op.drop_index(f"ix_{old}_device_ends", table_name=old)
    op.drop_index(f"ix_{old}_ends_on", table_name=old)
    op.rename_table(old, new)
    if op.get_bind().dialect.name == "postgresql":
        # SQLite keeps constraint names only in the table's text and never uses them.
        for before, after in constraints:
            op.execute(f'ALTER TABLE "{new}" RENAME CONSTRAINT "{before}" TO "{after}"')
        op.execute(f'ALTER SEQUENCE "{old}_id_seq" RENAME TO "{new}_id_seq"')
    op.create_index(f"ix_{new}_device_ends", new, ["device_id", "ends_on"], unique=False)
    op.create_index(f"ix_{new}_ends_on", new, ["ends_on"], unique=False)


def upgrade() -> None:
    _rename("support_period", "cover_period", constraints=RENAMED_CONSTRAINTS)
    with op.batch_alter_table("alert_policy") as table:
        table.alter_column("support_days", new_column_name="cover_days")


def downgrade() -> None:
    with op.batch_alter_table("alert_policy") as table:
        table.alter_column("cover_days", new_column_name="support_days")
    back = tuple((after, before) for before, after in RENAMED_CONSTRAINTS)
    _rename("cover_period", "support_period", constraints=back)
