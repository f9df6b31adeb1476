"""Liveness and readiness for load balancers and orchestrators."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from dfc import heartbeat
from dfc.db import get_engine
from dfc.settings import get_settings
from dfc.worker import broker_reachable

router = APIRouter(tags=["health"])


@router.get("/healthz")
def liveness() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


NOT_READY = {
    503: {
        "description": "Not ready: `checks` names the database or broker that cannot be reached",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.get("/readyz", responses=NOT_READY)
def readiness() -> JSONResponse:
    """The database and the broker are reachable; 503 names whichever is not."""
    checks: dict[str, str] = {}
    worker_seen, queues_seen = None, {}
    try:
        with Session(get_engine()) as session:
            session.execute(text("SELECT 1"))
            worker_seen = heartbeat.latest(session)
            queues_seen = heartbeat.latest_by_queue(session)
        checks["database"] = "ok"
    except SQLAlchemyError as error:
        checks["database"] = f"unreachable: {type(error).__name__}"
    checks["broker"] = "ok" if broker_reachable(get_settings()) else "unreachable"
    ready = all(state == "ok" for state in checks.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": checks,
        "worker_last_seen": worker_seen.isoformat() if worker_seen else None,
        # A queue seen long ago has no worker, or a backlog its workers cannot keep up with.
        "queues_last_seen": {queue: seen.isoformat() for queue, seen in queues_seen.items()},
    }
    return JSONResponse(body, status_code=200 if ready else 503)
