"""The data inventory, read from the marks on every column (`dfc.personal_data.marks`).

Other parts of the service ask it what is personal rather than keeping their own lists:

- `entries()` every column of every table with its mark, in table order;
- `personal_entries(table=None)` only the personal ones (optionally of one table);
- `unmarked()` columns with no mark (a test keeps this empty);
- `tables()` every table, by name;
- `render_markdown()` the text of docs/data-inventory.md.

`python -m privacy.inventory` prints the document (`make data-inventory` writes it).
"""

import sys
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic_core import PydanticUndefined
from sqlalchemy import Table
from sqlmodel.main import default_registry

from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import RULES, mark_of
from dfc.settings import Settings
from dfc.tables import metadata


@dataclass(frozen=True)
class Entry:
    """One column and what its mark says. `marked` is False for a column left unmarked."""

    table: str
    column: str
    marked: bool
    personal: bool
    category: DataCategory | None
    retention: str | None
    description: str


def _models_by_table() -> dict[str, type]:
    return {
        mapper.class_.__tablename__: mapper.class_
        for mapper in default_registry.mappers
        if hasattr(mapper.class_, "__tablename__")
    }


def _description(model: type | None, column_name: str, note: str) -> str:
    if note:
        return note
    field = getattr(model, "model_fields", {}).get(column_name)
    return (field.description or "") if field is not None else ""


def _table_entries(table: Table, model: type | None) -> list[Entry]:
    found = []
    for column in table.columns:
        mark = mark_of(column)
        found.append(
            Entry(
                table=table.name,
                column=column.name,
                marked=mark is not None,
                personal=bool(mark and mark.personal),
                category=mark.category if mark else None,
                retention=mark.retention if mark else None,
                description=_description(model, column.name, mark.note if mark else ""),
            )
        )
    return found


def tables() -> list[Table]:
    """Every table, sorted by name so the document reads the same on every run."""
    return sorted(metadata.tables.values(), key=lambda table: table.name)


def entries(of: Iterable[Table] | None = None) -> list[Entry]:
    """Every column of every table (or of the tables given) with its mark."""
    models = _models_by_table()
    return [
        entry
        for table in (tables() if of is None else of)
        for entry in _table_entries(table, models.get(table.name))
    ]


def personal_entries(table: str | None = None) -> list[Entry]:
    """The columns marked personal, of one table or of all."""
    return [e for e in entries() if e.personal and (table is None or e.table == table)]


def unmarked(of: Iterable[Table] | None = None) -> list[Entry]:
    """Columns that are neither marked personal nor marked not personal."""
    return [entry for entry in entries(of) if not entry.marked]


def default_days(setting: str) -> int:
    """A retention setting's default (not the environment's value), so the document is
    the same wherever it is generated."""
    default = Settings.model_fields[setting].default
    if default is PydanticUndefined:
        raise ValueError(f"retention setting {setting} has no default")
    return int(default)


def _first_line(text: str | None) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    """The data inventory as Markdown: the rules, then every table's columns."""
    models = _models_by_table()
    lines = [
        "# Data inventory",
        "",
        "Generated from the marks on each model's columns (`dfc/personal_data/marks.py`) by",
        "`make data-inventory`; do not edit by hand. A test fails when a column is unmarked",
        "or this file is stale.",
        "",
        "## Retention rules",
        "",
        "| Rule | Setting (default) | What happens |",
        "| --- | --- | --- |",
    ]
    for rule in sorted(RULES.values(), key=lambda rule: rule.name):
        setting = f"`{rule.setting}` ({default_days(rule.setting)} days)" if rule.setting else "—"
        lines.append(f"| `{rule.name}` | {setting} | {_cell(rule.meaning)} |")
    lines += ["", "## Tables", ""]
    for table in tables():
        model = models.get(table.name)
        found = _table_entries(table, model)
        count = sum(entry.personal for entry in found)
        lines += [f"### `{table.name}`", ""]
        about = _first_line(getattr(model, "__doc__", None))
        if about:
            lines += [_cell(about), ""]
        lines += [
            f"{count} of {len(found)} columns hold personal data.",
            "",
            "| Column | Personal | Category | Retention | Notes |",
            "| --- | --- | --- | --- | --- |",
        ]
        for entry in found:
            personal = "yes" if entry.personal else ("no" if entry.marked else "UNMARKED")
            lines.append(
                f"| `{entry.column}` | {personal} | {entry.category or ''} "
                f"| {entry.retention or ''} | {_cell(entry.description)} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
