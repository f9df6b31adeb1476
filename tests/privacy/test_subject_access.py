"""Subject access: a council officer finds a family by phone number (any format) or pupil
reference, and its export holds every personal field of every table about that family,
and nothing of another family, even one with the same pupil reference or phone number."""

import json

import pytest
from markupsafe import escape
from sqlmodel import select

from accounts.models import Role
from dfc.audit.models import AccessAudit, AuditAction
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import mark_of
from dfc.tables import metadata
from privacy import subject_access
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages
from tests.privacy.family_data import make_family_data

# Tables with personal data that is not a family's, and why subject access leaves them out.
NOT_ABOUT_A_FAMILY = {
    "staff_user": "staff accounts",
    "credential": "staff sessions and tokens",
    "api_key": "machine integrations' keys",
    "import_job": "supplier manifests and usage files, uploaded by staff",
    "access_audit": "staff actions; the family's id only",
    "erasure_record": "the erasure itself; the family's id only",
    "support_contact": "the council's published contact points",
    "sharing_agreement": "agreements between organisations",
    "council_prices": "a council's prices",
    "sim": "a SIM's own number, not a family's",
}


@pytest.fixture
def places(session):
    council = make_council(session)
    school = make_school(session, council=council)
    other_school = make_school(session, council=council)
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    return council, school, other_school, officer


def audit_rows(session) -> list[AccessAudit]:
    session.expire_all()
    return list(session.exec(select(AccessAudit).order_by(AccessAudit.id)).all())


