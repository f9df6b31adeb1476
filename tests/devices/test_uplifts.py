"""Data uplift requests (issue 19, part 2): a school asks a network for more data on a
family's own number, the network takes its new requests as CSV and sends back a status
file (all or nothing, idempotent), and the family hears in their language when data is
added. A network user sees only its own network's requests."""

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role
from dfc.audit.models import AccessAudit, AuditAction
from notifications.models import OutboxMessage
from tests.devices.factories import make_family
from tests.factories import bearer, make_admin, make_council, make_school, make_user


def make_network(session: Session, name: str) -> Organisation:
    network = Organisation(kind=OrganisationKind.NETWORK, name=name)
    session.add(network)
    session.commit()
    return network


@pytest.fixture
def school(session: Session) -> Organisation:
    return make_school(session, council=make_council(session))


@pytest.fixture
def staff(session: Session, school: Organisation) -> dict[str, str]:
    return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))


@pytest.fixture
def vodafone(session: Session) -> Organisation:
    return make_network(session, "Vodafone")


@pytest.fixture
def vodafone_user(session: Session, vodafone: Organisation) -> dict[str, str]:
    return bearer(session, make_user(session, organisation=vodafone, role=Role.NETWORK_USER))


def ask(client, headers, family_id: int, network: Organisation, **changes):
    body = {
        "family_id": family_id,
        "network_id": network.id,
        "account_holder_name": "Anna Kowalska",
        "phone_number": "07700 900123",
        "contract_type": "pay-as-you-go",
        "data_gb": 20,
        "months": 6,
    } | changes
    return client.post("/api/uplift-requests", json=body, headers=headers)


def send_statuses(client, headers, text: str):
    files = {"upload": ("statuses.csv", text.encode(), "text/csv")}
    return client.post("/api/uplift-requests/statuses", files=files, headers=headers)


def texts_to(session: Session, number: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.recipient == number)))


