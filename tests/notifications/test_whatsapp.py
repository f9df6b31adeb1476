"""WhatsApp within its rules, through the real Twilio SDK and the local Twilio-compatible
server: a family who chose WhatsApp (their agreement recorded) gets free text only within
24 hours of their last WhatsApp message, the approved template (content SID, values by
position) outside it, and SMS where their language has no approved template."""

import json
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from accounts.organisations import ensure_scheme
from dfc.settings import get_settings
from notifications import sending, whatsapp
from notifications.models import Channel, MessageStatus, OutboxMessage
from notifications.outbox import Recipient, enqueue
from notifications.outbox_bulk import Outgoing, enqueue_many
from notifications.whatsapp_models import WhatsAppWindow
from tests.devices.factories import make_family
from tests.factories import bearer, make_council, make_school, make_user
from tests.notifications.test_sending import NOON, reload
from tests.support.test_desk import text_in

PHONE = "+447911123456"
SID = "HX" + "ab" * 16
CONTEXT = {"date": NOON.date() + timedelta(days=6), "contact": "Kentish Town Primary"}


@pytest.fixture
def on_whatsapp(session: Session, twilio, monkeypatch):
    """Twilio set up for WhatsApp; the family at PHONE chose it, and the Polish text for
    "data-used-up" is an approved template."""
    monkeypatch.setenv("TWILIO_WHATSAPP_FROM", "+447700900999")
    get_settings.cache_clear()
    whatsapp.choose_channel(
        session,
        phone_number=PHONE,
        channel=Channel.WHATSAPP,
        consent="Asked at school, 3 March",
        recorded_by="Ms Khan",
    )
    whatsapp.set_template(
        session, template="data-used-up", locale="pl", content_sid=SID, added_by="Ada Admin"
    )
    session.commit()
    twilio.content_templates[SID] = whatsapp.approval_text("data-used-up", "pl")
    return twilio


def polish_text(session: Session, key: str = "k") -> OutboxMessage:
    message = enqueue(
        session,
        key=key,
        template="data-used-up",
        now=NOON,
        recipient=Recipient(Channel.SMS, PHONE, "pl"),
        context=CONTEXT,
    )
    session.commit()
    return message


def wrote_to_us(session: Session, when) -> None:
    whatsapp.record_inbound(session, phone_number=PHONE, at=when)
    session.commit()


def test_outside_the_window_the_approved_template_goes_with_its_values_by_position(
    session, on_whatsapp
):
    message = polish_text(session)
    assert message.channel is Channel.WHATSAPP
    assert sending.send_one(message.id, now=NOON) is MessageStatus.SENT
    form = on_whatsapp.requests[-1].form
    assert form["To"] == f"whatsapp:{PHONE}" and form["From"] == "whatsapp:+447700900999"
    assert form["ContentSid"] == SID and "Body" not in form
    values = json.loads(form["ContentVariables"])
    assert list(values) == ["1", "2"] and "Kentish Town Primary" in values.values()
    # WhatsApp shows the family the approved Polish text with the values in: our text.
    assert on_whatsapp.accepted[-1]["body"] == message.body
    assert "grudnia" in message.body  # the date in Polish


def test_within_24_hours_of_the_familys_last_message_free_text_goes(session, on_whatsapp):
    wrote_to_us(session, NOON - timedelta(hours=23, minutes=59))
    message = polish_text(session)
    assert sending.send_one(message.id, now=NOON) is MessageStatus.SENT
    form = on_whatsapp.requests[-1].form
    assert form["Body"] == message.body and "ContentSid" not in form
    assert form["To"] == f"whatsapp:{PHONE}"


def test_the_window_closes_24_hours_after_their_last_message(session, on_whatsapp):
    wrote_to_us(session, NOON - timedelta(hours=24, minutes=1))
    message = polish_text(session)
    assert sending.send_one(message.id, now=NOON) is MessageStatus.SENT
    assert on_whatsapp.requests[-1].form["ContentSid"] == SID


def test_without_an_approved_template_in_their_language_the_text_goes_by_sms(session, on_whatsapp):
    message = enqueue(
        session,
        key="so",
        template="data-used-up",
        now=NOON,
        recipient=Recipient(Channel.SMS, PHONE, "so"),
        context=CONTEXT,
    )
    session.commit()
    assert message.channel is Channel.WHATSAPP
    assert sending.send_one(message.id, now=NOON) is MessageStatus.SENT
    form = on_whatsapp.requests[-1].form
    assert form["To"] == PHONE and "ContentSid" not in form and form["Body"] == message.body
    assert reload(session, message).channel is Channel.SMS


