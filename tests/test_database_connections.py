"""The PostgreSQL pool as the app runs it: no JIT, no ping before each use, and yet a
connection the server dropped (a restart, pg_terminate_backend) never fails a request."""

import time

import psycopg
import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError

from accounts.models import Role
from dfc import db
from dfc.settings import get_settings
from tests.devices.factories import make_device
from tests.factories import bearer, make_council, make_school, make_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_engine(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("the server's connections need PostgreSQL (set DATABASE_URL)")
    return engine


@pytest.fixture
def looked_up(client, session, pg_engine):
    """A request that finds a device, as an officer would, ready to be sent again."""
    council = make_council(session)
    device = make_device(session, holder=make_school(session, council=council), serial="DROP-1")
    headers = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))

    def look_up():
        return client.get("/api/devices/lookup", params={"serial": "DROP-1"}, headers=headers)

    assert look_up().json()["id"] == device.id
    return look_up, device.id


def terminate_the_pools_connections(engine: Engine) -> None:
    """pg_terminate_backend for every other connection to this test database (ours alone)."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"SELECT pg_terminate_backend(pid) {others}")
        for _ in range(50):
            if connection.execute(f"SELECT count(*) {others}").fetchone()[0] == 0:
                return
            time.sleep(0.1)


def test_connections_run_without_jit_and_without_a_ping_before_each_use(pg_engine):
    with db.Session(pg_engine) as session:
        assert session.execute(text("SHOW jit")).scalar_one() == "off"
    assert pg_engine.pool._pre_ping is False
    assert pg_engine.pool._recycle == get_settings().DATABASE_POOL_RECYCLE_SECONDS


def test_after_the_server_drops_every_connection_the_next_request_succeeds(
    looked_up, pg_engine, caplog
):
    look_up, device_id = looked_up
    terminate_the_pools_connections(pg_engine)
    answer = look_up()
    assert answer.status_code == 200
    assert answer.json()["id"] == device_id
    assert "running the statement again" not in caplog.text  # seen on checkout: no retry


def test_a_drop_not_seen_on_checkout_is_retried_once_on_a_new_connection(
    looked_up, pg_engine, caplog
):
    look_up, device_id = looked_up
    event.remove(pg_engine, "checkout", db._closed_by_server)
    try:
        terminate_the_pools_connections(pg_engine)
        answer = look_up()
    finally:
        event.listen(pg_engine, "checkout", db._closed_by_server)
    assert answer.status_code == 200
    assert answer.json()["id"] == device_id
    assert "running the statement again" in caplog.text


def test_a_drop_in_the_middle_of_a_transaction_is_not_retried(pg_engine):
    with db.Session(pg_engine) as session:
        session.execute(text("SELECT 1"))
        terminate_the_pools_connections(pg_engine)
        with pytest.raises(DBAPIError) as raised:
            session.execute(text("SELECT 2"))
    assert raised.value.connection_invalidated
