"""notify_send's senders: K threads or processes, each calling send_one over its share of the
outbox, started together; and who gets which message."""

import multiprocessing
import os
import queue
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

READY_TIMEOUT = 300  # seconds for every sender to import, connect and wait at the start line
PROGRESS_EVERY = 15


def configure(env: dict[str, str]) -> None:
    """The environment into the settings, and a new engine for them."""
    from dfc.db import get_engine
    from dfc.settings import get_settings

    os.environ.update(env)
    get_settings.cache_clear()
    get_engine.cache_clear()


@dataclass
class Plan:
    per_worker: list[list[int]]

    @property
    def deliveries(self) -> int:
        return sum(len(ids) for ids in self.per_worker)


def plan_deliveries(workers: int, redeliver: float) -> Plan:
    """Every waiting message to one sender in turn; one in 1/redeliver also to the next
    sender at the same place in its list, so both try it at about the same moment."""
    from dfc.db import get_engine
    from notifications.models import MessageStatus, OutboxMessage

    with Session(get_engine()) as session:
        ids = list(
            session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == MessageStatus.PENDING)
                .order_by(OutboxMessage.id)
            )
        )
    every = round(1 / redeliver) if redeliver > 0 and workers > 1 else 0
    per_worker: list[list[int]] = [[] for _ in range(workers)]
    for i, message_id in enumerate(ids):
        per_worker[i % workers].append(message_id)
        if every and i % every == 0:
            per_worker[(i + 1) % workers].append(message_id)
    return Plan(per_worker)


def sender(ids: list[int], env: dict[str, str] | None, start: Any, results: Any) -> None:
    """One sender: warm up (settings, SDK client, a database connection), wait for the
    others, then send_one each id in turn. Puts a Counter of outcomes, or an error."""
    outcomes: Counter[str] = Counter()
    try:
        if env is not None:  # a process of its own
            configure(env)
            from benchmarks.notify_report import CountWarnings

            CountWarnings().attach("notifications")
        import dfc.tables  # noqa: F401  (every model, as the worker has: see the report)
        from dfc.db import get_engine
        from dfc.settings import get_settings
        from notifications.channels.select import sender_for
        from notifications.models import Channel
        from notifications.sending import send_one

        sender_for(Channel.SMS, get_settings())
        with get_engine().connect():
            pass
        start.wait(timeout=READY_TIMEOUT)
        for message_id in ids:
            status = send_one(message_id)
            outcomes[status.value if status else "None (claimed elsewhere)"] += 1
        if env is not None:
            get_engine().dispose()
    except Exception:
        outcomes["error: " + traceback.format_exc(limit=3)] += 1
    results.put(dict(outcomes))


def _sent_so_far() -> int:
    from dfc.db import get_engine
    from notifications.models import MessageStatus, OutboxMessage

    with Session(get_engine()) as session:
        return (
            session.scalar(select(func.count()).where(OutboxMessage.status == MessageStatus.SENT))
            or 0
        )


def send_all(plan: Plan, env: dict[str, str], *, mode: str) -> tuple[float, Counter[str]]:
    """Starts the senders together; seconds from the start until the last one finishes,
    and what send_one returned, added up."""
    workers = len(plan.per_worker)
    runners: list[threading.Thread] | list[Any]
    if mode == "threads":
        start: Any = threading.Barrier(workers + 1)
        results: Any = queue.Queue()
        runners = [
            threading.Thread(target=sender, args=(ids, None, start, results), daemon=True)
            for ids in plan.per_worker
        ]
    else:
        context = multiprocessing.get_context("spawn")
        start, results = context.Barrier(workers + 1), context.Queue()
        runners = [
            context.Process(target=sender, args=(ids, env, start, results))
            for ids in plan.per_worker
        ]
    for runner in runners:
        runner.start()
    start.wait(timeout=READY_TIMEOUT)
    started = time.perf_counter()
    outcomes: Counter[str] = Counter()
    finished = 0
    while finished < workers:
        try:
            outcomes.update(results.get(timeout=PROGRESS_EVERY))
            finished += 1
        except queue.Empty:
            elapsed = time.perf_counter() - started
            sent = _sent_so_far()
            print(f"  {elapsed:,.0f} s: {sent:,} sent ({sent / elapsed:,.0f}/s)", flush=True)
    elapsed = time.perf_counter() - started
    for runner in runners:
        runner.join(timeout=30)
    return elapsed, outcomes
