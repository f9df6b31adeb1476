"""SIM-only loans: a SIM lent to a family for the account holder's own phone, with no device
or dongle; and a SIM's PIN and PUK, kept encrypted.

A table of its own rather than an allocation without a device: every query over
allocations (handover, returns, cover, loan dates, texts naming "your laptop") joins a
device and stays right as it is, and the SIM's own alerts already go by the SIM."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, text
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.audit.models import SubjectType
from dfc.audit.writer import register_subject
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal

OPEN = text("returned_on IS NULL")


class SimPlan(StrEnum):
    DATA_ONLY = "data-only"
    DATA_AND_CALLS = "data-and-calls"


class SimSource(StrEnum):
    NETWORK = "network"  # bought from or given by a mobile network
    DATA_BANK = "data-bank"  # a data bank's stock (e.g. the National Databank)


class SimLoan(SQLModel, table=True):
    """A SIM with a family, in the adult account holder's own phone. The database refuses
    a second open loan of the same SIM."""

    __tablename__ = "sim_loan"
    __table_args__ = (
        Index(
            "uq_sim_loan_open_sim", "sim_id", unique=True, sqlite_where=OPEN, postgresql_where=OPEN
        ),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    sim_id: int = Field(sa_column=not_personal().on(fk("sim.id", index=False)))
    family_id: int = Field(
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(fk("family.id"))
    )
    school_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    plan: SimPlan = Field(default=SimPlan.DATA_ONLY, sa_type=string_enum(SimPlan), **not_personal())
    source: SimSource = Field(
        default=SimSource.NETWORK, sa_type=string_enum(SimSource), **not_personal()
    )
    allocated_on: date = Field(**not_personal())
    returned_on: date | None = Field(default=None, **not_personal())
    return_reason: str | None = Field(
        default=None, max_length=50, **not_personal("ended, lost or stolen")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class SimCodes(SQLModel, table=True):
    """A SIM's PIN and PUK, encrypted (dfc.sealed): shown only to staff who run the SIM,
    each showing recorded in the access audit when the SIM is on loan."""

    __tablename__ = "sim_codes"

    sim_id: int = Field(
        sa_column=not_personal().on(
            Column(Integer, ForeignKey("sim.id", ondelete="CASCADE"), primary_key=True)
        )
    )
    pin_sealed: bytes | None = Field(
        default=None,
        sa_type=LargeBinary,
        **not_personal("the SIM's own unlock code, held by the scheme, encrypted"),
    )
    puk_sealed: bytes | None = Field(
        default=None,
        sa_type=LargeBinary,
        **not_personal("the SIM's own unblock code, held by the scheme, encrypted"),
    )


register_subject(
    SubjectType.SIM_LOAN,
    id_column=SimLoan.id,
    family_column=SimLoan.family_id,
    organisation_column=SimLoan.school_id,
)
