"""information sharing agreements, and API keys tied to one

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sharing_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("partner_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("ended_early_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(partner_id IS NULL) <> (partner_name IS NULL)",
            name=op.f("ck_sharing_agreement_one_other_party"),
        ),
        sa.CheckConstraint(
            "ends_on > starts_on", name=op.f("ck_sharing_agreement_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["organisation.id"],
            name=op.f("fk_sharing_agreement_council_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["organisation.id"],
            name=op.f("fk_sharing_agreement_partner_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["staff_user.id"],
            name=op.f("fk_sharing_agreement_recorded_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreement")),
        sa.UniqueConstraint(
            "council_id", "reference", name=op.f("uq_sharing_agreement_council_id")
        ),
    )
    with op.batch_alter_table("sharing_agreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_agreement_council_id"), ["council_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sharing_agreement_partner_id"), ["partner_id"], unique=False
        )

    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreement_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_api_key_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_api_key_agreement_id_sharing_agreement"),
            "sharing_agreement",
            ["agreement_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_api_key_agreement_id_sharing_agreement"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_api_key_agreement_id"))
        batch_op.drop_column("agreement_id")

    with op.batch_alter_table("sharing_agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_agreement_partner_id"))
        batch_op.drop_index(batch_op.f("ix_sharing_agreement_council_id"))

    op.drop_table("sharing_agreement")
