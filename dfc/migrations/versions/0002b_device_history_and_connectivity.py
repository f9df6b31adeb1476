"""device register: ownership, support periods, allocations, SIMs, allowances and usage

Revision ID: 0002b
Revises: 0002
Create Date: 2026-11-25 01:12:59.007015
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0002b"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ownership_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_kind",
            sa.Enum(
                "scheme",
                "council",
                "trust",
                "school",
                "family",
                name="ownerkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_kind",
            sa.Enum(
                "scheme",
                "council",
                "trust",
                "school",
                "family",
                name="ownerkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("to_organisation_id", sa.Integer(), nullable=True),
        sa.Column("to_family_id", sa.Integer(), nullable=True),
        sa.Column("transferred_on", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("acceptance", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_ownership_transfer_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_family_id"],
            ["family.id"],
            name=op.f("fk_ownership_transfer_to_family_id_family"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_ownership_transfer_to_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ownership_transfer")),
    )
    with op.batch_alter_table("ownership_transfer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ownership_transfer_device_id"), ["device_id"], unique=False
        )

    op.create_table(
        "support_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column(
            "provider",
            sa.Enum(
                "national-scheme",
                "council",
                "school",
                "supplier",
                "nobody",
                name="supportprovider",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("provider_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_support_period_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_period")),
    )
    with op.batch_alter_table("support_period", schema=None) as batch_op:
        batch_op.create_index(
            "ix_support_period_device_ends", ["device_id", "ends_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_support_period_ends_on"), ["ends_on"], unique=False)

    op.create_table(
        "allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("dongle_id", sa.Integer(), nullable=True),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("allocated_on", sa.Date(), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=True),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("return_reason", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_allocation_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["dongle_id"],
            ["dongle.id"],
            name=op.f("fk_allocation_dongle_id_dongle"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_allocation_family_id_family"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organisation.id"],
            name=op.f("fk_allocation_school_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation")),
    )
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocation_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_allocation_school_id"), ["school_id"], unique=False)
        batch_op.create_index(
            "uq_allocation_open_device",
            ["device_id"],
            unique=True,
            sqlite_where=sa.text("returned_on IS NULL"),
            postgresql_where=sa.text("returned_on IS NULL"),
        )
        batch_op.create_index(
            "uq_allocation_open_dongle",
            ["dongle_id"],
            unique=True,
            sqlite_where=sa.text("returned_on IS NULL AND dongle_id IS NOT NULL"),
            postgresql_where=sa.text("returned_on IS NULL AND dongle_id IS NOT NULL"),
        )

    op.create_table(
        "sim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iccid", sqlmodel.sql.sqltypes.AutoString(length=22), nullable=False),
        sa.Column("phone_number", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("network_operator", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("dongle_id", sa.Integer(), nullable=True),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("contract_starts_on", sa.Date(), nullable=False),
        sa.Column("contract_ends_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dongle_id"], ["dongle.id"], name=op.f("fk_sim_dongle_id_dongle"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["organisation.id"],
            name=op.f("fk_sim_holder_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sim")),
        sa.UniqueConstraint("iccid", name=op.f("uq_sim_iccid")),
    )
    with op.batch_alter_table("sim", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sim_contract_ends_on"), ["contract_ends_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sim_dongle_id"), ["dongle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sim_holder_id"), ["holder_id"], unique=False)

    op.create_table(
        "data_allowance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sim_id", sa.Integer(), nullable=False),
        sa.Column("gb_per_month", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sim_id"], ["sim.id"], name=op.f("fk_data_allowance_sim_id_sim"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_allowance")),
        sa.UniqueConstraint("sim_id", "effective_from", name=op.f("uq_data_allowance_sim_id")),
    )
    op.create_table(
        "data_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sim_id", sa.Integer(), nullable=False),
        sa.Column("read_on", sa.Date(), nullable=False),
        sa.Column("used_mb", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sim_id"], ["sim.id"], name=op.f("fk_data_usage_sim_id_sim"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_usage")),
        sa.UniqueConstraint("sim_id", "read_on", name=op.f("uq_data_usage_sim_id")),
    )
    with op.batch_alter_table("data_usage", schema=None) as batch_op:
        batch_op.create_index("ix_data_usage_read_on", ["read_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("data_usage", schema=None) as batch_op:
        batch_op.drop_index("ix_data_usage_read_on")

    op.drop_table("data_usage")
    op.drop_table("data_allowance")
    with op.batch_alter_table("sim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sim_holder_id"))
        batch_op.drop_index(batch_op.f("ix_sim_dongle_id"))
        batch_op.drop_index(batch_op.f("ix_sim_contract_ends_on"))

    op.drop_table("sim")
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_allocation_open_dongle",
            sqlite_where=sa.text("returned_on IS NULL AND dongle_id IS NOT NULL"),
            postgresql_where=sa.text("returned_on IS NULL AND dongle_id IS NOT NULL"),
        )
        batch_op.drop_index(
            "uq_allocation_open_device",
            sqlite_where=sa.text("returned_on IS NULL"),
            postgresql_where=sa.text("returned_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_allocation_school_id"))
        batch_op.drop_index(batch_op.f("ix_allocation_family_id"))

    op.drop_table("allocation")
    with op.batch_alter_table("support_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_period_ends_on"))
        batch_op.drop_index("ix_support_period_device_ends")

    op.drop_table("support_period")
    with op.batch_alter_table("ownership_transfer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ownership_transfer_device_id"))

    op.drop_table("ownership_transfer")
