"""GET /api/dashboard: the dashboard's figures for machines, from the daily figures once
computed, each caller's own (a school's its own, a council's its schools' and its own)."""

from datetime import UTC, datetime

import pytest

from accounts.models import Role
from dfc.clock import today
from reporting.dashboard.summaries import refresh_summaries
from tests.factories import bearer, make_user
from tests.reporting.register import make_register

NIGHT = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def register(session):
    return make_register(session, today=today())


def headers_for(session, organisation, role):
    return bearer(session, make_user(session, organisation=organisation, role=role))


def test_a_council_gets_live_figures_until_they_are_computed_then_the_daily_ones(
    client, session, register
):
    officer = headers_for(session, register.ours, Role.COUNCIL_OFFICER)
    live = client.get("/api/dashboard", headers=officer)
    assert live.status_code == 200, live.text
    assert live.json()["computed_at"] is None
    assert live.json()["headlines"]["devices_in_service"] == 11

    refresh_summaries(session, today=today(), now=NIGHT)
    session.commit()
    answer = client.get("/api/dashboard?days=180", headers=officer).json()
    assert answer["computed_at"] == "2026-12-05T02:00:00Z"
    assert answer["as_of"] == today().isoformat() and answer["within_days"] == 180
    assert answer["organisation_id"] == register.ours.id
    assert answer["headlines"] == live.json()["headlines"]
    assert answer["devices_by_status"][0] == {"status": "in-stock", "devices": 7}
    assert sum(month["devices_cover_ending"] for month in answer["ending_by_month"]) == 7


def test_a_school_gets_its_own_figures_and_no_other_councils(client, session, register):
    refresh_summaries(session, today=today(), now=NIGHT)
    session.commit()
    staff = headers_for(session, register.ash, Role.SCHOOL_STAFF)
    answer = client.get("/api/dashboard", headers=staff)
    assert answer.status_code == 200
    assert answer.json()["headlines"]["devices_in_service"] == 6
    assert answer.json()["organisation_id"] == register.ash.id
    other = client.get(f"/api/dashboard?council={register.theirs.id}", headers=staff)
    assert other.status_code == 404
    assert f"No council with id {register.theirs.id}" in other.text


def test_a_window_other_than_30_90_or_180_days_is_refused_plainly(client, session, register):
    officer = headers_for(session, register.ours, Role.COUNCIL_OFFICER)
    response = client.get("/api/dashboard?days=45", headers=officer)
    assert response.status_code == 422
    assert "Choose 30, 90 or 180 days" in response.text
