"""School staff record on the family's page that the family chose WhatsApp, with how they
agreed; without that, WhatsApp is refused, saying what to add."""

from accounts.models import Role
from tests.devices.factories import make_family
from tests.devices.test_management_pages import text_of
from tests.factories import make_user, sign_in_pages


def test_staff_choose_whatsapp_for_a_family_only_with_how_they_agreed(client, session, school):
    family = make_family(session, school=school, language="so")
    token = sign_in_pages(
        client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    )
    page = text_of(client.get(f"/families/{family.id}").text)
    assert "Texts by SMS" in page and "Change how texts reach the family" in page
    url = f"/families/{family.id}/texts/channel"
    refused = client.post(url, data={"csrf_token": token, "channel": "whatsapp", "consent": ""})
    assert refused.status_code == 400
    assert "Say how the family agreed to WhatsApp" in text_of(refused.text)
    saved = client.post(
        url,
        data={"csrf_token": token, "channel": "whatsapp", "consent": "Mother asked at school"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    shown = text_of(client.get(saved.headers["location"]).text)
    assert "How texts reach this family is saved" in shown
    assert "Texts by WhatsApp (agreed: Mother asked at school)" in shown
    back = client.post(url, data={"csrf_token": token, "channel": "sms"}, follow_redirects=True)
    assert "Texts by SMS" in text_of(back.text)
