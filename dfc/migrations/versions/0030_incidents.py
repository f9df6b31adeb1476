"""incidents: damage, loss and theft of a device as records of their own (device_incident),
their photos and files (device_incident_file), and the dashboard's daily incident figures
(dashboard_incidents)

Revision ID: 0030
Revises: 0029
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dfc.db_types

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_incidents",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("damage", sa.Integer(), nullable=False),
        sa.Column("loss", sa.Integer(), nullable=False),
        sa.Column("theft", sa.Integer(), nullable=False),
        sa.Column("still_open", sa.Integer(), nullable=False),
        sa.Column("families", sa.Integer(), nullable=False),
        sa.Column("repeat_families", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_dashboard_incidents_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_dashboard_incidents")),
    )
    op.create_table(
        "device_incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("damage", "loss", "theft", name="incidentkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("open", "closed", name="incidentstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("crime_reference", sa.String(length=50), nullable=True),
        sa.Column("insurance_reference", sa.String(length=50), nullable=True),
        sa.Column(
            "responsible_party",
            sa.Enum(
                "unknown",
                "nobody",
                "family",
                "school",
                "supplier",
                "third-party",
                name="responsibleparty",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "warranty_status",
            sa.Enum(
                "none",
                "claimed",
                "accepted",
                "rejected",
                "settled",
                name="warrantystatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("warranty_supplier", sa.String(length=100), nullable=True),
        sa.Column("warranty_reference", sa.String(length=100), nullable=True),
        sa.Column("warranty_claimed_on", sa.Date(), nullable=True),
        sa.Column("warranty_updated_on", sa.Date(), nullable=True),
        sa.Column("loaner_device_id", sa.Integer(), nullable=True),
        sa.Column("loaner_issued_on", sa.Date(), nullable=True),
        sa.Column("loaner_returned_on", sa.Date(), nullable=True),
        sa.Column("disabled_in_manager_on", sa.Date(), nullable=True),
        sa.Column("disabled_by", sa.String(length=200), nullable=True),
        sa.Column("charge_pence", sa.Integer(), nullable=True),
        sa.Column("charge_reason", sa.String(length=500), nullable=True),
        sa.Column("charged_on", sa.Date(), nullable=True),
        sa.Column("charged_by", sa.String(length=200), nullable=True),
        sa.Column("waived_on", sa.Date(), nullable=True),
        sa.Column("waived_by", sa.String(length=200), nullable=True),
        sa.Column("waiver_reason", sa.String(length=500), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_device_incident_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_device_incident_family_id_family"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["organisation.id"],
            name=op.f("fk_device_incident_holder_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["loaner_device_id"],
            ["device.id"],
            name=op.f("fk_device_incident_loaner_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_incident")),
    )
    with op.batch_alter_table("device_incident", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_device_incident_device_id"), ["device_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_device_incident_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            "ix_device_incident_holder_happened", ["holder_id", "happened_on"], unique=False
        )
        batch_op.create_index("ix_device_incident_loaner", ["loaner_device_id"], unique=False)

    op.create_table(
        "device_incident_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=100), nullable=True),
        sa.Column("thumbnail", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["device_incident.id"],
            name=op.f("fk_device_incident_file_incident_id_device_incident"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_incident_file")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_device_incident_file_storage_key")),
    )
    with op.batch_alter_table("device_incident_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_device_incident_file_incident_id"), ["incident_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("device_incident_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_incident_file_incident_id"))

    op.drop_table("device_incident_file")
    with op.batch_alter_table("device_incident", schema=None) as batch_op:
        batch_op.drop_index("ix_device_incident_loaner")
        batch_op.drop_index("ix_device_incident_holder_happened")
        batch_op.drop_index(batch_op.f("ix_device_incident_family_id"))
        batch_op.drop_index(batch_op.f("ix_device_incident_device_id"))

    op.drop_table("device_incident")
    op.drop_table("dashboard_incidents")
