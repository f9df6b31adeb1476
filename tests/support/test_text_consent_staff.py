"""Staff see whether the service may text a family, on the family's page, by API and on
their tickets ("cannot text this family; call or write"), and turn texts back on only
when the family asks, with the reason recorded; never for another organisation's family."""

import csv
import io

from sqlmodel import Session, select

from accounts.models import Organisation, Role
from notifications import consent
from notifications.models import (
    Channel,
    ConsentChange,
    MessageStatus,
    OutboxMessage,
    SmsOptOut,
    TextConsentChange,
)
from support.models import Ticket, Via
from support.tickets import receive_text
from tests.devices.factories import make_family
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages


def opted_out_family(session: Session, school: Organisation, *, channel=Channel.SMS):
    family = make_family(session, school=school)
    consent.opt_out(session, family.phone_number, how="STOP", channel=channel, provider_sid="SMx")
    session.commit()
    return family


def test_the_api_shows_texts_off_and_lifts_them_when_the_family_asks(client, session, school):
    family = opted_out_family(session, school)
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    headers = bearer(session, staff)
    texts = client.get(f"/api/families/{family.id}/texts", headers=headers).json()
    assert (texts["texts_on"], texts["off_by"], texts["off_channel"]) == (False, "STOP", "sms")
    assert [change["how"] for change in texts["history"]] == ["STOP"]
    refused = client.post(
        f"/api/families/{family.id}/texts/on",
        headers=headers,
        json={"family_asked": False, "reason": "We would like to text them"},
    )
    assert refused.status_code == 422
    lifted = client.post(
        f"/api/families/{family.id}/texts/on",
        headers=headers,
        json={"family_asked": True, "reason": "Mother asked by phone on 3 December"},
    )
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["texts_on"] is True
    session.expire_all()
    assert session.get(SmsOptOut, family.phone_number) is None
    change = session.exec(
        select(TextConsentChange).where(TextConsentChange.change == ConsentChange.LIFTED_BY_STAFF)
    ).one()
    assert (change.staff_user_id, change.reason) == (
        staff.id,
        "Mother asked by phone on 3 December",
    )
    again = client.post(
        f"/api/families/{family.id}/texts/on",
        headers=headers,
        json={"family_asked": True, "reason": "Asked again"},
    )
    assert again.status_code == 409


def test_another_organisations_family_is_404(client, session, school):
    family = opted_out_family(session, school)
    elsewhere = make_school(session, council=make_council(session), name="Elsewhere Primary")
    stranger = bearer(session, make_user(session, organisation=elsewhere, role=Role.SCHOOL_STAFF))
    assert client.get(f"/api/families/{family.id}/texts", headers=stranger).status_code == 404
    lift = client.post(
        f"/api/families/{family.id}/texts/on",
        headers=stranger,
        json={"family_asked": True, "reason": "They asked"},
    )
    assert lift.status_code == 404
    assert session.get(SmsOptOut, family.phone_number) is not None


def test_the_family_page_shows_texts_off_and_lifts_them_with_a_reason(client, session, school):
    family = opted_out_family(session, school, channel=Channel.WHATSAPP)
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    token = sign_in_pages(client, session, staff)
    page = client.get(f"/families/{family.id}").text
    assert "when the family texted STOP by WhatsApp" in page
    assert "cannot text this family; call or write" in page
    missing = client.post(
        f"/families/{family.id}/texts/on", data={"csrf_token": token, "reason": "They asked"}
    )
    assert missing.status_code == 400 and "Turn texts on only when the family asks" in missing.text
    assert session.get(SmsOptOut, family.phone_number) is not None
    done = client.post(
        f"/families/{family.id}/texts/on",
        data={"csrf_token": token, "family_asked": "yes", "reason": "Father asked at the office"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get(done.headers["location"]).text
    assert "Texts to this family are on again" in page
    assert "Father asked at the office" in page and "Turned on by staff" in page
    session.expire_all()
    assert session.get(SmsOptOut, family.phone_number) is None


def test_another_organisations_family_page_is_404(client, session, school):
    family = opted_out_family(session, school)
    elsewhere = make_school(session, council=make_council(session), name="Elsewhere Primary")
    token = sign_in_pages(
        client, session, make_user(session, organisation=elsewhere, role=Role.SCHOOL_STAFF)
    )
    response = client.post(
        f"/families/{family.id}/texts/on",
        data={"csrf_token": token, "family_asked": "yes", "reason": "They asked"},
    )
    assert response.status_code == 404
    assert session.get(SmsOptOut, family.phone_number) is not None


def test_the_ticket_page_flags_a_family_that_cannot_be_texted(client, session, school):
    family = opted_out_family(session, school)
    ticket = receive_text(
        session, phone=family.phone_number, text="The laptop screen is broken", via=Via.SMS
    )
    session.commit()
    confirmation = session.exec(
        select(OutboxMessage).where(OutboxMessage.template == "ticket-received")
    ).one()
    assert confirmation.status is MessageStatus.CANCELLED
    agent = make_user(
        session, organisation=session.get(Organisation, school.council_id), role=Role.SUPPORT_AGENT
    )
    token = sign_in_pages(client, session, agent)
    page = client.get(f"/tickets/{ticket.id}").text
    assert "cannot text this family; call or write" in page
    assert "Yes, to the family&#39;s phone" not in page and "Yes, to the family's phone" not in page
    replied = client.post(
        f"/tickets/{ticket.id}/canned-reply",
        data={"csrf_token": token, "canned": "restart"},
        follow_redirects=True,
    )
    assert "not texted: the family turned texts off" in replied.text
    assert session.get(Ticket, ticket.id) is not None


def test_the_queue_flags_tickets_from_families_who_cannot_be_texted(client, session, school):
    """An agent scanning the queue sees which families to call or write to, before opening
    the ticket; a family whose texts are on is not flagged."""
    off = opted_out_family(session, school)
    on = make_family(session, school=school)
    on.phone_number = "+447700900222"
    session.add(on)
    silenced = receive_text(session, phone=off.phone_number, text="Screen broken", via=Via.SMS)
    textable = receive_text(session, phone=on.phone_number, text="Charger lost", via=Via.SMS)
    session.commit()
    agent = make_user(
        session, organisation=session.get(Organisation, school.council_id), role=Role.SUPPORT_AGENT
    )
    sign_in_pages(client, session, agent)
    page = client.get("/tickets")
    assert page.status_code == 200
    rows = {
        row.split('href="/tickets/')[1].split('"')[0]: row
        for row in page.text.split('<tr class="govuk-table__row">')[2:]
    }
    assert "Texts off: call or write" in rows[str(silenced.id)]
    assert "Texts off" not in rows[str(textable.id)]
    exported = client.get("/tickets?format=csv")
    assert exported.status_code == 200
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    flags = {row["reference"]: row["texts_off"] for row in table}
    assert flags[silenced.reference] in ("True", "true", "1")
    assert flags[textable.reference] in ("False", "false", "0")
