"""The send path's two statements: claim-and-load (one UPDATE ... RETURNING) and the result
of a send that Twilio accepted (one UPDATE), each shared by the texts a worker process has in
flight at that moment (notifications.send_group): one claim and one result statement for
several texts when they come together. On PostgreSQL they run on engines of their
own in autocommit, without a pre-ping on every checkout: each statement is one round trip,
not BEGIN, ping, statement, COMMIT. A connection the server dropped (a restart, an idle
timeout) is noticed by the statement itself and the statement is tried once more on a
fresh one; pool_recycle retires connections before most servers and proxies would.

The claim is durable before the text goes to Twilio. The result is committed without
waiting for the disk (synchronous_commit off, for that statement's connections only): a
durable commit costs a disk flush, the largest part of a text's time here. Should
PostgreSQL itself crash within the moment before the flush, the text is left `sending`,
with its unconfirmed attempt, and after its lease Twilio is asked and says it has it:
recorded then, never sent twice. SQLite runs both in an ordinary transaction on the app's
engine."""

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import (
    Boolean,
    Connection,
    Engine,
    Integer,
    String,
    bindparam,
    create_engine,
    func,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError

from dfc.db import get_engine
from dfc.db_types import utcnow
from dfc.settings import get_settings
from notifications.models import Channel, MessageStatus, OutboxMessage
from notifications.send_group import GroupRunner

POOL_RECYCLE_SECONDS = 1800

_lock = threading.Lock()
_engines: dict[tuple[str, bool], Engine] = {}
_runners: dict[tuple[str, timedelta | None], GroupRunner] = {}


@dataclass(frozen=True)
class Claimed:
    """What sending a claimed message needs, read by the claim itself."""

    id: int
    channel: Channel
    recipient: str
    body: str
    subject: str | None
    unconfirmed_attempt_at: datetime | None  # the earliest attempt not yet confirmed
    template: str
    locale: str
    variables: str | None  # a WhatsApp message's values by position (JSON)


def send_engine(*, durable: bool = True) -> Engine:
    """The engine for the send path's statements: the app's on SQLite, else an autocommit
    one (per database URL, so tests and reloaded settings get their own); `durable=False`
    for results, whose commits do not wait for the disk."""
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        return engine
    url = get_settings().database_url
    with _lock:
        if (url, durable) not in _engines:
            pool = max(10, get_settings().TEXT_SENDS_IN_FLIGHT + 2)
            options = {} if durable else {"options": "-c synchronous_commit=off"}
            _engines[url, durable] = create_engine(
                url,
                isolation_level="AUTOCOMMIT",
                pool_pre_ping=False,
                pool_recycle=POOL_RECYCLE_SECONDS,
                pool_size=pool,
                max_overflow=pool,
                connect_args={"prepare_threshold": None, **options},
            )
        return _engines[url, durable]


def _execute(statement, parameters: dict | list[dict], *, durable: bool = True):
    """Runs one statement in its own transaction; once more if the connection was dead."""
    engine = send_engine(durable=durable)
    for attempt in (1, 2):
        try:
            with engine.connect() as connection:
                return _run(connection, statement, parameters)
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def _run(connection: Connection, statement, parameters: dict | list[dict]):
    result = connection.execute(statement, parameters)
    rows = result.all() if result.returns_rows else result.rowcount
    if connection.dialect.name == "sqlite":
        connection.commit()
    return rows


def due(now: datetime):
    """Waiting messages whose time has come, and claimed ones whose lease ran out."""
    waiting = OutboxMessage.status.in_((MessageStatus.PENDING, MessageStatus.HELD))
    return (waiting | (OutboxMessage.status == MessageStatus.SENDING)) & (
        OutboxMessage.next_attempt_at <= now
    )


def claim_statement(message_id, now: datetime, lease_ends: datetime, *, many: bool = False):
    """Marks the message as being sent, if it is due; only one worker can win. The attempt
    is unconfirmed until the provider answers; the earliest unconfirmed one is kept.
    `many`: `message_id` is an expanding parameter of several ids."""
    which = OutboxMessage.id.in_(message_id) if many else OutboxMessage.id == message_id
    return (
        update(OutboxMessage)
        .where(which, due(now))
        .values(
            status=MessageStatus.SENDING,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=lease_ends,
            unconfirmed_attempt_at=func.coalesce(OutboxMessage.unconfirmed_attempt_at, now),
            handed_over_at=None,  # its task has been taken: none of it waits in the broker
        )
    )


@lru_cache
def _claim_and_load():
    """Built once with bind parameters: building a statement costs more CPU than running
    one (the cProfile in docs/performance.md)."""
    when = OutboxMessage.__table__.c.next_attempt_at.type
    now, lease_ends = bindparam("now", type_=when), bindparam("lease_ends", type_=when)
    ids = bindparam("message_ids", expanding=True)
    statement = claim_statement(ids, now, lease_ends, many=True)
    return statement.returning(
        OutboxMessage.id,
        OutboxMessage.channel,
        OutboxMessage.recipient,
        OutboxMessage.body,
        OutboxMessage.subject,
        OutboxMessage.unconfirmed_attempt_at,
        OutboxMessage.template,
        OutboxMessage.locale,
        OutboxMessage.variables,
    )


def claim_and_load(
    message_id: int, lease: timedelta, now: datetime | None = None
) -> tuple[Claimed | None, datetime]:
    """Claims the message and reads what sending it needs, in one statement; None if it
    was not due (sent, cancelled, held till later, or another worker's). Without `now`,
    the claim shares its statement with the other texts this process claims at the same
    moment, and says what time it claimed them at."""
    if now is not None:
        return claim_many([message_id], now, now + lease)[0], now
    return _runner("claim", lease).run(message_id)


def claim_many(
    message_ids: Sequence[int], now: datetime, lease_ends: datetime
) -> list[Claimed | None]:
    """Each id's claim, in order; an id asked for twice is claimed once, by the first."""
    parameters = {"message_ids": list(set(message_ids)), "now": now, "lease_ends": lease_ends}
    claimed = {row[0]: Claimed(*row) for row in _execute(_claim_and_load(), parameters)}
    return [claimed.pop(message_id, None) for message_id in message_ids]


def _claim_now(lease: timedelta):
    def run_many(message_ids: Sequence[int]) -> list[tuple[Claimed | None, datetime]]:
        now = utcnow()
        return [(claimed, now) for claimed in claim_many(message_ids, now, now + lease)]

    return run_many


def _runner(kind: str, lease: timedelta | None = None) -> GroupRunner:
    """This process's runner of `kind` (claims, by lease; results)."""
    with _lock:
        runner = _runners.get((kind, lease))
        if runner is None:
            if lease is not None:  # claims wait for the disk: two may flush at once
                runner = GroupRunner(_claim_now(lease), lanes=2)
            else:
                runner = GroupRunner(_record_many)
            _runners[kind, lease] = runner
        return runner


@lru_cache
def _record_sent():
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id == bindparam("message_id"))
        .values(
            status=MessageStatus.SENT,
            sent_at=bindparam("sent_at", type_=OutboxMessage.__table__.c.sent_at.type),
            provider_id=bindparam("provider_id"),
            outbox_only=bindparam("outbox_only"),
            error=None,
            unconfirmed_attempt_at=None,
        )
    )


