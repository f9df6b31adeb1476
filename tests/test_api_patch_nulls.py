"""A PATCH that sends null for a field that cannot be blank is refused with 422 naming the
field, and nothing changes; where null means "clear it", it clears it."""

import pytest
from sqlmodel import Session

from accounts.models import Organisation, Role, SchoolPhase, User
from accounts.schemas import SchoolUpdate, UserUpdate
from devices.models import Device, Family
from devices.schemas import DeviceUpdate, FamilyUpdate
from tests.devices.factories import make_device, make_family
from tests.factories import bearer, make_admin, make_council, make_school, make_trust, make_user

REFUSED = [
    ("users", "role"),
    ("users", "is_active"),
    ("users", "full_name"),
    ("schools", "name"),
    ("schools", "phase"),
    ("families", "sms_consent"),
    ("families", "home_broadband"),
    ("families", "preferred_language"),
]


@pytest.fixture
def world(session: Session) -> dict:
    admin = make_admin(session)
    council = make_council(session)
    school = make_school(session, council=council, trust=make_trust(session))
    return {
        "headers": bearer(session, admin),
        "users": make_user(session, organisation=school, role=Role.SCHOOL_STAFF),
        "schools": school,
        "families": make_family(session, school=school),
        "devices": make_device(session, holder=school),
    }


@pytest.mark.parametrize(("kind", "field"), REFUSED, ids=lambda v: v)
def test_a_null_for_a_field_that_cannot_be_blank_is_refused(client, session, world, kind, field):
    record = world[kind]
    before = getattr(record, field)
    response = client.patch(
        f"/api/{kind}/{record.id}", headers=world["headers"], json={field: None}
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == field and body["code"] == "invalid"
    assert f"{field} cannot be null" in body["detail"]
    session.expire_all()
    assert getattr(session.get(type(record), record.id), field) == before


def test_a_null_clears_what_may_be_blank(client, session, world):
    headers = world["headers"]
    school, family = world["schools"], world["families"]
    out_of_trust = {"trust_id": None}
    assert client.patch(f"/api/schools/{school.id}", headers=headers, json=out_of_trust).is_success
    cleared = {"phone_number": None, "email": None, "year_group": None}
    assert client.patch(f"/api/families/{family.id}", headers=headers, json=cleared).is_success
    device = world["devices"]
    answer = client.patch(f"/api/devices/{device.id}", headers=headers, json={"asset_tag": None})
    assert answer.status_code == 200, answer.text
    session.expire_all()
    assert session.get(Organisation, school.id).trust_id is None
    assert session.get(Organisation, school.id).phase is SchoolPhase.PRIMARY
    assert session.get(Family, family.id).phone_number is None
    assert session.get(Device, device.id).asset_tag is None
    assert session.get(User, world["users"].id).is_active


@pytest.mark.parametrize("model", [SchoolUpdate, UserUpdate, FamilyUpdate, DeviceUpdate])
def test_the_openapi_offers_null_only_where_it_is_accepted(client, model):
    schema = client.get("/openapi.json").json()["components"]["schemas"][model.__name__]
    for name, prop in schema["properties"].items():
        offers_null = {"type": "null"} in prop.get("anyOf", [])
        try:
            model(**{name: None})
        except ValueError:
            accepts_null = False
        else:
            accepts_null = True
        assert offers_null == accepts_null, name
