"""The outbox: once per key, in the family's language, never at night, never to a STOP."""

from datetime import UTC, datetime

from sqlmodel import Session, func, select

from notifications.models import Channel, MessageStatus, OutboxMessage, SmsOptOut
from notifications.outbox import Recipient, enqueue

FAMILY = Recipient(Channel.SMS, "+447911123456", "pl", None)
CONTEXT = {
    "date": datetime(2026, 12, 1).date(),
    "device": "Laptop DFC-0042",
    "contact": "Camden School",
}
NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(OutboxMessage)).one()


def test_a_key_never_makes_a_second_message(session):
    first = enqueue(
        session,
        key="support-ends:device-1:30d",
        recipient=FAMILY,
        template="support-ending",
        context=CONTEXT,
        now=NOON,
    )
    again = enqueue(
        session,
        key="support-ends:device-1:30d",
        recipient=FAMILY,
        template="support-ending",
        context=CONTEXT,
        now=NOON,
    )
    session.commit()
    assert again.id == first.id and count(session) == 1


def test_a_message_is_in_the_familys_language_with_local_dates(session):
    message = enqueue(
        session, key="k1", recipient=FAMILY, template="support-ending", context=CONTEXT, now=NOON
    )
    assert "1 grudnia 2026" in message.body
    assert "Camden School" in message.body
    assert message.status is MessageStatus.PENDING


def test_a_message_caused_at_2300_is_held_until_0800(session):
    late = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)  # 23:00 in London in November
    message = enqueue(
        session, key="k2", recipient=FAMILY, template="support-ending", context=CONTEXT, now=late
    )
    assert message.status is MessageStatus.HELD
    assert message.next_attempt_at == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_quiet_hours_follow_london_summer_time(session):
    summer_evening = datetime(2026, 7, 1, 19, 30, tzinfo=UTC)  # 20:30 BST
    message = enqueue(
        session,
        key="k3",
        recipient=FAMILY,
        template="support-ending",
        context=CONTEXT,
        now=summer_evening,
    )
    assert message.status is MessageStatus.HELD
    assert message.next_attempt_at == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)  # 08:00 BST


def test_staff_email_is_not_held_at_night(session):
    late = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    message = enqueue(
        session,
        key="k4",
        template="staff-digest",
        now=late,
        recipient=Recipient(Channel.EMAIL, "officer@example.org"),
        context={"date": late.date(), "items": "Support ending: 1"},
    )
    assert message.status is MessageStatus.PENDING
    assert message.subject.startswith("Devices for Children: what needs doing")


def test_nothing_is_texted_to_a_number_that_said_stop(session):
    session.add(SmsOptOut(phone_number=FAMILY.address))
    message = enqueue(
        session, key="k5", recipient=FAMILY, template="support-ending", context=CONTEXT, now=NOON
    )
    assert message.status is MessageStatus.CANCELLED


def test_arabic_messages_count_their_ucs2_segments(session):
    message = enqueue(
        session,
        key="k6",
        template="data-used-up",
        now=NOON,
        recipient=Recipient(Channel.SMS, "+447911123456", "ar"),
        context={"date": datetime(2026, 12, 1).date(), "contact": "School"},
    )
    assert message.encoding == "UCS-2"
    assert message.segments >= 2
    english = enqueue(
        session,
        key="k7",
        template="data-used-up",
        now=NOON,
        recipient=Recipient(Channel.SMS, "+447911123457", "en"),
        context={"date": datetime(2026, 12, 1).date(), "contact": "School"},
    )
    assert english.encoding == "GSM-7"


def test_a_message_the_family_asked_for_is_sent_at_night_and_an_alert_is_held(session):
    import support.messages  # noqa: F401 (the desk's templates)

    night = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    code = enqueue(
        session,
        key="code-at-night",
        recipient=FAMILY,
        template="ticket-follow-code",
        context={"reference": "TK-7QX4-M2", "code": "482913"},
        now=night,
    )
    alert = enqueue(
        session, key="alert-at-night", recipient=FAMILY, template="support-ending",
        context=CONTEXT, now=night,
    )  # fmt: skip
    assert code.status is MessageStatus.PENDING and code.next_attempt_at == night
    assert alert.status is MessageStatus.HELD
