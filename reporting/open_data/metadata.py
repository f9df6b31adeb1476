"""What a data portal needs to know about the files: a Frictionless Data Package
(`datapackage.json`) and a README a person can read, both made from the catalogue."""

from datetime import datetime
from typing import Any

from reporting.dashboard.months import month_name
from reporting.open_data.datasets import COUNCIL_TOTAL, Dataset
from reporting.open_data.period import Period
from reporting.open_data.suppression import HIGHEST_HIDDEN, LOWEST_HIDDEN, MARKER

LICENCE = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
UPDATE_FREQUENCY = "monthly"
SUPPRESSION_RULE = (
    f"Counts from {LOWEST_HIDDEN} to {HIGHEST_HIDDEN} are not shown, so that no child or "
    "family can be picked out. Where a row or column would then have a single hidden entry "
    "beside a published total, the next smallest entry is hidden too (secondary "
    "suppression), and so on until no hidden entry can be worked out from the row and "
    "column totals. Zeros are shown: a zero reveals nobody. In CSV a hidden entry is "
    f'{MARKER}; in JSON it is null and its column is listed in the row\'s "suppressed".'
)


def councils_covered(datasets: list[Dataset]) -> list[dict[str, str]]:
    """Each council with a block in the datasets, by name."""
    seen = {
        row.keys["council_gss_code"]: row.keys["council_name"]
        for dataset in datasets
        for row in dataset.rows
        if row.keys["row_type"] == COUNCIL_TOTAL
    }
    return [
        {"gss_code": code, "name": name} for code, name in sorted(seen.items(), key=lambda i: i[1])
    ]


def _schema(dataset: Dataset) -> dict[str, Any]:
    part = [dataset.spec.part.name] if dataset.spec.part else []
    return {
        "fields": [
            {
                "name": column.name,
                "title": column.title,
                "description": column.description,
                "type": column.type,
            }
            for column in dataset.fields
        ],
        # Only the marker: an empty school_urn is a council row, not a missing value.
        "missingValues": [MARKER],
        "primaryKey": ["month", "council_gss_code", *part, "row_type", "school_urn"],
    }


def resources(dataset: Dataset) -> list[dict[str, Any]]:
    """The dataset's CSV (with its table schema) and its JSON."""
    spec = dataset.spec
    common = {"title": spec.title, "description": spec.description, "encoding": "utf-8"}
    return [
        {
            "name": spec.name,
            "path": f"{spec.name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            **common,
            "schema": _schema(dataset),
            "suppression": spec.suppression,
        },
        {
            "name": f"{spec.name}-json",
            "path": f"{spec.name}.json",
            "profile": "data-resource",
            "format": "json",
            "mediatype": "application/json",
            **common,
            "description": f"{spec.description} The same rows as {spec.name}.csv, as JSON.",
        },
    ]


def datapackage(
    datasets: list[Dataset], *, period: Period, made: datetime, publisher: str
) -> dict[str, Any]:
    """The month's data package: the metadata a portal such as the London Datastore asks
    for, with every file listed."""
    return {
        # Not "tabular-data-package": the JSON copies are resources too.
        "profile": "data-package",
        "name": f"devices-for-children-{period.key}",
        "title": f"Devices for Children: figures for {month_name(period.first)}",
        "description": (
            "Monthly figures from a devices-for-children scheme, per council and per school: "
            "devices by kind and status, support and licence cover ending in the next 12 "
            "months, 4G dongles and data used, support tickets by language and by category, "
            "devices asked for and not provided, and devices past their end of security "
            "updates. Counts only: no personal data."
        ),
        "version": period.key,
        "created": made.isoformat(timespec="seconds"),
        "licenses": [LICENCE],
        "contributors": [{"title": publisher, "role": "publisher"}],
        "publisher": publisher,
        "keywords": [
            "digital inclusion",
            "devices",
            "schools",
            "councils",
            "London",
            "security updates",
        ],
        "update_frequency": UPDATE_FREQUENCY,
        "temporal": {"start": period.first.isoformat(), "end": period.last.isoformat()},
        "spatial": {"councils": councils_covered(datasets)},
        "suppression": {
            "rule": SUPPRESSION_RULE,
            "csv_marker": MARKER,
            "json_marker": None,
            "smallest_shown": HIGHEST_HIDDEN + 1,
            "zeros": "shown",
        },
        "resources": [resource for dataset in datasets for resource in resources(dataset)],
    }


def readme(datasets: list[Dataset], *, period: Period, made: datetime, publisher: str) -> str:
    """The same metadata for a person: what each file holds and how to read it."""
    councils = councils_covered(datasets)
    lines = [
        f"# Devices for Children: figures for {month_name(period.first)}",
        "",
        f"- Publisher: {publisher}",
        f"- Licence: [{LICENCE['title']}]({LICENCE['path']})",
        f"- Update frequency: {UPDATE_FREQUENCY}",
        f"- Period: {period.first.isoformat()} to {period.last.isoformat()}",
        f"- Made: {made.isoformat(timespec='seconds')}",
        f"- Councils covered ({len(councils)}): "
        + (", ".join(council["name"] for council in councils) or "none"),
        "",
        "Each file has, for every council, a row per school with figures, a row for what "
        "the council holds itself (council-held) and the council's total (council-total). "
        "Schools and councils are named, with their URN or GSS code; nothing about any "
        "family, pupil or member of staff is included.",
        "",
        "## Suppression",
        "",
        SUPPRESSION_RULE,
        "",
        "## Files",
        "",
        "| file | what it holds |",
        "| --- | --- |",
    ]
    for dataset in datasets:
        name = dataset.spec.name
        lines.append(f"| `{name}.csv`, `{name}.json` | {dataset.spec.title} |")
    for dataset in datasets:
        spec = dataset.spec
        lines += ["", f"## {spec.title} (`{spec.name}`)", "", spec.description, ""]
        lines += [spec.suppression, "", "| column | type | meaning |", "| --- | --- | --- |"]
        lines += [
            f"| `{column.name}` | {column.type} | {column.description} |"
            for column in dataset.fields
        ]
    lines += ["", "`datapackage.json` describes the same files for a data portal.", ""]
    return "\n".join(lines)
