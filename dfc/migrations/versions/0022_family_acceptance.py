"""family acceptance: a family's answer to a handover's terms, by a texted one-time link or
in person with the member of staff named

Revision ID: 0022
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0022"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "family_acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum("handover", name="acceptancepurpose", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("terms", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "method",
            sa.Enum("link", "in-person", name="acceptancemethod", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("expires_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("asked_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("asked_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "answer",
            sa.Enum("accepted", "declined", name="acceptanceanswer", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("answered_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("witnessed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_family_acceptance_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_family_acceptance_family_id_family"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_family_acceptance_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_acceptance")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_family_acceptance_token_hash")),
    )
    with op.batch_alter_table("family_acceptance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_acceptance_device_id"), ["device_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_acceptance_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_family_acceptance_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("family_acceptance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_acceptance_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_family_acceptance_family_id"))
        batch_op.drop_index(batch_op.f("ix_family_acceptance_device_id"))

    op.drop_table("family_acceptance")
