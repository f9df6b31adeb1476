"""uplift requests: more data on a family's own number, asked of a mobile network
(uplift_request); networks are organisations of kind 'network' (a string: no change)

Revision ID: 0033
Revises: 0032
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dfc.db_types

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "uplift_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("account_holder_name", sa.String(length=200), nullable=False),
        sa.Column("phone_number", sa.String(length=16), nullable=False),
        sa.Column(
            "contract_type",
            sa.Enum(
                "pay-monthly", "pay-as-you-go", name="contracttype", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("data_gb", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "staff",
                "family-text",
                "help-pages",
                name="upliftsource",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "in-progress",
                "queried",
                "complete",
                "cancelled",
                "unavailable",
                "duplicate",
                name="upliftstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("network_note", sa.String(length=500), nullable=True),
        sa.Column("requested_by", sa.String(length=300), nullable=False),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("exported_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_uplift_request_family_id_family"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["organisation.id"],
            name=op.f("fk_uplift_request_network_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_uplift_request_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uplift_request")),
    )
    with op.batch_alter_table("uplift_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_uplift_request_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_uplift_request_network_id"), ["network_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_uplift_request_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_uplift_request_status"), ["status"], unique=False)
        batch_op.create_index(
            "uq_uplift_request_open_number",
            ["phone_number", "network_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('new', 'in-progress', 'queried')"),
            postgresql_where=sa.text("status IN ('new', 'in-progress', 'queried')"),
        )


def downgrade() -> None:
    with op.batch_alter_table("uplift_request", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_uplift_request_open_number",
            sqlite_where=sa.text("status IN ('new', 'in-progress', 'queried')"),
            postgresql_where=sa.text("status IN ('new', 'in-progress', 'queried')"),
        )
        batch_op.drop_index(batch_op.f("ix_uplift_request_status"))
        batch_op.drop_index(batch_op.f("ix_uplift_request_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_uplift_request_network_id"))
        batch_op.drop_index(batch_op.f("ix_uplift_request_family_id"))

    op.drop_table("uplift_request")
