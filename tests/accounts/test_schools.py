"""Schools through the API: create, import from CSV with row errors, list, sort, export."""

import csv
import io

import pytest
from sqlmodel import Session, func, select

from accounts.models import Organisation, OrganisationKind, Role
from tests.factories import bearer, make_admin, make_council, make_school, make_user


@pytest.fixture
def council(session: Session) -> Organisation:
    return make_council(session, name="Camden")


@pytest.fixture
def officer(session: Session, council: Organisation) -> dict[str, str]:
    return bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))


def school_count(session: Session) -> int:
    return session.exec(
        select(func.count())
        .select_from(Organisation)
        .where(Organisation.kind == OrganisationKind.SCHOOL)
    ).one()


def upload(client, headers, text: str):
    return client.post(
        "/api/schools/import",
        headers=headers,
        files={"file": ("schools.csv", text.encode(), "text/csv")},
    )


def test_an_officer_adds_a_school_to_their_council(client, officer, council):
    response = client.post(
        "/api/schools",
        headers=officer,
        json={
            "urn": "123456",
            "name": "Primrose Hill Primary",
            "phase": "primary",
            "council_id": council.id,
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["council_id"] == council.id


def test_a_duplicate_urn_is_a_conflict_and_saves_nothing_more(client, session, officer, council):
    body = {"urn": "123456", "name": "A", "phase": "primary", "council_id": council.id}
    assert client.post("/api/schools", headers=officer, json=body).status_code == 201
    again = client.post("/api/schools", headers=officer, json=body | {"name": "B"})
    assert again.status_code == 409
    assert "URN 123456" in again.json()["detail"]
    assert school_count(session) == 1


def test_an_officer_cannot_add_a_school_to_another_council(client, session, officer):
    other = make_council(session)
    response = client.post(
        "/api/schools",
        headers=officer,
        json={"urn": "123456", "name": "A", "phase": "primary", "council_id": other.id},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "council_id"


def test_bad_fields_are_named(client, officer, council):
    response = client.post(
        "/api/schools",
        headers=officer,
        json={
            "urn": "12",
            "name": "",
            "phase": "college",
            "council_id": council.id,
            "colour": "red",
        },
    )
    assert response.status_code == 422
    fields = {problem["field"] for problem in response.json()["problems"]}
    assert fields == {"urn", "name", "phase", "colour"}


GOOD_CSV = (
    "URN,Name,Phase,LA_code\n100001,Alpha Primary,Primary,{la}\n100002,Beta High,Secondary,{la}\n"
)


def test_a_good_csv_imports_and_importing_it_again_adds_no_duplicates(
    client, session, officer, council
):
    text = GOOD_CSV.format(la=council.la_code)
    assert upload(client, officer, text).json() == {"added": 2, "updated": 0, "unchanged": 0}
    assert upload(client, officer, text).json() == {"added": 0, "updated": 0, "unchanged": 2}
    renamed = text.replace("Beta High", "Beta Academy")
    assert upload(client, officer, renamed).json() == {"added": 0, "updated": 1, "unchanged": 1}
    assert school_count(session) == 2


def test_a_csv_excel_saved_with_semicolons_or_as_unicode_text_imports_like_one_with_commas(
    client, session, officer, council
):
    text = GOOD_CSV.format(la=council.la_code)
    for data in (
        text.replace(",", ";").encode("utf-8-sig"),
        text.replace(",", "\t").encode("utf-16"),
    ):
        files = {"file": ("schools.csv", data, "text/csv")}
        response = client.post("/api/schools/import", headers=officer, files=files)
        assert response.status_code == 200, response.text
    assert response.json() == {"added": 0, "updated": 0, "unchanged": 2}
    assert school_count(session) == 2


def test_a_csv_with_bad_rows_names_each_row_and_column_and_saves_nothing(
    client, session, officer, council
):
    la = council.la_code
    text = (
        f"urn,name,phase,la_code\n100001,Alpha,primary,{la}\n"
        f"12,Beta,primary,{la}\n100003,,nursery,{la}\n100004,Delta,college,999\n"
        f"100001,Alpha again,primary,{la}\n"
    )
    response = upload(client, officer, text)
    assert response.status_code == 422
    problems = {(p["row"], p["column"]) for p in response.json()["problems"]}
    assert problems == {(3, "urn"), (4, "name"), (5, "phase"), (5, "la_code"), (6, "urn")}
    assert "nothing was imported" in response.json()["detail"]
    assert school_count(session) == 0


def test_a_csv_missing_a_column_says_which(client, officer):
    response = upload(client, officer, "urn,name\n100001,A\n")
    assert {p["column"] for p in response.json()["problems"]} == {"phase", "la_code"}


def test_an_officer_cannot_import_into_another_council_or_take_its_schools(
    client, session, officer
):
    other = make_council(session)
    theirs = make_school(session, council=other, urn="200001")
    into_theirs = upload(
        client, officer, f"urn,name,phase,la_code\n100001,A,primary,{other.la_code}\n"
    )
    assert into_theirs.json()["problems"][0]["column"] == "la_code"
    mine = session.exec(
        select(Organisation).where(
            Organisation.kind == OrganisationKind.COUNCIL, Organisation.name == "Camden"
        )
    ).one()
    take = upload(
        client, officer, f"urn,name,phase,la_code\n{theirs.urn},Mine,primary,{mine.la_code}\n"
    )
    assert take.status_code == 422
    session.refresh(theirs)
    assert theirs.council_id == other.id


def test_lists_sort_paginate_and_refuse_unknown_sort_keys(client, session, council):
    for name in ("Cedar", "Ash", "Birch"):
        make_school(session, council=council, name=name)
    headers = bearer(session, make_admin(session))
    first = client.get("/api/schools?sort=-name&per_page=2", headers=headers).json()
    assert [s["name"] for s in first["items"]] == ["Cedar", "Birch"]
    assert (first["total"], first["pages"]) == (3, 2)
    second = client.get("/api/schools?sort=-name&per_page=2&page=2", headers=headers).json()
    assert [s["name"] for s in second["items"]] == ["Ash"]
    bad = client.get("/api/schools?sort=colour", headers=headers)
    assert bad.status_code == 422 and "name" in bad.json()["detail"]


def test_the_csv_export_neutralises_spreadsheet_formulas(client, session, council):
    make_school(session, council=council, name='=HYPERLINK("http://evil","click")')
    make_school(session, council=council, name="Plain Primary")
    response = client.get("/api/schools?format=csv", headers=bearer(session, make_admin(session)))
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    names = sorted(row["name"] for row in rows)
    assert names == ['\'=HYPERLINK("http://evil","click")', "Plain Primary"]


def test_a_school_with_staff_cannot_be_deleted(client, session, council, officer):
    school = make_school(session, council=council)
    make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    response = client.delete(f"/api/schools/{school.id}", headers=officer)
    assert response.status_code == 409
    assert "staff" in response.json()["detail"]
