"""The device page offers exactly the actions the API accepts, for every status a device
can be in and whoever owns it: both read one table (devices/service/transitions.py)."""

import itertools
from datetime import date

import pytest
from sqlmodel import Session

from accounts.models import Role
from devices.models import DeviceStatus, OwnerKind
from devices.pages.device_actions import ACTIONS
from dfc.clock import today
from tests.devices.factories import (
    make_allocation,
    make_device,
    make_family,
    require_no_handover_steps,
)
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages

# Each action on the device page and the API call that does the same.
API_CALLS = {
    "collected": ("collect", {}),
    "return": ("return", {"reason": "returned"}),
    "repair": ("send-to-repair", {}),
    "repaired": ("back-from-repair", {}),
    "missing": ("report-lost", {}),
    "give-to-family": ("transfer-to-family", {"acceptance": "signed form"}),
}
WITH_A_FAMILY = (DeviceStatus.ALLOCATED, DeviceStatus.WITH_FAMILY, DeviceStatus.IN_REPAIR)


@pytest.fixture
def school_staff(session: Session, client):
    council = make_council(session)
    require_no_handover_steps(session, council)  # the checklist's own tests: test_handover.py
    school = make_school(session, council=council)
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    sign_in_pages(client, session, user)
    return school, bearer(session, user)


def device_in(session: Session, school, status: DeviceStatus, owner: OwnerKind):
    """A device as the register would have it: with an open allocation when a family has
    it (or had it when it went to repair), and owned by that family when it says so."""
    device = make_device(session, holder=school, status=status)
    if status in WITH_A_FAMILY or owner is OwnerKind.FAMILY:
        family = make_family(session, school=school)
        allocation = make_allocation(session, device=device, family=family)
        allocation.collected_on = None if status is DeviceStatus.ALLOCATED else date(2026, 2, 1)
        if owner is OwnerKind.FAMILY:
            device.owner_kind, device.owner_family_id = OwnerKind.FAMILY, family.id
        device.status = status  # as it was asked for, whatever allocating made it
        session.add_all([device, allocation])
        session.commit()
    return device


def test_the_page_offers_exactly_what_the_api_accepts(session, client, school_staff):
    school, headers = school_staff
    disagreements = []
    for status, owner, slug in itertools.product(
        DeviceStatus, (OwnerKind.SCHEME, OwnerKind.FAMILY), ACTIONS
    ):
        if owner is OwnerKind.FAMILY and status in (DeviceStatus.RETIRED,):
            continue  # a family's own device is never retired by the register
        device = device_in(session, school, status, owner)
        page = client.get(f"/devices/{device.id}", headers={"Accept": "text/html"})
        assert page.status_code == 200, page.text
        offered = f'action="/devices/{device.id}/actions/{slug}"' in page.text
        path, body = API_CALLS[slug]
        answer = client.post(
            f"/api/devices/{device.id}/{path}",
            json={"on": today().isoformat(), **body},
            headers=headers,
        )
        assert answer.status_code in (200, 409), (status, owner, slug, answer.text)
        accepted = answer.status_code == 200
        if offered != accepted:
            disagreements.append((status.value, owner.value, slug, offered, answer.text[:120]))
    assert disagreements == []


def test_a_family_owned_device_can_go_to_repair_and_come_back_to_them(
    session, client, school_staff
):
    school, headers = school_staff
    device = device_in(session, school, DeviceStatus.WITH_FAMILY, OwnerKind.FAMILY)
    on = {"on": today().isoformat()}
    assert client.post(
        f"/api/devices/{device.id}/send-to-repair", json=on, headers=headers
    ).is_success
    back = client.post(f"/api/devices/{device.id}/back-from-repair", json=on, headers=headers)
    assert back.json()["status"] == "with-family"
    refused = client.post(f"/api/devices/{device.id}/return", json=on, headers=headers)
    assert refused.status_code == 409 and "belongs to the family" in refused.json()["detail"]


@pytest.mark.parametrize("path", ["collect", "send-to-repair", "report-lost", "retire"])
def test_no_action_is_dated_in_the_future_or_before_the_device_arrived(
    session, client, school_staff, path
):
    school, headers = school_staff
    status = DeviceStatus.ALLOCATED if path == "collect" else DeviceStatus.IN_STOCK
    device = device_in(session, school, status, OwnerKind.SCHEME)
    for on, words in (
        ("2099-01-01", "today or in the past"),
        ("2025-01-01", "before the device arrived"),
    ):
        answer = client.post(f"/api/devices/{device.id}/{path}", json={"on": on}, headers=headers)
        assert answer.status_code == 422, answer.text
        assert words in answer.text


def test_an_allocation_dated_2099_is_refused_by_the_api_as_by_the_page(
    session, client, school_staff
):
    school, headers = school_staff
    device = make_device(session, holder=school)
    family = make_family(session, school=school)
    body = {"device_id": device.id, "family_id": family.id, "allocated_on": "2099-01-01"}
    answer = client.post("/api/allocations", json=body, headers=headers)
    assert answer.status_code == 422 and "today or in the past" in answer.text
