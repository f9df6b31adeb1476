"""device register: devices and their events, licences and seats, dongles, families, requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 01:12:59.007015
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "device_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "laptop", "tablet", "chromebook", name="devicekind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("quantity_fulfilled", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "approved",
                "fulfilled",
                "declined",
                name="requeststatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organisation.id"],
            name=op.f("fk_device_request_school_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_request")),
    )
    with op.batch_alter_table("device_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_device_request_school_id"), ["school_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_device_request_status"), ["status"], unique=False)

    op.create_table(
        "family",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("pupil_reference", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("year_group", sa.Integer(), nullable=True),
        sa.Column("phone_number", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("preferred_language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("sms_consent", sa.Boolean(), nullable=False),
        sa.Column("home_broadband", sa.Boolean(), nullable=False),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["organisation.id"],
            name=op.f("fk_family_school_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family")),
        sa.UniqueConstraint("school_id", "pupil_reference", name=op.f("uq_family_school_id")),
    )
    op.create_table(
        "licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "product",
            sa.Enum(
                "device-management",
                "operating-system",
                "office-suite",
                "web-filter",
                "antivirus",
                "other",
                name="licenceproduct",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("supplier", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("cost_per_seat_per_year", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("renewed_from_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_licence_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["renewed_from_id"],
            ["licence.id"],
            name=op.f("fk_licence_renewed_from_id_licence"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence")),
    )
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licence_ends_on"), ["ends_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_licence_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "laptop", "tablet", "chromebook", name="devicekind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("make", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("model", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("serial_number", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("asset_tag", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("operating_system", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "in-stock",
                "allocated",
                "with-family",
                "in-repair",
                "lost",
                "stolen",
                "returned",
                "retired",
                name="devicestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column(
            "owner_kind",
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
        sa.Column("owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("owner_family_id", sa.Integer(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("warranty_ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["organisation.id"],
            name=op.f("fk_device_holder_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_family_id"],
            ["family.id"],
            name=op.f("fk_device_owner_family_id_family"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_device_owner_organisation_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
        sa.UniqueConstraint("serial_number", name=op.f("uq_device_serial_number")),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index("ix_device_holder_status", ["holder_id", "status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_device_owner_family_id"), ["owner_family_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_device_owner_kind"), ["owner_kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_device_owner_organisation_id"), ["owner_organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_device_status"), ["status"], unique=False)

    op.create_table(
        "device_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_device_event_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_event")),
    )
    with op.batch_alter_table("device_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_event_device_id"), ["device_id"], unique=False)

    op.create_table(
        "dongle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("dongle", "router", name="donglekind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("imei", sqlmodel.sql.sqltypes.AutoString(length=15), nullable=False),
        sa.Column("make_model", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "in-stock",
                "allocated",
                "with-family",
                "faulty",
                "lost",
                "returned",
                "retired",
                name="donglestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("paired_device_id", sa.Integer(), nullable=True),
        sa.Column("batch_reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["organisation.id"],
            name=op.f("fk_dongle_holder_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["paired_device_id"],
            ["device.id"],
            name=op.f("fk_dongle_paired_device_id_device"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dongle")),
        sa.UniqueConstraint("imei", name=op.f("uq_dongle_imei")),
    )
    with op.batch_alter_table("dongle", schema=None) as batch_op:
        batch_op.create_index("ix_dongle_holder_status", ["holder_id", "status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dongle_paired_device_id"), ["paired_device_id"], unique=False
        )

    op.create_table(
        "licence_seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_licence_seat_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["licence_id"],
            ["licence.id"],
            name=op.f("fk_licence_seat_licence_id_licence"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence_seat")),
        sa.UniqueConstraint("licence_id", "device_id", name=op.f("uq_licence_seat_licence_id")),
    )
    with op.batch_alter_table("licence_seat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licence_seat_device_id"), ["device_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("licence_seat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licence_seat_device_id"))

    op.drop_table("licence_seat")
    with op.batch_alter_table("dongle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dongle_paired_device_id"))
        batch_op.drop_index("ix_dongle_holder_status")

    op.drop_table("dongle")
    with op.batch_alter_table("device_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_event_device_id"))

    op.drop_table("device_event")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_status"))
        batch_op.drop_index(batch_op.f("ix_device_owner_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_device_owner_kind"))
        batch_op.drop_index(batch_op.f("ix_device_owner_family_id"))
        batch_op.drop_index("ix_device_holder_status")

    op.drop_table("device")
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_licence_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_licence_ends_on"))

    op.drop_table("licence")
    op.drop_table("family")
    with op.batch_alter_table("device_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_request_status"))
        batch_op.drop_index(batch_op.f("ix_device_request_school_id"))

    op.drop_table("device_request")
