"""The example files the imports page offers import with no problems, and the register's
documentation shows exactly those files and every column the importers take."""

import csv
import io
import re
from pathlib import Path

from sqlmodel import select

from accounts.models import Role
from devices.imports import manifest, usage
from devices.imports.examples import PLACEHOLDER_HOLDER, example_csv
from devices.imports.jobs import run_job
from devices.models import DataUsage, Device, Dongle, ImportJob, ImportKind, Sim
from tests.devices.test_imports import upload
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages

DOCS = Path(__file__).parents[2] / "docs" / "register.md"
EXAMPLE_LINK = re.compile(r'<a class="govuk-link" href="(/imports/examples/\w+)" download>')


def holders(data: bytes) -> set[str]:
    return {row["holder"] for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}


def import_through_the_page(client, session, token, *, kind: str, data: bytes, name: str):
    response = client.post(
        "/imports",
        data={"csrf_token": token, "kind": kind},
        files={"file": (name, data, "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    job = session.exec(select(ImportJob).order_by(ImportJob.id.desc())).first()
    run_job(session, job_id=job.id)  # what the worker runs
    session.refresh(job)
    return job


def test_the_import_page_links_to_example_files_that_import_with_no_problems(session, client):
    school = make_school(session, council=make_council(session))
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    token = sign_in_pages(client, session, staff)
    links = EXAMPLE_LINK.findall(client.get("/imports").text)
    assert links == ["/imports/examples/manifest", "/imports/examples/usage"]
    files = {}
    for link in links:
        response = client.get(link)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        kind = link.rsplit("/", 1)[1]
        disposition = f'attachment; filename="{kind}-example.csv"'
        assert response.headers["content-disposition"] == disposition
        files[kind] = response.content
    assert holders(files["manifest"]) == {school.urn}  # the school's own, so it imports

    for kind in ("manifest", "usage"):  # the usage file's SIMs are the manifest's
        job = import_through_the_page(
            client, session, token, kind=kind, data=files[kind], name=f"{kind}-example.csv"
        )
        assert (job.status, job.problems) == ("succeeded", []), job.problems
        assert "Every row was imported" in client.get(f"/imports/{job.id}").text
    assert len(session.exec(select(Device)).all()) == 2
    assert len(session.exec(select(Dongle)).all()) == 2
    assert len(session.exec(select(Sim)).all()) == 3
    assert len(session.exec(select(DataUsage)).all()) == 4


def test_a_council_officers_example_names_their_la_code_and_imports_as_it_is(session, client):
    council = make_council(session)
    make_school(session, council=council)
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    sign_in_pages(client, session, officer)
    data = client.get("/imports/examples/manifest").content
    assert holders(data) == {council.la_code}
    response = upload(client, "manifest", data, bearer(session, officer), filename="m.csv")
    assert response.status_code == 200, response.text
    assert response.json()["devices_added"] == 2


def test_only_the_two_kinds_of_example_exist_and_only_for_staff_who_import(session, client):
    council = make_council(session)
    agent = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    sign_in_pages(client, session, agent)
    assert client.get("/imports/examples/manifest").status_code == 403
    client.cookies.clear()
    sign_in_pages(client, session, make_user(session, organisation=council,
                                             role=Role.COUNCIL_OFFICER))  # fmt: skip
    assert client.get("/imports/examples/schools").status_code == 422


def documented_examples() -> list[str]:
    return re.findall(r"```csv\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)


def test_the_documentation_shows_the_example_files_and_every_column():
    shown = documented_examples()
    offered = [
        example_csv(kind, holder=PLACEHOLDER_HOLDER).decode("utf-8-sig").replace("\r\n", "\n")
        for kind in (ImportKind.MANIFEST, ImportKind.USAGE)
    ]
    assert shown == offered
    text = DOCS.read_text(encoding="utf-8")
    for column in (*manifest.COLUMNS, *usage.COLUMNS):
        assert f"\n| `{column}` |" in text, f"{column} is not in the table of columns"
