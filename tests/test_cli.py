"""The operator's command line, run as a real process against the test database."""

import os
import subprocess
import sys

import pytest
from sqlmodel import Session, func, select

from accounts.models import Organisation, OrganisationKind, User
from tests.factories import make_council

COMMANDS = [
    "serve",
    "worker",
    "beat",
    "migrate",
    "load-councils",
    "import-schools",
    "create-user",
    "seed-demo",
    "run",
    "retention",
    "open-data",
    "backup",
    "restore",
]


def dfc(*arguments: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dfc", *arguments],
        env=os.environ | env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def councils(session: Session) -> int:
    session.expire_all()
    return session.exec(
        select(func.count())
        .select_from(Organisation)
        .where(Organisation.kind == OrganisationKind.COUNCIL)
    ).one()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command):
    result = dfc(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 4


def test_load_councils_loads_the_33_london_councils_once(session):
    first = dfc("load-councils")
    assert first.returncode == 0, first.stderr
    assert "33 added" in first.stdout
    again = dfc("load-councils")
    assert "0 added, 0 updated" in again.stdout
    assert councils(session) == 33
    camden = session.exec(select(Organisation).where(Organisation.gss_code == "E09000007")).one()
    assert (camden.name, camden.la_code, camden.inner_london) == ("Camden", "202", True)


def test_import_schools_reports_the_row_and_column_of_each_problem(session, tmp_path):
    council = make_council(session)
    bad = tmp_path / "schools.csv"
    bad.write_text(
        f"urn,name,phase,la_code\n100001,Alpha,primary,{council.la_code}\n"
        f"100002,Beta,college,{council.la_code}\n"
    )
    result = dfc("import-schools", str(bad))
    assert result.returncode == 1
    assert "row 3, column phase: 'college' is not one of" in result.stderr
    good = tmp_path / "good.csv"
    good.write_text(f"urn,name,phase,la_code\n100001,Alpha,primary,{council.la_code}\n")
    assert "1 added" in dfc("import-schools", str(good)).stdout


def test_create_user_adds_staff_and_names_a_bad_option(session):
    dfc("load-councils")
    made = dfc(
        "create-user",
        "--email",
        "New.Officer@example.org",
        "--name",
        "New Officer",
        "--role",
        "council-officer",
        "--organisation",
        "202",
        DFC_NEW_PASSWORD="a long enough password",
    )
    assert made.returncode == 0, made.stderr
    assert "Added new.officer@example.org (council-officer) at Camden" in made.stdout
    wrong_home = dfc(
        "create-user",
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--role",
        "scheme-admin",
        "--organisation",
        "202",
        DFC_NEW_PASSWORD="a long enough password",
    )
    assert wrong_home.returncode == 2
    assert "--role: A scheme-admin belongs to a scheme, not a council" in wrong_home.stderr
    short = dfc(
        "create-user",
        "--email",
        "y@example.org",
        "--name",
        "Y",
        "--role",
        "scheme-admin",
        DFC_NEW_PASSWORD="short",
    )
    assert short.returncode == 2 and "--password" in short.stderr
    assert session.exec(select(func.count()).select_from(User)).one() == 1


def test_seed_demo_adds_the_demo_once_and_prints_working_logins(client, session):
    first = dfc("seed-demo")
    assert first.returncode == 0, first.stderr
    line = next(line for line in first.stdout.splitlines() if "officer@demo.example" in line)
    password = line.split()[2]
    again = dfc("seed-demo")
    assert "already there" in again.stdout and password in again.stdout
    users = session.exec(select(func.count()).select_from(User)).one()
    assert users == 5  # admin, officer, staff, agent and a network's user
    from devices.models import Allocation, Device
    from support.models import Ticket

    # 12 at the first school (4 of them managed), 4 more for the demo's moves (dfc/demo_moves)
    assert session.exec(select(func.count()).select_from(Device)).one() == 16
    assert session.exec(select(func.count()).select_from(Allocation)).one() == 9
    assert session.exec(select(Ticket.language)).all() == ["pl"]
    response = client.post(
        "/api/auth/token", data={"username": "officer@demo.example", "password": password}
    )
    assert response.status_code == 200
