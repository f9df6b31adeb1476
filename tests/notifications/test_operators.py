"""Operators: the outbox list, resending a failed message, template previews, and each
council's alert settings."""

from datetime import UTC, date, datetime

import pytest
from markupsafe import escape
from sqlmodel import Session

from accounts.models import Organisation, Role
from devices.alerts import run_daily_alerts
from notifications.models import Channel, MessageStatus, OutboxMessage
from notifications.outbox import Recipient, enqueue
from tests.devices.factories import make_device
from tests.factories import bearer, make_council, make_school, make_user

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def council(session: Session) -> Organisation:
    return make_council(session)


@pytest.fixture
def officer(session: Session, council):
    return bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))


def queue(session: Session, organisation_id: int | None, key: str) -> OutboxMessage:
    message = enqueue(
        session,
        key=key,
        template="unsupported",
        now=NOON,
        recipient=Recipient(Channel.SMS, "+447911123456", "en", organisation_id),
        context={"device": "Laptop DFC-0042", "contact": "School"},
    )
    session.commit()
    return message


def test_the_outbox_lists_only_the_callers_messages_and_filters(client, session, council, officer):
    mine = queue(session, council.id, "mine")
    queue(session, make_council(session).id, "theirs")
    listed = client.get("/api/outbox", headers=officer).json()
    assert [m["id"] for m in listed["items"]] == [mine.id]
    assert client.get("/api/outbox?status=failed", headers=officer).json()["total"] == 0


def test_only_a_failed_message_can_be_resent(client, session, council, officer):
    message = queue(session, council.id, "k")
    refused = client.post(f"/api/outbox/{message.id}/resend", headers=officer)
    assert refused.status_code == 409 and "only a failed message" in refused.json()["detail"]
    message.status, message.attempts = MessageStatus.FAILED, 8
    session.add(message)
    session.commit()
    resent = client.post(f"/api/outbox/{message.id}/resend", headers=officer).json()
    assert (resent["status"], resent["attempts"]) == ("pending", 0)


def test_school_staff_cannot_see_the_outbox(client, session, council):
    staff = make_user(
        session, organisation=make_school(session, council=council), role=Role.SCHOOL_STAFF
    )
    assert client.get("/api/outbox", headers=bearer(session, staff)).status_code == 403


def test_any_template_previews_in_any_locale(client, officer):
    welsh = client.get("/api/templates/support-ending/preview?locale=cy", headers=officer)
    assert welsh.status_code == 200
    assert "2026" in welsh.json()["body"] and welsh.json()["locale"] == "cy"
    assert client.get("/api/templates/nope/preview", headers=officer).status_code == 404
    bad = client.get("/api/templates/support-ending/preview?locale=xx", headers=officer)
    assert bad.status_code == 422 and bad.json()["field"] == "locale"


def test_every_template_previews_in_every_served_language(client, officer):
    import support.messages
    import support.sla_alerts  # noqa: F401
    from dfc.i18n import BY_CODE
    from notifications.templates import TEMPLATES

    failed = [
        (name, code)
        for name in TEMPLATES
        for code in BY_CODE
        if client.get(f"/api/templates/{name}/preview?locale={code}", headers=officer).status_code
        != 200
    ]
    assert failed == []
    assert {"ticket-received", "ticket-follow-code", "ticket-sla"} <= set(TEMPLATES)


def test_a_council_sets_its_thresholds_and_the_scan_follows_them(client, session, council, officer):
    school = make_school(session, council=council)
    make_device(
        session, holder=school, received_on=date(2026, 6, 1), cover_until=date(2026, 12, 20)
    )  # 25 days after 25 November
    assert (
        client.get(f"/api/councils/{council.id}/alert-policy", headers=officer).json()["cover_days"]
        == "90,30,7"
    )
    bad = client.put(
        f"/api/councils/{council.id}/alert-policy",
        headers=officer,
        json={"cover_days": "soon", "digest_emails": "not-an-address"},
    )
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["problems"]} == {"cover_days", "digest_emails"}
    saved = client.put(
        f"/api/councils/{council.id}/alert-policy",
        headers=officer,
        json={"cover_days": "14, 7", "digest_emails": "it@council.example"},
    )
    assert saved.json()["cover_days"] == "14,7"
    assert run_daily_alerts(session, today=date(2026, 11, 25)) == 0  # 25 days: not yet
    session.commit()
    assert run_daily_alerts(session, today=date(2026, 12, 8)) == 1  # 12 days: the 14-day alert
    session.commit()
    other = client.get(f"/api/councils/{make_council(session).id}/alert-policy", headers=officer)
    assert other.status_code == 404


def test_the_outbox_page_marks_messages_that_were_kept_not_sent(client, session, council):
    from dfc.web.csrf import CSRF_COOKIE
    from tests.factories import PASSWORD

    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    message = queue(session, council.id, "page")
    message.status, message.outbox_only = MessageStatus.SENT, True
    session.add(message)
    session.commit()
    client.get("/sign-in")
    client.post(
        "/sign-in",
        data={
            "email": officer.email,
            "password": PASSWORD,
            "csrf_token": client.cookies[CSRF_COOKIE],
        },
    )
    page = client.get("/outbox")
    assert page.status_code == 200
    assert "Not sent: no provider set up" in page.text
    assert str(escape(message.body)) in page.text


def test_reading_the_outbox_is_audited_page_api_and_csv(client, session, council, officer):
    from sqlmodel import select

    from dfc.audit.models import AccessAudit, AuditAction, SubjectType
    from tests.factories import sign_in_pages

    mine = queue(session, council.id, "mine")
    queue(session, make_council(session).id, "theirs")
    client.get("/api/outbox", headers=officer)
    client.get("/api/outbox?format=csv", headers=officer)
    user = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    sign_in_pages(client, session, user)
    assert client.get("/outbox").status_code == 200
    rows = session.exec(select(AccessAudit).order_by(AccessAudit.id)).all()
    assert [(row.subject_type, row.subject_id, row.action, row.path) for row in rows] == [
        (SubjectType.OUTBOX_MESSAGE, mine.id, AuditAction.READ, "/api/outbox"),
        (SubjectType.OUTBOX_MESSAGE, mine.id, AuditAction.EXPORT, "/api/outbox"),
        (SubjectType.OUTBOX_MESSAGE, mine.id, AuditAction.READ, "/outbox"),
    ]
    assert rows[-1].actor_user_id == user.id
