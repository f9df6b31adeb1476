"""The open datasets' figures, each one grouped SQL statement returning
(organisation_id, part, column, value): how many of something an organisation has.

These are public figures for every council, so they are not limited to a caller's
organisation: the register's own reports are called with `PUBLIC`, a scheme-wide caller, on
purpose. Nothing here reads a family, a pupil, a phone number or anything a person wrote;
only counts leave the database, and small ones are suppressed before they are published.
"""

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, case, func, literal, select, type_coerce

from accounts.models import Organisation, OrganisationKind
from devices import queries
from devices.management_queries import end_of_updates
from devices.models import (
    DataUsage,
    Device,
    DeviceRequest,
    Dongle,
    DongleStatus,
    Incident,
    OwnerKind,
    Sim,
)
from dfc.caller import Caller
from dfc.i18n import LANGUAGES
from reporting.dashboard.months import month_of
from reporting.open_data.catalogue import OTHER_LANGUAGE
from reporting.open_data.period import Period
from support.models import Ticket

PUBLIC = Caller(
    organisation_id=0,
    organisation_kind=OrganisationKind.SCHEME,
    organisation_name="Open data",
    role=None,
    name="open data",
)
IN_USE = (DongleStatus.ALLOCATED, DongleStatus.WITH_FAMILY)
IN_STOCK = (DongleStatus.IN_STOCK, DongleStatus.RETURNED)
NO_PART = ""


def _rows(organisation: Any, part: Any, field: Any, *amounts: Any) -> list[Any]:
    return [
        organisation.label("organisation_id"),
        part.label("part"),
        field.label("field"),
        *amounts,
    ]


def _grouped(rows: Select[Any], *, amount: str | None = None) -> Select[Any]:
    """`rows` (organisation_id, part, field[, amount]) counted, or their amounts added up,
    per organisation, part and field. Grouping over a subquery's columns, not over the
    expressions, keeps PostgreSQL from seeing two differently bound copies of a CASE."""
    inner = rows.subquery("figure_rows")
    value = func.count() if amount is None else func.sum(inner.c[amount])
    keys = (inner.c.organisation_id, inner.c.part, inner.c.field)
    statement = select(*keys, value.label("value")).group_by(*keys)
    return statement.having(value > 0) if amount is not None else statement


def devices_by_status(period: Period) -> Select[Any]:
    """Devices received by the month's end, by holder, kind and status; devices a family
    owns are counted in their own column, not under a status."""
    field = case(
        (Device.owner_kind == OwnerKind.FAMILY, literal("owned-by-family")),
        else_=type_coerce(Device.status, String),
    )
    rows = select(*_rows(Device.holder_id, type_coerce(Device.kind, String), field)).where(
        Device.received_on <= period.last
    )
    return _grouped(rows)


def cover_ending(period: Period) -> Select[Any]:
    """What ends in each of the 12 months after the month, by holder: the register's own
    reports of support, licences and SIM contracts ending, grouped by month."""
    window = {
        "within_days": (period.window_last - period.following).days,
        "today": period.following,
    }
    support = queries.cover_ending(PUBLIC, **window).subquery()
    licences = queries.licences_ending(PUBLIC, **window).subquery()
    sims = queries.dongle_contracts_ending(PUBLIC, **window).subquery()
    # A device counts once a month however many of its periods end in it.
    devices = select(
        *_rows(support.c.holder_id, literal("support"), month_of(support.c.ends_on)),
        support.c.device_id,
    ).distinct()
    seats = select(
        *_rows(licences.c.organisation_id, literal("licence_seats"), month_of(licences.c.ends_on)),
        licences.c.seats_used.label("amount"),
    )
    contracts = select(
        *_rows(sims.c.holder_id, literal("sim_contracts"), month_of(sims.c.contract_ends_on))
    )
    return _grouped(devices).union_all(  # type: ignore[return-value]
        _grouped(seats, amount="amount"), _grouped(contracts)
    )


def dongles(period: Period) -> Select[Any]:
    """Dongles and routers received by the month's end, in use or in stock, by holder."""
    field = case(
        (Dongle.status.in_(IN_USE), literal("dongles_in_use")), else_=literal("dongles_in_stock")
    )
    rows = select(*_rows(Dongle.holder_id, literal(NO_PART), field)).where(
        Dongle.received_on <= period.last, Dongle.status.in_(IN_USE + IN_STOCK)
    )
    return _grouped(rows)


