"""The limit the API is measured against: a bare FastAPI app whose endpoints each run one
SELECT through a plain SQLAlchemy pool (no authentication, no scoping, no middleware), served
by the same uvicorn. Started by benchmarks.api_load with DATABASE_URL and BARE_HOLDERS (the
largest council's organisation ids, resolved once at start-up, as the best case).

    DATABASE_URL=... BARE_HOLDERS=1,2,3 .venv/bin/uvicorn benchmarks.bare_api:app --port 8101
"""

import os
from typing import Any

from fastapi import FastAPI, HTTPException
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Integer

COLUMNS = (
    "id, serial_number, kind, make, model, asset_tag, operating_system, status, holder_id,"
    " owner_kind, owner_organisation_id, owner_family_id, received_on, warranty_ends_on,"
    " created_at"
)
BY_SERIAL = text(f"SELECT {COLUMNS} FROM device WHERE serial_number = :serial")  # noqa: S608
PAGE = text(
    f"SELECT {COLUMNS} FROM device WHERE holder_id = ANY(:holders)"  # noqa: S608
    " ORDER BY serial_number, id LIMIT :limit OFFSET :offset"
).bindparams(bindparam("holders", type_=ARRAY(Integer)))

engine = create_engine(
    os.environ.get("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/dfc_bench"),
    pool_size=10,
    max_overflow=20,
    connect_args={"prepare_threshold": None},
)
AFTER = text(
    f"SELECT {COLUMNS} FROM device WHERE holder_id = ANY(:holders)"  # noqa: S608
    " AND serial_number > :serial ORDER BY serial_number, id LIMIT :limit"
).bindparams(bindparam("holders", type_=ARRAY(Integer)))
HOLDERS = [int(n) for n in os.environ.get("BARE_HOLDERS", "0").split(",") if n]
app = FastAPI()


def _rows(statement: Any, **params: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(statement, params)]


@app.get("/bare/device")
def device_by_serial(serial: str) -> dict[str, Any]:
    rows = _rows(BY_SERIAL, serial=serial)
    if not rows:
        raise HTTPException(404)
    return rows[0]


@app.get("/bare/devices")
def device_page(
    page: int = 1, per_page: int = 50, after_serial: str | None = None
) -> list[dict[str, Any]]:
    """A page by number (OFFSET), or the page after a serial number (keyset)."""
    if after_serial is not None:
        return _rows(AFTER, holders=HOLDERS, serial=after_serial, limit=per_page)
    return _rows(PAGE, holders=HOLDERS, limit=per_page, offset=(page - 1) * per_page)