def test_an_uplift_goes_to_the_network_and_back_and_the_family_is_texted_in_polish(
    client, session, school, staff, vodafone, vodafone_user
):
    family = make_family(session, school=school, language="pl")
    made = ask(client, staff, family.id, vodafone)
    assert made.status_code == 201, made.text
    request = made.json()
    assert (request["phone_number"], request["status"]) == ("+447700900123", "new")

    again = ask(client, staff, family.id, vodafone, phone_number="+44 7700 900123")
    assert again.status_code == 409
    assert str(request["id"]) in again.json()["detail"]

    export = client.post("/api/uplift-requests/export", headers=vodafone_user)
    assert export.status_code == 200, export.text
    lines = export.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("request_id,account_holder_name,mobile_number,contract_type")
    assert lines[1].startswith(f"{request['id']},Anna Kowalska,07700900123,pay_as_you_go,20,6,")
    shown = client.get(f"/api/uplift-requests/{request['id']}", headers=staff).json()
    assert shown["status"] == "in-progress"
    exported = session.exec(
        select(AccessAudit.family_id).where(
            AccessAudit.route == "/api/uplift-requests/export",
            AccessAudit.action == AuditAction.EXPORT,
        )
    ).all()
    assert exported == [family.id]
    assert (
        client.post("/api/uplift-requests/export", headers=vodafone_user).text.count("\n") == 1
    )  # exported once: the next export has only the header

    bad = send_statuses(
        client, vodafone_user, f"request_id,status,note\n{request['id']},complete,\n999,done,\n"
    )
    assert bad.status_code == 422
    problems = bad.json()["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(3, "request_id")]
    unchanged = client.get(f"/api/uplift-requests/{request['id']}", headers=staff).json()
    assert unchanged["status"] == "in-progress"  # all or nothing: row 2 was not saved
    assert texts_to(session, "+447700900123") == []

    fixed = f"request_id,status,note\n{request['id']},complete,added 20GB\n"
    done = send_statuses(client, vodafone_user, fixed)
    assert done.json() == {"rows": 1, "changed": 1, "unchanged": 0}, done.text
    shown = client.get(f"/api/uplift-requests/{request['id']}", headers=staff).json()
    assert (shown["status"], shown["network_note"]) == ("complete", "added 20GB")
    [text] = texts_to(session, "+447700900123")
    assert text.locale == "pl"
    assert "Vodafone dodał 20 GB dodatkowych danych mobilnych" in text.body

    twice = send_statuses(client, vodafone_user, fixed)
    assert twice.json() == {"rows": 1, "changed": 0, "unchanged": 1}
    assert len(texts_to(session, "+447700900123")) == 1  # told once


def test_a_network_user_sees_only_their_networks_requests(
    client, session, school, staff, vodafone, vodafone_user
):
    three = make_network(session, "Three")
    ours = ask(client, staff, make_family(session, school=school).id, vodafone).json()
    theirs = ask(client, staff, make_family(session, school=school).id, three).json()

    listed = client.get("/api/uplift-requests", headers=vodafone_user)
    assert [row["id"] for row in listed.json()["items"]] == [ours["id"]]
    assert (
        client.get(f"/api/uplift-requests/{theirs['id']}", headers=vodafone_user).status_code == 404
    )
    change = {"status": "complete"}
    refused = client.patch(
        f"/api/uplift-requests/{theirs['id']}", json=change, headers=vodafone_user
    )
    assert refused.status_code == 404
    csv = client.get("/api/uplift-requests", params={"format": "csv"}, headers=vodafone_user)
    assert [line.split(",")[0] for line in csv.text.lstrip("\ufeff").splitlines()] == [
        "id",
        str(ours["id"]),
    ]

    session.expire_all()
    audited = session.exec(
        select(AccessAudit.family_id, AccessAudit.action).where(
            AccessAudit.route == "/api/uplift-requests",
            AccessAudit.actor_organisation_id == vodafone.id,
        )
    ).all()
    assert set(audited) == {
        (ours["family_id"], AuditAction.READ),
        (ours["family_id"], AuditAction.EXPORT),
    }  # what the network read of a family is in the family's access audit

    other_school = make_school(session, council=make_council(session))
    outsider = bearer(
        session, make_user(session, organisation=other_school, role=Role.SCHOOL_STAFF)
    )
    assert client.get(f"/api/uplift-requests/{ours['id']}", headers=outsider).status_code == 404
    everything = client.get("/api/uplift-requests", headers=bearer(session, make_admin(session)))
    assert everything.json()["total"] == 2


def test_a_school_can_cancel_but_only_the_network_can_complete(
    client, session, school, staff, vodafone, vodafone_user
):
    request = ask(client, staff, make_family(session, school=school).id, vodafone).json()
    path = f"/api/uplift-requests/{request['id']}"

    refused = client.patch(path, json={"status": "complete"}, headers=staff)
    assert refused.status_code == 409
    assert "only the network" in refused.json()["detail"]
    assert client.patch(path, json={"status": "cancelled"}, headers=staff).status_code == 200
    closed = client.patch(path, json={"status": "complete"}, headers=vodafone_user)
    assert closed.status_code == 409
    assert "already cancelled" in closed.json()["detail"]


@pytest.mark.parametrize("number", ["020 7946 0000", "not a number", "+33 6 12 34 56 78"])
def test_an_uplift_needs_a_uk_mobile_number(client, session, school, staff, vodafone, number):
    family = make_family(session, school=school)
    refused = ask(client, staff, family.id, vodafone, phone_number=number)
    assert refused.status_code == 422
    assert "UK mobile number" in refused.text


def test_a_network_cannot_make_requests_and_needs_a_network_to_be_named(
    client, session, school, staff, vodafone, vodafone_user
):
    family = make_family(session, school=school)
    assert ask(client, vodafone_user, family.id, vodafone).status_code == 403
    assert ask(client, staff, family.id, school).status_code == 422  # a school is no network
    assert client.post("/api/uplift-requests/export", headers=staff).status_code == 403


def test_the_scheme_adds_a_network_and_its_user_who_then_sees_its_requests(
    client, session, school, staff
):
    admin = bearer(session, make_admin(session))
    made = client.post("/api/uplift-requests/networks", json={"name": "EE"}, headers=admin)
    assert made.status_code == 201, made.text
    network = made.json()
    assert (
        client.post(
            "/api/uplift-requests/networks", json={"name": "Fake"}, headers=staff
        ).status_code
        == 403
    )
    assert [
        n["name"] for n in client.get("/api/uplift-requests/networks", headers=staff).json()
    ] == ["EE"]

    user = {
        "email": "ops@ee.example",
        "full_name": "Ee Ops",
        "role": "network-user",
        "organisation_id": network["id"],
        "password": "a long enough password",
    }
    assert client.post("/api/users", json=user, headers=admin).status_code == 201
    misplaced = user | {"email": "x@ee.example", "organisation_id": school.id}
    refused = client.post("/api/users", json=misplaced, headers=admin)
    assert refused.status_code == 422
    assert "network-user belongs to a network" in refused.text


def test_the_network_queries_then_completes_a_request_through_the_api(
    client, session, school, staff, vodafone, vodafone_user
):
    family = make_family(session, school=school, language="cy")
    request = ask(client, staff, family.id, vodafone).json()
    path = f"/api/uplift-requests/{request['id']}"

    query = {"status": "queried", "network_note": "The account is in another name"}
    queried = client.patch(path, json=query, headers=vodafone_user)
    assert queried.status_code == 200, queried.text
    seen_by_school = client.get(path, headers=staff).json()
    assert (seen_by_school["status"], seen_by_school["network_note"]) == (
        "queried",
        "The account is in another name",
    )
    assert texts_to(session, "+447700900123") == []

    assert client.patch(path, json={"status": "complete"}, headers=vodafone_user).status_code == 200
    [text] = texts_to(session, "+447700900123")
    assert text.locale == "cy" and "Vodafone" in text.body and "20 GB" in text.body
    listed = client.get("/api/uplift-requests", params={"status": "complete"}, headers=staff).json()
    assert [row["id"] for row in listed["items"]] == [request["id"]]
