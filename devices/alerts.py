"""The daily scan: what runs out soon, from the register's set-based queries, turned into
one digest a day per organisation for staff and one text per event for each family.
Every alert has a key (item, date, threshold) and fires once, however often the scan runs."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role, User
from devices import queries
from devices.models import Allocation, Dongle, Family
from dfc.caller import Caller
from dfc.clock import today as london_today
from notifications.digest import digest_lines
from notifications.models import AlertPolicy, AlertRaised, Channel
from notifications.outbox import Recipient, enqueue
from notifications.scheduled import register_daily_rule


@dataclass
class Due:
    """An item that has crossed a threshold today, for a digest and perhaps a family."""

    key: str
    kind: str
    holder_id: int
    label: str
    when: date | None = None
    device_id: int | None = None
    sim_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def thresholds(text: str) -> list[int]:
    return sorted({int(part) for part in text.split(",") if part.strip()})


def _crossed(days_left: int, levels: list[int]) -> tuple[int, list[int]]:
    """The tightest threshold crossed, and every threshold crossed (all marked as raised,
    so a device first seen 5 days out gets one alert, not three)."""
    crossed = [level for level in levels if days_left <= level]
    return min(crossed), crossed


def council_caller(council: Organisation) -> Caller:
    return Caller(
        organisation_id=council.id,
        organisation_kind=OrganisationKind.COUNCIL,
        organisation_name=council.name,
        role=None,
        name="daily alerts",
    )


def due_items(
    session: Session, council: Organisation, policy: AlertPolicy, today: date
) -> list[tuple[Due, list[str]]]:
    """Each item due today with the keys that mark it raised, from one query per kind."""
    caller = council_caller(council)
    found: list[tuple[Due, list[str]]] = []

    def add(kind: str, item: str, ends: date, levels: list[int], due: Due) -> None:
        level, crossed = _crossed((ends - today).days, levels)
        due.key = f"{kind}:{item}:{ends.isoformat()}:{level}d"
        found.append((due, [f"{kind}:{item}:{ends.isoformat()}:{c}d" for c in crossed]))

    support = thresholds(policy.cover_days)
    for row in session.execute(queries.cover_ending(caller, within_days=max(support), today=today)):
        add(
            "support-ends",
            f"device-{row.device_id}",
            row.ends_on,
            support,
            Due(
                "",
                "support-ending",
                row.holder_id,
                row.serial_number,
                row.ends_on,
                device_id=row.device_id,
            ),
        )
    for row in session.execute(queries.unsupported(caller, today=today)):
        key = f"unsupported:device-{row.device_id}"
        found.append(
            (
                Due(key, "unsupported", row.holder_id, row.serial_number, device_id=row.device_id),
                [key],
            )
        )
    licence_levels = thresholds(policy.licence_days)
    for row in session.execute(
        queries.licences_ending(caller, within_days=max(licence_levels), today=today)
    ):
        add(
            "licence-ends",
            f"licence-{row.licence_id}",
            row.ends_on,
            licence_levels,
            Due(
                "",
                "licence-ending",
                row.organisation_id,
                row.name,
                row.ends_on,
                extra={"seats": row.seats_used},
            ),
        )
    connectivity = thresholds(policy.connectivity_days)
    for row in session.execute(
        queries.dongle_contracts_ending(caller, within_days=max(connectivity), today=today)
    ):
        add(
            "connectivity-ends",
            f"sim-{row.sim_id}",
            row.contract_ends_on,
            connectivity,
            Due(
                "",
                "connectivity-ending",
                row.holder_id,
                row.iccid,
                row.contract_ends_on,
                device_id=row.device_id,
                sim_id=row.sim_id,
            ),
        )
    month = today.strftime("%Y-%m")
    for percent in sorted(thresholds(policy.data_percents), reverse=True):
        for row in session.execute(
            queries.sims_over_allowance(caller, percent=percent, today=today)
        ):
            key = f"data:sim-{row.sim_id}:{month}:{percent}"
            lower = [
                f"data:sim-{row.sim_id}:{month}:{p}"
                for p in thresholds(policy.data_percents)
                if p <= percent
            ]
            found.append(
                (
                    Due(
                        key,
                        "data-used-up" if percent >= 100 else "data-nearly-used",
                        row.holder_id,
                        row.iccid,
                        today.replace(day=1) + relativedelta(months=1),
                        sim_id=row.sim_id,
                        extra={"percent": percent / 100},
                    ),
                    lower,
                )
            )
    return found


def _already_raised(session: Session, keys: list[str]) -> set[str]:
    raised: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        raised.update(
            session.execute(select(AlertRaised.key).where(AlertRaised.key.in_(chunk))).scalars()
        )
    return raised


def _families(session: Session, items: list[Due]) -> dict[str, Family]:
    """The family each device or SIM is with now, in one query each."""
    device_ids = {item.device_id for item in items if item.device_id}
    sim_dongles = {item.sim_id for item in items if item.sim_id}
    by_key: dict[str, Family] = {}
    if device_ids:
        rows = session.execute(
            select(Allocation.device_id, Family)
            .join(Family, Family.id == Allocation.family_id)
            .where(Allocation.returned_on.is_(None), Allocation.device_id.in_(device_ids))
        )
        by_key.update({f"device-{device_id}": family for device_id, family in rows})
    if sim_dongles:
        from devices.models import Sim

        rows = session.execute(
            select(Sim.id, Family)
            .join(Dongle, Dongle.id == Sim.dongle_id)
            .join(Allocation, Allocation.dongle_id == Dongle.id)
            .join(Family, Family.id == Allocation.family_id)
            .where(Allocation.returned_on.is_(None), Sim.id.in_(sim_dongles))
        )
        by_key.update({f"sim-{sim_id}": family for sim_id, family in rows})
    return by_key


def run_daily_alerts(session: Session, *, today: date | None = None) -> int:
    """Raises today's alerts for every council; returns how many messages were queued."""
    today = today or london_today()
    queued = 0
    councils = (
        session.execute(select(Organisation).where(Organisation.kind == OrganisationKind.COUNCIL))
        .scalars()
        .all()
    )
    policies = {p.council_id: p for p in session.execute(select(AlertPolicy)).scalars()}
    for council in councils:
        queued += _alerts_for(
            session, council, policies.get(council.id) or AlertPolicy(council_id=council.id), today
        )
    return queued


