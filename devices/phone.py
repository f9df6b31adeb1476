"""Phone numbers: parsed as a UK number unless international, stored in E.164."""

import phonenumbers

# Ofcom keeps 07700 900000 to 900999 for drama and examples (GOV.UK's forms say "like 07700
# 900 982"): never anyone's phone, so a person copying the example, the demo and the tests
# can use them. The phonenumbers library calls them invalid.
OFCOM_DRAMA_MOBILES = "+447700900"


def to_e164(text: str, *, region: str = "GB") -> str:
    """The number in E.164 (+447700900123); ValueError says what is wrong."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{text!r} is not a phone number") from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not (phonenumbers.is_valid_number(number) or e164.startswith(OFCOM_DRAMA_MOBILES)):
        raise ValueError(f"{text!r} is not a valid phone number")
    return e164
