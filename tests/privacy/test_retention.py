"""Retention with frozen time: what is past its period is erased, what is inside it, still
out or still open is not; a dry run changes nothing and counts what the run then changes;
the figures stay the same; batches smaller than the rows still reach every row."""

from datetime import UTC, date, datetime
from unittest.mock import patch

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from accounts.models import Credential, CredentialKind, Role
from devices.models import Allocation, Device, DeviceEvent, Family, ImportJob, OwnershipTransfer
from devices.models.imports import ImportKind
from devices.service import lifecycle
from dfc.caller import Caller
from dfc.tables import metadata
from notifications.models import Audience, Channel, MessageStatus, OutboxMessage
from privacy import retention
from support.models import Category, FollowCode, Ticket, TicketMessage, TicketStatus
from support.retention import REMOVED_TEXT
from tests.devices.factories import make_allocation, make_device, make_family
from tests.factories import make_council, make_school, make_user
from tests.support.test_reports import make_ticket

NOW = datetime(2028, 6, 1, 12, 0, tzinfo=UTC)  # the cutoff for 365 days is 2027-06-02
LONG_AGO = date(2027, 1, 10)
RECENTLY = date(2027, 9, 1)


@pytest.fixture
def school(session: Session):
    return make_school(session, council=make_council(session))


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def family_with_device(session: Session, school, *, returned_on: date | None) -> Family:
    family = make_family(session, school=school)
    family.email = f"family{family.id}@example.org"
    device = make_device(session, holder=school)
    allocation = make_allocation(session, device=device, family=family, on=date(2026, 2, 1))
    allocation.returned_on = returned_on
    session.add_all([family, allocation])
    session.commit()
    return family


def handed_over_family(session: Session, school, *, on: date) -> Family:
    """A family given their device through the service, as staff do it."""
    family = make_family(session, school=school)
    device = make_device(session, holder=school)
    make_allocation(session, device=device, family=family, on=date(2026, 2, 1))
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    # The scenario's dates lie in the future of the real calendar: the service is told the
    # day is the hand-over's, as it was when staff recorded it.
    with patch.object(lifecycle, "today", return_value=on):
        lifecycle.transfer_to_family(
            session,
            caller=Caller.for_user(staff, school),
            device_id=device.id,
            on=on,
            acceptance="signed form by Jane Doe",
        )
    session.commit()
    return family


def ticket_for(
    session: Session, school, *, family=None, phone=None, status, finished_on=None, **kw
) -> Ticket:
    ticket = make_ticket(session, school, status=status, **kw)
    ticket.family_id = family.id if family else None
    ticket.phone_number = phone
    if finished_on is not None:
        ticket.updated_at = at(finished_on)
        ticket.resolved_at = at(finished_on) if status is TicketStatus.RESOLVED else None
    session.add(ticket)
    session.add(
        TicketMessage(ticket_id=ticket.id, author="family", body="My name is Amira", via="web")
    )
    session.commit()
    return ticket


def message(session: Session, *, written: date, status: MessageStatus) -> OutboxMessage:
    sent = at(written)
    row = OutboxMessage(
        idempotency_key=f"test:{written}:{status}:{datetime.now(UTC).timestamp()}",
        audience=Audience.FAMILY,
        channel=Channel.SMS,
        recipient="+447911123456",
        locale="en",
        template="ticket-received",
        body="Hello Amira, we have your ticket",
        segments=2,
        status=status,
        created_at=sent,
        sent_at=sent if status is not MessageStatus.PENDING else None,
    )
    session.add(row)
    session.commit()
    return row


def fresh(session: Session, row):
    session.expire_all()
    return session.get(type(row), row.id)


def is_erased(family: Family) -> bool:
    return (
        family.phone_number is None
        and family.email is None
        and family.year_group is None
        and family.pupil_reference == f"ERASED-{family.id}"
    )


def test_a_family_past_its_period_is_erased_and_one_inside_it_is_not(session, school):
    past = family_with_device(session, school, returned_on=LONG_AGO)
    inside = family_with_device(session, school, returned_on=RECENTLY)
    report = retention.run(session, now=NOW)
    assert report.counts["family-contact"] == 1
    assert is_erased(fresh(session, past))
    kept = fresh(session, inside)
    assert kept.phone_number == inside.phone_number
    assert kept.phone_number and not kept.pupil_reference.startswith("ERASED")
    assert fresh(session, past).preferred_language == "en"  # kept for the figures


