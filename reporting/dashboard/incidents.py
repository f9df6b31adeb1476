"""Incidents on the dashboard: per school (and the council for what it holds), damage, loss
and theft in the year to the day, incidents still open, and the families they touched
(more than one incident: worth a look). Counted live, or read from the daily figures once
computed; one grouped query either way."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, case, func, literal, select, union_all

from accounts.models import Organisation
from accounts.scoping import scoped
from devices.models import Incident, IncidentKind, IncidentStatus
from dfc.caller import Caller
from reporting.dashboard.summary_models import DashboardIncidents
from reporting.dashboard.tables import COUNT, Column, Named, Table

FIGURES = ("damage", "loss", "theft", "still_open", "families", "repeat_families")
YEAR = timedelta(days=365)


def incident_counts(caller: Caller, *, today: date) -> Select[Any]:
    """(organisation_id, *FIGURES) for each organisation in reach with any incident."""
    in_year = Incident.happened_on.between(today - YEAR, today)

    def kind(value: IncidentKind) -> Any:
        return func.sum(case((in_year & (Incident.kind == value), 1), else_=0))

    by_incident = scoped(
        select(
            Incident.holder_id.label("organisation_id"),
            kind(IncidentKind.DAMAGE).label("damage"),
            kind(IncidentKind.LOSS).label("loss"),
            kind(IncidentKind.THEFT).label("theft"),
            func.sum(case((Incident.status == IncidentStatus.OPEN, 1), else_=0)).label(
                "still_open"
            ),
            literal(0).label("families"),
            literal(0).label("repeat_families"),
        ).group_by(Incident.holder_id),
        caller,
        Incident.holder_id,
    )
    per_family = (
        scoped(
            select(Incident.holder_id, Incident.family_id, func.count().label("incidents"))
            .where(in_year, Incident.family_id.is_not(None))
            .group_by(Incident.holder_id, Incident.family_id),
            caller,
            Incident.holder_id,
        )
    ).subquery("per_family")
    by_family = select(
        per_family.c.holder_id.label("organisation_id"),
        *(literal(0).label(name) for name in FIGURES[:4]),
        func.count().label("families"),
        func.sum(case((per_family.c.incidents > 1, 1), else_=0)).label("repeat_families"),
    ).group_by(per_family.c.holder_id)
    parts = union_all(by_incident, by_family).subquery("parts")
    return select(
        parts.c.organisation_id, *(func.sum(parts.c[name]).label(name) for name in FIGURES)
    ).group_by(parts.c.organisation_id)


def stored_counts(caller: Caller) -> Select[Any]:
    """The same, from the daily figures."""
    return scoped(
        select(
            DashboardIncidents.organisation_id,
            *(getattr(DashboardIncidents, name) for name in FIGURES),
        ),
        caller,
        DashboardIncidents.organisation_id,
    )


def incidents_table(session: Any, counts: Select[Any]) -> Table:
    rows = counts.subquery("counts")
    named = session.execute(
        select(Organisation.id, Organisation.name, *(rows.c[name] for name in FIGURES))
        .join(rows, rows.c.organisation_id == Organisation.id)
        .order_by(Organisation.name, Organisation.id)
    ).all()
    return Table(
        name="incidents-by-school",
        caption="Incidents in the last year, by school",
        columns=(
            Column("school", "School"),
            Column("damage", "Damage", COUNT),
            Column("loss", "Loss", COUNT),
            Column("theft", "Theft", COUNT),
            Column("still_open", "Still open", COUNT),
            Column("families", "Families", COUNT),
            Column("repeat_families", "Families with more than one", COUNT),
        ),
        rows=[
            (Named(row.id, row.name), *(int(getattr(row, name) or 0) for name in FIGURES))
            for row in named
            if any(getattr(row, name) for name in FIGURES)
        ],
    )
