"""Erasure on request: after confirming, a family is anonymised everywhere in one
transaction (a failure midway changes nothing), the erasure is recorded without personal
data, device records and figures stay, and another family is untouched."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from accounts.models import Role
from devices.models import Allocation, Device, DeviceEvent, Family, OwnershipTransfer
from notifications.models import MessageStatus, OutboxMessage, SmsOptOut, TextConsentChange
from privacy import erasure
from privacy.models import AccessAudit, AuditAction, ErasureRecord
from support.models import FollowCode, Ticket, TicketMessage
from support.retention import REMOVED_TEXT
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages
from tests.privacy.family_data import FamilyData, make_family_data

ERASE = {"reason": "consent-withdrawn", "case_reference": "DPA-2026-17", "confirm": True}


@pytest.fixture
def places(session):
    council = make_council(session)
    school = make_school(session, council=council)
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    return council, school, officer


def snapshot(session: Session, data: FamilyData) -> dict:
    """Everything erasure may touch for one family, and the register's figures."""
    session.expire_all()
    family = session.get(Family, data.family.id)
    return {
        "family": (family.phone_number, family.email, family.pupil_reference, family.year_group),
        "tickets": sorted(
            session.execute(
                select(Ticket.id, Ticket.phone_number).where(
                    Ticket.id.in_([data.ticket_id, data.unlinked_ticket_id])
                )
            ).all()
        ),
        "messages": sorted(
            session.scalars(
                select(TicketMessage.body).where(
                    TicketMessage.ticket_id.in_([data.ticket_id, data.unlinked_ticket_id])
                )
            )
        ),
        "codes": session.scalar(select(func.count()).where(FollowCode.ticket_id == data.ticket_id)),
        "outbox": session.execute(
            select(OutboxMessage.recipient, OutboxMessage.body, OutboxMessage.status).where(
                OutboxMessage.id == data.outbox_id
            )
        ).one(),
        "opt_out": session.get(SmsOptOut, data.phone) is not None,
        "consent_history": session.scalar(
            select(func.count()).where(TextConsentChange.phone_number == data.phone)
        ),
        "acceptance": session.scalars(
            select(OwnershipTransfer.acceptance).where(
                OwnershipTransfer.to_family_id == data.family.id
            )
        ).all(),
        "figures": figures(session),
    }


def figures(session: Session) -> tuple:
    return (
        sorted(session.execute(select(Device.status, func.count()).group_by(Device.status))),
        session.scalar(select(func.count()).select_from(Allocation)),
        session.scalar(select(func.count()).select_from(DeviceEvent)),
        session.scalar(select(func.count()).select_from(Family)),
    )


