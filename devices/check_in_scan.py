"""The daily check-ins: on each of a council's check-in dates every family with a device is
texted once, in their language, "does your child still have it, and does it work?"; a
family that has not answered by the date's wait is texted once more; one that still has
not answered after as long again joins the school's list (devices.check_in_queries).

One text a family a try, naming every device they have from the scheme; a reply answers
them all (devices.service.check_ins). Texts go through the outbox, so quiet hours and
opt-outs apply, and each key (date, family, try) makes one text however often this runs."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session

from accounts.scoping import among_ids
from devices import check_in_queries
from devices.check_in_words import asked_words
from devices.family_texts import device_name
from devices.models import CheckIn
from dfc.db_types import utcnow
from dfc.i18n import N_
from dfc.settings import get_settings
from notifications.models import Audience, Channel
from notifications.outbox import Recipient
from notifications.outbox_bulk import Outgoing, enqueue_many
from notifications.scheduled import register_daily_rule
from notifications.templates import Template, format_value, register

ASK, THANKS = "check-in", "check-in-thanks"

register(
    {
        # %(device)s: the family's device names (DEVICE_NAMES); %(yes)s, %(no)s and %(help)s
        # the answer words in their language (devices.check_in_words), so the words asked
        # for are the words understood.
        ASK: Template(
            Audience.FAMILY,
            N_(
                "Devices for Children: does your child still have %(device)s, and does it "
                "work? Reply %(yes)s, or %(no)s if not, or %(help)s if you need help."
            ),
        ),
        THANKS: Template(
            Audience.FAMILY,
            N_(
                "Devices for Children: thank you. If anything goes wrong with your child's "
                "device, text us what is wrong."
            ),
            requested=True,
        ),
    }
)


def london_day(now: datetime) -> date:
    return now.astimezone(get_settings().zone).date()


def ask_context(rows: Iterable[Any], language: str) -> dict[str, Any]:
    """The text's values: the devices by name (in the family's language, joined) and the
    answer words it asks for."""
    names = [
        format_value(device_name(r.kind, r.asset_tag, r.model, r.serial_number), language)
        for r in rows
    ]
    return {"device": ", ".join(dict.fromkeys(names)), **asked_words(language)}


def _texts(groups: dict[tuple[int, int], list[Any]], attempt: int) -> list[Outgoing]:
    messages = []
    for (date_id, family_id), rows in groups.items():
        first = rows[0]
        language = first.preferred_language
        messages.append(
            Outgoing(
                f"check-in:{date_id}:family-{family_id}:{attempt}",
                Recipient(Channel.SMS, first.phone_number, language, first.school_id),
                ASK,
                ask_context(rows, language),
            )
        )
    return messages


def _by_family(rows: Iterable[Any]) -> dict[tuple[int, int], list[Any]]:
    groups: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for row in rows:
        groups[(row.check_in_date_id, row.family_id)].append(row)
    return groups


def send_first_tries(session: Session, today: date, now: datetime) -> int:
    """Records and texts today's new check-ins; returns how many families were texted."""
    rows = list(session.execute(check_in_queries.due_first(today)))
    if not rows:
        return 0
    session.execute(
        insert(CheckIn),
        [
            {
                "check_in_date_id": row.check_in_date_id,
                "allocation_id": row.allocation_id,
                "device_id": row.device_id,
                "family_id": row.family_id,
                "school_id": row.school_id,
                "first_sent_on": today,
                "second_due_on": today + timedelta(days=row.wait_days),
            }
            for row in rows
        ],
    )
    groups = _by_family(rows)
    enqueue_many(session, _texts(groups, 1), now=now)
    return len(groups)


def send_second_tries(session: Session, today: date, now: datetime) -> int:
    """Texts again the families who have not answered; returns how many were texted."""
    rows = list(session.execute(check_in_queries.due_second(today)))
    if not rows:
        return 0
    by_wait: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_wait[row.wait_days].append(row.id)
    for wait_days, ids in by_wait.items():
        session.execute(
            update(CheckIn)
            .where(among_ids(CheckIn.id, ids))
            .values(second_sent_on=today, no_answer_on=today + timedelta(days=wait_days))
            .execution_options(synchronize_session=False)
        )
    groups = _by_family(rows)
    enqueue_many(session, _texts(groups, 2), now=now)
    return len(groups)


def run_check_ins(session: Session, *, now: datetime | None = None) -> int:
    """Today's first and second tries; returns how many texts were queued."""
    now = now or utcnow()
    today = london_day(now)
    queued = send_second_tries(session, today, now)  # before today's new ones: not the same day
    queued += send_first_tries(session, today, now)
    session.flush()
    return queued


register_daily_rule("check-ins", run_check_ins)
