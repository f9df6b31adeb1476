"""Times the daily scan from outside: wraps the phases of devices.alerts, devices.digests
and devices.family_texts for the length of one run, and attributes every statement's time
in cursor.execute to the phases open when it ran (each kind's query is a phase of its own,
"q:<kind>")."""

import time
from collections import defaultdict
from collections.abc import Callable
from types import ModuleType
from typing import Any

from sqlalchemy import Engine, event

from benchmarks.notify_report import Cell
from devices import alerts, digests, family_texts

Count = Callable[[Any, tuple[Any, ...]], int]


def _length(result: Any, _args: tuple[Any, ...]) -> int:
    return len(result)


def _value(result: Any, _args: tuple[Any, ...]) -> int:
    return result


# (module whose code calls it, function, label, rows it handled)
PHASES: tuple[tuple[ModuleType, str, str, Count], ...] = (
    (alerts, "_claim_todays_scan", "scan marks (councils)", _length),
    (alerts, "due_items", "register queries (due_items)", _length),
    (alerts, "_raise", "alert_raised marks (items)", _length),
    (alerts, "send_digests", "staff digests", _value),
    (digests, "enqueue_many", "  enqueue_many (digests)", _value),
    (alerts, "text_families", "family texts", _value),
    (family_texts, "_families", "  family look-up", _length),
    (family_texts, "contacts_for", "  contact look-up", _length),
    (family_texts, "enqueue_many", "  enqueue_many (texts)", _value),
)
TOP_LEVEL = (
    "scan marks (councils)",
    "register queries (due_items)",
    "alert_raised marks (items)",
    "staff digests",
    "family texts",
)
WHOLE = "run_daily_alerts"
ENQUEUE = ("  enqueue_many (digests)", "  enqueue_many (texts)")


class Tracker:
    """Times the scan's phases by wrapping module functions, and attributes every statement's
    cursor time to the phases open when it ran."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cells: dict[str, Cell] = defaultdict(Cell)
        self.stack: list[str] = []
        self.cursor_started = 0.0
        self.patched: list[tuple[Any, str, Any]] = []

    def before(self, *_args: Any) -> None:
        self.cursor_started = time.perf_counter()

    def after(self, *_args: Any) -> None:
        elapsed = (time.perf_counter() - self.cursor_started) * 1000
        for label in set(self.stack):
            self.cells[label].db_ms += elapsed
            self.cells[label].statements += 1

    def phase(
        self, module: Any, name: str, label: Callable[[tuple[Any, ...]], str], count: Count
    ) -> None:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            here = label(args)
            self.stack.append(here)
            started = time.perf_counter()
            try:
                result = original(*args, **kwargs)
            finally:
                self.cells[here].ms += (time.perf_counter() - started) * 1000
                self.stack.pop()
            self.cells[here].rows += count(result, args)
            return result

        self.patched.append((module, name, original))
        setattr(module, name, timed)

    def __enter__(self) -> "Tracker":
        event.listen(self.engine, "before_cursor_execute", self.before)
        event.listen(self.engine, "after_cursor_execute", self.after)
        self.phase(alerts, WHOLE, lambda _args: WHOLE, _value)
        for module, name, label, count in PHASES:
            self.phase(module, name, lambda _args, label=label: label, count)
        self.phase(alerts, "read_kind", lambda args: f"q:{args[1]}", _length)
        return self

    def __exit__(self, *_exc: object) -> None:
        for module, name, original in reversed(self.patched):
            setattr(module, name, original)
        event.remove(self.engine, "before_cursor_execute", self.before)
        event.remove(self.engine, "after_cursor_execute", self.after)
