"""A caller's organisation ids as one PostgreSQL array parameter, its text made once.

Every scoped query sends the ids a caller reaches (427 for the largest council). psycopg
turns a Python list into array text element by element in Python, on every execution: a
tenth of a device look-up's CPU. The ids only change when the caller's credential is checked
again, so the text is made once per tuple of ids and reused."""

from functools import lru_cache
from typing import Any

from psycopg import Connection
from psycopg.adapt import Dumper
from psycopg.pq import Format

# The array type psycopg itself picks for a list of ints (the smallest integer type that
# holds the largest), so query plans stay as they were with a plain list.
_ARRAY_TYPES = ((2**15, 1005, "smallint[]"), (2**31, 1007, "integer[]"), (2**63, 1016, "bigint[]"))


class IdArray:
    """Ids as PostgreSQL array text, with the array type to send them as."""

    __slots__ = ("oid", "text", "type_name")

    def __init__(self, ids: tuple[int, ...]) -> None:
        self.text = ("{" + ",".join(str(int(value)) for value in ids) + "}").encode()
        largest = max((abs(value) for value in ids), default=0)
        self.oid, self.type_name = next(
            (oid, name) for limit, oid, name in _ARRAY_TYPES if largest < limit
        )

    def literal(self) -> str:
        """The array written into SQL, as `EXPLAIN` tools print a statement."""
        return f"'{self.text.decode()}'::{self.type_name}"


@lru_cache(maxsize=4096)
def id_array(ids: tuple[int, ...]) -> IdArray:
    """The array for `ids`; the same tuple (a remembered caller's) costs one dict look-up."""
    return IdArray(ids)


class _IdArrayDumper(Dumper):
    format = Format.TEXT

    def get_key(self, obj: IdArray, format: Any) -> Any:
        return (self.cls, obj.oid)

    def upgrade(self, obj: IdArray, format: Any) -> "_IdArrayDumper":
        dumper = type(self)(self.cls)
        dumper.oid = obj.oid
        return dumper

    def dump(self, obj: IdArray) -> bytes:
        return obj.text


def register(connection: Connection) -> None:
    """Lets `connection` send an IdArray as a parameter."""
    connection.adapters.register_dumper(IdArray, _IdArrayDumper)
