"""Demo check-ins for `make run`: the council's check-in four weeks ago (answered yes by
one family, no by another, and by nobody else after both texts, so the school's no-answer
list and the council's likely lost list have rows) and its next one, to come."""

from datetime import date, timedelta

from sqlmodel import Session, select

from devices.models import Allocation, CheckIn, CheckInAnswer, CheckInDate, Device, Family
from devices.service.registry import OUT_OF_SERVICE
from dfc.db_types import utcnow

WAIT_DAYS = 7


def seed_check_ins(session: Session, *, council_id: int, school_id: int, today: date) -> None:
    last = CheckInDate(
        council_id=council_id,
        sends_on=today - timedelta(days=28),
        label="Last term's check-in (demo)",
        wait_days=WAIT_DAYS,
        created_by="demo data",
    )
    upcoming = CheckInDate(
        council_id=council_id,
        sends_on=today + timedelta(days=56),
        label="Next term's check-in (demo)",
        wait_days=WAIT_DAYS,
        created_by="demo data",
    )
    session.add_all([last, upcoming])
    session.flush()
    asked = session.exec(
        select(Allocation)
        .join(Device, Device.id == Allocation.device_id)
        .join(Family, Family.id == Allocation.family_id)
        .where(
            Allocation.school_id == school_id,
            Allocation.returned_on.is_(None),
            Allocation.allocated_on < last.sends_on,
            Device.status.not_in(OUT_OF_SERVICE),
            Family.phone_number.is_not(None),
        )
        .order_by(Allocation.id)
    ).all()
    second = last.sends_on + timedelta(days=WAIT_DAYS)
    answers = [CheckInAnswer.YES, CheckInAnswer.NO]
    for position, allocation in enumerate(asked):
        answer = answers[position] if position < len(answers) else None
        session.add(
            CheckIn(
                check_in_date_id=last.id,
                allocation_id=allocation.id,
                device_id=allocation.device_id,
                family_id=allocation.family_id,
                school_id=allocation.school_id,
                first_sent_on=last.sends_on,
                second_due_on=second,
                second_sent_on=None if answer else second,
                no_answer_on=None if answer else second + timedelta(days=WAIT_DAYS),
                answer=answer,
                answered_at=utcnow() - timedelta(days=27) if answer else None,
            )
        )
    session.flush()
