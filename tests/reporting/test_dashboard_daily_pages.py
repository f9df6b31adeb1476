"""The dashboard page reading the daily figures: it says when they were computed (or that
it counted them just now), shows a council its own figures only, and an import refreshes the
figures of the council it was made for."""

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from devices.imports import jobs
from devices.models.imports import ImportJob, ImportKind, ImportStatus
from dfc.caller import Caller
from dfc.clock import today
from dfc.worker import celery_app
from reporting.dashboard import daily
from reporting.dashboard.summaries import refresh_summaries
from reporting.dashboard.tasks import AFTER_IMPORT
from tests.devices import factories
from tests.factories import make_admin, make_user, sign_in_pages
from tests.reporting.register import caller_for, make_register

HTML = {"Accept": "text/html"}
NIGHT = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # 02:00 in London too: GMT in December


def headline(page: str, label: str) -> str:
    """The figure shown beside `label` at the top of the page (less the words a screen
    reader hears after it)."""
    found = re.search(rf"{re.escape(label)}</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert found, f"no headline {label!r}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip().split(" ")[0]


@pytest.fixture
def register(session):
    return make_register(session, today=today())


@pytest.fixture
def officer(client, session, register):
    user = make_user(session, organisation=register.ours, role=Role.COUNCIL_OFFICER)
    sign_in_pages(client, session, user)
    return user


def test_before_the_first_run_the_page_counts_live_and_says_so(client, officer):
    response = client.get("/dashboard", headers=HTML)
    assert response.status_code == 200
    assert "Figures counted just now: the nightly figures have not been worked out yet" in (
        response.text
    )
    assert headline(response.text, "Devices in service") == "11"


def test_the_page_shows_the_computed_figures_and_when_they_were_computed(
    client, session, officer, register
):
    refresh_summaries(session, today=today(), now=NIGHT)
    session.commit()
    factories.make_device(session, holder=register.ash, cover_until=None)  # after the run

    response = client.get("/dashboard", headers=HTML)
    assert response.status_code == 200
    assert "Figures as of 5 December 2026 at 02:00" in response.text
    assert headline(response.text, "Devices in service") == "11"  # as computed, not 12
    assert headline(response.text, "SIMs at their data cap this month") == "2"
    csv = client.get("/dashboard/devices-by-status.csv").text.splitlines()
    assert csv[1:] == ["In stock,7", "In repair,2", "Lost,2"]


def test_an_officer_sees_their_councils_figures_and_an_admin_those_of_the_council_chosen(
    client, session, officer, register
):
    refresh_summaries(session, today=today(), now=NIGHT)
    session.commit()
    ours = client.get("/dashboard", headers=HTML)
    assert headline(ours.text, "Devices asked for and not provided") == "8"
    assert client.get(f"/dashboard?council={register.theirs.id}").status_code == 404

    sign_in_pages(client, session, make_admin(session))
    theirs = client.get(f"/dashboard?council={register.theirs.id}", headers=HTML)
    assert theirs.status_code == 200
    assert headline(theirs.text, "Devices in service") == "8"
    assert headline(theirs.text, "Devices asked for and not provided") == "7"
    everything = client.get("/dashboard", headers=HTML)
    assert headline(everything.text, "Devices in service") == "19"


def _manifest_job(session: Session, officer, school: Organisation, count: int) -> ImportJob:
    rows = ["serial_number,kind,make,model,holder,received_on"]
    rows += [f"NEW-{n},laptop,Dell,3190,{school.urn},2026-03-02" for n in range(count)]
    caller = Caller.for_user(officer, session.get_one(Organisation, officer.organisation_id))
    data = "\n".join(rows).encode()
    job = jobs.create_job(
        session, caller=caller, kind=ImportKind.MANIFEST, filename="m.csv", data=data, rows=count
    )
    session.commit()
    return job


def test_an_import_refreshes_the_figures_of_its_council_only(
    session, officer, register, monkeypatch
):
    from devices.tasks import run_import

    refresh_summaries(session, today=today(), now=NIGHT)
    session.commit()
    sent: list[tuple[str, tuple]] = []
    monkeypatch.setattr(celery_app, "send_task", lambda name, args: sent.append((name, args)))
    job = _manifest_job(session, officer, register.birch, 3)

    run_import(job.id)  # as the worker runs it
    session.expire_all()
    assert session.get_one(ImportJob, job.id).status is ImportStatus.SUCCEEDED
    assert sent == [(AFTER_IMPORT, (job.id,))]
    name, args = sent[0]
    celery_app.tasks[name](*args)  # as the worker runs the task sent

    session.expire_all()
    ours, theirs = caller_for(register.ours), caller_for(register.theirs)
    assert daily.stored_headlines(session, ours).devices_in_service == 11 + 3
    assert daily.computed(session, ours).computed_at > NIGHT
    assert daily.computed(session, theirs).computed_at == NIGHT


def test_a_failed_import_changes_no_figures(session, officer, register):
    refresh_summaries(session, today=today(), now=NIGHT)
    session.commit()
    job = _manifest_job(session, officer, register.birch, 1)
    job.status = ImportStatus.FAILED
    session.commit()
    assert celery_app.tasks[AFTER_IMPORT](job.id) == 0
    assert daily.computed(session, caller_for(register.ours)).computed_at == NIGHT


def test_the_demo_dashboard_shows_its_figures_from_the_start(client, session, tmp_path):
    from accounts.models import User
    from dfc.demo import seed_demo

    seed_demo(session, var_dir=tmp_path)
    session.commit()
    officer = session.exec(select(User).where(User.email == "officer@demo.example")).one()
    sign_in_pages(client, session, officer)
    page = client.get("/dashboard", headers=HTML)
    assert page.status_code == 200
    assert "Figures as of " in page.text
    # the demo register's 8 devices, the 4 that show device management (dfc/demo_management.py)
    # and the 3 of Camden's moves (dfc/demo_moves.py), less the one stolen (dfc/demo_incidents.py)
    assert headline(page.text, "Devices in service") == "14"


def test_an_import_is_kept_when_the_broker_cannot_take_the_refresh(
    session, officer, register, monkeypatch
):
    from devices.tasks import run_import

    def broker_down(name, args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(celery_app, "send_task", broker_down)
    job = _manifest_job(session, officer, register.birch, 2)
    run_import(job.id)
    session.expire_all()
    assert session.get_one(ImportJob, job.id).status is ImportStatus.SUCCEEDED


def test_an_import_before_the_first_nightly_run_computes_every_councils_figures(
    session, officer, register
):
    job = _manifest_job(session, officer, register.birch, 1)
    jobs.run_job(session, job_id=job.id)
    celery_app.tasks[AFTER_IMPORT](job.id)
    session.expire_all()
    theirs = daily.computed(session, caller_for(register.theirs))
    assert theirs is not None  # so the scheme's figures add up every council's
    assert daily.stored_headlines(session, caller_for(register.theirs)).devices_in_service == 8
