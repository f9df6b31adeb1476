"""A caller's organisation ids go to PostgreSQL as one array whose text is made once: ids of
any size are still found, and the array is typed as psycopg types a list, so plans stay."""

import pytest
from sqlalchemy import Engine

from dfc.id_arrays import id_array

pytestmark = pytest.mark.postgres


@pytest.fixture
def raw_connection(engine: Engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the array parameter is PostgreSQL's (set DATABASE_URL)")
    with engine.connect() as connection:
        yield connection.connection.dbapi_connection


@pytest.mark.parametrize(
    ("ids", "sent_as"),
    [((3, 7), "smallint[]"), ((3, 40_000), "integer[]"), ((3, 3_000_000_000), "bigint[]")],
)
def test_every_id_in_reach_is_found_whatever_its_size(raw_connection, ids, sent_as):
    for wanted in ids:
        found = raw_connection.execute(
            "SELECT pg_typeof(%s)::text, %s = ANY(%s)", (id_array(ids), wanted, id_array(ids))
        ).fetchone()
        assert found == (sent_as, True)
    assert raw_connection.execute("SELECT 5 = ANY(%s)", (id_array(ids),)).fetchone() == (False,)


def test_the_same_ids_share_one_array():
    reach = (1, 2, 3)
    assert id_array(reach) is id_array(reach)
    assert id_array(()).text == b"{}"