def _alerts_for(session: Session, council: Organisation, policy: AlertPolicy, today: date) -> int:
    # One digest a day: once today's scan for this council has run, anything that becomes
    # due later today waits for tomorrow's scan rather than being marked raised unsent.
    scanned = f"scan:council-{council.id}:{today.isoformat()}"
    if session.get(AlertRaised, scanned) is not None:
        return 0
    session.add(AlertRaised(key=scanned, organisation_id=council.id))
    found = due_items(session, council, policy, today)
    raised = _already_raised(session, [key for _due, keys in found for key in keys])
    # One item at a time, so that an item already covered in this run (a SIM at 100% is
    # also past 80%) is not raised twice.
    new: list[tuple[Due, list[str]]] = []
    for due, keys in found:
        if due.key in raised:
            continue
        new.append((due, keys))
        for key in set(keys) - raised:
            session.add(AlertRaised(key=key, organisation_id=due.holder_id))
            raised.add(key)
    if not new:
        return 0
    queued = _text_families(session, [due for due, _keys in new], policy)
    by_holder: dict[int, list[Due]] = defaultdict(list)
    for due, _keys in new:
        by_holder[due.holder_id].append(due)
    holders = {
        o.id: o
        for o in session.execute(
            select(Organisation).where(Organisation.id.in_(list(by_holder)))
        ).scalars()
    }
    for holder_id, items in by_holder.items():
        if holder_id != council.id:
            queued += _send_digest(session, holders.get(holder_id), items, today)
    # The council hears about everything in its schools as well as its own stock.
    queued += _send_digest(session, council, [due for due, _keys in new], today, policy=policy)
    session.flush()
    return queued


def _text_families(session: Session, items: list[Due], policy: AlertPolicy) -> int:
    if not policy.text_families:
        return 0
    families = _families(session, items)
    schools: dict[int, str] = {}
    queued = 0
    for item in items:
        if item.kind == "licence-ending":
            continue
        family = families.get(f"device-{item.device_id}") or families.get(f"sim-{item.sim_id}")
        if family is None or not family.sms_consent or not family.phone_number:
            continue
        if family.school_id not in schools:
            schools[family.school_id] = session.get(Organisation, family.school_id).name
        context = {"contact": schools[family.school_id], **item.extra}
        if item.when:
            context["date"] = item.when
        enqueue(
            session,
            key=f"{item.key}:family-{family.id}",
            template=item.kind,
            recipient=Recipient(
                Channel.SMS, family.phone_number, family.preferred_language, family.school_id
            ),
            context=context,
        )
        queued += 1
    return queued


def _send_digest(
    session: Session,
    organisation: Organisation | None,
    items: list[Due],
    today: date,
    policy: AlertPolicy | None = None,
) -> int:
    if organisation is None or not items:
        return 0
    addresses = [
        a.strip() for a in (policy.digest_emails if policy else "").split(",") if a.strip()
    ]
    if not addresses:
        staff_roles = (Role.COUNCIL_OFFICER, Role.SCHOOL_STAFF)
        addresses = list(
            session.execute(
                select(User.email).where(
                    User.organisation_id == organisation.id,
                    User.is_active.is_(True),
                    User.role.in_(staff_roles),
                )
            ).scalars()
        )
    for address in addresses:
        enqueue(
            session,
            key=f"digest:org-{organisation.id}:{today.isoformat()}:{address}",
            template="staff-digest",
            recipient=Recipient(Channel.EMAIL, address, "en", organisation.id),
            context={"date": today, "items": digest_lines(items)},
        )
    return len(addresses)


register_daily_rule("register", run_daily_alerts)
