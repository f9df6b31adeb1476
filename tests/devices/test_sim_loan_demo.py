"""`make run`'s demo has a SIM lent on its own to a family without broadband, and a family
still unconnected: the school's staff see both on the report, and the SIM's codes."""

from sqlmodel import select

from accounts.models import User
from devices.models import SimLoan
from dfc.demo import seed_demo
from dfc.demo_sim_loans import ICCID
from tests.factories import sign_in_pages


def test_the_demo_has_a_sim_only_loan_and_an_unconnected_family(
    client, session, tmp_path, monkeypatch
):
    monkeypatch.setenv("MEDIA_STORAGE", str(tmp_path / "media"))
    from dfc.settings import get_settings

    get_settings.cache_clear()
    seed_demo(session, var_dir=tmp_path)
    session.commit()
    loan = session.exec(select(SimLoan)).one()
    staff = session.exec(select(User).where(User.email == "staff@demo.example")).one()
    token = sign_in_pages(client, session, staff)
    listed = client.get("/sim-loans")
    assert listed.status_code == 200 and ICCID in listed.text
    shown = client.post(f"/sim-loans/{loan.id}/codes", data={"csrf_token": token})
    assert "1357" in shown.text and "24681357" in shown.text
    report = client.get("/connection-routes?format=csv")
    # the register's family with a dongle, the SIM-only loan, the unconnected family
    assert "(demo),3,1,1,1" in report.text.replace("\r", "")
