"""Test set-up: a real database (a fresh SQLite file, or DATABASE_URL when set, as in CI on
PostgreSQL), migrated to head once, emptied after every test."""

import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

# Settings are read once, so the test environment is fixed before the app is imported.
_RUN_DIR = Path(tempfile.mkdtemp(prefix="dfc-tests-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_RUN_DIR / 'test.sqlite3'}")
os.environ["VAR_DIR"] = str(_RUN_DIR / "var")
os.environ["SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ.setdefault(
    "GOVUK_FRONTEND_DIR",
    str(Path(__file__).resolve().parent.parent / "node_modules/govuk-frontend/dist/govuk"),
)

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from dfc import migrate  # noqa: E402
from dfc.app import create_app  # noqa: E402
from dfc.db import get_engine  # noqa: E402
from dfc.settings import get_settings  # noqa: E402
from dfc.tables import metadata  # noqa: E402
from tests.notifications.conftest import fake_twilio, twilio  # noqa: E402, F401 (shared)

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def server_listening(url: str) -> bool:
    parsed = urlparse(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=1):
            return True
    except OSError:
        return False


def require_server(name: str, url: str) -> None:
    """Skip on a laptop without the server; under CI=true its absence fails the run."""
    if server_listening(url):
        return
    message = f"{name} is not running at {url}"
    if IN_CI:
        pytest.fail(f"{message}, and CI=true needs it", pytrace=False)
    pytest.skip(f"{message} (start it to run this test)")


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """The app's engine on a database brought from empty to head by the migrations."""
    engine = get_engine()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(get_settings().database_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables_after_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts from empty tables; nothing leaks from one test to the next."""
    yield
    if "engine" not in request.fixturenames:
        return
    engine: Engine = request.getfixturevalue("engine")
    tables = [table.name for table in reversed(metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            connection.execute(text("PRAGMA defer_foreign_keys=ON"))
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def app():
    return create_app()


@pytest.fixture
def client(app, engine: Engine) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
