"""Photos for the media tests: real files, a store in the test's own folder, Twilio's signed
webhook with MediaUrlN, and the fetch task run at once as a worker would."""

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from dfc.settings import get_settings
from support import tasks
from tests.fakes.twilio_server import FakeTwilio
from tests.notifications.conftest import ACCOUNT_SID, AUTH_TOKEN

INBOUND = "https://devices.example.org/api/twilio/inbound"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def png(width: int = 40, height: int = 30, colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def noisy_png(side: int) -> bytes:
    """A PNG that does not compress: about 3 * side * side bytes."""
    import os

    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def media(twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[FakeTwilio]:
    """Twilio configured (its fake serving files), files stored under the test's folder, and
    each fetch run as soon as it is queued, as a free worker would."""
    monkeypatch.setenv("MEDIA_STORAGE", str(tmp_path / "media"))
    get_settings.cache_clear()
    monkeypatch.setattr(tasks.fetch_media, "delay", tasks.fetch_media)
    yield twilio
    get_settings.cache_clear()


def add_photo(fake: FakeTwilio, data: bytes | None = None, content_type: str = "image/png") -> str:
    return fake.add_media(ACCOUNT_SID, data if data is not None else png(), content_type)


def mms(
    client,
    fake: FakeTwilio,
    *,
    sender: str,
    urls: list[tuple[str, str]],
    body: str = "",
    sid: str = "MM0001",
):
    """Twilio's signed webhook for a message with files: (url, content type) each."""
    form = {"From": sender, "Body": body, "MessageSid": sid, "NumMedia": str(len(urls))}
    for n, (url, content_type) in enumerate(urls):
        form[f"MediaUrl{n}"] = url
        form[f"MediaContentType{n}"] = content_type
    params, signature = fake.signed_status_callback(INBOUND, AUTH_TOKEN, form)
    return client.post(
        "/api/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
    )
