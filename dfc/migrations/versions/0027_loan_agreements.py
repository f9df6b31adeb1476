"""loan agreements: a council's own loan terms per kind of loan, versioned; an allocation's
review and return dates

Revision ID: 0027
Revises: 0031
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0027"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "loan_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("device", "device-and-dongle", name="loankind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["organisation.id"],
            name=op.f("fk_loan_terms_council_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loan_terms")),
        sa.UniqueConstraint("council_id", "kind", "version", name=op.f("uq_loan_terms_council_id")),
    )
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("return_by", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_allocation_review_on"), ["review_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_return_by"), ["return_by"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allocation_return_by"))
        batch_op.drop_index(batch_op.f("ix_allocation_review_on"))
        batch_op.drop_column("return_by")
        batch_op.drop_column("review_on")
    op.drop_table("loan_terms")
