"""The staff side of the daily scan: one digest a day per organisation, the school's of its
own items and the council's of everything in its schools as well as its own stock, to the
council's digest addresses or else the organisation's staff; written in bulk."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from accounts.models import Role, User
from accounts.scoping import among_ids
from devices.due import Due
from notifications.digest import digest_lines
from notifications.models import AlertPolicy, Channel
from notifications.outbox import Recipient
from notifications.outbox_bulk import Outgoing, enqueue_many

STAFF_ROLES = (Role.COUNCIL_OFFICER, Role.SCHOOL_STAFF)


def send_digests(
    session: Session,
    new: Iterable[tuple[int, Due]],
    policies: Mapping[int, AlertPolicy],
    today: date,
) -> int:
    """Queues today's digests for the councils' new items; returns how many."""
    # (organisation, council or None) -> items; a council's own stock is in its digest only.
    by_council: dict[int, list[Due]] = defaultdict(list)
    by_holder: dict[int, list[Due]] = defaultdict(list)
    for council, due in new:
        by_council[council].append(due)
        if due.holder_id != council:
            by_holder[due.holder_id].append(due)
    if not by_council:
        return 0
    named = {c: _digest_emails(policies[c]) for c in by_council}
    staff = _staff_emails(
        session, set(by_holder) | {c for c, addresses in named.items() if not addresses}
    )
    messages: list[Outgoing] = []
    for council in sorted(by_council):
        holders = sorted({due.holder_id for due in by_council[council]} - {council})
        for holder in holders:
            messages.extend(_digest(holder, staff.get(holder, []), by_holder[holder], today))
        addresses = named[council] or staff.get(council, [])
        messages.extend(_digest(council, addresses, by_council[council], today))
    enqueue_many(session, messages)
    return len(messages)


def _digest_emails(policy: AlertPolicy) -> list[str]:
    return [a.strip() for a in policy.digest_emails.split(",") if a.strip()]


def _staff_emails(session: Session, organisation_ids: set[int]) -> dict[int, list[str]]:
    """Each organisation's active staff addresses, in one query."""
    if not organisation_ids:
        return {}
    rows = session.execute(
        select(User.organisation_id, User.email)
        .where(
            among_ids(User.organisation_id, sorted(organisation_ids)),
            User.is_active.is_(True),
            User.role.in_(STAFF_ROLES),
        )
        .order_by(User.organisation_id, User.id)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for organisation_id, email in rows:
        found[organisation_id].append(email)
    return found


def _digest(
    organisation_id: int, addresses: list[str], items: list[Due], today: date
) -> list[Outgoing]:
    if not items:
        return []
    context = {"date": today, "items": digest_lines(items)}
    return [
        Outgoing(
            f"digest:org-{organisation_id}:{today.isoformat()}:{address}",
            Recipient(Channel.EMAIL, address, "en", organisation_id),
            "staff-digest",
            context,
        )
        for address in addresses
    ]
