# ruff: noqa: F811 (the fixtures are imported from incident_setup)
"""Incidents in the browser: from the device's page, record damage, upload a photo, lend a
loaner and swap it back, seeing the right device with the family at each step; a council
officer charges and waives; another school cannot open the photo; bad input is a 4xx."""

from sqlmodel import Session

from accounts.models import Role
from tests.devices.incident_setup import (  # noqa: F401 (fixtures)
    council,
    family,
    laptop,
    loaner,
    media_store,
    school,
)
from tests.factories import make_council, make_school, make_user, sign_in_pages
from tests.support.media_helpers import png


def day(prefix: str, text: str) -> dict[str, str]:
    year, month, day_ = text.split("-")
    return {f"{prefix}-day": day_, f"{prefix}-month": month, f"{prefix}-year": year}


def signed_in(client, session: Session, organisation, role=Role.SCHOOL_STAFF) -> str:
    return sign_in_pages(client, session, make_user(session, organisation=organisation, role=role))


def test_staff_record_damage_with_a_photo_and_swap_a_loaner_in_and_back(
    client, session: Session, school, laptop, loaner, family
):
    token = signed_in(client, session, school)
    device_page = client.get(f"/devices/{laptop.id}")
    assert "No damage, loss or theft recorded" in device_page.text
    assert f"/devices/{laptop.id}/incidents/new" in device_page.text
    assert client.get(f"/devices/{laptop.id}/incidents/new").status_code == 200
    recorded = client.post(
        f"/devices/{laptop.id}/incidents",
        data={
            "csrf_token": token,
            "kind": "damage",
            "description": "Hinge snapped",
            "responsible_party": "nobody",
            **day("happened_on", "2026-03-02"),
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text
    address = recorded.headers["location"].split("?")[0]
    page = client.get(address)
    assert "Hinge snapped" in page.text and "Nobody: an accident" in page.text

    uploaded = client.post(
        f"{address}/files",
        data={"csrf_token": token},
        files={"file": ("hinge.png", png(), "image/png")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    page = client.get(address)
    assert "?thumbnail=true" in page.text
    photo = page.text.split(f'href="{address}/files/')[1].split('"')[0]
    assert client.get(f"{address}/files/{photo}").content == png()

    lent = client.post(
        f"{address}/steps/loaner",
        data={"csrf_token": token, "loaner_serial": "loaner1", **day("loaner-on", "2026-03-03")},
        follow_redirects=False,
    )
    assert lent.status_code == 303, lent.text
    page = client.get(address)
    assert "LOANER1" in page.text and "with the family since" in page.text
    assert "In repair" in client.get(f"/devices/{laptop.id}").text
    assert f"Pupil {family.pupil_reference}" in client.get(f"/devices/{loaner.id}").text

    back = client.post(
        f"{address}/steps/swap-back",
        data={"csrf_token": token, **day("swap-back-on", "2026-03-09")},
        follow_redirects=False,
    )
    assert back.status_code == 303
    assert f"Pupil {family.pupil_reference}" in client.get(f"/devices/{laptop.id}").text
    assert f"Pupil {family.pupil_reference}" not in client.get(f"/devices/{loaner.id}").text
    assert "swapped back" in client.get(address).text
    listed = client.get("/incidents?kind=damage")
    assert address in listed.text and "LOANER1" in listed.text
    family_page = client.get(f"/families/{family.id}")
    assert f'href="/incidents?family={family.id}">1 incident<' in family_page.text
    assert address in client.get(f"/incidents?family={family.id}").text

    other = make_school(session, council=make_council(session))
    client.cookies.clear()
    signed_in(client, session, other)
    assert client.get(address).status_code == 404
    assert client.get(f"{address}/files/{photo}").status_code == 404


def test_a_council_officer_charges_the_family_and_waives_it_and_a_school_cannot(
    client, session: Session, council, school, laptop
):
    token = signed_in(client, session, school)
    recorded = client.post(
        f"/devices/{laptop.id}/incidents",
        data={
            "csrf_token": token,
            "kind": "damage",
            "description": "Dropped",
            **day("happened_on", "2026-03-02"),
        },
        follow_redirects=False,
    )
    address = recorded.headers["location"].split("?")[0]
    assert "Charge the family" not in client.get(address).text
    refused = client.post(
        f"{address}/steps/charge",
        data={"csrf_token": token, "amount": "20", "reason": "x", **day("charge-on", "2026-03-04")},
    )
    assert refused.status_code == 403 and "council officer" in refused.text
    client.cookies.clear()
    token = signed_in(client, session, council, Role.COUNCIL_OFFICER)
    assert "Charge the family" in client.get(address).text
    wrong = client.post(
        f"{address}/steps/charge",
        data={
            "csrf_token": token,
            "amount": "twenty",
            "reason": "x",
            **day("charge-on", "2026-03-04"),
        },
    )
    assert wrong.status_code == 422 and "Enter the charge in pounds" in wrong.text
    client.post(
        f"{address}/steps/charge",
        data={
            "csrf_token": token,
            "amount": "25.00",
            "reason": "Third screen",
            **day("charge-on", "2026-03-04"),
        },
    )
    assert "£25.00 (Third screen)" in client.get(address).text
    client.post(
        f"{address}/steps/waiver",
        data={"csrf_token": token, "reason": "Hardship", **day("waiver-on", "2026-03-05")},
    )
    page = client.get(address).text
    assert "waived by" in page and "Hardship" in page


def test_a_page_form_with_bad_input_says_what_to_fix(client, session: Session, school, laptop):
    token = signed_in(client, session, school)
    answer = client.post(
        f"/devices/{laptop.id}/incidents",
        data={"csrf_token": token, "description": "", **day("happened_on", "2026-02-31")},
    )
    assert answer.status_code == 400
    assert "Choose damage, loss or theft" in answer.text
    assert "Say what happened" in answer.text
    assert client.get("/incidents").text.count('href="/incidents/') == 0
