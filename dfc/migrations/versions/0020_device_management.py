"""device management: each device's manager and enrolment state from the managers' exports
(device_management), the devices an export lists that the register does not hold
(unmatched_managed_device), and the day each model or operating system stops getting
security updates (end_of_updates, with the published end of support of older Windows)

Revision ID: 0020
Revises: 0017
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import dfc.db_types

revision: str = "0020"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MANAGERS = ("intune", "google-admin", "other-mdm", "none")
STATES = ("enrolled", "retire-requested", "deprovisioned", "not-managed")
# Microsoft's published end of support (the same list as devices.service.end_of_updates).
WINDOWS = (
    ("Windows 7", date(2020, 1, 14)),
    ("Windows 8.1", date(2023, 1, 10)),
    ("Windows 10", date(2025, 10, 14)),
    ("Windows 10 Home", date(2025, 10, 14)),
    ("Windows 10 Pro", date(2025, 10, 14)),
    ("Windows 10 Education", date(2025, 10, 14)),
    ("Windows 10 Pro Education", date(2025, 10, 14)),
)


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    end_of_updates = op.create_table(
        "end_of_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(("model", "operating-system"), "updateskind"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column(
            "source",
            _enum(("reference", "google-export", "admin"), "updatessource"),
            nullable=False,
        ),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_end_of_updates")),
        sa.UniqueConstraint("kind", "name_key", name=op.f("uq_end_of_updates_kind")),
    )
    op.create_table(
        "device_management",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("manager", _enum(MANAGERS, "manager"), nullable=False),
        sa.Column("state", _enum(STATES, "enrolmentstate"), nullable=False),
        sa.Column("manager_status", sa.String(length=50), nullable=True),
        sa.Column("last_check_in_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("enrolled_on", sa.Date(), nullable=True),
        sa.Column("primary_user", sa.String(length=254), nullable=True),
        sa.Column("reported_model", sa.String(length=100), nullable=True),
        sa.Column("os_version", sa.String(length=100), nullable=True),
        sa.Column("org_unit", sa.String(length=200), nullable=True),
        sa.Column("asset_id", sa.String(length=100), nullable=True),
        sa.Column("ownership", sa.String(length=50), nullable=True),
        sa.Column("compliance", sa.String(length=50), nullable=True),
        sa.Column("auto_update_expires_on", sa.Date(), nullable=True),
        sa.Column("updated_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_device_management_device_id_device"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_management")),
        sa.UniqueConstraint("device_id", name=op.f("uq_device_management_device_id")),
    )
    op.create_index(
        "ix_device_management_state_check_in",
        "device_management",
        ["state", "last_check_in_at"],
        unique=False,
    )
    op.create_table(
        "unmatched_managed_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("manager", _enum(MANAGERS, "manager"), nullable=False),
        sa.Column("serial_number", sa.String(length=100), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("state", _enum(STATES, "enrolmentstate"), nullable=False),
        sa.Column("manager_status", sa.String(length=50), nullable=True),
        sa.Column("reported_model", sa.String(length=100), nullable=True),
        sa.Column("last_check_in_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("seen_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_unmatched_managed_device_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmatched_managed_device")),
        sa.UniqueConstraint(
            "organisation_id",
            "manager",
            "serial_number",
            name=op.f("uq_unmatched_managed_device_organisation_id"),
        ),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        end_of_updates,
        [
            {
                "kind": "operating-system",
                "name": name,
                "name_key": name.lower(),
                "ends_on": ends_on,
                "source": "reference",
                "updated_by": "the service",
                "updated_at": now,
            }
            for name, ends_on in WINDOWS
        ],
    )


def downgrade() -> None:
    op.drop_table("unmatched_managed_device")
    op.drop_index("ix_device_management_state_check_in", table_name="device_management")
    op.drop_table("device_management")
    op.drop_table("end_of_updates")
