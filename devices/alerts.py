"""The daily scan: what runs out soon, from the register's set-based queries, turned into
one digest a day per organisation for staff and one text a morning for each family
(devices.family_texts). Every alert has a key (item, date, threshold) and fires once,
however often the scan runs."""

from collections import defaultdict
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role, User
from devices import queries
from devices.due import Due
from devices.family_texts import text_families
from dfc.caller import Caller
from dfc.clock import today as london_today
from notifications.digest import digest_lines
from notifications.models import AlertPolicy, AlertRaised, Channel
from notifications.outbox import Recipient, enqueue
from notifications.scheduled import register_daily_rule


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
    for_families: list[Due] = []
    for council in councils:
        policy = policies.get(council.id) or AlertPolicy(council_id=council.id)
        new = _alerts_for(session, council, policy, today)
        queued += _send_digests(session, council, new, today, policy)
        if policy.text_families:
            for_families.extend(new)
    # After every council's scan: a family hears once, whichever councils' items are theirs.
    queued += text_families(session, for_families, today=today)
    session.flush()
    return queued


def _alerts_for(
    session: Session, council: Organisation, policy: AlertPolicy, today: date
) -> list[Due]:
    """The council's items due today and not raised before, marked raised now."""
    # One digest a day: once today's scan for this council has run, anything that becomes
    # due later today waits for tomorrow's scan rather than being marked raised unsent.
    scanned = f"scan:council-{council.id}:{today.isoformat()}"
    if session.get(AlertRaised, scanned) is not None:
        return []
    session.add(AlertRaised(key=scanned, organisation_id=council.id))
    found = due_items(session, council, policy, today)
    raised = _already_raised(session, [key for _due, keys in found for key in keys])
    # One item at a time, so that an item already covered in this run (a SIM at 100% is
    # also past 80%) is not raised twice.
    new: list[Due] = []
    for due, keys in found:
        if due.key in raised:
            continue
        new.append(due)
        for key in set(keys) - raised:
            session.add(AlertRaised(key=key, organisation_id=due.holder_id))
            raised.add(key)
    return new


def _send_digests(
    session: Session, council: Organisation, new: list[Due], today: date, policy: AlertPolicy
) -> int:
    """Each school's digest of its own items, and the council's of all of them."""
    if not new:
        return 0
    queued = 0
    by_holder: dict[int, list[Due]] = defaultdict(list)
    for due in new:
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
    queued += _send_digest(session, council, new, today, policy=policy)
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
