"""A council's own loan agreement text, per kind of loan, versioned: editing the text adds
a version and never changes one, so every family's acceptance (devices.models.acceptance,
purpose "loan") stays tied to the words it accepted. Without a version of its own, a council
lends on the service's default terms (devices.loan_terms), translated into every language."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class LoanKind(StrEnum):
    DEVICE = "device"  # a laptop or tablet on its own
    DEVICE_AND_DONGLE = "device-and-dongle"  # with a 4G dongle: the data terms too


class LoanTerms(SQLModel, table=True):
    __tablename__ = "loan_terms"
    __table_args__ = (UniqueConstraint("council_id", "kind", "version"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    council_id: int = Field(sa_column=not_personal().on(fk("organisation.id", index=False)))
    kind: LoanKind = Field(sa_type=string_enum(LoanKind), **not_personal())
    version: int = Field(ge=1, **not_personal())
    body: str = Field(
        sa_type=Text, description="one point a line, as staff wrote it", **not_personal()
    )
    created_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
