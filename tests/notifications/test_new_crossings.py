"""The scan's queries run once for the whole scheme and come back with only what newly
crossed a threshold, each council's items under that council's own policy."""

from datetime import date, timedelta

from sqlmodel import Session, select

from devices.alert_queries import Policies, scan_statements
from devices.alerts import run_daily_alerts
from devices.models import DataUsage
from notifications.models import AlertPolicy, AlertRaised, Channel, OutboxMessage
from tests.devices.factories import (
    make_allocation,
    make_device,
    make_dongle_with_sim,
    make_family,
)
from tests.factories import make_council, make_school

TODAY = date(2026, 11, 25)


def found_today(session: Session, councils, today: date) -> dict[str, list[tuple]]:
    """What each kind's query returns: (item, council, threshold)."""
    policies = {p.council_id: p for p in session.exec(select(AlertPolicy))}
    scanned = Policies({c.id: policies.get(c.id) or AlertPolicy(council_id=c.id) for c in councils})
    found = {}
    for kind, statement in scan_statements(scanned, today).items():
        rows = session.execute(statement).mappings().all()
        # the item's own id: a SIM's rows also carry the device its dongle serves
        item = {"licence-ends": "licence_id", "connectivity-ends": "sim_id", "data": "sim_id"}
        item_id = item.get(kind, "device_id")
        found[kind] = sorted((r[item_id], r["council_id"], r.get("threshold")) for r in rows)
    return found


def texts(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    statement = select(OutboxMessage).where(OutboxMessage.channel == Channel.SMS)
    return list(session.exec(statement.order_by(OutboxMessage.id)))


def test_the_next_days_queries_return_only_items_that_newly_crossed_a_threshold(session):
    council = make_council(session)
    school = make_school(session, council=council)
    first = make_device(session, holder=school, cover_until=TODAY + timedelta(days=25))
    nobody = make_device(session, holder=school, cover_until=None)
    session.commit()
    assert found_today(session, [council], TODAY)["support-ends"] == [(first.id, council.id, 30)]
    run_daily_alerts(session, today=TODAY)
    session.commit()

    later = make_device(session, holder=school, cover_until=TODAY + timedelta(days=20))
    session.commit()
    tomorrow = found_today(session, [council], TODAY + timedelta(days=1))
    assert tomorrow["support-ends"] == [(later.id, council.id, 30)]
    assert tomorrow["unsupported"] == []  # raised once, for good
    assert nobody.id not in [
        row[0] for row in found_today(session, [council], TODAY)["unsupported"]
    ]
    # 6 days out, the first device crosses 7 days: it comes back, at 7.
    week = found_today(session, [council], TODAY + timedelta(days=19))["support-ends"]
    assert (first.id, council.id, 7) in week


def test_the_raised_marks_carry_the_keys_parts(session):
    council = make_council(session)
    school = make_school(session, council=council)
    device = make_device(session, holder=school, cover_until=TODAY + timedelta(days=5))
    session.commit()
    run_daily_alerts(session, today=TODAY)
    session.commit()
    ends = (TODAY + timedelta(days=5)).isoformat()
    marks = session.exec(select(AlertRaised).where(AlertRaised.kind == "support-ends")).all()
    assert sorted((m.key, m.item_id, m.threshold, m.ends_on) for m in marks) == [
        (
            f"support-ends:device-{device.id}:{ends}:{days}d",
            device.id,
            days,
            TODAY + timedelta(days=5),
        )
        for days in (30, 7, 90)
    ]
    [scan] = session.exec(select(AlertRaised).where(AlertRaised.kind == "scan")).all()
    assert (scan.key, scan.item_id, scan.ends_on) == (
        f"scan:council-{council.id}:{TODAY}",
        council.id,
        TODAY,
    )


def test_each_council_is_scanned_with_its_own_thresholds(session):
    default = make_council(session)
    strict = make_council(session)
    session.add(AlertPolicy(council_id=strict.id, cover_days="14"))
    session.commit()
    ours = make_device(
        session,
        holder=make_school(session, council=default),
        cover_until=TODAY + timedelta(days=25),
    )
    theirs = make_device(
        session, holder=make_school(session, council=strict), cover_until=TODAY + timedelta(days=25)
    )
    session.commit()
    assert found_today(session, [default, strict], TODAY)["support-ends"] == [
        (ours.id, default.id, 30)
    ]
    run_daily_alerts(session, today=TODAY)
    session.commit()
    in_ten_days = found_today(session, [default, strict], TODAY + timedelta(days=11))
    assert in_ten_days["support-ends"] == [(theirs.id, strict.id, 14)]
    assert run_daily_alerts(session, today=TODAY + timedelta(days=11)) == 0  # no staff, no family
    keys = set(
        session.exec(
            select(AlertRaised.key).where(
                AlertRaised.kind == "support-ends", AlertRaised.item_id == theirs.id
            )
        )
    )
    assert keys == {f"support-ends:device-{theirs.id}:{TODAY + timedelta(days=25)}:14d"}


def test_a_council_that_does_not_text_families_leaves_its_families_alone(session):
    texting, quiet = make_council(session), make_council(session)
    session.add(AlertPolicy(council_id=quiet.id, text_families=False))
    session.commit()
    families = []
    for council in (texting, quiet):
        school = make_school(session, council=council)
        family = make_family(session, school=school)
        device = make_device(session, holder=school, cover_until=TODAY + timedelta(days=25))
        make_allocation(session, device=device, family=family)
        families.append(family)
    run_daily_alerts(session, today=TODAY)
    session.commit()
    assert [m.recipient for m in texts(session)] == [families[0].phone_number]


def test_a_sim_crossing_80_then_100_percent_is_alerted_at_each_once(session):
    council = make_council(session)
    school = make_school(session, council=council)
    _dongle, sim = make_dongle_with_sim(
        session,
        holder=school,
        contract_starts_on=date(2026, 9, 1),
        contract_ends_on=date(2027, 8, 31),
    )
    session.add(DataUsage(sim_id=sim.id, read_on=TODAY, used_mb=int(3 * 1024 * 0.85)))
    session.commit()
    assert found_today(session, [council], TODAY)["data"] == [(sim.id, council.id, 80)]
    run_daily_alerts(session, today=TODAY)
    session.commit()
    assert found_today(session, [council], TODAY + timedelta(days=1))["data"] == []
    session.add(DataUsage(sim_id=sim.id, read_on=TODAY + timedelta(days=2), used_mb=3 * 1024 + 1))
    session.commit()
    assert found_today(session, [council], TODAY + timedelta(days=2))["data"] == [
        (sim.id, council.id, 100)
    ]
    run_daily_alerts(session, today=TODAY + timedelta(days=2))
    session.commit()
    assert found_today(session, [council], TODAY + timedelta(days=3))["data"] == []
