"""indexes the device list and the look-up use: holder + serial number (a council's or
school's devices in serial order, page by page) and asset tag (exact look-up)

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_device_holder_serial", "device", ["holder_id", "serial_number"])
    op.create_index("ix_device_asset_tag", "device", ["asset_tag"])


def downgrade() -> None:
    op.drop_index("ix_device_asset_tag", table_name="device")
    op.drop_index("ix_device_holder_serial", table_name="device")
