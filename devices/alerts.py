"""The daily scan: what runs out soon, from the register's set-based queries, turned into
one digest a day per organisation for staff and one text a morning for each family
(devices.family_texts). Every alert has a key (item, date, threshold) and fires once,
however often the scan runs.

The queries run once for the whole scheme (devices.alert_queries): each row carries its
council and the threshold crossed under that council's policy, and only items not raised
before come back. Messages and marks are written in bulk (notifications.outbox_bulk,
notifications.raised)."""

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, select
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from devices import alert_queries
from devices.alert_queries import (
    CONNECTIVITY,
    DATA,
    LICENCE,
    LOAN_LEVELS,
    LOAN_RETURN,
    LOAN_REVIEW,
    PAST,
    SUPPORT,
    UNSUPPORTED,
    UPDATES,
    Policies,
)
from devices.digests import send_digests
from devices.due import Due
from devices.family_texts import text_families
from dfc.clock import today as london_today
from notifications.models import AlertPolicy
from notifications.raised import Mark, mark_raised
from notifications.scheduled import register_daily_rule

Found = tuple[int, Due, list[Mark]]  # the council, the item, the marks that raise it


def run_daily_alerts(session: Session, *, today: date | None = None) -> int:
    """Raises today's alerts for every council; returns how many messages were queued."""
    today = today or london_today()
    councils = session.scalars(
        select(Organisation.id).where(Organisation.kind == OrganisationKind.COUNCIL)
    ).all()
    policies = {p.council_id: p for p in session.scalars(select(AlertPolicy))}
    scanning = _claim_todays_scan(session, councils, today)
    if not scanning:
        return 0
    policy = Policies(
        {c: policies.get(c) or AlertPolicy(council_id=c) for c in scanning},
        every_council=len(scanning) == len(councils),
    )
    new = _raise(session, due_items(session, policy, today))
    queued = send_digests(session, new, policy.by_council, today)
    # A family hears once, whichever councils' items are theirs.
    for_families = [due for council, due in new if policy.by_council[council].text_families]
    queued += text_families(session, for_families, today=today)
    session.flush()
    return queued


def _claim_todays_scan(session: Session, councils: Iterable[int], today: date) -> set[int]:
    """Marks today's scan for each council not scanned yet today; returns those councils.
    One digest a day: once today's scan for a council has run, anything that becomes due
    later today waits for tomorrow's scan rather than being marked raised unsent."""
    day = today.isoformat()
    marks = [Mark(f"scan:council-{c}:{day}", c, "scan", item_id=c, ends_on=today) for c in councils]
    written = set(mark_raised(session, marks, keys_written=True))
    return {mark.item_id for mark in marks if mark.key in written and mark.item_id}


def _raise(session: Session, found: Iterable[Found]) -> list[tuple[int, Due]]:
    """Each item once (one found twice in a run, such as a device with two periods ending the
    same day, is raised once), with all its marks written in bulk."""
    new: list[tuple[int, Due]] = []
    marked: set[str] = set()
    marks: list[Mark] = []
    for council, due, due_marks in found:
        if due.key in marked:
            continue
        new.append((council, due))
        for mark in due_marks:
            if mark.key not in marked:
                marked.add(mark.key)
                marks.append(mark)
    mark_raised(session, marks)
    return new


def due_items(session: Session, policies: Policies, today: date) -> list[Found]:
    """Each item newly due today, with its council and the marks that raise it, from one
    query per kind over the scheme."""
    statements = alert_queries.scan_statements(policies, today)
    found: list[Found] = []
    for kind, statement in statements.items():
        found.extend(read_kind(session, kind, statement, policies, today))
    return found


def read_kind(
    session: Session, kind: str, statement: Select[Any], policies: Policies, today: date
) -> list[Found]:
    """One kind's query, run and read into items."""
    # Scanning every council, the queries ask only that an item has a council; one whose
    # "council" is not a council (bad data) is left out here, as no council's scan saw it.
    rows = (row for row in session.execute(statement) if row.council_id in policies.by_council)
    return list(READERS[kind](rows, policies, today))


def _ending_marks(
    kind: str, item_id: int, holder_id: int, ends: date, levels: list[int], level: int
) -> list[Mark]:
    """The marks for the tightest threshold crossed and every looser one: an item first seen
    5 days out gets one alert, not three."""
    return [
        Mark(
            f"{kind}:{_item(kind, item_id)}:{ends.isoformat()}:{c}d",
            holder_id,
            kind,
            item_id,
            c,
            ends,
        )
        for c in sorted(c for c in levels if c >= level)
    ]


def _item(kind: str, item_id: int) -> str:
    devices = {SUPPORT: "device", UNSUPPORTED: "device", UPDATES: "device", LICENCE: "licence"}
    prefix = devices.get(kind, "sim")
    return f"{prefix}-{item_id}"


