"""Workers record when they last ran a task, so /readyz can say whether work is flowing."""

from datetime import datetime

from sqlmodel import Field, Session, SQLModel, select

from dfc.db_types import UTCDateTime, utcnow
from dfc.personal_data.marks import not_personal


class WorkerHeartbeat(SQLModel, table=True):
    __tablename__ = "worker_heartbeat"

    worker: str = Field(primary_key=True, max_length=200, **not_personal())
    seen_at: datetime = Field(sa_type=UTCDateTime, **not_personal())


def record(session: Session, *, worker: str) -> WorkerHeartbeat:
    beat = session.get(WorkerHeartbeat, worker) or WorkerHeartbeat(worker=worker, seen_at=utcnow())
    beat.seen_at = utcnow()
    session.add(beat)
    return beat


def latest(session: Session) -> datetime | None:
    return session.exec(
        select(WorkerHeartbeat.seen_at).order_by(WorkerHeartbeat.seen_at.desc()).limit(1)
    ).first()


def latest_by_queue(session: Session) -> dict[str, datetime]:
    """When a worker last answered on each queue (workers are named queue@host)."""
    seen: dict[str, datetime] = {}
    for worker, seen_at in session.exec(select(WorkerHeartbeat.worker, WorkerHeartbeat.seen_at)):
        queue = worker.split("@", 1)[0] if "@" in worker else "any"
        if queue not in seen or seen_at > seen[queue]:
            seen[queue] = seen_at
    return seen
