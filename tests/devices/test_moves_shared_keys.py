"""A key another organisation holds under an information sharing agreement reaches no
moves: moving a family is the school's and council's own work."""

from tests.privacy.agreement_helpers import record
from tests.privacy.test_agreement_keys import key_for, world  # noqa: F401 (the fixture)


def test_a_key_under_a_sharing_agreement_cannot_move_or_list_moves(client, session, world):  # noqa: F811
    agreement = record(session, world.officer, categories=["pupil", "contact", "preference"])
    headers = key_for(client, session, world, agreement)
    assert client.get(f"/api/families/{world.family.id}", headers=headers).status_code == 200

    moved = client.post(
        f"/api/families/{world.family.id}/moves",
        json={"to_school_urn": world.school.urn},
        headers=headers,
    )
    listed = client.get("/api/moves", headers=headers)

    assert moved.status_code == 403 and "sharing agreement" in moved.json()["detail"]
    assert listed.status_code == 403
    own_key = key_for(client, session, world, None)
    assert client.get("/api/moves", headers=own_key).status_code == 200
