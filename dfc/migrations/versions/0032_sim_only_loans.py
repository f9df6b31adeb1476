"""SIM-only loans: a SIM lent to a family for the account holder's own phone (sim_loan),
and a SIM's PIN and PUK, encrypted (sim_codes)

Revision ID: 0032
Revises: 0030
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0032"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sim_codes",
        sa.Column("sim_id", sa.Integer(), nullable=False),
        sa.Column("pin_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("puk_sealed", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sim_id"], ["sim.id"], name=op.f("fk_sim_codes_sim_id_sim"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("sim_id", name=op.f("pk_sim_codes")),
    )
    op.create_table(
        "sim_loan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sim_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column(
            "plan",
            sa.Enum("data-only", "data-and-calls", name="simplan", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum("network", "data-bank", name="simsource", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("allocated_on", sa.Date(), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("return_reason", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_sim_loan_family_id_family"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organisation.id"],
            name=op.f("fk_sim_loan_school_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sim_id"], ["sim.id"], name=op.f("fk_sim_loan_sim_id_sim"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sim_loan")),
    )
    with op.batch_alter_table("sim_loan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sim_loan_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sim_loan_school_id"), ["school_id"], unique=False)
        batch_op.create_index(
            "uq_sim_loan_open_sim",
            ["sim_id"],
            unique=True,
            sqlite_where=sa.text("returned_on IS NULL"),
            postgresql_where=sa.text("returned_on IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("sim_loan", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_sim_loan_open_sim",
            sqlite_where=sa.text("returned_on IS NULL"),
            postgresql_where=sa.text("returned_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_sim_loan_school_id"))
        batch_op.drop_index(batch_op.f("ix_sim_loan_family_id"))

    op.drop_table("sim_loan")
    op.drop_table("sim_codes")
