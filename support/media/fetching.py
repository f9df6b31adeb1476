"""Fetching a file from Twilio's media address with the account's credentials (Twilio asks
for them when HTTP authentication on media is on, as it should be). The credentials go only
to Twilio's own https addresses; the answer is read no further than MEDIA_MAX_BYTES."""

from dataclasses import dataclass

import requests

from dfc.media_checks import Refusal, too_large
from dfc.settings import Settings
from notifications.channels.twilio_sms import is_twilio_url, routed_twilio_url

CHUNK = 64 * 1024
GONE = {404, 410}  # Twilio no longer has it (deleted): trying again will not help


@dataclass(frozen=True)
class Fetched:
    data: bytes
    content_type: str


class FetchFailed(Exception):
    """The file could not be fetched; `lasting` when trying again will not help."""

    def __init__(self, reason: str, *, lasting: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.lasting = reason, lasting


def fetch(url: str, settings: Settings) -> Fetched | Refusal:
    """The file's bytes and the type Twilio says it is, or a refusal when it is too large."""
    if not is_twilio_url(url):
        raise FetchFailed("not a Twilio media address, so not fetched", lasting=True)
    if not settings.twilio_enabled:
        raise FetchFailed("Twilio is not configured (TWILIO_ACCOUNT_SID)")
    most = settings.MEDIA_MAX_BYTES
    try:
        with requests.get(
            routed_twilio_url(url, settings.TWILIO_API_BASE_URL),
            auth=(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN),
            timeout=(5, settings.TWILIO_TIMEOUT_SECONDS),
            stream=True,
            # Twilio may redirect to its storage; requests drops the credentials if it does.
            allow_redirects=True,
        ) as answer:
            if answer.status_code != 200:
                raise FetchFailed(
                    f"Twilio answered {answer.status_code}", lasting=answer.status_code in GONE
                )
            declared = int(answer.headers.get("Content-Length") or 0)
            if declared > most:
                return too_large(declared, most)
            data = bytearray()
            for chunk in answer.iter_content(CHUNK):
                data += chunk
                if len(data) > most:
                    return too_large(None, most)
            return Fetched(bytes(data), answer.headers.get("Content-Type", ""))
    except requests.RequestException as error:
        raise FetchFailed(f"could not reach Twilio ({type(error).__name__})") from None
