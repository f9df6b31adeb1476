"""End of security updates joins the daily alerts: staff hear at their council's support
thresholds (90, 30, 7 days) and once when the date has passed, each once; a device the
family owns, or out of service, is left out."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from devices.alerts import run_daily_alerts
from devices.models import DeviceStatus, OwnerKind
from devices.models.management import (
    DeviceManagement,
    EndOfUpdates,
    EnrolmentState,
    Manager,
    UpdatesKind,
    UpdatesSource,
)
from notifications.models import Channel, OutboxMessage
from tests.devices.factories import make_allocation, make_device, make_family
from tests.factories import make_council, make_school, make_user

TODAY = date(2026, 11, 25)
ENDS = TODAY + timedelta(days=25)  # a Chromebook's own Auto Update Expiration


@pytest.fixture
def world(session: Session):
    council = make_council(session)
    school = make_school(session, council=council, name="Kentish Town Primary")
    make_user(session, organisation=school, role=Role.SCHOOL_STAFF, email="staff@school.example")
    chromebook = make_device(session, holder=school, cover_until=None, serial="CHROME-1")
    session.add(
        DeviceManagement(
            device_id=chromebook.id,
            manager=Manager.GOOGLE_ADMIN,
            state=EnrolmentState.ENROLLED,
            auto_update_expires_on=ENDS,
        )
    )
    if not session.exec(
        select(EndOfUpdates).where(EndOfUpdates.name_key == "windows 10 pro")
    ).first():
        session.add(  # shipped by the migrations; other tests may have emptied the table
            EndOfUpdates(
                kind=UpdatesKind.OPERATING_SYSTEM,
                name="Windows 10 Pro",
                name_key="windows 10 pro",
                ends_on=date(2025, 10, 14),
                source=UpdatesSource.REFERENCE,
                updated_by="test",
            )
        )
    windows = make_device(session, holder=school, cover_until=None, serial="WIN10-1")
    windows.operating_system = "Windows 10 Pro"  # its end of support: 14 October 2025
    given = make_device(session, holder=school, cover_until=None, serial="WIN10-GIVEN")
    given.operating_system = "Windows 10 Pro"
    given.owner_kind = OwnerKind.FAMILY
    lost = make_device(session, holder=school, cover_until=None, serial="WIN10-LOST")
    lost.operating_system, lost.status = "Windows 10 Pro", DeviceStatus.LOST
    session.add_all([windows, given, lost])
    session.commit()
    make_allocation(session, device=chromebook, family=make_family(session, school=school))
    return chromebook, windows


def section(body: str, heading: str) -> str:
    """The lines under one heading of a digest."""
    lines = body.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    rest = [line for line in lines[start + 1 :]]
    end = next((i for i, line in enumerate(rest) if not line.startswith("  ")), len(rest))
    return "\n".join(lines[start : start + 1 + end])


def digests(session: Session) -> list[str]:
    session.expire_all()
    return [
        m.body
        for m in session.exec(select(OutboxMessage).order_by(OutboxMessage.id))
        if m.channel is Channel.EMAIL and m.recipient == "staff@school.example"
    ]


def test_staff_hear_of_updates_ending_and_ended_once_each(session, world):
    run_daily_alerts(session, today=TODAY)
    session.commit()
    [first] = digests(session)
    ending = section(first, "Devices whose security updates end soon")
    assert ending.splitlines()[0].endswith(": 1") and "CHROME-1" in ending and str(ENDS) in ending
    past = section(first, "Devices past their end of security updates")
    assert past.splitlines()[0].endswith(": 1") and "WIN10-1 " in past and "2025-10-14" in past

    run_daily_alerts(session, today=TODAY + timedelta(days=5))  # still within 30 days
    session.commit()
    assert len(digests(session)) == 1, "nothing new: no digest"

    run_daily_alerts(session, today=TODAY + timedelta(days=19))  # 6 days out: the 7-day
    session.commit()
    assert "security updates end soon (plan their replacement): 1" in digests(session)[-1]
    assert "past their end" not in digests(session)[-1]

    run_daily_alerts(session, today=ENDS + timedelta(days=1))  # now past
    session.commit()
    latest = digests(session)[-1]
    assert "CHROME-1" in section(latest, "Devices past their end of security updates: 1")
    run_daily_alerts(session, today=ENDS + timedelta(days=2))
    session.commit()
    assert len(digests(session)) == 3


def test_no_family_is_texted_about_updates(session, world):
    run_daily_alerts(session, today=TODAY)
    session.commit()
    texts = session.exec(select(OutboxMessage).where(OutboxMessage.channel == Channel.SMS)).all()
    assert [t for t in texts if "updates" in t.template] == []
