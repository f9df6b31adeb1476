"""A dashboard table: the figures behind a chart, shown on the page and downloaded as CSV
from the same rows, so the two always agree."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi.responses import StreamingResponse
from markupsafe import Markup

from dfc.csv_export import csv_lines
from dfc.web.charts import Bar, bar_chart, count_text, money_text
from dfc.web.responses import csv_response
from reporting.dashboard.months import month_key, month_name

TEXT, COUNT, MONEY, MONTH, DAY, PERCENT = "text", "count", "money", "month", "day", "percent"
NAME = "name"  # a stored enum value, 'in-repair', shown as 'In repair' (CSV keeps the value)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    blank: str = "Not recorded"  # shown where the value is missing, never "None"

    @property
    def numeric(self) -> bool:
        return self.kind in (COUNT, MONEY, PERCENT)


@dataclass(frozen=True)
class Named:
    """An organisation in a table's first column: shown (and downloaded) by its name, its
    id kept for the links from its row."""

    id: int
    name: str

    @property
    def value(self) -> str:
        return self.name


@dataclass(frozen=True)
class Cell:
    """A cell as the page shows it: its text, and the list behind it if it is a count."""

    text: str
    numeric: bool
    href: str | None = None
    described: str = ""


# Where a row's cell links to, by column key: the page knows the URLs, the table does not.
Linker = Callable[[Sequence[Any]], dict[str, str | None]]


@dataclass(frozen=True)
class Table:
    name: str
    caption: str
    columns: Sequence[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)
    links: list[dict[str, str | None]] = field(default_factory=list)

    def linked(self, linker: Linker) -> "Table":
        """The same table with each row's links from `linker`."""
        return replace(self, links=[linker(row) for row in self.rows])

    def shown(self, value: Any, column: Column) -> str:
        if value is None:
            return column.blank
        if column.kind == MONEY:
            return money_text(value)
        if column.kind == COUNT:
            return count_text(value)
        if column.kind == MONTH and isinstance(value, date):
            return month_name(value)
        if column.kind == DAY and isinstance(value, date):
            return f"{value.day} {value:%B %Y}"
        if column.kind == NAME:
            return str(getattr(value, "value", value)).replace("-", " ").capitalize()
        if column.kind == PERCENT:
            return f"{Decimal(str(value)):.0f}%"
        return str(getattr(value, "value", value))

    def shown_rows(self) -> list[list[Cell]]:
        """Each row's cells for the page. A count links to its list, but not a zero: an
        empty list tells nobody anything. The link says what it counts to a screen reader."""
        shown = []
        for index, row in enumerate(self.rows):
            links = self.links[index] if index < len(self.links) else {}
            heading = self.shown(row[0], self.columns[0])
            cells = []
            for value, column in zip(row, self.columns, strict=True):
                href = links.get(column.key) if value or column.kind != COUNT else None
                described = f"{column.label}, {heading}" if column.kind == COUNT else ""
                cells.append(Cell(self.shown(value, column), column.numeric, href, described))
            shown.append(cells)
        return shown

    def chart(self, value_key: str, *, title: str, label_key: str | None = None) -> Markup:
        """A bar chart of one column against the first (or `label_key`)."""
        keys = [column.key for column in self.columns]
        label_index = keys.index(label_key) if label_key else 0
        value_index = keys.index(value_key)
        label_column = self.columns[label_index]
        bars = [
            Bar(self.shown(row[label_index], label_column), row[value_index]) for row in self.rows
        ]
        money = self.columns[value_index].kind == MONEY
        return bar_chart(
            chart_id=f"chart-{self.name}-{value_key}".replace("_", "-"),
            title=title,
            bars=bars,
            value_text=money_text if money else count_text,
        )

    def csv(self) -> StreamingResponse:
        def cell(value: Any, column: Column) -> Any:
            if column.kind == MONTH and isinstance(value, date):
                return month_key(value)
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, Decimal | float):
                return f"{value:.2f}"
            return getattr(value, "value", value)

        rows = ([cell(v, c) for v, c in zip(row, self.columns, strict=True)] for row in self.rows)
        return csv_response(
            csv_lines([column.key for column in self.columns], rows), filename=f"{self.name}.csv"
        )
