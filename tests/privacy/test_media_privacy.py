"""A family's photos and files under the privacy rules: deleted from storage with the
ticket's text when the retention period has passed (and not before), deleted when the family
is erased, and listed in subject access with the address the officer opens each at."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from dfc.file_store import media_store, new_key
from privacy import retention
from support.media.models import AttachmentStatus, TicketAttachment
from support.models import TicketMessage, TicketStatus
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages
from tests.privacy.family_data import PHOTO, make_family_data
from tests.privacy.test_retention import LONG_AGO, NOW, RECENTLY, ticket_for


@pytest.fixture
def places(session: Session):
    council = make_council(session)
    school = make_school(session, council=council)
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    return school, officer


def photo_on(session: Session, ticket) -> TicketAttachment:
    message = session.exec(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)).one()
    photo = TicketAttachment(
        message_id=message.id,
        ticket_id=ticket.id,
        position=0,
        media_url=f"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM{ticket.id}/Media/ME1",
        declared_type="image/png",
        content_type="image/png",
        size=len(PHOTO),
        storage_key=new_key(),
        thumbnail=True,
        status=AttachmentStatus.STORED,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    media_store().put(photo.storage_key, PHOTO, "image/png")
    media_store().put(f"{photo.storage_key}-thumb", b"\xff\xd8\xff small", "image/jpeg")
    session.add(photo)
    session.commit()
    return photo


def kept(key: str) -> bool:
    try:
        media_store().get(key)
    except FileNotFoundError:
        return False
    return True


def test_files_go_with_the_ticket_text_after_the_period_and_not_before(session, places):
    school, _officer = places
    old = photo_on(
        session,
        ticket_for(session, school, status=TicketStatus.RESOLVED, finished_on=LONG_AGO),
    )
    recent = photo_on(
        session,
        ticket_for(session, school, status=TicketStatus.CLOSED, finished_on=RECENTLY),
    )
    still_open = photo_on(session, ticket_for(session, school, status=TicketStatus.OPEN))

    assert retention.run(session, now=NOW, dry_run=True).counts["ticket-file"] == 1
    assert kept(old.storage_key), "a dry run deletes nothing"
    assert retention.run(session, now=NOW).counts["ticket-file"] == 1

    assert not kept(old.storage_key) and not kept(f"{old.storage_key}-thumb")
    for stays in (recent, still_open):
        assert kept(stays.storage_key) and kept(f"{stays.storage_key}-thumb")
    session.expire_all()
    gone = session.get(TicketAttachment, old.id)
    assert (gone.status, gone.storage_key, gone.media_url, gone.thumbnail) == (
        AttachmentStatus.REMOVED,
        None,
        None,
        False,
    )
    assert (gone.content_type, gone.size) == ("image/png", len(PHOTO)), "figures stay"
    assert retention.run(session, now=NOW, dry_run=True).counts["ticket-file"] == 0


def test_the_ticket_page_says_a_file_was_deleted_after_retention(client, session, places):
    school, officer = places
    ticket = ticket_for(session, school, status=TicketStatus.RESOLVED, finished_on=LONG_AGO)
    photo = photo_on(session, ticket)
    retention.run(session, now=NOW)
    sign_in_pages(client, session, officer)
    page = client.get(f"/tickets/{ticket.id}")
    assert "deleted after the retention period" in page.text
    assert client.get(f"/tickets/{ticket.id}/files/{photo.id}").status_code == 404


def test_subject_access_lists_the_familys_files_with_where_to_open_them(client, session, places):
    school, officer = places
    mine = make_family_data(session, school)
    theirs = make_family_data(session, school)
    export = client.get(
        f"/api/privacy/subject-access/family/{mine.family.id}", headers=bearer(session, officer)
    ).json()
    [row] = export["tables"]["ticket_attachment"]
    assert (row["id"], row["ticket_id"], row["status"], row["content_type"]) == (
        mine.attachment_id,
        mine.ticket_id,
        "stored",
        "image/png",
    )
    link = f"/tickets/{mine.ticket_id}/files/{mine.attachment_id}"
    assert row["file"].endswith(link) and row["media_url"].startswith("https://api.twilio.com")
    assert theirs.attachment_key not in str(export)

    sign_in_pages(client, session, officer)
    page = client.get(f"/privacy/subject-access/family/{mine.family.id}")
    assert "Photos and files sent with those messages" in page.text
    assert f'href="{row["file"]}"' in page.text
    opened = client.get(link)
    assert (opened.status_code, opened.content) == (200, PHOTO)


def test_erasing_a_family_deletes_its_files(client, session, places):
    school, officer = places
    mine = make_family_data(session, school)
    theirs = make_family_data(session, school)
    answer = client.post(
        f"/api/privacy/subject-access/family/{mine.family.id}/erase",
        headers=bearer(session, officer),
        json={"reason": "objection", "confirm": True},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["counts"]["ticket_attachment"] == 1
    assert not kept(mine.attachment_key) and kept(theirs.attachment_key)
    session.expire_all()
    erased = session.get(TicketAttachment, mine.attachment_id)
    assert (erased.status, erased.storage_key, erased.media_url) == (
        AttachmentStatus.REMOVED,
        None,
        None,
    )


def test_a_photo_that_was_never_on_a_finished_ticket_is_not_due(session, places):
    school, _officer = places
    ticket = ticket_for(session, school, status=TicketStatus.WAITING_ON_FAMILY)
    photo_on(session, ticket)
    assert retention.run(session, now=NOW, dry_run=True).counts["ticket-file"] == 0
