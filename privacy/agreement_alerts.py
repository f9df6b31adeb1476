"""Alerts before an information sharing agreement ends: 60 and 30 days before its last day
and on the day, an email to each of the council's alert recipients. Every threshold is
raised once (an `AlertRaised` key per agreement, last day and threshold), however often the
daily scan runs; an agreement first seen 20 days out gets the 30-day alert, not two."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from accounts.models import Organisation, Role, User
from dfc.clock import today as london_today
from dfc.settings import get_settings
from notifications.models import AlertPolicy, AlertRaised, Audience, Channel
from notifications.outbox import Recipient, enqueue
from notifications.scheduled import register_daily_rule
from notifications.templates import Template, register
from privacy.agreements_models import SharingAgreement

THRESHOLDS = (60, 30, 0)
# A scan missed on the last day (a worker down) still says so within this many days.
LOOK_BACK_DAYS = 7
TEMPLATE = "agreement-ending"

register(
    {
        TEMPLATE: Template(
            Audience.STAFF,
            "Information sharing agreement %(reference)s between %(council)s and "
            "%(partner)s %(when)s; its last day in force is %(date)s. API keys tied to it "
            "stop working after that day. Renew it, or record the new agreement and tie the "
            "keys to it: %(url)s",
            subject="Devices for Children: sharing agreement %(reference)s %(when)s",
            translated=False,
        )
    }
)


def _when(days_left: int) -> str:
    if days_left > 1:
        return f"ends in {days_left} days"
    if days_left == 1:
        return "ends tomorrow"
    return "ends today" if days_left == 0 else "has ended"


def _recipients(session: Session, council_ids: set[int]) -> dict[int, list[str]]:
    """Each council's alert recipients: its alert policy's digest addresses, or else its
    active council officers. Two queries for every council at once."""
    chosen: dict[int, list[str]] = {}
    for policy in session.execute(
        select(AlertPolicy).where(AlertPolicy.council_id.in_(council_ids))
    ).scalars():
        addresses = [a.strip() for a in policy.digest_emails.split(",") if a.strip()]
        if addresses:
            chosen[policy.council_id] = addresses
    officers: dict[int, list[str]] = defaultdict(list)
    for council_id, email in session.execute(
        select(User.organisation_id, User.email)
        .where(
            User.organisation_id.in_(council_ids - set(chosen)),
            User.is_active.is_(True),
            User.role == Role.COUNCIL_OFFICER,
        )
        .order_by(User.email)
    ):
        officers[council_id].append(email)
    return chosen | dict(officers)


def run_agreement_alerts(session: Session, *, today: date | None = None) -> int:
    """Queues today's agreement alerts; returns how many messages were queued."""
    today = today or london_today()
    council = aliased(Organisation, name="council")
    partner = aliased(Organisation, name="partner")
    rows = session.execute(
        select(SharingAgreement, council.name, partner.name)
        .join(council, council.id == SharingAgreement.council_id)
        .outerjoin(partner, partner.id == SharingAgreement.partner_id)
        .where(
            SharingAgreement.ended_early_on.is_(None),
            SharingAgreement.ends_on >= today - timedelta(days=LOOK_BACK_DAYS),
            SharingAgreement.ends_on <= today + timedelta(days=max(THRESHOLDS)),
        )
        .order_by(SharingAgreement.ends_on, SharingAgreement.id)
    ).all()
    if not rows:
        return 0
    keys = {
        row[0].id: [
            f"agreement-ends:agreement-{row[0].id}:{row[0].ends_on.isoformat()}:{level}d"
            for level in THRESHOLDS
        ]
        for row in rows
    }
    wanted = [key for found in keys.values() for key in found]
    raised = set(
        session.execute(select(AlertRaised.key).where(AlertRaised.key.in_(wanted))).scalars()
    )
    recipients = _recipients(session, {row[0].council_id for row in rows})
    base = get_settings().BASE_URL.rstrip("/")
    queued = 0
    for agreement, council_name, partner_name in rows:
        days_left = (agreement.ends_on - today).days
        crossed = [
            key
            for level, key in zip(THRESHOLDS, keys[agreement.id], strict=True)
            if days_left <= level
        ]
        # The tightest threshold crossed is the one to say; the looser ones are marked too.
        if not crossed or crossed[-1] in raised:
            continue
        for key in set(crossed) - raised:
            session.add(AlertRaised(key=key, organisation_id=agreement.council_id))
        context = {
            "reference": agreement.reference,
            "council": council_name,
            "partner": partner_name or agreement.partner_name,
            "when": _when(days_left),
            "date": agreement.ends_on,
            "url": f"{base}/privacy/agreements/{agreement.id}",
        }
        for address in recipients.get(agreement.council_id, []):
            enqueue(
                session,
                key=f"{crossed[-1]}:{address}",
                template=TEMPLATE,
                recipient=Recipient(Channel.EMAIL, address, "en", agreement.council_id),
                context=context,
            )
            queued += 1
    session.flush()
    return queued


register_daily_rule("sharing-agreements", run_agreement_alerts)
