"""access audit, subject access and erasure

The access audit and the erasure record are append-only. On PostgreSQL a row trigger raises
on any UPDATE or DELETE, whoever runs it, and UPDATE and DELETE are revoked from PUBLIC and
from the role that runs the migrations (the application's role). TRUNCATE is not a row
operation, so an operator (or the test suite) can still empty the table deliberately.

SQLite has no roles, so triggers are its only guard. A DELETE is let through only in a
transaction that has deferred its foreign keys (`PRAGMA defer_foreign_keys=ON`), which the
application never does and a deliberate wipe (the test suite's cleanup) does.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dfc.db_types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("access_audit", "erasure_record")
PG_FUNCTION = "refuse_append_only_change"
# A deliberate wipe (the test suite's cleanup) defers foreign keys first; the app never does.
SQLITE_UNLESS_WIPING = "WHEN (SELECT defer_foreign_keys FROM pragma_defer_foreign_keys) = 0"


def _enum(*values: str) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, create_constraint=False, length=32)


def _create_tables() -> None:
    op.create_table(
        "access_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_api_key_id", sa.Integer(), nullable=True),
        sa.Column("actor_organisation_id", sa.Integer(), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column(
            "action",
            _enum("read", "export", "search", "subject-access", "erasure"),
            nullable=False,
        ),
        sa.Column("subject_type", _enum("family", "ticket"), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("subject_organisation_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_audit")),
    )
    op.create_index(
        "ix_access_audit_actor_organisation",
        "access_audit",
        ["actor_organisation_id", "occurred_at"],
    )
    op.create_index("ix_access_audit_family", "access_audit", ["family_id"])
    op.create_index(
        "ix_access_audit_subject_organisation",
        "access_audit",
        ["subject_organisation_id", "occurred_at"],
    )
    op.create_table(
        "erasure_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("erased_at", UTCDateTime(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=True),
        sa.Column("erased_by_user_id", sa.Integer(), nullable=True),
        sa.Column("erased_by_api_key_id", sa.Integer(), nullable=True),
        sa.Column("erased_by_name", sa.String(length=200), nullable=False),
        sa.Column(
            "reason",
            _enum(
                "no-longer-needed",
                "consent-withdrawn",
                "objection",
                "unlawfully-processed",
                "legal-obligation",
            ),
            nullable=False,
        ),
        sa.Column("case_reference", sa.String(length=50), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_record")),
    )
    op.create_index(
        op.f("ix_erasure_record_council_id"), "erasure_record", ["council_id"], unique=False
    )
    op.create_index(
        op.f("ix_erasure_record_family_id"), "erasure_record", ["family_id"], unique=False
    )


def _protect_postgresql() -> None:
    op.execute(
        f"""
        CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% rows cannot be changed or deleted: the table is append-only',
                TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}()"
        )
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM PUBLIC")
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM CURRENT_USER")


def _protect_sqlite() -> None:
    for table in APPEND_ONLY:
        message = f"{table} rows cannot be changed or deleted: the table is append-only"
        op.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {SQLITE_UNLESS_WIPING} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )


def upgrade() -> None:
    _create_tables()
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _protect_postgresql()
    elif dialect == "sqlite":
        _protect_sqlite()


def downgrade() -> None:
    op.drop_index(op.f("ix_erasure_record_family_id"), table_name="erasure_record")
    op.drop_index(op.f("ix_erasure_record_council_id"), table_name="erasure_record")
    op.drop_table("erasure_record")
    op.drop_index("ix_access_audit_subject_organisation", table_name="access_audit")
    op.drop_index("ix_access_audit_family", table_name="access_audit")
    op.drop_index("ix_access_audit_actor_organisation", table_name="access_audit")
    op.drop_table("access_audit")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