def test_a_family_with_a_device_out_or_a_ticket_open_is_never_touched(session, school):
    still_out = family_with_device(session, school, returned_on=None)
    open_ticket = family_with_device(session, school, returned_on=LONG_AGO)
    ticket_for(session, school, family=open_ticket, status=TicketStatus.OPEN)
    texted_in = family_with_device(session, school, returned_on=LONG_AGO)
    ticket_for(session, school, phone=texted_in.phone_number, status=TicketStatus.NEW)
    closed_lately = family_with_device(session, school, returned_on=LONG_AGO)
    closed_lately.phone_number = "+447700900111"
    session.add(closed_lately)
    ticket_for(
        session, school, family=closed_lately, status=TicketStatus.CLOSED, finished_on=RECENTLY
    )
    closed_long_ago = family_with_device(session, school, returned_on=LONG_AGO)
    closed_long_ago.phone_number = "+447700900222"
    session.add(closed_long_ago)
    ticket_for(
        session, school, family=closed_long_ago, status=TicketStatus.RESOLVED, finished_on=LONG_AGO
    )

    retention.run(session, now=NOW)

    for family in (still_out, open_ticket, texted_in, closed_lately):
        assert not is_erased(fresh(session, family)), family.pupil_reference
    assert is_erased(fresh(session, closed_long_ago))


def test_a_family_given_their_device_is_erased_with_how_they_accepted_it(session, school):
    given_long_ago = handed_over_family(session, school, on=LONG_AGO)
    given_lately = handed_over_family(session, school, on=RECENTLY)

    assert retention.run(session, now=NOW).counts["family-contact"] == 1

    session.expire_all()
    assert is_erased(session.get(Family, given_long_ago.id))
    assert not is_erased(session.get(Family, given_lately.id))
    transfers = {
        t.to_family_id: t.acceptance for t in session.exec(select(OwnershipTransfer)).scalars()
    }
    assert transfers == {given_long_ago.id: None, given_lately.id: "signed form by Jane Doe"}
    events = session.exec(
        select(DeviceEvent, Device.owner_family_id)
        .join(Device, Device.id == DeviceEvent.device_id)
        .where(DeviceEvent.action == "ownership-transferred")
    ).all()
    after = {owner: event.after for event, owner in events}
    assert "acceptance" not in after[given_long_ago.id]
    assert after[given_long_ago.id]["owner_family_id"] == given_long_ago.id  # history stays
    assert after[given_lately.id]["acceptance"] == "signed form by Jane Doe"


def test_ticket_text_is_removed_only_after_its_period(session, school):
    old = ticket_for(
        session, school, phone="+447700900333", status=TicketStatus.RESOLVED, finished_on=LONG_AGO
    )
    lately = ticket_for(
        session, school, phone="+447700900444", status=TicketStatus.CLOSED, finished_on=RECENTLY
    )
    still_open = ticket_for(session, school, phone="+447700900555", status=TicketStatus.OPEN)

    assert retention.run(session, now=NOW).counts["ticket-text"] == 1

    session.expire_all()
    bodies = dict(session.execute(select(TicketMessage.ticket_id, TicketMessage.body)).all())
    assert bodies == {
        old.id: REMOVED_TEXT,
        lately.id: "My name is Amira",
        still_open.id: "My name is Amira",
    }
    phones = dict(session.execute(select(Ticket.id, Ticket.phone_number)).all())
    assert phones == {old.id: None, lately.id: "+447700900444", still_open.id: "+447700900555"}
    assert session.get(Ticket, old.id).status is TicketStatus.RESOLVED


def test_outbox_bodies_are_purged_after_their_period_keeping_status_and_counts(session):
    old_sent = message(session, written=date(2028, 1, 10), status=MessageStatus.DELIVERED)
    recent = message(session, written=date(2028, 5, 1), status=MessageStatus.SENT)
    old_pending = message(session, written=date(2028, 1, 10), status=MessageStatus.PENDING)

    assert retention.run(session, now=NOW).counts["outbox-body"] == 1

    purged = fresh(session, old_sent)
    assert (purged.body, purged.recipient, purged.subject) == ("", "", None)
    assert (purged.status, purged.channel, purged.segments) == (
        MessageStatus.DELIVERED,
        Channel.SMS,
        2,
    )
    assert purged.sent_at == old_sent.sent_at and purged.created_at == old_sent.created_at
    assert fresh(session, recent).body.startswith("Hello Amira")
    assert fresh(session, old_pending).recipient == "+447911123456"


def test_spent_codes_stale_files_and_old_sessions_go(session, school):
    ticket = ticket_for(session, school, status=TicketStatus.OPEN)
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    session.add_all(
        [
            FollowCode(ticket_id=ticket.id, code_hash="a" * 64, expires_at=at(date(2028, 5, 1))),
            FollowCode(ticket_id=ticket.id, code_hash="b" * 64, expires_at=at(date(2028, 5, 30))),
            ImportJob(
                organisation_id=school.id,
                kind=ImportKind.MANIFEST,
                filename="old.csv",
                content=b"serial\nSN1\n",
                created_by="someone",
                created_at=at(date(2028, 4, 1)),
            ),
            Credential(
                user_id=user.id,
                kind=CredentialKind.WEB_SESSION,
                secret_hash="c" * 64,
                expires_at=at(date(2028, 4, 1)),
            ),
            Credential(
                user_id=user.id,
                kind=CredentialKind.WEB_SESSION,
                secret_hash="d" * 64,
                expires_at=at(date(2028, 5, 20)),
            ),
        ]
    )
    session.commit()

    counts = retention.run(session, now=NOW).counts

    assert (counts["follow-code"], counts["import-file"], counts["session"]) == (1, 1, 1)
    session.expire_all()
    assert session.execute(select(FollowCode.code_hash)).scalars().all() == ["b" * 64]
    assert session.execute(select(ImportJob.content)).scalar_one() is None
    assert session.execute(select(Credential.secret_hash)).scalars().all() == ["d" * 64]