@lru_cache
def _record_many_sent():
    """PostgreSQL: every result of a group in one UPDATE ... FROM unnest(arrays)."""
    results = (
        func.unnest(
            bindparam("message_ids", type_=ARRAY(Integer)),
            bindparam("provider_ids", type_=ARRAY(String)),
            bindparam("outbox_only", type_=ARRAY(Boolean)),
        )
        .table_valued("id", "provider_id", "outbox_only")
        .render_derived()
    )
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id == results.c.id)
        .values(
            status=MessageStatus.SENT,
            sent_at=bindparam("sent_at", type_=OutboxMessage.__table__.c.sent_at.type),
            provider_id=results.c.provider_id,
            outbox_only=results.c.outbox_only,
            error=None,
            unconfirmed_attempt_at=None,
        )
    )


def record_sent(message_id: int, provider_id: str | None, *, delivered_locally: bool) -> None:
    """The provider took it: one UPDATE for the results this process has at that moment,
    not waiting for the disk (see above)."""
    _runner("result").run((message_id, provider_id, delivered_locally))


def _record_many(results: Sequence[tuple[int, str | None, bool]]) -> list[None]:
    sent_at = utcnow()
    if send_engine().dialect.name == "postgresql":
        ids, provider_ids, outbox_only = (list(column) for column in zip(*results, strict=True))
        parameters = {
            "message_ids": ids,
            "provider_ids": provider_ids,
            "outbox_only": outbox_only,
            "sent_at": sent_at,
        }
        _execute(_record_many_sent(), parameters, durable=False)
    else:
        rows = [
            {"message_id": i, "provider_id": p, "outbox_only": o, "sent_at": sent_at}
            for i, p, o in results
        ]
        _execute(_record_sent(), rows, durable=False)
    return [None] * len(results)
