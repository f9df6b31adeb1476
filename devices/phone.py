"""Phone numbers: parsed as a UK number unless international, stored in E.164."""

import phonenumbers


def to_e164(text: str, *, region: str = "GB") -> str:
    """The number in E.164 (+447700900123); ValueError says what is wrong."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{text!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{text!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
