"""Writing the month's open data: a CSV and a JSON file per dataset, `datapackage.json` and
a README. Each file is written whole, then moved into place, and `datapackage.json` last, so
a month whose data package is there is complete (the public endpoint serves only those)."""

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from accounts.organisations import SCHEME_NAME
from dfc import clock
from dfc.csv_export import csv_lines
from dfc.db_types import utcnow
from dfc.settings import Settings
from reporting.open_data.catalogue import DATASET_NAMES
from reporting.open_data.datasets import Dataset, build_datasets
from reporting.open_data.metadata import LICENCE, SUPPRESSION_RULE, datapackage, readme
from reporting.open_data.period import MONTH_PATTERN, Period, last_complete_month, parse_month
from reporting.open_data.suppression import MARKER

FOLDER = "open-data"
DATAPACKAGE, README = "datapackage.json", "README.md"
# Every file the publisher writes; nothing else in the folder is ever served.
FILE_NAMES = frozenset(
    [DATAPACKAGE, README]
    + [f"{name}.{suffix}" for name in DATASET_NAMES for suffix in ("csv", "json")]
)


@dataclass(frozen=True)
class Published:
    folder: Path
    files: list[str]
    datasets: list[Dataset]


def root(settings: Settings) -> Path:
    """Where the published months live: VAR_DIR/open-data/<YYYY-MM>/."""
    return settings.VAR_DIR / FOLDER


def _csv_cell(value: Any) -> Any:
    if value is None:
        return MARKER
    if isinstance(value, float):
        return f"{value:.1f}"
    return value


def csv_text(dataset: Dataset) -> str:
    names = [column.name for column in dataset.fields]
    rows = ([_csv_cell({**row.keys, **row.values}[name]) for name in names] for row in dataset.rows)
    return "".join(csv_lines(names, rows))


def json_document(dataset: Dataset, *, made: datetime, publisher: str) -> dict[str, Any]:
    spec = dataset.spec
    return {
        "name": spec.name,
        "title": spec.title,
        "description": spec.description,
        "month": dataset.period.key,
        "made": made.isoformat(timespec="seconds"),
        "publisher": publisher,
        "licence": LICENCE,
        "suppression": {"rule": SUPPRESSION_RULE, "note": spec.suppression, "marker": None},
        "fields": [
            {"name": column.name, "title": column.title, "type": column.type}
            for column in dataset.fields
        ],
        "rows": [{**row.keys, **row.values, "suppressed": row.suppressed} for row in dataset.rows],
    }


def _write(folder: Path, name: str, text: str) -> None:
    """`text` into folder/name, atomically: a reader sees the old file or the new one."""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def publisher_name(session: Session) -> str:
    statement = select(Organisation.name).where(Organisation.kind == OrganisationKind.SCHEME)
    return session.execute(statement).scalars().first() or SCHEME_NAME


def publish(
    session: Session, period: Period, *, folder: Path, made: datetime, settings: Settings
) -> Published:
    """Builds every dataset for `period` and writes its files into `folder`."""
    datasets = build_datasets(session, period, zone=settings.zone)
    publisher = publisher_name(session)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for dataset in datasets:
        name = dataset.spec.name
        _write(folder, f"{name}.csv", csv_text(dataset))
        document = json_document(dataset, made=made, publisher=publisher)
        _write(folder, f"{name}.json", json.dumps(document, ensure_ascii=False, indent=1))
        files += [f"{name}.csv", f"{name}.json"]
    _write(folder, README, readme(datasets, period=period, made=made, publisher=publisher))
    package = datapackage(datasets, period=period, made=made, publisher=publisher)
    _write(folder, DATAPACKAGE, json.dumps(package, ensure_ascii=False, indent=1))
    return Published(folder, [*files, README, DATAPACKAGE], datasets)


def published_months(base: Path) -> list[str]:
    """Months with a complete set of files, newest first."""
    if not base.is_dir():
        return []
    months = [
        entry.name
        for entry in base.iterdir()
        if MONTH_PATTERN.match(entry.name) and (entry / DATAPACKAGE).is_file()
    ]
    return sorted(months, reverse=True)


def published_file(base: Path, month: str, name: str) -> Path | None:
    """The file `name` of `month` if the publisher wrote it; None for anything else (an
    unknown name, another folder, a month not complete)."""
    if name not in FILE_NAMES or month not in published_months(base):
        return None
    path = (base / month / name).resolve()
    if path.parent != (base / month).resolve() or not path.is_file():
        return None
    return path


def publish_month(
    session: Session,
    *,
    settings: Settings,
    month: str | None = None,
    out: Path | None = None,
    today: date | None = None,
) -> Published:
    """The CLI's and the monthly task's entry: `month` (YYYY-MM; default the last complete
    month) into `out` (default VAR_DIR/open-data/<YYYY-MM>, where the endpoint serves it)."""
    today = today or clock.today()
    period = parse_month(month, today=today) if month else last_complete_month(today)
    folder = out if out is not None else root(settings) / period.key
    return publish(session, period, folder=folder, made=utcnow(), settings=settings)
