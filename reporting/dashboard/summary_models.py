"""The dashboard's daily figures, one set of rows per organisation (a school, a council for
what it holds itself, a trust): what that organisation holds, counted when the summaries
were last computed. A council's dashboard adds up the rows of the organisations it reaches,
a school's would read its own; nothing here is personal."""

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from devices.models import DeviceStatus
from dfc.db_types import UTCDateTime, string_enum
from dfc.personal_data.marks import not_personal


def _organisation() -> Column:
    return not_personal().on(
        Column(
            Integer,
            ForeignKey("organisation.id", ondelete="CASCADE"),
            primary_key=True,
            nullable=False,
        )
    )


class DashboardHeadline(SQLModel, table=True):
    """The figures at the top of the dashboard, and when they were counted. Every
    organisation in a computed scope has a row (zeros included), so a scope with none has
    never been computed."""

    __tablename__ = "dashboard_headline"

    organisation_id: int = Field(sa_column=_organisation())
    devices_in_service: int = Field(default=0, **not_personal())
    owned_by_families: int = Field(default=0, **not_personal())
    short_of_cover: int = Field(default=0, **not_personal())
    sims_at_cap: int = Field(default=0, **not_personal())
    devices_unmet: int = Field(default=0, **not_personal())
    past_end_of_updates: int = Field(default=0, **not_personal())
    as_of: date = Field(**not_personal("the day the windows and this month were counted from"))
    computed_at: datetime = Field(sa_type=UTCDateTime, **not_personal())


class DashboardStatus(SQLModel, table=True):
    """Devices the organisation holds in each status (families' own devices left out)."""

    __tablename__ = "dashboard_status"

    organisation_id: int = Field(sa_column=_organisation())
    status: DeviceStatus = Field(
        sa_type=string_enum(DeviceStatus), primary_key=True, **not_personal()
    )
    devices: int = Field(**not_personal())


class DashboardEnding(SQLModel, table=True):
    """What ends in each month of a window (30, 90 or 180 days from `as_of`): only the
    months where something does."""

    __tablename__ = "dashboard_ending"

    organisation_id: int = Field(sa_column=_organisation())
    within_days: int = Field(primary_key=True, **not_personal())
    month: str = Field(max_length=7, primary_key=True, **not_personal("YYYY-MM"))
    devices_cover_ending: int = Field(default=0, **not_personal())
    licences_ending: int = Field(default=0, **not_personal())
    licence_seats_ending: int = Field(default=0, **not_personal())
    sims_ending: int = Field(default=0, **not_personal())
    devices_updates_ending: int = Field(
        default=0, **not_personal("devices whose security updates end in the month")
    )


class DashboardIncidents(SQLModel, table=True):
    """Incidents the organisation recorded in the year to `as_of`, by kind, and how many of
    its families they touched (more than one: a pattern worth a look). Only organisations
    with incidents have a row."""

    __tablename__ = "dashboard_incidents"

    organisation_id: int = Field(sa_column=_organisation())
    damage: int = Field(default=0, **not_personal())
    loss: int = Field(default=0, **not_personal())
    theft: int = Field(default=0, **not_personal())
    still_open: int = Field(default=0, **not_personal("open incidents, whenever they happened"))
    families: int = Field(default=0, **not_personal("families with an incident in the year"))
    repeat_families: int = Field(
        default=0, **not_personal("families with more than one incident in the year")
    )
