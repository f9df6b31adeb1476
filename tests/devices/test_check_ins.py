"""The daily check-ins with the clock set: each family is texted once on the council's date,
in their language, never at night; asked again after the date's wait; and on the school's
list when neither try was answered. Texts go through the outbox (opt-outs apply)."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from devices import check_in_queries
from devices.check_in_queries import Filters, Status
from devices.check_in_scan import run_check_ins
from devices.models import Allocation, CheckIn, DeviceManagement, EnrolmentState, Manager
from devices.service import check_ins
from notifications.consent import opt_out
from notifications.models import Channel, MessageStatus, OutboxMessage
from tests.devices.check_in_setup import (
    MORNING,
    SENDS_ON,
    family_with_laptop,
    make_check_in_date,
    staff_of,
)
from tests.factories import make_council, make_school


def texts_to(session: Session, phone: str) -> list[OutboxMessage]:
    session.expire_all()
    statement = select(OutboxMessage).where(
        OutboxMessage.recipient == phone, OutboxMessage.template == "check-in"
    )
    return list(session.exec(statement.order_by(OutboxMessage.id)))


def listed(session, caller, day, **filters) -> list[dict]:
    statement = check_in_queries.check_ins(caller, today=day, filters=Filters(**filters))
    return [dict(row._mapping) for row in session.execute(statement)]


def test_a_family_is_asked_once_on_the_councils_date_in_their_language(session, council, school):
    make_check_in_date(session, council)
    family, _device = family_with_laptop(session, school, language="so", tag="DFC-0042")
    assert run_check_ins(session, now=MORNING - timedelta(days=1)) == 0  # not before the day
    assert run_check_ins(session, now=MORNING) == 1
    session.commit()
    assert run_check_ins(session, now=MORNING + timedelta(hours=3)) == 0  # the same day again
    assert run_check_ins(session, now=MORNING + timedelta(days=1)) == 0  # and the next
    session.commit()
    [text] = texts_to(session, family.phone_number)
    assert text.locale == "so" and text.channel is Channel.SMS
    assert "DFC-0042" in text.body
    for word in ("HAA", "MAYA", "CAAWIMO"):
        assert word in text.body
    assert len(session.exec(select(CheckIn)).all()) == 1


def test_a_check_in_run_at_night_waits_for_the_morning(session, council, school):
    make_check_in_date(session, council)
    family, _device = family_with_laptop(session, school)
    late = datetime(2026, 11, 2, 22, 30, tzinfo=UTC)
    run_check_ins(session, now=late)
    session.commit()
    [text] = texts_to(session, family.phone_number)
    assert text.status is MessageStatus.HELD
    assert text.next_attempt_at == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


def test_another_councils_date_asks_nobody_here(session, council, school):
    make_check_in_date(session, make_council(session))
    family, _device = family_with_laptop(session, school)
    assert run_check_ins(session, now=MORNING) == 0
    assert texts_to(session, family.phone_number) == []


def test_no_answer_brings_a_second_try_after_the_wait_then_the_schools_list(
    session, council, school
):
    make_check_in_date(session, council, wait_days=5)
    family, device = family_with_laptop(session, school, language="pl")
    other_school = make_school(session, council=make_council(session))
    school_staff = staff_of(session, school)
    run_check_ins(session, now=MORNING)
    assert run_check_ins(session, now=MORNING + timedelta(days=4)) == 0  # still waiting
    assert run_check_ins(session, now=MORNING + timedelta(days=5)) == 1  # the second try
    assert run_check_ins(session, now=MORNING + timedelta(days=6)) == 0  # and only one
    session.commit()
    first, second = texts_to(session, family.phone_number)
    assert first.locale == second.locale == "pl" and "TAK" in second.body
    day_9 = SENDS_ON + timedelta(days=9)
    [row] = listed(session, school_staff, day_9)
    assert row["status"] == Status.WAITING and row["device_id"] == device.id
    day_10 = SENDS_ON + timedelta(days=10)
    [row] = listed(session, school_staff, day_10, status=Status.NO_ANSWER)
    assert row["serial_number"] == device.serial_number
    assert listed(session, staff_of(session, other_school), day_10) == []  # scoped to the school


def test_an_answered_check_in_is_not_asked_again(session, council, school):
    make_check_in_date(session, council)
    family, _device = family_with_laptop(session, school)
    run_check_ins(session, now=MORNING)
    answered = check_ins.record_answer(
        session, phone=family.phone_number, body="Yes!", now=MORNING + timedelta(hours=1)
    )
    assert answered is not None and answered.answer.value == "yes"
    assert run_check_ins(session, now=MORNING + timedelta(days=8)) == 0
    session.commit()
    assert len(texts_to(session, family.phone_number)) == 1


def test_a_family_that_stopped_texts_is_not_texted_but_still_listed(session, council, school):
    make_check_in_date(session, council)
    family, _device = family_with_laptop(session, school)
    opt_out(session, family.phone_number, how="STOP", channel=Channel.SMS)
    run_check_ins(session, now=MORNING)
    session.commit()
    [text] = texts_to(session, family.phone_number)
    assert text.status is MessageStatus.CANCELLED
    run_check_ins(session, now=MORNING + timedelta(days=7))  # the second try, cancelled too
    session.commit()
    assert [t.status for t in texts_to(session, family.phone_number)] == [
        MessageStatus.CANCELLED,
        MessageStatus.CANCELLED,
    ]
    [row] = listed(session, staff_of(session, school), SENDS_ON + timedelta(days=14))
    assert row["status"] == Status.NO_ANSWER  # the school hears they could not be reached


def test_a_council_sees_likely_lost_devices_beside_their_last_check_in(session, council, school):
    make_check_in_date(session, council, wait_days=3)
    said_no, gone = family_with_laptop(session, school)
    _silent, quiet = family_with_laptop(session, school)
    _silent_online, online = family_with_laptop(session, school)
    for device, seen in ((quiet, MORNING - timedelta(days=60)), (online, MORNING)):
        session.add(
            DeviceManagement(
                device_id=device.id,
                manager=Manager.INTUNE,
                state=EnrolmentState.ENROLLED,
                last_check_in_at=seen,
            )
        )
    session.commit()
    run_check_ins(session, now=MORNING)
    check_ins.record_answer(session, phone=said_no.phone_number, body="no", now=MORNING)
    run_check_ins(session, now=MORNING + timedelta(days=3))
    session.commit()
    lost = listed(
        session, staff_of(session, council), SENDS_ON + timedelta(days=6), likely_lost=True
    )
    assert {row["device_id"] for row in lost} == {gone.id, quiet.id}


def test_a_device_returned_before_an_answer_is_not_asked_again_nor_on_the_list(
    session, council, school
):
    make_check_in_date(session, council)
    _family, device = family_with_laptop(session, school)
    run_check_ins(session, now=MORNING)
    allocation = session.exec(select(Allocation).where(Allocation.device_id == device.id)).one()
    allocation.returned_on = SENDS_ON + timedelta(days=2)
    session.add(allocation)
    session.commit()
    assert run_check_ins(session, now=MORNING + timedelta(days=7)) == 0
    [row] = listed(session, staff_of(session, school), SENDS_ON + timedelta(days=20))
    assert row["status"] == Status.RETURNED and row["likely_lost"] in (False, 0)
    assert (
        listed(
            session,
            staff_of(session, school),
            SENDS_ON + timedelta(days=20),
            status=Status.NO_ANSWER,
        )
        == []
    )