def everything(session: Session) -> dict[str, list]:
    session.expire_all()
    return {
        table.name: [
            tuple(row)
            for row in session.execute(select(table).order_by(*table.primary_key.columns)).all()
        ]
        for table in metadata.sorted_tables
    }


def figures(session: Session) -> dict[str, list]:
    def grouped(*columns):
        return sorted(
            tuple(str(value) for value in row)
            for row in session.execute(select(*columns, func.count()).group_by(*columns)).all()
        )

    return {
        "devices": grouped(Device.status, Device.owner_kind),
        "allocations": grouped(Allocation.school_id, Allocation.returned_on),
        "families": grouped(Family.school_id, Family.preferred_language),
        "tickets": grouped(Ticket.category, Ticket.language, Ticket.status),
        "messages": grouped(OutboxMessage.channel, OutboxMessage.status, OutboxMessage.segments),
    }


@pytest.fixture
def a_bit_of_everything(session: Session, school) -> None:
    family_with_device(session, school, returned_on=LONG_AGO)
    family_with_device(session, school, returned_on=RECENTLY)
    family_with_device(session, school, returned_on=None)
    handed_over_family(session, school, on=LONG_AGO)
    ticket_for(
        session,
        school,
        status=TicketStatus.RESOLVED,
        finished_on=LONG_AGO,
        category=Category.BROKEN_SCREEN,
        language="so",
    )
    ticket_for(session, school, status=TicketStatus.OPEN, language="ar")
    message(session, written=date(2027, 1, 10), status=MessageStatus.FAILED)
    message(session, written=date(2028, 5, 30), status=MessageStatus.SENT)


def test_a_dry_run_changes_nothing_and_counts_what_the_run_then_changes(
    session, a_bit_of_everything
):
    before = everything(session)
    dry = retention.run(session, now=NOW, dry_run=True)
    assert everything(session) == before
    assert dry.dry_run and dry.counts == {
        "family-contact": 2,
        "ticket-text": 1,
        "ticket-file": 0,
        "outbox-body": 1,
        "follow-code": 0,
        "import-file": 0,
        "session": 0,
    }

    applied = retention.run(session, now=NOW)
    assert applied.counts == dry.counts
    assert everything(session) != before
    assert retention.run(session, now=NOW, dry_run=True).total == 0


def test_device_and_ticket_figures_are_the_same_after_a_run(session, a_bit_of_everything):
    before = figures(session)
    assert retention.run(session, now=NOW).total > 0
    session.expire_all()
    assert figures(session) == before


def test_batches_smaller_than_the_rows_reach_every_row(session, school, monkeypatch):
    families = [family_with_device(session, school, returned_on=LONG_AGO) for _ in range(5)]
    batches: list[int] = []

    def counting(step: retention.Step) -> retention.Step:
        def apply(session: Session, ids: list[int]) -> int:
            batches.append(len(ids))
            return step.apply(session, ids)

        return retention.Step(step.rule, step.setting, step.due, apply)

    family_step = next(step for step in retention.STEPS if step.rule == "family-contact")
    monkeypatch.setattr(retention, "STEPS", (counting(family_step),))

    report = retention.run(session, now=NOW, batch_size=2)

    assert report.counts == {"family-contact": 5} and batches == [2, 2, 1]
    assert all(is_erased(fresh(session, family)) for family in families)


def test_erasing_a_family_leaves_another_familys_hand_over_of_the_same_device(session, school):
    from devices.retention import erase_families

    first = handed_over_family(session, school, on=LONG_AGO)
    device_id = session.execute(
        select(OwnershipTransfer.device_id).where(OwnershipTransfer.to_family_id == first.id)
    ).scalar_one()
    later = make_family(session, school=school)
    session.add(
        DeviceEvent(
            device_id=device_id,
            actor="test",
            action="ownership-transferred",
            before={},
            after={"owner_family_id": later.id, "acceptance": "the later family's form"},
        )
    )
    session.commit()
    erase_families(session, [first.id])
    session.commit()
    kept = {
        event.after.get("owner_family_id"): event.after.get("acceptance")
        for event in session.exec(select(DeviceEvent).where(DeviceEvent.device_id == device_id))
        .scalars()
        .all()
        if event.action == "ownership-transferred"
    }
    assert kept == {first.id: None, later.id: "the later family's form"}
