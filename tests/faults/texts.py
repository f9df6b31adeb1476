"""Family texts as the service makes them, and counting what reached the fake Twilio server.

    python -m tests.faults.texts PREFIX COUNT [--start 0] [--numbers 50] [--batch 25]

makes COUNT texts in a process of its own (with the database and broker of its environment),
enqueued in small transactions that commit, so each commit hands its texts to the broker;
prints the seconds it took. Every text has its own body; numbers are shared, a few texts to
each, so "did Twilio take this one?" has to tell them apart by body."""

import argparse
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from notifications.models import MessageStatus, OutboxMessage

NUMBERS = 50  # distinct phone numbers the texts go to
BATCH = 25  # texts per transaction
DAY = date(2026, 12, 31)

Pair = tuple[str, str]  # (To, Body): one text as a family receives it


def phone(i: int, numbers: int = NUMBERS) -> str:
    return f"+447700900{i % numbers:03d}"  # Ofcom's drama range: at most 1,000 numbers


def enqueue_texts(
    prefix: str, count: int, *, start: int = 0, numbers: int = NUMBERS, batch: int = BATCH
) -> None:
    from dfc.db import session_scope
    from notifications.models import Channel
    from notifications.outbox import Recipient, enqueue

    for first in range(start, start + count, batch):
        with session_scope() as session:
            for i in range(first, min(first + batch, start + count)):
                enqueue(
                    session,
                    key=f"{prefix}:{i}",
                    recipient=Recipient(Channel.SMS, phone(i, numbers), "en"),
                    template="support-ending",
                    context={
                        "date": DAY,
                        "device": "Laptop DFC-0042",
                        "contact": f"{prefix} school {i}",
                    },
                )


def outbox_pairs(session: Session) -> set[Pair]:
    session.expire_all()
    return set(session.exec(select(OutboxMessage.recipient, OutboxMessage.body)).all())


def statuses(session: Session) -> Counter[str]:
    session.expire_all()
    statement = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    return Counter({status.value: count for status, count in session.exec(statement).all()})


@dataclass
class Tally:
    """What the fake Twilio server took, against what should have reached families."""

    expected: set[Pair]
    received: Counter[Pair] = field(default_factory=Counter)

    @classmethod
    def of(cls, expected: set[Pair], accepted: list[dict[str, Any]]) -> "Tally":
        return cls(expected, Counter((m["to"], m["body"]) for m in accepted))

    @property
    def missing(self) -> set[Pair]:
        return {pair for pair in self.expected if self.received[pair] == 0}

    @property
    def twice(self) -> dict[Pair, int]:
        return {pair: count for pair, count in self.received.items() if count > 1}

    @property
    def unexpected(self) -> set[Pair]:
        return set(self.received) - self.expected

    @property
    def exactly_once(self) -> bool:
        return not (self.missing or self.twice or self.unexpected)

    def __str__(self) -> str:
        return (
            f"{len(self.expected)} expected, {sum(self.received.values())} received: "
            f"{len(self.missing)} missing, {len(self.twice)} more than once, "
            f"{len(self.unexpected)} unexpected"
        )


def sent_pairs(session: Session) -> set[Pair]:
    session.expire_all()
    statement = select(OutboxMessage.recipient, OutboxMessage.body).where(
        OutboxMessage.status == MessageStatus.SENT
    )
    return set(session.exec(statement).all())


def wait_for_each_text_once(
    session: Session,
    accepted: Callable[[], list[dict[str, Any]]],
    *,
    seconds: float,
    expected: set[Pair] | None = None,
    report: Callable[[], str] = str,
    settle: float = 2.0,
) -> Tally:
    """Waits until every expected text (by default, every text in the outbox) is recorded
    sent and has reached the fake server, then `settle` seconds more for a late duplicate;
    fails unless each arrived exactly once. `accepted`: the fake server's `accepted`."""
    expected = outbox_pairs(session) if expected is None else expected
    assert expected, "no texts to wait for"
    deadline = time.monotonic() + seconds
    while not (expected <= sent_pairs(session) and not Tally.of(expected, accepted()).missing):
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"not every text was sent within {seconds:g} s: {Tally.of(expected, accepted())}; "
                f"outbox {dict(statuses(session))}\n{report()}"
            )
        time.sleep(0.5)
    time.sleep(settle)
    tally = Tally.of(expected, accepted())
    assert tally.exactly_once, (
        f"{tally}; sent more than once: {sorted(tally.twice.items())[:5]}; "
        f"unexpected: {sorted(tally.unexpected)[:5]}\n{report()}"
    )
    return tally


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Makes family texts as the service does.")
    parser.add_argument("prefix")
    parser.add_argument("count", type=int)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--numbers", type=int, default=NUMBERS, choices=range(1, 1001))
    parser.add_argument("--batch", type=int, default=BATCH)
    args = parser.parse_args()
    started = time.monotonic()
    enqueue_texts(args.prefix, args.count, start=args.start, numbers=args.numbers, batch=args.batch)
    print(f"{time.monotonic() - started:.2f}")
