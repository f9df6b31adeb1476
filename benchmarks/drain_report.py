"""The drain benchmark's yardstick and its table: the fake Twilio server's own acceptance
rate (the SDK posting straight to it from as many processes, in the same run) and the
report of each fault's runs beside it."""

import multiprocessing
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks.notify_report import table
from tests.fakes.twilio_server import FakeTwilio
from tests.faults.processes import ACCOUNT_SID, AUTH_TOKEN, ROOT, SERVICE_SID

NUMBERS = 1000  # ten texts to each number at 10,000


@dataclass
class Run:
    fault: str
    drain_s: float | None  # None: not drained within the limit
    enqueue_s: float
    duplicates: int
    losses: int
    tasks: int
    posts: int
    answered: Counter[str] = field(default_factory=Counter)


def post_directly(fake_url: str, first: int, count: int, start, done) -> None:
    """One process of the baseline: the SDK posts `count` texts straight to the fake."""
    from dfc.settings import Settings
    from notifications.channels.base import Delivery
    from notifications.channels.twilio_sms import TwilioSender
    from notifications.models import Channel

    settings = Settings(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_MESSAGING_SERVICE_SID=SERVICE_SID,
        TWILIO_API_BASE_URL=fake_url,
    )
    sender = TwilioSender(settings)
    start.wait()
    for i in range(first, first + count):
        sender.send(Delivery(Channel.SMS, f"+447700900{i % NUMBERS:03d}", f"Baseline text {i}."))
    done.put(count)


def fake_alone(messages: int, senders: int) -> float:
    """Seconds for `senders` processes to post `messages` texts straight to a fake server."""
    context = multiprocessing.get_context("spawn")
    with FakeTwilio(auth_token=AUTH_TOKEN) as fake:
        start, done = context.Event(), context.Queue()
        shares = [messages // senders + (i < messages % senders) for i in range(senders)]
        firsts = [sum(shares[:i]) for i in range(senders)]
        workers = [
            context.Process(target=post_directly, args=(fake.url, first, share, start, done))
            for first, share in zip(firsts, shares, strict=True)
        ]
        for worker in workers:
            worker.start()
        time.sleep(3)  # every sender imported and ready at the start line
        began = time.monotonic()
        start.set()
        posted = sum(done.get(timeout=600) for _ in workers)
        seconds = time.monotonic() - began
        for worker in workers:
            worker.join(timeout=30)
        assert posted == messages == len(fake.accepted)
    return seconds


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(runs: list[Run], baseline: list[float], messages: int) -> str:
    rows = []
    for fault in dict.fromkeys(run.fault for run in runs):
        mine = [run for run in runs if run.fault == fault]
        drained = [run.drain_s for run in mine if run.drain_s is not None]
        spread = f"{min(drained):,.0f}-{max(drained):,.0f}" if drained else "-"
        rows.append(
            (
                fault,
                f"{median(drained):,.0f}" if drained else "not drained",
                spread,
                f"{messages / median(drained):,.0f}" if drained else "-",
                f"{median([run.enqueue_s for run in mine]):,.0f}",
                f"{median([run.tasks / messages for run in mine]):.2f}",
                f"{median([run.posts for run in mine]):,.0f}",
                str(sum(run.duplicates for run in mine)),
                str(sum(run.losses for run in mine)),
                f"{len(drained)}/{len(mine)}",
            )
        )
    header = (
        "fault",
        "drain s (median)",
        "min-max",
        "texts/s",
        "making s",
        "tasks/text",
        "Twilio POSTs",
        "duplicates",
        "losses",
        "drained",
    )
    alone = median(baseline)
    return (
        table(header, rows)
        + f"\n\nthe fake server alone: {messages:,} texts posted by the SDK in {alone:,.1f} s "
        f"({messages / alone:,.0f} a second; median of {len(baseline)})"
    )


def revision() -> str:
    """The commit measured, and whether the work tree differs from it."""

    def git(*arguments: str) -> str:
        command = ["git", *arguments]  # our own command line
        result = subprocess.run(  # noqa: S603
            command, cwd=ROOT, capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        changed = git("status", "--porcelain", "--", "notifications", "dfc")
    except OSError:
        return "commit unknown"
    return f"commit {head}" + (" with changes to notifications/ or dfc/" if changed else "")
