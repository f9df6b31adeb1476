"""`make run`'s demo shows moves: the officer answers a neighbouring council's offer and
moves a converting school's register to its academy, in the browser."""

from sqlmodel import select

from accounts.models import Organisation, User
from devices.service.conversions import run_conversion
from dfc.demo import seed_demo
from tests.factories import sign_in_pages


def test_the_demo_officer_accepts_the_offer_and_converts_the_school(
    client, session, tmp_path, monkeypatch
):
    sent: list[int] = []
    monkeypatch.setattr("devices.tasks_moves.run_conversion_task.delay", sent.append)
    seed_demo(session, var_dir=tmp_path)
    session.commit()
    officer = session.exec(select(User).where(User.email == "officer@demo.example")).one()
    csrf = sign_in_pages(client, session, officer)

    moves_page = client.get("/moves?direction=in&status=offered")
    assert "1 family waits for your council" in moves_page.text
    assert "Highbury Fields School (demo)" in moves_page.text
    move_id = moves_page.text.split('href="/moves/', 1)[1].split('"', 1)[0]
    accepted = client.post(f"/moves/{move_id}/accept", data={"csrf_token": csrf})
    assert accepted.status_code == 200 and "Regent&#39;s Park Secondary (demo) now" in accepted.text
    assert "RPS-2031" in accepted.text

    links = client.get("/school-links")
    assert "Gospel Oak Primary (demo)" in links.text and "Move the register" in links.text
    link_id = links.text.split('action="/school-links/', 1)[1].split("/", 1)[0]
    queued = client.post(f"/school-links/{link_id}/convert", data={"csrf_token": csrf})
    assert queued.status_code == 200 and "Queued" in queued.text
    run_conversion(session, job_id=sent[0])
    done = client.get(queued.url.path)
    assert "Done" in done.text and "3 families" in done.text
    academy = session.exec(select(Organisation).where(Organisation.urn == "900005")).one()
    families = client.get(f"/families?school={academy.id}")
    assert "GOP-001" in families.text
