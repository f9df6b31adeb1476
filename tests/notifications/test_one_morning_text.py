"""A family hears once a morning, however many things fall due: their laptop named by its
asset tag, in their language, with whom to call and the number, within three segments."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from devices.alerts import run_daily_alerts
from devices.models import DataUsage, Family
from notifications.consent import opt_out
from notifications.models import Channel, MessageStatus, OutboxMessage
from notifications.segments import count_segments
from support.models import Category, SupportContact, Team
from tests.devices.factories import (
    make_allocation,
    make_device,
    make_dongle_with_sim,
    make_family,
)
from tests.factories import make_council, make_school

TODAY = date(2026, 11, 25)
THREE_THINGS = (
    "Urządzenia dla Dzieci: Laptop DFC-0042: pomoc i aktualizacje do 20 grudnia. "
    "Internet 4G do 15 grudnia. Dane 4G: zużyto 80%. "
    "Kontakt: Hillside School IT, 020 7946 0000."
)


def texts_to(session: Session, family: Family) -> list[OutboxMessage]:
    session.expire_all()
    statement = select(OutboxMessage).where(
        OutboxMessage.channel == Channel.SMS, OutboxMessage.recipient == family.phone_number
    )
    return list(session.exec(statement.order_by(OutboxMessage.id)))


def contact(session: Session, organisation, category: Category, name: str, phone: str) -> None:
    session.add(
        SupportContact(
            organisation_id=organisation.id,
            category=category,
            team=Team.SCHOOL_IT,
            name=name,
            phone=phone,
        )
    )
    session.commit()


def laptop_with_dongle(
    session: Session,
    school,
    family: Family,
    *,
    tag: str | None = None,
    support_days: int = 25,
    contract_days: int = 20,
):
    """A laptop whose support ends in 25 days, with a dongle whose contract ends in 20 and
    which has used 83% of this month's 3 GB."""
    device = make_device(session, holder=school, cover_until=TODAY + timedelta(days=support_days))
    device.asset_tag = tag
    dongle, sim = make_dongle_with_sim(
        session,
        holder=school,
        device=device,
        contract_starts_on=date(2026, 6, 1),
        contract_ends_on=TODAY + timedelta(days=contract_days),
    )
    session.add(DataUsage(sim_id=sim.id, read_on=TODAY, used_mb=2560))
    make_allocation(session, device=device, family=family, dongle=dongle)
    return device


@pytest.fixture
def world(session: Session):
    council = make_council(session, name="Camden")
    school = make_school(session, council=council, name="Hillside School")
    family = make_family(session, school=school, language="pl")
    return council, school, family


def test_one_morning_text_for_three_due_items(session, world):
    council, school, family = world
    contact(session, school, Category.OTHER, "Hillside School IT", "020 7946 0000")
    contact(session, council, Category.OTHER, "Camden helpdesk", "020 7974 4444")
    laptop_with_dongle(session, school, family, tag="DFC-0042")

    run_daily_alerts(session, today=TODAY)
    session.commit()
    [text] = texts_to(session, family)
    assert (text.template, text.locale, text.body) == ("family-alerts", "pl", THREE_THINGS)
    assert count_segments(text.body) == (3, "UCS-2")

    assert run_daily_alerts(session, today=TODAY) == 0  # the same morning, again
    session.commit()
    run_daily_alerts(session, today=TODAY + timedelta(days=1))  # nothing new tomorrow
    session.commit()
    assert texts_to(session, family) == [text]


def test_one_thing_due_gets_its_own_message_with_the_number_for_that_kind_of_problem(
    session, world
):
    council, school, family = world
    stored = session.get(Family, family.id)
    stored.preferred_language = "en"
    session.commit()
    # The school set no contact for data: its council's answers, as on the families' page.
    contact(session, school, Category.OTHER, "Hillside School IT", "020 7946 0000")
    contact(session, council, Category.DATA_USED_UP, "Camden data line", "0800 123 4567")
    # Only the data is due: the laptop's support and the 4G contract run for another year.
    laptop_with_dongle(session, school, family, support_days=400, contract_days=400)

    run_daily_alerts(session, today=TODAY)
    session.commit()
    [text] = texts_to(session, family)
    assert text.template == "data-nearly-used"
    assert text.body == (
        "Devices for Children: your child's 4G dongle has used 80% of this month's data. "
        "It renews on 1 December 2026. Need more? Contact Camden data line on 0800 123 4567."
    )


def test_a_laptop_without_an_asset_tag_is_named_by_its_model(session, world):
    _council, school, family = world
    device = make_device(session, holder=school, cover_until=TODAY + timedelta(days=5))
    make_allocation(session, device=device, family=family)
    run_daily_alerts(session, today=TODAY)
    session.commit()
    [text] = texts_to(session, family)
    assert text.template == "support-ending"
    assert "Laptop Latitude 3190 ma pomoc" in text.body and "Kontakt: Hillside School." in text.body


def test_a_morning_too_long_for_three_segments_sends_the_short_text(session, world):
    _council, school, family = world
    contact(session, school, Category.OTHER, "Hillside School IT", "020 7946 0000")
    laptop_with_dongle(session, school, family, tag="DFC-0042")
    sibling = make_device(session, holder=school, cover_until=TODAY + timedelta(days=10))
    make_allocation(session, device=sibling, family=family)  # a second child's laptop

    run_daily_alerts(session, today=TODAY)
    session.commit()
    [text] = texts_to(session, family)
    assert text.template == "family-alerts-short"
    assert "Hillside School IT, 020 7946 0000" in text.body
    assert count_segments(text.body)[0] <= 3


def test_a_number_that_texted_stop_gets_no_morning_text(session, world):
    _council, school, family = world
    laptop_with_dongle(session, school, family, tag="DFC-0042")
    opt_out(session, family.phone_number, how="STOP", channel=Channel.SMS)
    session.commit()
    run_daily_alerts(session, today=TODAY)
    session.commit()
    [text] = texts_to(session, family)
    assert text.status is MessageStatus.CANCELLED