def test_a_family_that_did_not_choose_whatsapp_gets_sms(session, on_whatsapp):
    message = enqueue(
        session,
        key="other",
        template="data-used-up",
        now=NOON,
        recipient=Recipient(Channel.SMS, "+447911999888", "pl"),
        context=CONTEXT,
    )
    assert (message.channel, message.variables) == (Channel.SMS, None)


def test_texts_made_in_bulk_follow_the_familys_choice(session, on_whatsapp):
    made = enqueue_many(
        session,
        [
            Outgoing(f"bulk-{phone}", Recipient(Channel.SMS, phone, "pl"), "data-used-up", CONTEXT)
            for phone in (PHONE, "+447911999888")
        ],
        now=NOON,
    )
    session.commit()
    assert made == 2
    rows = {
        m.recipient: (m.channel, m.variables is not None)
        for m in session.exec(select(OutboxMessage))
    }
    assert rows == {PHONE: (Channel.WHATSAPP, True), "+447911999888": (Channel.SMS, False)}


def test_a_whatsapp_message_from_the_family_opens_their_window(client, session, on_whatsapp):
    make_school(session, council=make_council(session))
    answer = text_in(client, on_whatsapp, f"whatsapp:{PHONE}", "Dzień dobry, laptop nie działa")
    assert answer.status_code == 200
    window = session.get(WhatsAppWindow, PHONE)
    assert window is not None
    assert whatsapp.window_open(session, PHONE, window.last_inbound_at + timedelta(hours=23))
    assert not whatsapp.window_open(session, PHONE, window.last_inbound_at + timedelta(hours=25))


def test_school_staff_record_the_familys_choice_of_whatsapp_with_their_agreement(
    client, session, twilio, monkeypatch
):
    school = make_school(session, council=make_council(session))
    family = make_family(session, school=school, language="pl")
    staff = bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    family_id, phone = family.id, family.phone_number
    url = f"/api/families/{family_id}/texts/channel"
    refused = client.put(url, headers=staff, json={"channel": "whatsapp"})
    assert refused.status_code == 422 and "agreed to WhatsApp" in refused.text
    chosen = client.put(
        url, headers=staff, json={"channel": "whatsapp", "consent": "Asked at parents' evening"}
    )
    assert chosen.status_code == 200
    body = chosen.json()
    assert (body["channel"], body["channel_consent"]) == ("whatsapp", "Asked at parents' evening")
    read = client.get(f"/api/families/{family_id}/texts", headers=staff).json()
    assert read["channel"] == "whatsapp"
    message = enqueue(
        session,
        key="after-choice",
        template="data-used-up",
        now=NOON,
        recipient=Recipient(Channel.SMS, phone, "pl"),
        context=CONTEXT,
    )
    assert message.channel is Channel.WHATSAPP
    session.commit()
    back = client.put(url, headers=staff, json={"channel": "sms"})
    assert back.status_code == 200 and back.json()["channel"] == "sms"


def test_scheme_admins_see_each_messages_text_for_approval_and_record_its_content_sid(
    client, session
):
    admin = bearer(
        session, make_user(session, organisation=ensure_scheme(session), role=Role.SCHEME_ADMIN)
    )
    listed = client.get("/api/whatsapp-templates?locale=pl", headers=admin)
    assert listed.status_code == 200
    used_up = next(row for row in listed.json() if row["template"] == "data-used-up")
    assert used_up["content_sid"] is None
    assert "{{1}}" in used_up["text_for_approval"] and "{{2}}" in used_up["text_for_approval"]
    assert used_up["variables"] == whatsapp.variable_keys("data-used-up")
    bad = client.put(
        "/api/whatsapp-templates/data-used-up/pl", headers=admin, json={"content_sid": "SM1"}
    )
    assert bad.status_code == 422 and "HX and 32" in bad.text
    unknown = client.put(
        "/api/whatsapp-templates/no-such/pl", headers=admin, json={"content_sid": SID}
    )
    assert unknown.status_code == 422
    saved = client.put(
        "/api/whatsapp-templates/data-used-up/pl", headers=admin, json={"content_sid": SID}
    )
    assert saved.status_code == 200 and saved.json()["content_sid"] == SID
    school = make_school(session, council=make_council(session))
    staff = bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    assert client.get("/api/whatsapp-templates", headers=staff).status_code == 403
