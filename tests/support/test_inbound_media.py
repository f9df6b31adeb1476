"""Photos and files by MMS and WhatsApp, as Twilio sends them (signed webhooks, files served
only with the account's credentials): a photo with no words opens a ticket the agent sees it
on; a file too large or of the wrong kind is refused, shown to the agent and explained to
the family once; a replay adds nothing; a fetch that fails keeps the message and tries again."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from dfc.audit.models import AccessAudit
from dfc.db_types import utcnow
from notifications.models import OutboxMessage, SmsOptOut
from notifications.templates import render as render_message
from support import tasks
from support.media.models import AttachmentStatus, TicketAttachment
from support.models import Ticket, TicketMessage
from tests.devices.factories import make_family
from tests.factories import bearer, make_council, sign_in_pages
from tests.notifications.conftest import ACCOUNT_SID, AUTH_TOKEN
from tests.support.desk_helpers import make_agent
from tests.support.media_helpers import EXE, add_photo, mms, noisy_png, png


def attachments(session: Session) -> list[TicketAttachment]:
    session.expire_all()
    return list(session.exec(select(TicketAttachment).order_by(TicketAttachment.id)))


def outbox(session: Session, template: str) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.template == template)))


def test_a_media_only_mms_opens_a_ticket_the_agent_sees_the_photo_on(
    client, session, media, school, council
):
    family = make_family(session, school=school, language="en")
    photo = png()
    url = add_photo(media, photo)
    answer = mms(client, media, sender=family.phone_number, urls=[(url, "image/png")])
    assert answer.status_code == 200
    [ticket] = session.exec(select(Ticket)).all()
    [message] = session.exec(select(TicketMessage)).all()
    assert (ticket.family_id, ticket.organisation_id, message.body) == (
        family.id,
        school.id,
        "(photo)",
    )
    [stored] = attachments(session)
    assert (stored.status, stored.content_type, stored.size, stored.thumbnail) == (
        AttachmentStatus.STORED,
        "image/png",
        len(photo),
        True,
    )
    assert (stored.message_id, stored.ticket_id) == (message.id, ticket.id)
    [fetched] = [r for r in media.requests if "/Media/" in r.path]
    assert fetched.basic_auth == (ACCOUNT_SID, AUTH_TOKEN)
    assert len(outbox(session, "ticket-received")) == 1  # the family is told we have it

    sign_in_pages(client, session, make_agent(session, council))
    page = client.get(f"/tickets/{ticket.id}")
    href = f"/tickets/{ticket.id}/files/{stored.id}"
    assert page.status_code == 200
    assert f'<img class="app-message__thumbnail" src="{href}/thumbnail"' in page.text
    assert "Photo 1 sent by the family" in page.text and "(photo)" in page.text
    thumbnail = client.get(f"{href}/thumbnail")
    assert (thumbnail.status_code, thumbnail.headers["content-type"]) == (200, "image/jpeg")
    assert thumbnail.content.startswith(b"\xff\xd8\xff")
    reads_before = len(session.exec(select(AccessAudit)).all())
    full = client.get(href)
    assert (full.status_code, full.headers["content-type"]) == (200, "image/png")
    assert full.content == photo
    assert full.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in full.headers["cache-control"]
    session.expire_all()
    assert len(session.exec(select(AccessAudit)).all()) == reads_before + 1


def test_a_pdf_is_kept_and_downloaded_and_words_with_a_photo_stay_the_message(
    client, session, media, school, council
):
    family = make_family(session, school=school, language="en")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    urls = [(add_photo(media), "image/png"), (add_photo(media, pdf, "application/pdf"), "")]
    mms(client, media, sender=family.phone_number, urls=urls, body="Screen is cracked")
    [message] = session.exec(select(TicketMessage)).all()
    assert message.body == "Screen is cracked"
    _photo, document = attachments(session)
    assert (document.status, document.content_type, document.thumbnail) == (
        AttachmentStatus.STORED,
        "application/pdf",
        False,
    )
    sign_in_pages(client, session, make_agent(session, council))
    page = client.get(f"/tickets/{message.ticket_id}")
    assert "Download the PDF" in page.text and "Open the photo full size" in page.text
    answer = client.get(f"/tickets/{message.ticket_id}/files/{document.id}")
    assert (answer.status_code, answer.headers["content-type"]) == (200, "application/pdf")
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.content == pdf


def test_a_whatsapp_photo_joins_the_familys_open_ticket(client, session, media, school):
    family = make_family(session, school=school, language="en")
    first = {"From": family.phone_number, "Body": "Laptop will not start", "MessageSid": "SM1"}
    params, signature = media.signed_status_callback(
        "https://devices.example.org/api/twilio/inbound", AUTH_TOKEN, first
    )
    client.post("/api/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature})
    url = add_photo(media, png(colour="blue"), "image/png")
    mms(client, media, sender=f"whatsapp:{family.phone_number}", urls=[(url, "image/png")])
    [ticket] = session.exec(select(Ticket)).all()
    bodies = [m.body for m in session.exec(select(TicketMessage).order_by(TicketMessage.id))]
    assert bodies == ["Laptop will not start", "(photo)"]
    [stored] = attachments(session)
    assert stored.ticket_id == ticket.id and stored.status is AttachmentStatus.STORED


def test_a_replayed_mms_adds_no_second_photo_or_fetch(client, session, media, school):
    family = make_family(session, school=school, language="en")
    url = add_photo(media)
    for _ in range(3):
        answer = mms(client, media, sender=family.phone_number, urls=[(url, "image/png")])
        assert answer.status_code == 200
    assert len(attachments(session)) == 1
    assert len(session.exec(select(TicketMessage)).all()) == 1
    assert len([r for r in media.requests if "/Media/" in r.path]) == 1


def test_stop_with_a_photo_turns_texts_off_and_still_brings_the_photo(
    client, session, media, school
):
    family = make_family(session, school=school, language="en")
    url = add_photo(media)
    mms(client, media, sender=family.phone_number, urls=[(url, "image/png")], body="STOP")
    session.expire_all()
    assert session.get(SmsOptOut, family.phone_number) is not None
    [message] = session.exec(select(TicketMessage)).all()
    assert message.body == "(photo)"
    [stored] = attachments(session)
    assert stored.status is AttachmentStatus.STORED and stored.message_id == message.id


@pytest.mark.parametrize(
    ("data", "declared", "said"),
    [
        (b"<html><script>alert(1)</script></html>", "text/html", "it says it is text/html"),
        (EXE, "image/jpeg", "its contents are not"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused_shown_and_explained_once(
    client, session, media, school, council, data, declared, said
):
    family = make_family(session, school=school, language="pl")
    for sid in ("MM1", "MM2"):
        url = add_photo(media, data, declared)
        mms(client, media, sender=family.phone_number, urls=[(url, declared)], sid=sid)
    refused = attachments(session)
    assert [a.status for a in refused] == [AttachmentStatus.REFUSED] * 2
    assert said in refused[0].reason and refused[0].storage_key is None
    [told] = outbox(session, "media-refused")  # once for the ticket, not once per file
    ticket = session.exec(select(Ticket)).one()
    polish = render_message(
        "media-refused",
        language="pl",
        context={"size": "5.0 MB", "reference": f"{ticket.reference[:4]}-{ticket.reference[4:]}"},
    )[1]
    assert (told.recipient, told.locale, told.body) == (family.phone_number, "pl", polish)
    assert "PDF" in told.body and "5.0 MB" in told.body and "Please send" not in told.body
    sign_in_pages(client, session, make_agent(session, council))
    page = client.get(f"/tickets/{ticket.id}")
    assert "File refused" in page.text and said in page.text
    assert "alert(1)" not in page.text
    assert client.get(f"/tickets/{ticket.id}/files/{refused[0].id}").status_code == 404


def test_a_file_over_the_size_limit_is_refused(client, session, media, school, monkeypatch):
    monkeypatch.setenv("MEDIA_MAX_BYTES", "10000")
    from dfc.settings import get_settings

    get_settings.cache_clear()
    family = make_family(session, school=school, language="en")
    big = noisy_png(80)
    assert len(big) > 10_000
    mms(client, media, sender=family.phone_number, urls=[(add_photo(media, big), "image/png")])
    [refused] = attachments(session)
    assert refused.status is AttachmentStatus.REFUSED
    assert refused.reason.startswith("too large") and "10 KB" in refused.reason
    [told] = outbox(session, "media-refused")
    assert "10 KB" in told.body


def test_a_fetch_that_fails_keeps_the_message_and_the_sweep_fetches_it_later(
    client, session, media, school, council
):
    family = make_family(session, school=school, language="en")
    media.fail_media_next(503)
    url = add_photo(media)
    assert mms(client, media, sender=family.phone_number, urls=[(url, "image/png")]).status_code
    [message] = session.exec(select(TicketMessage)).all()
    assert message.body == "(photo)"
    [waiting] = attachments(session)
    assert waiting.status is AttachmentStatus.WAITING and "Twilio answered 503" in waiting.reason
    sign_in_pages(client, session, make_agent(session, council))
    assert "Fetching a file" in client.get(f"/tickets/{message.ticket_id}").text
    # Not due yet: the sweep leaves it; a minute on, it is fetched.
    assert tasks.sweep_media() == 0
    waiting.next_attempt_at = utcnow() - timedelta(seconds=1)
    session.add(waiting)
    session.commit()
    assert tasks.sweep_media() == 1
    [stored] = attachments(session)
    assert stored.status is AttachmentStatus.STORED and stored.reason is None


def test_a_file_twilio_no_longer_has_is_shown_with_its_address(
    client, session, media, school, council
):
    family = make_family(session, school=school, language="en")
    gone = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM1/Media/ME1"
    mms(client, media, sender=family.phone_number, urls=[(gone, "image/jpeg")])
    [failed] = attachments(session)
    assert failed.status is AttachmentStatus.FAILED and "404" in failed.reason
    sign_in_pages(client, session, make_agent(session, council))
    page = client.get(f"/tickets/{failed.ticket_id}").text
    assert "File not fetched" in page and gone in page


def test_another_councils_agent_cannot_open_the_file(client, session, media, school):
    family = make_family(session, school=school, language="en")
    mms(client, media, sender=family.phone_number, urls=[(add_photo(media), "image/png")])
    [stored] = attachments(session)
    sign_in_pages(client, session, make_agent(session, make_council(session, name="Barnet")))
    for path in ("", "/thumbnail"):
        answer = client.get(f"/tickets/{stored.ticket_id}/files/{stored.id}{path}")
        assert answer.status_code == 404
        assert answer.content != png()


def test_a_store_that_fails_keeps_the_file_waiting_until_attempts_run_out(
    client, session, media, school, monkeypatch
):
    from dfc.file_store import LocalStore

    def full_disk(self, key, data, content_type):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(LocalStore, "put", full_disk)
    monkeypatch.setenv("MEDIA_FETCH_ATTEMPTS", "2")
    from dfc.settings import get_settings

    get_settings.cache_clear()
    family = make_family(session, school=school, language="en")
    mms(client, media, sender=family.phone_number, urls=[(add_photo(media), "image/png")])
    [waiting] = attachments(session)
    assert waiting.status is AttachmentStatus.WAITING
    assert waiting.reason == "could not store it (the service's log says why); trying again"
    assert tasks.fetch_media(waiting.id) == "failed"
    [failed] = attachments(session)
    assert (failed.status, failed.storage_key) == (AttachmentStatus.FAILED, None)
    assert len(session.exec(select(TicketMessage)).all()) == 1


def test_the_family_sees_their_photos_counted_in_their_language_not_the_desks_placeholder(
    client, session, media, school
):
    """The desk's "(photo)" is English for staff: the family's follow page and the follow
    API say, in the family's language, how many photos or files they sent."""
    from support.references import new_access_token

    family = make_family(session, school=school, language="pl")
    urls = [(add_photo(media), "image/png"), (add_photo(media), "image/png")]
    assert mms(client, media, sender=family.phone_number, urls=urls).status_code == 200
    [ticket] = session.exec(select(Ticket)).all()
    token, ticket.access_hash = new_access_token()
    session.add(ticket)
    session.commit()
    page = client.get(f"/help/t/{token}?lang=pl")
    assert page.status_code == 200
    assert "Wysłane zdjęcia lub pliki: 2" in page.text
    assert "(2 photos)" not in page.text
    [message] = client.get(f"/api/support/follow/{token}").json()["messages"]
    assert (message["body"], message["files"]) == ("", 2)


