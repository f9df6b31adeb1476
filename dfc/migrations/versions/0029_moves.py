"""moves: a family's move to another school or council (offered, accepted or declined),
schools' predecessor and successor links, and the jobs that move a school's register to
its successor

Revision ID: 0029
Revises: 0028
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import dfc.db_types

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "academy-conversion",
                "closure",
                "merger",
                name="linkkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("linked_on", sa.Date(), nullable=False),
        sa.Column("predecessor_urn", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("successor_urn", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["predecessor_id"],
            ["organisation.id"],
            name=op.f("fk_school_link_predecessor_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"],
            ["organisation.id"],
            name=op.f("fk_school_link_successor_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_link")),
        sa.UniqueConstraint(
            "predecessor_id", "successor_id", name=op.f("uq_school_link_predecessor_id")
        ),
    )
    with op.batch_alter_table("school_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_link_predecessor_id"), ["predecessor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_school_link_successor_id"), ["successor_id"], unique=False
        )

    op.create_table(
        "family_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "within-council", "between-councils", name="movekind", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "offered",
                "completed",
                "declined",
                "cancelled",
                name="movestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("from_school_id", sa.Integer(), nullable=False),
        sa.Column("to_school_id", sa.Integer(), nullable=False),
        sa.Column("from_council_id", sa.Integer(), nullable=False),
        sa.Column("to_council_id", sa.Integer(), nullable=False),
        sa.Column(
            "new_pupil_reference", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True
        ),
        sa.Column("moves_on", sa.Date(), nullable=False),
        sa.Column("offered_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("offered_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("decided_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["family.id"],
            name=op.f("fk_family_move_family_id_family"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["from_council_id"],
            ["organisation.id"],
            name=op.f("fk_family_move_from_council_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["from_school_id"],
            ["organisation.id"],
            name=op.f("fk_family_move_from_school_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_council_id"],
            ["organisation.id"],
            name=op.f("fk_family_move_to_council_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_school_id"],
            ["organisation.id"],
            name=op.f("fk_family_move_to_school_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_move")),
    )
    with op.batch_alter_table("family_move", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_move_family_id"), ["family_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_family_move_from_school_id"), ["from_school_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_family_move_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_family_move_to_school_id"), ["to_school_id"], unique=False
        )
        batch_op.create_index(
            "uq_family_move_open_offer",
            ["family_id"],
            unique=True,
            sqlite_where=sa.text("status = 'offered'"),
            postgresql_where=sa.text("status = 'offered'"),
        )

    op.create_table(
        "school_conversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="conversionstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("steps_total", sa.Integer(), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("requested_by_organisation_id", sa.Integer(), nullable=False),
        sa.Column("queued_at", dfc.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", dfc.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["school_link.id"],
            name=op.f("fk_school_conversion_link_id_school_link"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["predecessor_id"],
            ["organisation.id"],
            name=op.f("fk_school_conversion_predecessor_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"],
            ["organisation.id"],
            name=op.f("fk_school_conversion_successor_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_conversion")),
    )
    with op.batch_alter_table("school_conversion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_conversion_link_id"), ["link_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_school_conversion_predecessor_id"), ["predecessor_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("school_conversion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_conversion_predecessor_id"))
        batch_op.drop_index(batch_op.f("ix_school_conversion_link_id"))

    op.drop_table("school_conversion")
    with op.batch_alter_table("family_move", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_family_move_open_offer",
            sqlite_where=sa.text("status = 'offered'"),
            postgresql_where=sa.text("status = 'offered'"),
        )
        batch_op.drop_index(batch_op.f("ix_family_move_to_school_id"))
        batch_op.drop_index(batch_op.f("ix_family_move_status"))
        batch_op.drop_index(batch_op.f("ix_family_move_from_school_id"))
        batch_op.drop_index(batch_op.f("ix_family_move_family_id"))

    op.drop_table("family_move")
    with op.batch_alter_table("school_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_link_successor_id"))
        batch_op.drop_index(batch_op.f("ix_school_link_predecessor_id"))

    op.drop_table("school_link")
