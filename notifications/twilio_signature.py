"""Is a webhook really from Twilio? Checked with the SDK's own validator, so the signing rules
(URL, sorted form fields, ports) stay Twilio's, not ours."""

from twilio.request_validator import RequestValidator


def signature_is_valid(
    *, auth_token: str, url: str, params: dict[str, str], signature: str | None
) -> bool:
    """True only for a signature made with `auth_token` over exactly this URL and form.

    Without an auth token anyone could sign (an HMAC with an empty key), so nothing passes.
    """
    if not auth_token or not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, params, signature))
