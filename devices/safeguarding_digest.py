"""The safeguarding lead's daily digest: each council's unfiltered devices (devices.filtering),
new since the last digest and still outstanding, emailed once a day to the lead the council
set. Nothing is sent when the list is empty or the council has no lead."""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from devices.filtering import Reason, unfiltered
from devices.models import CouncilSafeguarding
from dfc import clock
from dfc.caller import Caller
from dfc.settings import get_settings
from notifications.models import AlertRaised, Audience, Channel
from notifications.outbox import Recipient, enqueue
from notifications.scheduled import register_daily_rule
from notifications.templates import Template, register

TEMPLATE = "safeguarding-digest"
MOST_LISTED = 50
REASONS = {
    Reason.NO_FILTERING.value: "no web filter licence or filtering management",
    Reason.SIM_REPLACED.value: "router's SIM replaced, filtering to review",
}

register(
    {
        TEMPLATE: Template(
            Audience.STAFF,
            "%(items)s",
            subject="Devices for Children: unfiltered devices, %(date)s",
            translated=False,
        )
    }
)


def _caller(council: Organisation) -> Caller:
    return Caller(
        organisation_id=council.id,
        organisation_kind=OrganisationKind.COUNCIL,
        organisation_name=council.name,
        role=None,
        name="safeguarding digest",
    )


def _key(row: Any) -> str:
    return f"unfiltered:{row.item}-{row.dongle_id if row.item == 'router' else row.device_id}"


def _lines(title: str, rows: list[Any], names: dict[int, str]) -> list[str]:
    if not rows:
        return []
    lines = [f"{title}: {len(rows)}"]
    for row in rows[:MOST_LISTED]:
        kind = "Router" if row.item == "router" else "Device"
        held = names.get(row.holder_id, "")
        lines.append(f"  - {kind} {row.label}, {held}: {REASONS[row.reason]} (since {row.since})")
    if len(rows) > MOST_LISTED:
        lines.append(f"  ... and {len(rows) - MOST_LISTED} more")
    return lines


def digest_for(
    session: Session, council: Organisation, settings: CouncilSafeguarding, today: date
) -> int:
    """The council's digest for today, if it has anything unfiltered and not sent today."""
    scanned = f"safeguarding-scan:council-{council.id}:{today.isoformat()}"
    if session.get(AlertRaised, scanned) is not None:
        return 0
    rows = sorted(
        session.execute(unfiltered(_caller(council), today=today)).all(),
        key=lambda row: (row.since, row.label),
    )
    if not rows:
        return 0
    session.add(AlertRaised(key=scanned, organisation_id=council.id))
    keys = [_key(row) for row in rows]
    seen = set(session.execute(select(AlertRaised.key).where(AlertRaised.key.in_(keys))).scalars())
    new = [row for row in rows if _key(row) not in seen]
    for row in new:
        session.add(AlertRaised(key=_key(row), organisation_id=row.holder_id))
    holders = {row.holder_id for row in rows}
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(holders))
        ).all()
    )
    outstanding = [row for row in rows if _key(row) in seen]
    base = get_settings().BASE_URL.rstrip("/")
    body = "\n".join(
        [
            f"Dear {settings.lead_name or 'safeguarding lead'},",
            "",
            *_lines("New since the last digest", new, names),
            *_lines("Still unfiltered", outstanding, names),
            "",
            f"The whole list, by school: {base}/unfiltered",
        ]
    )
    enqueue(
        session,
        key=f"safeguarding-digest:council-{council.id}:{today.isoformat()}",
        template=TEMPLATE,
        recipient=Recipient(Channel.EMAIL, settings.lead_email, "en", council.id),
        context={"date": today, "items": body},
    )
    return 1


def send_safeguarding_digests(session: Session, *, today: date | None = None) -> int:
    """Each council's digest to its safeguarding lead; returns how many were queued."""
    today = today or clock.today()
    councils = session.execute(
        select(Organisation, CouncilSafeguarding)
        .join(CouncilSafeguarding, CouncilSafeguarding.council_id == Organisation.id)
        .where(
            Organisation.kind == OrganisationKind.COUNCIL,
            CouncilSafeguarding.lead_email.is_not(None),
        )
    ).all()
    queued = sum(digest_for(session, council, saved, today) for council, saved in councils)
    session.flush()
    return queued


register_daily_rule("safeguarding", send_safeguarding_digests)