def test_the_agent_api_lists_a_messages_files_and_downloads_the_stored_one(
    client, session, media, school, council
):
    """The API agrees with the ticket page: each message's files, kept or refused and why,
    and the stored one fetched with the same credentials, scope and access audit."""
    family = make_family(session, school=school, language="en")
    photo = png()
    urls = [(add_photo(media, photo), "image/png"), (add_photo(media, EXE, "text/html"), "")]
    assert mms(client, media, sender=family.phone_number, urls=urls).status_code == 200
    [ticket] = session.exec(select(Ticket)).all()
    headers = bearer(session, make_agent(session, council))
    read = client.get(f"/api/tickets/{ticket.id}", headers=headers)
    assert read.status_code == 200, read.text
    [message] = read.json()["messages"]
    kept, refused = message["attachments"]
    assert message["files"] == 2
    assert (kept["status"], kept["content_type"], kept["size"]) == (
        "stored",
        "image/png",
        len(photo),
    )
    assert (refused["status"], refused["url"]) == ("refused", None) and refused["reason"]
    reads_before = len(session.exec(select(AccessAudit)).all())
    file = client.get(kept["url"], headers=headers)
    assert (file.status_code, file.headers["content-type"], file.content) == (
        200,
        "image/png",
        photo,
    )
    session.expire_all()
    assert len(session.exec(select(AccessAudit)).all()) == reads_before + 1
    other = headers_for_another_council(session)
    assert client.get(kept["url"], headers=other).status_code == 404


def headers_for_another_council(session: Session) -> dict[str, str]:
    return bearer(session, make_agent(session, make_council(session, name="Hackney")))
