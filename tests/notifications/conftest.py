"""Fixtures for messages: the fake Twilio server, and settings that point the SDK at it."""

from collections.abc import Iterator

import pytest

from dfc.settings import get_settings
from tests.fakes.twilio_server import FakeTwilio

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token"
SERVICE_SID = "MG" + "0" * 32


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


@pytest.fixture
def twilio(fake_twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTwilio]:
    """The service configured for Twilio, with the SDK's requests going to the fake."""
    for name, value in {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_MESSAGING_SERVICE_SID": SERVICE_SID,
        "TWILIO_API_BASE_URL": fake_twilio.url,
        "TWILIO_TIMEOUT_SECONDS": "2",
        "BASE_URL": "https://devices.example.org",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield fake_twilio
    monkeypatch.undo()
    get_settings.cache_clear()