def test_an_officer_confirms_and_the_family_is_erased_everywhere(client, session, places):
    _council, school, officer = places
    data = make_family_data(session, school)
    other = make_family_data(session, school)
    other_before = snapshot(session, other)
    figures_before = figures(session)
    token = sign_in_pages(client, session, officer)
    path = f"/privacy/subject-access/family/{data.family.id}/erase"
    form = client.get(path)
    assert form.status_code == 200 and "This cannot be undone" in form.text

    refused = client.post(path, data={"csrf_token": token, "reason": "consent-withdrawn"})
    assert refused.status_code == 400 and 'href="#confirm"' in refused.text
    assert snapshot(session, data)["family"][0] == data.phone, "nothing changed unconfirmed"

    done = client.post(
        path,
        data={
            "csrf_token": token,
            "reason": "objection",
            "case_reference": "C-1",
            "confirm": "yes",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    after = snapshot(session, data)
    assert after["family"] == (None, None, f"ERASED-{data.family.id}", None)
    assert after["tickets"] == [(data.ticket_id, None), (data.unlinked_ticket_id, None)]
    assert after["messages"] == [REMOVED_TEXT] * 3
    assert after["codes"] == 0
    assert after["outbox"] == ("", "", MessageStatus.SENT)
    assert after["opt_out"] is False and after["consent_history"] == 0
    assert after["acceptance"] == [None]
    assert after["figures"] == figures_before, "devices, allocations and history stay"
    assert snapshot(session, other) == other_before, "another family is untouched"

    record = session.scalars(select(ErasureRecord)).one()
    assert (record.family_id, record.erased_by_user_id, record.reason.value) == (
        data.family.id,
        officer.id,
        "objection",
    )
    assert record.counts["ticket"] == 2 and record.counts["ticket_message"] == 3
    assert record.counts["family"] == 1 and record.counts["sms_opt_out"] == 1
    assert data.phone not in str(record.counts) and record.case_reference == "C-1"
    audit = session.scalars(
        select(AccessAudit).where(AccessAudit.action == AuditAction.ERASURE)
    ).one()
    assert (audit.family_id, audit.actor_user_id, audit.method) == (
        data.family.id,
        officer.id,
        "POST",
    )
    page = client.get(f"/privacy/subject-access/family/{data.family.id}?done=erased")
    assert "erased" in page.text and data.phone not in page.text


def test_the_api_erases_once_and_then_says_it_is_done(client, session, places):
    _council, school, officer = places
    data = make_family_data(session, school)
    headers = bearer(session, officer)
    path = f"/api/privacy/subject-access/family/{data.family.id}/erase"
    assert client.post(path, json={**ERASE, "confirm": False}, headers=headers).status_code == 422
    first = client.post(path, json=ERASE, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json()["counts"]["outbox_message"] == 1
    again = client.post(path, json=ERASE, headers=headers)
    assert again.status_code == 409
    listed = client.get("/api/privacy/erasures", headers=headers).json()
    assert [row["family_id"] for row in listed["items"]] == [data.family.id]


def test_a_failure_midway_changes_nothing(client, session, places, monkeypatch):
    _council, school, officer = places
    data = make_family_data(session, school)
    before = snapshot(session, data)
    steps_run = []
    real_delete = erasure._delete_follow_codes

    def delete_then_note(*args):
        steps_run.append("follow codes")
        return real_delete(*args)

    def fail(*_args):
        raise OperationalError("UPDATE outbox_message", {}, Exception("disk full"))

    monkeypatch.setattr(erasure, "_delete_follow_codes", delete_then_note)
    monkeypatch.setattr(erasure, "_purge_outbox", fail)
    answer = client.post(
        f"/api/privacy/subject-access/family/{data.family.id}/erase",
        json=ERASE,
        headers=bearer(session, officer),
    )
    assert answer.status_code == 503 and "nothing was changed" in answer.json()["detail"]
    assert steps_run == ["follow codes"], "earlier steps had run before the failure"
    assert snapshot(session, data) == before
    assert session.scalar(select(func.count()).select_from(ErasureRecord)) == 0
    erasures = select(func.count()).where(AccessAudit.action == AuditAction.ERASURE)
    assert session.scalar(erasures) == 0


def test_a_phone_shared_with_another_family_keeps_that_familys_opt_out(client, session, places):
    _council, school, officer = places
    data = make_family_data(session, school, phone="+447911000222")
    sibling = make_family_data(session, school, phone="+447911000222", opted_out=False)
    sign_in_pages(client, session, officer)
    form = client.get(f"/privacy/subject-access/family/{data.family.id}/erase")
    assert "Another family has the same phone number" in form.text
    answer = client.post(
        f"/api/privacy/subject-access/family/{data.family.id}/erase",
        json=ERASE,
        headers=bearer(session, officer),
    )
    assert answer.status_code == 201
    assert answer.json()["counts"]["address_shared_with_another_family"] is True
    after = snapshot(session, data)
    assert after["family"][0] is None and after["opt_out"] is True
    assert after["tickets"] == [(data.ticket_id, None), (data.unlinked_ticket_id, data.phone)]
    assert snapshot(session, sibling)["family"][0] == data.phone


def test_another_councils_officer_gets_404_and_nothing_changes(client, session, places):
    _council, school, _officer = places
    data = make_family_data(session, school)
    before = snapshot(session, data)
    stranger = make_user(session, organisation=make_council(session), role=Role.COUNCIL_OFFICER)
    path = f"/privacy/subject-access/family/{data.family.id}/erase"
    answer = client.post(f"/api{path}", json=ERASE, headers=bearer(session, stranger))
    assert answer.status_code == 404
    token = sign_in_pages(client, session, stranger)
    assert client.get(path, headers={"Accept": "text/html"}).status_code == 404
    page = client.post(
        path,
        data={"csrf_token": token, "reason": "objection", "confirm": "yes"},
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 404
    assert snapshot(session, data) == before


def test_school_staff_cannot_erase(client, session, places):
    _council, school, _officer = places
    data = make_family_data(session, school)
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    path = f"/api/privacy/subject-access/family/{data.family.id}/erase"
    assert client.post(path, json=ERASE, headers=bearer(session, staff)).status_code == 403
    assert snapshot(session, data)["family"][0] == data.phone
