"""Predecessor and successor schools from the schools register's links file: the old URN
kept beside the new, both sides' rows counted once, bad rows named, nothing half-saved."""

from sqlmodel import Session, func, select

from accounts.models import Role
from accounts.school_links import SchoolLink
from tests.factories import bearer, make_council, make_school, make_user

HEADER = "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n"


def _upload(client, headers, text: str):
    return client.post(
        "/api/school-links/import",
        files={"file": ("links.csv", text.encode(), "text/csv")},
        headers=headers,
    )


def test_a_gias_links_file_records_each_successor_once_with_both_urns(client, session: Session):
    council = make_council(session)
    old, academy = make_school(session, council=council), make_school(session, council=council)
    first, second = make_school(session, council=council), make_school(session, council=council)
    merged = make_school(session, council=council)
    officer = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    text = HEADER + (
        f"{old.urn},{academy.urn},Academy,Successor,01-09-2026\n"
        f"{academy.urn},{old.urn},Old school,Predecessor,01-09-2026\n"
        f"{first.urn},{merged.urn},Merged,Successor - amalgamated,01-04-2026\n"
        f"{second.urn},{merged.urn},Merged,Other,01-04-2026\n"
    )

    imported = _upload(client, officer, text)

    assert imported.status_code == 200, imported.text
    assert imported.json() == {"added": 2, "already": 0, "skipped": 1}
    links = client.get("/api/school-links?sort=predecessor_urn", headers=officer).json()["items"]
    assert {(l_["predecessor_urn"], l_["successor_urn"], l_["kind"]) for l_ in links} == {
        (old.urn, academy.urn, "academy-conversion"),
        (first.urn, merged.urn, "merger"),
    }
    again = _upload(client, officer, text).json()
    assert again == {"added": 0, "already": 2, "skipped": 1}


def test_a_bad_links_file_names_each_row_and_column_and_saves_nothing(client, session):
    council = make_council(session)
    old, academy = make_school(session, council=council), make_school(session, council=council)
    stranger = make_school(session, council=make_council(session))
    alone = make_school(session, council=make_council(session))
    officer = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    text = HEADER + (
        f"{old.urn},{academy.urn},Academy,Successor,31-02-2026\n"
        f"{old.urn},9999999,Nowhere,Successor,01-09-2026\n"
        f"{stranger.urn},{alone.urn},Elsewhere,Successor,01-09-2026\n"
    )

    rejected = _upload(client, officer, text)

    assert rejected.status_code == 422
    problems = {(p["row"], p["column"]) for p in rejected.json()["problems"]}
    assert problems == {(2, "linkestablisheddate"), (3, "linkurn"), (4, "urn")}
    assert session.exec(select(func.count()).select_from(SchoolLink)).one() == 0
    staff = bearer(session, make_user(session, organisation=old, role=Role.SCHOOL_STAFF))
    assert _upload(client, staff, HEADER).status_code == 403
