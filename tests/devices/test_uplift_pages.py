"""The uplift requests page: a network's user downloads its new requests and uploads its
status file (a bad row shown and nothing saved, then fixed); staff see their requests."""

from sqlmodel import Session, select

from accounts.models import Role
from devices.models import UpliftRequest, UpliftStatus
from notifications.models import OutboxMessage
from tests.devices.factories import make_family
from tests.devices.test_uplifts import ask, make_network
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages


def test_a_network_user_exchanges_files_on_the_page_and_sees_only_its_requests(
    client, session: Session
):
    school = make_school(session, council=make_council(session))
    staff = bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    vodafone, three = make_network(session, "Vodafone"), make_network(session, "Three")
    ours = ask(client, staff, make_family(session, school=school, language="pl").id, vodafone)
    ask(
        client,
        staff,
        make_family(session, school=school).id,
        three,
        account_holder_name="Jo Bloggs",
        phone_number="07700 900456",
    )
    request_id = ours.json()["id"]
    user = make_user(session, organisation=vodafone, role=Role.NETWORK_USER)
    csrf = sign_in_pages(client, session, user)

    home = client.get("/")
    assert 'href="/uplifts"' in home.text
    page = client.get("/uplifts")
    assert page.status_code == 200
    assert "Anna Kowalska" in page.text and "Jo Bloggs" not in page.text
    assert "Download new requests" in page.text

    export = client.post("/uplifts/export", data={"csrf_token": csrf})
    assert export.status_code == 200
    assert f"{request_id},Anna Kowalska,07700900123,pay_as_you_go" in export.text

    bad = f"request_id,status\n{request_id},complete\n{request_id + 1},complete\n"
    files = {"file": ("statuses.csv", bad.encode(), "text/csv")}
    refused = client.post("/uplifts/statuses", data={"csrf_token": csrf}, files=files)
    assert refused.status_code == 400
    assert "Nothing was saved" in refused.text
    assert (
        f"Row 3, column request_id: no request &#39;{request_id + 1}&#39; on this network"
        in refused.text
    )
    session.expire_all()
    assert session.get(UpliftRequest, request_id).status is UpliftStatus.IN_PROGRESS

    fixed = {
        "file": ("statuses.csv", f"request_id,status\n{request_id},complete\n".encode(), "text/csv")
    }
    done = client.post(
        "/uplifts/statuses", data={"csrf_token": csrf}, files=fixed, follow_redirects=True
    )
    assert done.status_code == 200
    assert "Requests changed: 1" in done.text and "Complete: data added" in done.text
    [text] = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == "+447700900123"))
    assert text.locale == "pl"

    assert client.get("/devices").status_code == 403  # a network sees no register


def test_school_staff_see_their_requests_but_exchange_no_files(client, session: Session):
    school = make_school(session, council=make_council(session))
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    ask(
        client,
        bearer(session, user),
        make_family(session, school=school).id,
        make_network(session, "EE"),
    )
    csrf = sign_in_pages(client, session, user)

    page = client.get("/uplifts", params={"status": "new"})
    assert page.status_code == 200
    assert "Anna Kowalska" in page.text and "Download new requests" not in page.text
    assert client.post("/uplifts/export", data={"csrf_token": csrf}).status_code == 403


def test_staff_ask_for_more_data_from_the_familys_page(client, session: Session):
    school = make_school(session, council=make_council(session))
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    network = make_network(session, "O2")
    family = make_family(session, school=school)
    csrf = sign_in_pages(client, session, user)

    assert f'href="/families/{family.id}/uplifts/new"' in client.get(f"/families/{family.id}").text
    form = client.get(f"/families/{family.id}/uplifts/new")
    assert form.status_code == 200 and family.phone_number in form.text
    answer = {
        "csrf_token": csrf,
        "network_id": str(network.id),
        "account_holder_name": "Grace Okafor",
        "phone_number": "020 7946 0000",
        "contract_type": "pay-monthly",
        "data_gb": "20",
        "months": "6",
        "source": "family-text",
    }
    refused = client.post(f"/families/{family.id}/uplifts", data=answer)
    assert refused.status_code == 422
    assert "is not a UK mobile number" in refused.text
    assert session.exec(select(UpliftRequest)).all() == []

    sent = client.post(
        f"/families/{family.id}/uplifts",
        data=answer | {"phone_number": "07700 900789"},
        follow_redirects=True,
    )
    assert sent.status_code == 200
    assert "The request was sent" in sent.text and "Grace Okafor" in sent.text
    [made] = session.exec(select(UpliftRequest)).all()
    assert (made.phone_number, made.source.value) == ("+447700900789", "family-text")
    again = client.post(
        f"/families/{family.id}/uplifts", data=answer | {"phone_number": "07700 900789"}
    )
    assert again.status_code == 409 and "already has an open request" in again.text
