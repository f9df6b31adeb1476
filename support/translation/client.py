"""A LibreTranslate-compatible machine translation service: open source, so a council can run
it itself and no family's words leave its network. `POST {TRANSLATION_URL}/translate` with
`q` (one text or a list), `source`, `target`, `format` and `api_key`, answered with
`translatedText` (a text or a list, as asked) or, on a refusal, with `error`.

Any failure raises `TranslationFailed` with a reason staff can act on; the caller decides
what is kept and what is not sent."""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from dfc.settings import get_settings

log = logging.getLogger(__name__)


class TranslationFailed(Exception):
    """The service did not translate; `reason` completes "The translation service ..."."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    url: str
    api_key: str
    timeout: float

    @property
    def name(self) -> str:
        """The host it runs on, kept beside each translation it made."""
        return urlsplit(self.url).netloc


def provider() -> Provider | None:
    """The configured service, or None when TRANSLATION_URL is unset."""
    settings = get_settings()
    if not settings.TRANSLATION_URL:
        return None
    return Provider(
        settings.TRANSLATION_URL, settings.TRANSLATION_API_KEY, settings.TRANSLATION_TIMEOUT_SECONDS
    )


def translate(service: Provider, texts: list[str], *, source: str, target: str) -> list[str]:
    """Each of `texts` from `source` into `target`, in one request, in order."""
    payload: dict[str, Any] = {
        "q": texts[0] if len(texts) == 1 else texts,
        "source": source,
        "target": target,
        "format": "text",
    }
    if service.api_key:
        payload["api_key"] = service.api_key
    # TRANSLATION_URL is checked to be http(s) at start-up (dfc.settings), never file: or ftp:.
    request = urllib.request.Request(  # noqa: S310
        f"{service.url}/translate",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=service.timeout) as response:  # noqa: S310
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise TranslationFailed(_refusal(error, service, target)) from None
    except TimeoutError:
        raise TranslationFailed(_late(service)) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise TranslationFailed(_late(service)) from None
        raise TranslationFailed(
            f"at {service.url} could not be reached ({error.reason}): check TRANSLATION_URL"
        ) from None
    except (OSError, ValueError) as error:
        raise TranslationFailed(f"at {service.url} gave no usable answer ({error})") from None
    return _translations(answer, len(texts), service)


def _late(service: Provider) -> str:
    return f"at {service.url} did not answer within {service.timeout:g} seconds"


def _refusal(error: urllib.error.HTTPError, service: Provider, target: str) -> str:
    try:
        said = json.loads(error.read()).get("error") or ""
    except (OSError, ValueError, AttributeError):
        said = ""
    about_key = error.code == 403 or "api key" in str(said).lower()
    said = f": {said}" if said else ""
    if about_key:
        return f"at {service.url} refused the key (check TRANSLATION_API_KEY){said}"
    if error.code == 400:
        return f"at {service.url} could not translate this into {target!r}{said}"
    if error.code == 429:
        return f"at {service.url} is busy (too many requests){said}"
    return f"at {service.url} failed (HTTP {error.code}){said}"


def _translations(answer: Any, count: int, service: Provider) -> list[str]:
    translated = answer.get("translatedText") if isinstance(answer, dict) else None
    if isinstance(translated, str):
        translated = [translated]
    if (
        not isinstance(translated, list)
        or len(translated) != count
        or not all(isinstance(text, str) and text.strip() for text in translated)
    ):
        raise TranslationFailed(f"at {service.url} answered without the translation")
    return translated
