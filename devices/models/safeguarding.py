"""Safeguarding settings a council sets (its safeguarding lead, and which of its device
managers filter the web) and the filtering reviews a router's new SIM calls for."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class CouncilSafeguarding(SQLModel, table=True):
    """One row per council: whom the daily list of unfiltered devices goes to, and which
    managers' enrolment counts as filtering (a council's Intune or Google Admin filters the
    web only if it set a filtering policy there, so each is "no" until the council says so)."""

    __tablename__ = "council_safeguarding"
    __table_args__ = (UniqueConstraint("council_id"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    council_id: int = Field(
        sa_column=not_personal().on(fk("organisation.id", ondelete="CASCADE", index=False))
    )
    lead_name: str | None = Field(
        default=None, max_length=200, **personal(DataCategory.STAFF, retention="staff-account")
    )
    lead_email: str | None = Field(
        default=None, max_length=254, **personal(DataCategory.STAFF, retention="staff-account")
    )
    intune_filters: bool = Field(default=False, **not_personal())
    google_admin_filters: bool = Field(default=False, **not_personal())
    other_mdm_filters: bool = Field(default=False, **not_personal())
    updated_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class FilteringReview(SQLModel, table=True):
    """A router's filtering to check because its SIM was replaced (a new SIM may come
    without the network's content bar). Open until a member of staff confirms the review."""

    __tablename__ = "filtering_review"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    dongle_id: int = Field(sa_column=not_personal().on(fk("dongle.id")))
    sim_id: int = Field(
        description="the new SIM", sa_column=not_personal().on(fk("sim.id", index=False))
    )
    replaced_sim_id: int | None = Field(
        default=None, sa_column=not_personal().on(fk("sim.id", nullable=True, index=False))
    )
    flagged_on: date = Field(description="the day in London, for the lists", **not_personal())
    flagged_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    flagged_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    reviewed_by: str | None = Field(
        default=None, max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    review_note: str | None = Field(
        default=None, max_length=500, **not_personal("what was checked on the router")
    )
