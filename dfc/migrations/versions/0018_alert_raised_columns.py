"""alert_raised gets the parts of its key as columns (kind, item_id, threshold, ends_on), so
the daily scan's queries can leave out what was raised before (NOT EXISTS) instead of
reading a million keys back; the register's existing keys are split into them.

Revision ID: 0018
Revises: 0024
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The register's keys: "support-ends:device-42:2027-01-31:30d", "licence-ends:licence-7:...",
# "connectivity-ends:sim-9:...", "unsupported:device-42", "data:sim-9:2026-11:80" and the
# scan's own mark "scan:council-3:2026-11-25". Other rules' keys (sla, agreements) stay as
# they are: only their key is ever looked at.
KINDS = ("support-ends", "licence-ends", "connectivity-ends", "unsupported", "data", "scan")

POSTGRESQL_BACKFILL = """
UPDATE alert_raised SET
    kind = split_part(key, ':', 1),
    item_id = CAST(substring(split_part(key, ':', 2) FROM '[0-9]+$') AS integer),
    ends_on = CASE
        WHEN split_part(key, ':', 1) = 'data' THEN CAST(split_part(key, ':', 3) || '-01' AS date)
        ELSE CAST(NULLIF(split_part(key, ':', 3), '') AS date)
    END,
    threshold = CAST(
        NULLIF(regexp_replace(split_part(key, ':', 4), '[^0-9]', '', 'g'), '') AS integer
    )
WHERE split_part(key, ':', 1) IN ('support-ends', 'licence-ends', 'connectivity-ends',
                                  'unsupported', 'data', 'scan')
"""


def parse(key: str) -> dict[str, object]:
    """The columns for one register key (the SQLite path; PostgreSQL does it in SQL)."""
    kind, item, *rest = [*key.split(":"), ""]
    day = rest[0] if rest else ""
    if kind == "data" and day:
        day += "-01"
    level = "".join(ch for ch in (rest[1] if len(rest) > 1 else "") if ch.isdigit())
    digits = item.rsplit("-", 1)[-1]
    return {
        "k": key,
        "kind": kind,
        "item_id": int(digits) if digits.isdigit() else None,
        "ends_on": date.fromisoformat(day) if day else None,
        "threshold": int(level) if level else None,
    }


def upgrade() -> None:
    with op.batch_alter_table("alert_raised", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sqlmodel.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("item_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("threshold", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(POSTGRESQL_BACKFILL)
    else:
        table = sa.table(
            "alert_raised",
            sa.column("key"),
            sa.column("kind"),
            sa.column("item_id"),
            sa.column("threshold"),
            sa.column("ends_on", sa.Date()),
        )
        keys = bind.execute(sa.select(table.c.key)).scalars()
        rows = [parse(key) for key in keys if key.split(":", 1)[0] in KINDS]
        if rows:
            bind.execute(
                table.update()
                .where(table.c.key == sa.bindparam("k"))
                .values(
                    kind=sa.bindparam("kind"),
                    item_id=sa.bindparam("item_id"),
                    threshold=sa.bindparam("threshold"),
                    ends_on=sa.bindparam("ends_on"),
                ),
                rows,
            )
    op.create_index(
        "ix_alert_raised_item", "alert_raised", ["kind", "item_id", "ends_on", "threshold"]
    )


def downgrade() -> None:
    op.drop_index("ix_alert_raised_item", table_name="alert_raised")
    with op.batch_alter_table("alert_raised", schema=None) as batch_op:
        batch_op.drop_column("ends_on")
        batch_op.drop_column("threshold")
        batch_op.drop_column("item_id")
        batch_op.drop_column("kind")