def sims_active(period: Period) -> Select[Any]:
    """SIMs whose contract covered any day of the month, by holder."""
    rows = select(*_rows(Sim.holder_id, literal(NO_PART), literal("sims_active"))).where(
        Sim.contract_starts_on <= period.last, Sim.contract_ends_on >= period.first
    )
    return _grouped(rows)


def mb_used(period: Period) -> Select[Any]:
    """MB the SIMs active in the month used in it, by holder: each reading is the month so
    far, so a SIM's use is its largest reading in the month. Only active SIMs count, so the
    figure always stands for the SIMs counted beside it."""
    per_sim = (
        select(DataUsage.sim_id, func.max(DataUsage.used_mb).label("used_mb"))
        .where(DataUsage.read_on.between(period.first, period.last))
        .group_by(DataUsage.sim_id)
        .subquery("per_sim")
    )
    rows = select(
        *_rows(Sim.holder_id, literal(NO_PART), literal("mb_used")),
        per_sim.c.used_mb.label("amount"),
    ).join(per_sim, per_sim.c.sim_id == Sim.id)
    rows = rows.where(Sim.contract_starts_on <= period.last, Sim.contract_ends_on >= period.first)
    return _grouped(rows, amount="amount")


def tickets(period: Period, zone: ZoneInfo, *, by: str) -> Select[Any]:
    """Tickets opened in the month (the scheme's clock), by organisation and language (the
    service's languages, the rest as 'other') or category. Merged duplicates are counted
    once, in the ticket they joined, as on the council dashboard."""
    if by == "language":
        codes = [language.code for language in LANGUAGES]
        field = case((Ticket.language.in_(codes), Ticket.language), else_=literal(OTHER_LANGUAGE))
    else:
        field = type_coerce(Ticket.category, String)
    start, end = period.instants(zone)
    rows = select(*_rows(Ticket.organisation_id, literal(NO_PART), field)).where(
        Ticket.merged_into_id.is_(None), Ticket.created_at >= start, Ticket.created_at < end
    )
    return _grouped(rows)


def unmet_demand(period: Period) -> Select[Any]:
    """Devices asked for by the month's end and not provided, by school and kind: the rule
    of `devices.queries.unmet_demand` (declined requests count), split by kind."""
    rows = select(
        *_rows(DeviceRequest.school_id, literal(NO_PART), type_coerce(DeviceRequest.kind, String)),
        (DeviceRequest.quantity - DeviceRequest.quantity_fulfilled).label("amount"),
    ).where(DeviceRequest.requested_on <= period.last)
    return _grouped(rows, amount="amount")


def past_end_of_updates(period: Period) -> Select[Any]:
    """Devices received by the month's end whose security updates ended by then (their last
    day of updates on or before the month's last day), by holder and kind: the register's
    own `end_of_updates` report (in service, not yet the family's, on the day made)."""
    ended = end_of_updates(PUBLIC, within_days=0, today=period.last).subquery()
    rows = (
        select(*_rows(ended.c.holder_id, literal(NO_PART), type_coerce(Device.kind, String)))
        .select_from(ended)
        .join(Device, Device.id == ended.c.device_id)
        .where(Device.received_on <= period.last)
    )
    return _grouped(rows)


def incidents(period: Period) -> Select[Any]:
    """Damage, loss and theft that happened in the month, by the organisation that held the
    device and the kind: counts only, nothing about the family or what happened."""
    rows = select(
        *_rows(Incident.holder_id, literal(NO_PART), type_coerce(Incident.kind, String))
    ).where(Incident.happened_on.between(period.first, period.last))
    return _grouped(rows)


def councils() -> Select[Any]:
    """Every council, by name: each has a block in each dataset, zeros and all."""
    return (
        select(Organisation.id, Organisation.name, Organisation.gss_code)
        .where(Organisation.kind == OrganisationKind.COUNCIL)
        .order_by(Organisation.name, Organisation.id)
    )


def places() -> Select[Any]:
    """Every school and council, with the council each belongs to. Anything else that holds
    devices (the scheme, a trust) belongs to no council and is left out."""
    council = case(
        (Organisation.kind == OrganisationKind.COUNCIL, Organisation.id),
        else_=Organisation.council_id,
    )
    return select(
        Organisation.id,
        type_coerce(Organisation.kind, String).label("kind"),
        Organisation.name,
        Organisation.urn,
        council.label("council_id"),
    ).where(
        Organisation.kind.in_([OrganisationKind.COUNCIL, OrganisationKind.SCHOOL]),
    )