def _support(rows: Iterable, policies: Policies, today: date) -> Iterator[Found]:
    for row in rows:
        levels = policies.levels(row.council_id, "cover_days")
        marks = _ending_marks(
            SUPPORT, row.device_id, row.holder_id, row.ends_on, levels, row.threshold
        )
        due = Due(
            marks[0].key,
            "support-ending",
            row.holder_id,
            row.serial_number,
            row.ends_on,
            device_id=row.device_id,
        )
        yield row.council_id, due, marks


def _unsupported(rows: Iterable, _policies: Policies, _today: date) -> Iterator[Found]:
    for row in rows:
        key = f"unsupported:device-{row.device_id}"
        due = Due(key, "unsupported", row.holder_id, row.serial_number, device_id=row.device_id)
        yield row.council_id, due, [Mark(key, row.holder_id, UNSUPPORTED, row.device_id)]


def _licences(rows: Iterable, policies: Policies, _today: date) -> Iterator[Found]:
    for row in rows:
        levels = policies.levels(row.council_id, "licence_days")
        marks = _ending_marks(
            LICENCE, row.licence_id, row.organisation_id, row.ends_on, levels, row.threshold
        )
        due = Due(
            marks[0].key,
            "licence-ending",
            row.organisation_id,
            row.name,
            row.ends_on,
            extra={"seats": row.seats_used},
        )
        yield row.council_id, due, marks


def _connectivity(rows: Iterable, policies: Policies, _today: date) -> Iterator[Found]:
    for row in rows:
        levels = policies.levels(row.council_id, "connectivity_days")
        marks = _ending_marks(
            CONNECTIVITY, row.sim_id, row.holder_id, row.contract_ends_on, levels, row.threshold
        )
        due = Due(
            marks[0].key,
            "connectivity-ending",
            row.holder_id,
            row.iccid,
            row.contract_ends_on,
            device_id=row.device_id,
            sim_id=row.sim_id,
        )
        yield row.council_id, due, marks


def _data(rows: Iterable, policies: Policies, today: date) -> Iterator[Found]:
    """The highest share crossed, marked with every lower one: a SIM at 100% is not also
    alerted at 80% the same day."""
    month_start = today.replace(day=1)
    month = today.strftime("%Y-%m")
    for row in rows:
        percent = row.threshold
        lower = [p for p in policies.levels(row.council_id, "data_percents") if p <= percent]
        marks = [
            Mark(
                f"data:sim-{row.sim_id}:{month}:{p}",
                row.holder_id,
                DATA,
                row.sim_id,
                p,
                month_start,
            )
            for p in sorted(lower, reverse=True)
        ]
        due = Due(
            marks[0].key,
            "data-used-up" if percent >= 100 else "data-nearly-used",
            row.holder_id,
            row.iccid,
            month_start + relativedelta(months=1),
            sim_id=row.sim_id,
            extra={"percent": percent / 100},
        )
        yield row.council_id, due, marks


def _updates(rows: Iterable, policies: Policies, _today: date) -> Iterator[Found]:
    """Security updates ending (at the support thresholds) or ended: staff plan replacements."""
    for row in rows:
        levels = [PAST, *policies.levels(row.council_id, "cover_days")]
        marks = _ending_marks(
            UPDATES, row.device_id, row.holder_id, row.ends_on, levels, row.threshold
        )
        kind = "updates-ended" if row.threshold == PAST else "updates-ending"
        label = f"{row.serial_number} ({row.model})" if row.model else row.serial_number
        due = Due(marks[0].key, kind, row.holder_id, label, row.ends_on, device_id=row.device_id)
        yield row.council_id, due, marks


def _loan_dates(kind: str) -> Any:
    """A loan's review or return: "soon" a week before, "due" on the day or once past it."""

    def read(rows: Iterable, _policies: Policies, _today: date) -> Iterator[Found]:
        for row in rows:
            marks = [
                Mark(
                    f"{kind}:allocation-{row.allocation_id}:{row.ends_on.isoformat()}:{c}d",
                    row.holder_id,
                    kind,
                    row.allocation_id,
                    c,
                    row.ends_on,
                )
                for c in LOAN_LEVELS
                if c >= row.threshold
            ]
            state = "due" if row.threshold == PAST else "soon"
            due = Due(
                marks[0].key,
                f"{kind}-{state}",
                row.holder_id,
                row.label,
                row.ends_on,
                device_id=row.device_id,
            )
            yield row.council_id, due, marks

    return read


READERS = {
    UPDATES: _updates,
    SUPPORT: _support,
    UNSUPPORTED: _unsupported,
    LICENCE: _licences,
    CONNECTIVITY: _connectivity,
    DATA: _data,
    LOAN_REVIEW: _loan_dates(LOAN_REVIEW),
    LOAN_RETURN: _loan_dates(LOAN_RETURN),
}

register_daily_rule("register", run_daily_alerts)
