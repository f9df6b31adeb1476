"""Settings: defaults that run on a laptop, and a bad value stops start-up by name."""

import os
import stat
import subprocess
import sys

import pytest

from dfc.settings import Settings, SettingsError, get_settings


def load(monkeypatch: pytest.MonkeyPatch, **values: str) -> Settings:
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        return get_settings()
    finally:
        get_settings.cache_clear()


def test_defaults_need_no_servers(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    settings = load(monkeypatch, VAR_DIR="var")
    assert settings.database_url == "sqlite:///var/devices.sqlite3"
    assert settings.CELERY_BROKER_URL == "filesystem://"
    assert (settings.DEFAULT_LOCALE, settings.TIME_ZONE) == ("en-GB", "Europe/London")
    assert not settings.twilio_enabled


def test_links_follow_the_port_unless_base_url_is_set(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    assert load(monkeypatch, PORT="8080").BASE_URL == "http://127.0.0.1:8080"
    settings = load(monkeypatch, PORT="8080", BASE_URL="https://devices.example.org")
    assert settings.BASE_URL == "https://devices.example.org"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/db"),
        ("DATABASE_URL", "not a url"),
        ("CELERY_BROKER_URL", "carrier-pigeon"),
        ("TIME_ZONE", "Europe/Atlantis"),
        ("DEFAULT_LOCALE", "xx-YY"),
        ("PORT", "eighty"),
        ("SESSION_HOURS", "0"),
        ("SECURE_COOKIES", "perhaps"),
    ],
)
def test_a_bad_value_names_the_setting(monkeypatch, name, value):
    with pytest.raises(SettingsError, match=f"Setting {name} is invalid"):
        load(monkeypatch, **{name: value})


def test_half_a_twilio_account_names_the_missing_half(monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="TWILIO_AUTH_TOKEN is missing"):
        load(monkeypatch, TWILIO_ACCOUNT_SID="AC123")


def test_the_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY")
    settings = load(monkeypatch, VAR_DIR=str(tmp_path))
    first = settings.secret_key()
    assert len(first) >= 40 and first == settings.secret_key()
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_the_command_line_stops_with_the_settings_name(tmp_path):
    environment = os.environ | {"DATABASE_URL": "mysql://nope", "VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "dfc", "migrate"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Setting DATABASE_URL is invalid" in result.stderr