def test_a_phone_number_in_any_format_finds_the_family_and_the_search_is_audited(
    client, session, places
):
    _council, school, _other, officer = places
    data = make_family_data(session, school, phone="+447911123456")
    make_family_data(session, school)
    headers = bearer(session, officer)
    for written in ("07911 123456", "+44 7911 123 456", "(07911) 123-456"):
        answer = client.get(
            "/api/privacy/subject-access", params={"phone": written}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        assert [row["id"] for row in answer.json()] == [data.family.id]
    rows = audit_rows(session)
    assert [(r.action, r.family_id, r.actor_user_id) for r in rows] == [
        (AuditAction.SEARCH, data.family.id, officer.id)
    ] * 3
    assert all("07911" not in r.path for r in rows), "the searched number is never kept"


def test_a_search_that_finds_nobody_is_still_audited(client, session, places):
    *_, officer = places
    answer = client.get(
        "/api/privacy/subject-access",
        params={"phone": "07912 345678"},
        headers=bearer(session, officer),
    )
    assert answer.json() == []
    [row] = audit_rows(session)
    assert (row.action, row.subject_id, row.actor_user_id) == (AuditAction.SEARCH, None, officer.id)


def test_a_wrong_phone_number_is_explained(client, session, places):
    *_, officer = places
    answer = client.get(
        "/api/privacy/subject-access", params={"phone": "12"}, headers=bearer(session, officer)
    )
    assert answer.status_code == 422 and answer.json()["field"] == "phone"


def test_the_same_pupil_reference_at_two_schools_is_told_apart_by_school(client, session, places):
    _council, school, other_school, officer = places
    here = make_family_data(session, school, pupil_reference="P-001")
    there = make_family_data(session, other_school, pupil_reference="P-001")
    headers = bearer(session, officer)
    both = client.get(
        "/api/privacy/subject-access", params={"pupil_reference": "P-001"}, headers=headers
    ).json()
    assert {row["id"] for row in both} == {here.family.id, there.family.id}
    one = client.get(
        "/api/privacy/subject-access",
        params={"pupil_reference": "P-001", "school_id": other_school.id},
        headers=headers,
    ).json()
    assert [row["id"] for row in one] == [there.family.id]


def personal_columns(table_name: str) -> list[str]:
    return [
        column.name
        for column in metadata.tables[table_name].columns
        if (mark := mark_of(column)) is not None
        and mark.personal
        and mark.category is not DataCategory.STAFF
    ]


def test_the_export_holds_every_marked_field_of_that_family_and_nothing_of_another(
    client, session, places
):
    _council, school, _other, officer = places
    mine = make_family_data(session, school, pupil_reference="SAME")
    theirs = make_family_data(
        session, make_school(session, council=places[0]), pupil_reference="SAME"
    )
    answer = client.get(
        f"/api/privacy/subject-access/family/{mine.family.id}", headers=bearer(session, officer)
    )
    assert answer.status_code == 200, answer.text
    export = answer.json()
    tables = export["tables"]
    for name in subject_access.MODELS:
        assert tables[name], f"nothing from {name}"
        for row in tables[name]:
            missing = set(personal_columns(name)) - set(row)
            assert not missing, f"{name} leaves out {missing}"
    [family] = tables["family"]
    assert (family["phone_number"], family["email"], family["pupil_reference"]) == (
        mine.phone,
        mine.email,
        "SAME",
    )
    assert family["year_group"] == 5 and family["preferred_language"] == "pl"
    bodies = {row["body"] for row in tables["ticket_message"]}
    assert bodies == {mine.words, mine.note, mine.unlinked_words}
    assert {row["id"] for row in tables["ticket"]} == {mine.ticket_id, mine.unlinked_ticket_id}
    assert [row["body"] for row in tables["outbox_message"]] == [mine.outbox_text]
    assert [row["acceptance"] for row in tables["ownership_transfer"]] == [mine.acceptance]
    assert [row["phone_number"] for row in tables["sms_opt_out"]] == [mine.phone]
    assert {row["id"] for row in tables["device"]} == set(mine.device_ids)
    assert {row["id"] for row in tables["ticket_follow_code"]} == {mine.follow_code_id}
    assert [(r["device_id"], r["answer"]) for r in tables["check_in"]] == [
        (mine.device_ids[0], "yes")
    ]
    text = json.dumps(export)
    for leak in (theirs.phone, theirs.email, theirs.words, theirs.note, theirs.outbox_text):
        assert leak not in text
    assert theirs.acceptance not in text and theirs.unlinked_words not in text
    assert not {theirs.ticket_id, theirs.unlinked_ticket_id} & {r["id"] for r in tables["ticket"]}
    assert not set(theirs.device_ids) & {row["id"] for row in tables["device"]}
    [row] = audit_rows(session)
    assert (row.action, row.family_id, row.path) == (
        AuditAction.EXPORT,
        mine.family.id,
        f"/api/privacy/subject-access/family/{mine.family.id}",
    )


def test_a_phone_shared_with_another_family_brings_none_of_its_tickets(client, session, places):
    _council, school, _other, officer = places
    mine = make_family_data(session, school, phone="+447911000111")
    theirs = make_family_data(session, school, phone="+447911000111", opted_out=False)
    export = client.get(
        f"/api/privacy/subject-access/family/{mine.family.id}", headers=bearer(session, officer)
    ).json()
    ids = {row["id"] for row in export["tables"]["ticket"]}
    assert theirs.ticket_id not in ids and mine.ticket_id in ids
    assert theirs.words not in json.dumps(export)


def test_every_table_with_a_familys_personal_data_is_in_the_export():
    holding = {
        table.name
        for table in metadata.tables.values()
        for column in table.columns
        if (mark := mark_of(column)) is not None
        and mark.personal
        and mark.category is not DataCategory.STAFF
    }
    forgotten = holding - set(subject_access.MODELS) - set(NOT_ABOUT_A_FAMILY)
    assert not forgotten, f"add these to subject access, or say why not: {forgotten}"


def test_the_page_shows_everything_and_downloads_it_as_json(client, session, places):
    _council, school, _other, officer = places
    data = make_family_data(session, school)
    sign_in_pages(client, session, officer)
    found = client.get("/privacy/subject-access", params={"phone": "0" + data.phone[3:]})
    assert found.status_code == 200
    assert f'href="/privacy/subject-access/family/{data.family.id}"' in found.text
    page = client.get(f"/privacy/subject-access/family/{data.family.id}")
    assert page.status_code == 200
    for shown in (data.phone, data.words, data.note, data.outbox_text, data.acceptance):
        assert escape(shown) in page.text
    download = client.get(f"/privacy/subject-access/family/{data.family.id}?format=json")
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.json()["tables"]["family"][0]["phone_number"] == data.phone
    actions = [(r.action, r.family_id) for r in audit_rows(session)]
    assert actions == [
        (AuditAction.SEARCH, data.family.id),
        (AuditAction.SUBJECT_ACCESS, data.family.id),
        (AuditAction.EXPORT, data.family.id),
    ]


def test_a_bad_search_on_the_page_is_shown_beside_its_field(client, session, places):
    *_, officer = places
    sign_in_pages(client, session, officer)
    page = client.get("/privacy/subject-access", params={"phone": "not a number"})
    assert page.status_code == 400
    assert 'href="#phone"' in page.text and "not a phone number" in page.text


def test_another_councils_officer_gets_404_and_nothing_is_audited(client, session, places):
    _council, school, _other, _officer = places
    data = make_family_data(session, school)
    stranger = make_user(session, organisation=make_council(session), role=Role.COUNCIL_OFFICER)
    path = f"/privacy/subject-access/family/{data.family.id}"
    assert client.get(f"/api{path}", headers=bearer(session, stranger)).status_code == 404
    sign_in_pages(client, session, stranger)
    assert client.get(path, headers={"Accept": "text/html"}).status_code == 404
    found = client.get(
        "/api/privacy/subject-access",
        params={"phone": data.phone},
        headers=bearer(session, stranger),
    ).json()
    assert found == []
    assert [r.subject_id for r in audit_rows(session)] == [None]  # only the empty search


@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.SUPPORT_AGENT])
def test_only_officers_and_scheme_admins_run_subject_access(client, session, places, role):
    _council, school, _other, _officer = places
    data = make_family_data(session, school)
    user = make_user(session, organisation=school, role=role)
    path = f"/api/privacy/subject-access/family/{data.family.id}"
    assert client.get(path, headers=bearer(session, user)).status_code == 403
    assert audit_rows(session) == []
