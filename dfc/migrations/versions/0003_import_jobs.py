"""import jobs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 01:20:12.429157
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0003"
down_revision: str | None = "0002b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("manifest", "usage", name="importkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "succeeded",
                "failed",
                name="importstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_by_api_key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_api_key_id"],
            ["api_key.id"],
            name=op.f("fk_import_job_created_by_api_key_id_api_key"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["staff_user.id"],
            name=op.f("fk_import_job_created_by_user_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_import_job_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_job")),
    )
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_job_created_by_api_key_id"),
            ["created_by_api_key_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_import_job_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(
            "ix_import_job_organisation_created", ["organisation_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("import_job", schema=None) as batch_op:
        batch_op.drop_index("ix_import_job_organisation_created")
        batch_op.drop_index(batch_op.f("ix_import_job_created_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_import_job_created_by_api_key_id"))

    op.drop_table("import_job")
