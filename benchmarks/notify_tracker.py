"""Times the daily scan from outside: wraps the phases of devices.alerts and
devices.family_texts and the register's query builders for the length of one run, and
attributes every statement's time in cursor.execute to the phases (and the register
query) open when it ran."""

import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event

from benchmarks.notify_report import Cell
from devices import alerts, family_texts, queries

QUERIES = (
    "cover_ending",
    "unsupported",
    "licences_ending",
    "dongle_contracts_ending",
    "sims_over_allowance",
)
# (function in devices.alerts or devices.family_texts, label, rows it handled)
PHASES: tuple[tuple[str, str, Callable[[Any, tuple[Any, ...]], int]], ...] = (
    ("due_items", "register queries (due_items)", lambda result, _args: len(result)),
    ("_already_raised", "already-raised check", lambda _result, args: len(args[1])),
    ("text_families", "family texts", lambda result, _args: result),
    ("_families", "  family look-up", lambda result, _args: len(result)),
    ("contacts_for", "  contact look-up", lambda result, _args: len(result)),
    ("enqueue", "  enqueue", lambda _result, _args: 1),
    ("_send_digest", "staff digests", lambda result, _args: result),
)
# Where each phase is looked up when called: the module whose code calls it.
MODULES = {"_families": family_texts, "contacts_for": family_texts, "enqueue": family_texts}
TOP_LEVEL = ("due_items", "_already_raised", "text_families", "_send_digest")


def query_label(name: str, kwargs: dict[str, Any]) -> str:
    if "within_days" in kwargs:
        return f"{name} {kwargs['within_days']}d"
    if "percent" in kwargs:
        return f"{name} {kwargs['percent']}%"
    return name


class Tracker:
    """Times the scan's phases by wrapping module functions, and attributes every statement's
    cursor time to the phases (and register query) open when it ran."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cells: dict[str, Cell] = defaultdict(Cell)
        self.stack: list[str] = []
        self.query: str | None = None
        self.query_started = 0.0
        self.cursor_started = 0.0
        self.patched: list[tuple[Any, str, Any]] = []

    def before(self, *_args: Any) -> None:
        self.cursor_started = time.perf_counter()

    def after(self, _conn: Any, cursor: Any, *_args: Any) -> None:
        elapsed = (time.perf_counter() - self.cursor_started) * 1000
        labels = [*self.stack, f"q:{self.query}"] if self.query else self.stack
        for label in labels:
            self.cells[label].db_ms += elapsed
            self.cells[label].statements += 1
        if self.query:
            self.cells[f"q:{self.query}"].rows += max(cursor.rowcount, 0)

    def _close_query(self) -> None:
        if self.query:
            self.cells[f"q:{self.query}"].ms += (time.perf_counter() - self.query_started) * 1000
        self.query = None

    def _patch(self, module: Any, name: str, replacement: Any) -> None:
        self.patched.append((module, name, getattr(module, name)))
        setattr(module, name, replacement)

    def phase(self, module: Any, name: str, count: Callable[[Any, tuple[Any, ...]], int]) -> None:
        original = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            self.stack.append(name)
            started = time.perf_counter()
            try:
                result = original(*args, **kwargs)
            finally:
                if name == "due_items":
                    self._close_query()
                self.cells[name].ms += (time.perf_counter() - started) * 1000
                self.stack.pop()
            self.cells[name].rows += count(result, args)
            return result

        self._patch(module, name, timed)

    def register_query(self, name: str) -> None:
        """Each register query's time in the scan runs from building its statement to
        building the next one: executing, reading the rows, making the Due items."""
        original = getattr(queries, name)

        def marked(*args: Any, **kwargs: Any) -> Any:
            self._close_query()
            self.query, self.query_started = query_label(name, kwargs), time.perf_counter()
            return original(*args, **kwargs)

        self._patch(queries, name, marked)

    def __enter__(self) -> "Tracker":
        event.listen(self.engine, "before_cursor_execute", self.before)
        event.listen(self.engine, "after_cursor_execute", self.after)
        self.phase(alerts, "run_daily_alerts", lambda result, _args: result)
        for name, _label, count in PHASES:
            self.phase(MODULES.get(name, alerts), name, count)
        for name in QUERIES:
            self.register_query(name)
        return self

    def __exit__(self, *_exc: object) -> None:
        for module, name, original in reversed(self.patched):
            setattr(module, name, original)
        event.remove(self.engine, "before_cursor_execute", self.before)
        event.remove(self.engine, "after_cursor_execute", self.after)
