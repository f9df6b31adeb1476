"""Settings from the environment or a `.env` file, checked once at start-up.

Every setting has a default that runs on a laptop with no servers; production overrides
them through the environment (see README, "Configuration").
"""

import secrets
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class SettingsError(RuntimeError):
    """A setting has a bad value; the message names the setting and what to fix."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    VAR_DIR: Path = Path("var")
    DATABASE_URL: str = ""
    CELERY_BROKER_URL: str = "filesystem://"
    SECRET_KEY: str = ""
    DEFAULT_LOCALE: str = "en-GB"
    TIME_ZONE: str = "Europe/London"
    # The address people and Twilio reach the service at, for links in texts and webhooks;
    # unset, it is http://HOST:PORT, so `PORT=8080 make run` needs nothing else.
    BASE_URL: str = ""
    HOST: str = "127.0.0.1"
    PORT: int = Field(default=8000, ge=1, le=65535)
    WEB_WORKERS: int = Field(default=1, ge=1, le=64)
    SESSION_HOURS: int = Field(default=8, ge=1, le=24 * 30)
    API_TOKEN_HOURS: int = Field(default=12, ge=1, le=24 * 90)
    SECURE_COOKIES: bool = False
    GOVUK_FRONTEND_DIR: Path = Path("node_modules/govuk-frontend/dist/govuk")
    LOG_LEVEL: str = "INFO"

    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_MESSAGING_SERVICE_SID: str = ""
    TWILIO_FROM_NUMBER: str = ""
    TWILIO_WHATSAPP_FROM: str = ""
    # Only for tests and staging: where the Twilio SDK sends its requests instead of Twilio.
    TWILIO_API_BASE_URL: str = ""
    TWILIO_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0, le=120)
    # Every worker together, not each: set SMS_PER_SECOND to the Twilio account's (or
    # messaging service's) sending rate. Shared through Redis, or a file in VAR_DIR.
    SMS_PER_SECOND: float = Field(default=10.0, gt=0, le=10_000)
    EMAILS_PER_SECOND: float = Field(default=5.0, gt=0, le=1000)
    QUIET_HOURS_START: int = Field(default=20, ge=0, le=23)
    QUIET_HOURS_END: int = Field(default=8, ge=0, le=23)
    DAILY_ALERTS_AT: str = Field(default="07:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    # Machine translation (docs/support.md, "Translation"): a LibreTranslate-compatible
    # service, which a council can run itself. Unset: no translation; agents are warned.
    TRANSLATION_URL: str = ""
    TRANSLATION_API_KEY: str = ""
    TRANSLATION_TIMEOUT_SECONDS: float = Field(default=5.0, gt=0, le=60)

    SMTP_HOST: str = ""
    SMTP_PORT: int = Field(default=587, ge=1, le=65535)
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_FROM: str = "devices-for-children@localhost"
    SMTP_STARTTLS: bool = True

    # The web tier (docs/operations.md): uvicorn restarts a worker process that does not
    # answer its health check within WEB_HEALTHCHECK_SECONDS; past WEB_MAX_CONCURRENCY open
    # connections a process answers 503 at once rather than queueing without end.
    WEB_HEALTHCHECK_SECONDS: int = Field(default=30, ge=5, le=600)
    WEB_MAX_CONCURRENCY: int = Field(default=200, ge=1, le=100_000)
    WEB_BACKLOG: int = Field(default=2048, ge=64, le=65_535)
    WEB_KEEP_ALIVE_SECONDS: int = Field(default=5, ge=1, le=300)

    # Background work (docs/operations.md): processes per queue in `dfc run`; the broker hands
    # a killed worker's unacknowledged tasks to another after BROKER_VISIBILITY_SECONDS.
    TEXT_WORKERS: int = Field(default=2, ge=1, le=64)
    # A worker on the texts queue alone sends this many texts at once (threads).
    TEXT_SENDS_IN_FLIGHT: int = Field(default=8, ge=1, le=64)
    IMPORT_WORKERS: int = Field(default=1, ge=1, le=64)
    HOUSEKEEPING_WORKERS: int = Field(default=1, ge=1, le=64)
    BROKER_VISIBILITY_SECONDS: int = Field(default=300, ge=5, le=86_400)
    # The outbox: beat's sweep runs every OUTBOX_SWEEP_SECONDS; a message claimed by a worker
    # that then died is sent again after OUTBOX_LEASE_SECONDS (the provider asked first); a
    # message given to the broker is not given again for OUTBOX_HANDOVER_SECONDS.
    OUTBOX_SWEEP_SECONDS: int = Field(default=60, ge=1, le=3600)
    OUTBOX_LEASE_SECONDS: int = Field(default=300, ge=5, le=86_400)
    OUTBOX_HANDOVER_SECONDS: int = Field(default=300, ge=5, le=86_400)
    # A running import records a heartbeat this often; one silent for four beats has lost
    # its worker and is run again (at most IMPORT_MAX_RUNS times) or marked failed.
    IMPORT_HEARTBEAT_SECONDS: int = Field(default=15, ge=1, le=600)
    IMPORT_MAX_RUNS: int = Field(default=3, ge=1, le=10)
    # SQLite (the embedded default): how long a write waits for another writer to finish.
    SQLITE_BUSY_SECONDS: float = Field(default=60.0, gt=0, le=600)
    # PostgreSQL: a pooled connection older than this is replaced before use (firewalls and
    # proxies drop idle ones); there is no ping before each use (docs/performance.md).
    DATABASE_POOL_RECYCLE_SECONDS: int = Field(default=1800, ge=10, le=86_400)
    # A token, session or API key, once checked, is trusted this long in each web process
    # (0: check every request). A key or session revoked elsewhere stops within this window.
    CREDENTIAL_CACHE_SECONDS: float = Field(default=5.0, ge=0, le=60)

    # Limits on input (README, "Limits"): bigger requests and files are refused with a 413 or
    # 400 that says what to do, before they are parsed.
    MAX_REQUEST_BYTES: int = Field(default=1_000_000, ge=10_000, le=1_000_000_000)
    MAX_UPLOAD_BYTES: int = Field(default=20_000_000, ge=10_000, le=1_000_000_000)
    MAX_IMPORT_ROWS: int = Field(default=200_000, ge=10, le=10_000_000)
    MAX_XLSX_UNPACKED_BYTES: int = Field(default=200_000_000, ge=100_000, le=10_000_000_000)
    MAX_IMPORT_PROBLEMS_KEPT: int = Field(default=1000, ge=10, le=1_000_000)
    # The most rows a list's CSV export (format=csv) sends; past it the caller is asked to
    # narrow the filters, rather than one request streaming the whole register.
    EXPORT_MAX_ROWS: int = Field(default=100_000, ge=1, le=10_000_000)

    # Photos and files families send by MMS or WhatsApp (docs/support.md, "Photos and
    # files"): kept in a folder (unset: VAR_DIR/media) or S3-compatible object storage
    # (s3://bucket/prefix, with the S3_* settings); bigger files are refused.
    MEDIA_STORAGE: str = ""
    MEDIA_MAX_BYTES: int = Field(default=5_000_000, ge=10_000, le=100_000_000)
    MEDIA_FETCH_ATTEMPTS: int = Field(default=6, ge=1, le=20)
    S3_ENDPOINT_URL: str = ""
    S3_REGION: str = ""
    S3_ACCESS_KEY_ID: str = ""
    S3_SECRET_ACCESS_KEY: str = ""

    # Retention (README, "Retention"): days before personal data is erased; the daily job
    # changes at most RETENTION_BATCH_SIZE rows per statement.
    RETAIN_FAMILY_CONTACT_DAYS: int = Field(default=365, ge=1, le=3650)
    RETAIN_TICKET_TEXT_DAYS: int = Field(default=365, ge=1, le=3650)
    RETAIN_OUTBOX_BODY_DAYS: int = Field(default=90, ge=1, le=3650)
    RETAIN_FOLLOW_CODE_DAYS: int = Field(default=7, ge=0, le=365)
    RETAIN_IMPORT_FILE_DAYS: int = Field(default=30, ge=1, le=3650)
    RETAIN_SESSION_DAYS: int = Field(default=30, ge=0, le=3650)
    RETENTION_BATCH_SIZE: int = Field(default=1000, ge=1, le=100_000)

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url_parses(cls, value: str) -> str:
        if value:
            try:
                url = make_url(value)
            except ArgumentError as exc:
                raise ValueError(f"not a database URL ({exc})") from None
            if url.get_backend_name() not in {"sqlite", "postgresql"}:
                raise ValueError("use a sqlite:/// or postgresql+psycopg:// URL")
        return value

    @field_validator("TRANSLATION_URL")
    @classmethod
    def _translation_url_is_http(cls, value: str) -> str:
        parts = urlsplit(value)
        if value and (parts.scheme not in {"http", "https"} or not parts.netloc):
            raise ValueError("use the service's address, such as http://127.0.0.1:5000")
        return value.rstrip("/")

    @field_validator("CELERY_BROKER_URL")
    @classmethod
    def _broker_url_known(cls, value: str) -> str:
        scheme = value.split("://", 1)[0]
        if "://" not in value or scheme not in {"filesystem", "redis", "rediss", "amqp", "pyamqp"}:
            raise ValueError("use filesystem:// (embedded), redis://host:port/db or amqp://...")
        return value

    @field_validator("MEDIA_STORAGE")
    @classmethod
    def _media_storage_known(cls, value: str) -> str:
        if "://" in value and not value.startswith("s3://"):
            raise ValueError("use a folder, or s3://bucket/prefix for S3-compatible storage")
        if value.startswith("s3://") and not value.removeprefix("s3://").split("/", 1)[0]:
            raise ValueError("name the bucket: s3://bucket or s3://bucket/prefix")
        return value

    @field_validator("DEFAULT_LOCALE")
    @classmethod
    def _locale_known(cls, value: str) -> str:
        try:
            Locale.parse(value, sep="-")
        except (UnknownLocaleError, ValueError):
            raise ValueError(f"unknown locale {value!r}; use a tag such as en-GB") from None
        return value

    @field_validator("TIME_ZONE")
    @classmethod
    def _time_zone_known(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use a name such as Europe/London"
            ) from None
        return value

    @field_validator("LOG_LEVEL")
    @classmethod
    def _log_level_known(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @model_validator(mode="after")
    def _base_url_from_address(self) -> "Settings":
        if not self.BASE_URL:
            self.BASE_URL = f"http://{self.HOST}:{self.PORT}"
        return self

    @model_validator(mode="after")
    def _twilio_complete(self) -> "Settings":
        if bool(self.TWILIO_ACCOUNT_SID) != bool(self.TWILIO_AUTH_TOKEN):
            missing = "TWILIO_AUTH_TOKEN" if self.TWILIO_ACCOUNT_SID else "TWILIO_ACCOUNT_SID"
            raise ValueError(
                f"{missing} is missing: set both TWILIO_ACCOUNT_SID and "
                "TWILIO_AUTH_TOKEN, or neither"
            )
        if self.TWILIO_ACCOUNT_SID and not (
            self.TWILIO_MESSAGING_SERVICE_SID or self.TWILIO_FROM_NUMBER
        ):
            raise ValueError(
                "TWILIO_MESSAGING_SERVICE_SID is missing: set it or TWILIO_FROM_NUMBER to send SMS"
            )
        return self

    @property
    def database_url(self) -> str:
        return self.DATABASE_URL or f"sqlite:///{self.VAR_DIR / 'devices.sqlite3'}"

    @property
    def broker_folder(self) -> Path:
        """Where the embedded filesystem broker keeps its messages."""
        return self.VAR_DIR / "broker"

    @property
    def media_storage(self) -> str:
        """Where families' photos and files are kept: a folder, or an s3:// address."""
        return self.MEDIA_STORAGE or str(self.VAR_DIR / "media")

    @property
    def twilio_enabled(self) -> bool:
        return bool(self.TWILIO_ACCOUNT_SID)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.TIME_ZONE)

    def secret_key(self) -> str:
        """The signing key: SECRET_KEY, or one generated once into VAR_DIR and kept there."""
        if self.SECRET_KEY:
            return self.SECRET_KEY
        path = self.VAR_DIR / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()


def _describe(error: ValidationError) -> str:
    lines = []
    for problem in error.errors():
        message = problem["msg"].removeprefix("Value error, ")
        name = ".".join(str(part) for part in problem["loc"])
        lines.append(f"Setting {name} is invalid: {message}" if name else f"Setting {message}")
    return "\n".join(lines)


@lru_cache
def get_settings() -> Settings:
    """The settings, loaded once; a bad value raises SettingsError naming the setting."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None
