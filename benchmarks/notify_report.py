"""What the notification benchmarks share: a timing cell, a plain table, a quiet logger."""

import logging
import resource
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class Cell:
    ms: float = 0.0
    db_ms: float = 0.0  # in cursor.execute: PostgreSQL's time and the rows' transfer
    statements: int = 0
    rows: int = 0


def n(value: float) -> str:
    return f"{value:,.0f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)]
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


class CountWarnings(logging.Handler):
    """Counts the warnings a logger gives (missing translations, ...) and keeps them quiet."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.seen[str(record.msg)] += 1

    def attach(self, name: str) -> "CountWarnings":
        logger = logging.getLogger(name)
        logger.addHandler(self)
        logger.propagate = False
        return self

    def summary(self) -> str:
        return f"{sum(self.seen.values()):,}" + (f" {dict(self.seen)}" if self.seen else "")


def peak_memory_gb() -> float:
    """The most memory this process has held (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
