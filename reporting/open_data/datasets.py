"""The open datasets for a month: each query's grouped figures laid out as one table per
council (and per part: device kind, measure), suppressed, and turned into published rows.

The database does the counting; Python only arranges the few aggregated figures (one per
organisation and column) into tables and applies `suppression`."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from devices.models import DeviceKind
from reporting.open_data import queries
from reporting.open_data.catalogue import KEYS, PLACE, Column, Spec, catalogue
from reporting.open_data.period import Period
from reporting.open_data.suppression import (
    Suppression,
    Table,
    suppress,
    suppress_sharing_row_totals,
)

MB_PER_GB = 1024
COVER_MEASURES = ("support", "licence_seats", "sim_contracts")
COUNCIL_TOTAL, COUNCIL_HELD, SCHOOL = "council-total", "council-held", "school"


@dataclass(frozen=True)
class Council:
    id: int
    name: str
    gss_code: str


@dataclass(frozen=True)
class Place:
    """A row's organisation: a school, or the council itself."""

    id: int
    kind: str
    name: str
    urn: str | None
    council_id: int


@dataclass(frozen=True)
class Row:
    keys: dict[str, str]
    values: dict[str, Any]  # None where suppressed

    @property
    def suppressed(self) -> list[str]:
        return [name for name, value in self.values.items() if value is None]


@dataclass(frozen=True)
class Dataset:
    spec: Spec
    period: Period
    rows: list[Row]
    tables: list[Suppression]  # what was suppressed, for checking

    @property
    def fields(self) -> list[Column]:
        part = [self.spec.part] if self.spec.part else []
        total = [self.spec.total] if self.spec.total else []
        return [*KEYS, *part, *PLACE, *self.spec.columns, *total]


@dataclass(frozen=True)
class Block:
    """One council's rows for one part, before suppression."""

    council: Council
    part: str
    places: list[Place]
    figures: dict[int, dict[str, int]]

    def cells(self, columns: Sequence[Column]) -> list[list[int]]:
        return [
            [self.figures[place.id].get(column.source, 0) for column in columns]
            for place in self.places
        ]


class Reference:
    """Every council and school, read once, to name the rows."""

    def __init__(self, session: Session) -> None:
        self.councils = [
            Council(row.id, row.name, row.gss_code or "")
            for row in session.execute(queries.councils())
        ]
        self.places = {
            row.id: Place(row.id, row.kind, row.name, row.urn, row.council_id)
            for row in session.execute(queries.places())
        }


def _blocks(reference: Reference, figures: Sequence[Any], parts: Sequence[str]) -> list[Block]:
    """The figures as one block per council and part; each block's rows are its schools
    with figures (by name) and then the council's own holdings, if any."""
    grid: dict[tuple[int, str], dict[int, dict[str, int]]] = {}
    for figure in figures:
        place = reference.places.get(figure.organisation_id)
        if place is None or not figure.value:
            continue
        held = grid.setdefault((place.council_id, figure.part), {})
        held.setdefault(place.id, {})[figure.field] = int(figure.value)
    blocks = []
    for council in reference.councils:
        for part in parts:
            held = grid.get((council.id, part), {})
            places = sorted(
                (reference.places[place_id] for place_id in held),
                key=lambda place: (place.kind != SCHOOL, place.name, place.urn or ""),
            )
            blocks.append(Block(council, part, places, held))
    return blocks


def _row_keys(spec: Spec, period: Period, block: Block, place: Place | None) -> dict[str, str]:
    keys = {
        "month": period.key,
        "council_gss_code": block.council.gss_code,
        "council_name": block.council.name,
    }
    if spec.part:
        keys[spec.part.name] = block.part
    if place is None:
        return keys | {"row_type": COUNCIL_TOTAL, "school_urn": "", "school_name": ""}
    if place.kind == SCHOOL:
        return keys | {"row_type": SCHOOL, "school_urn": place.urn or "", "school_name": place.name}
    return keys | {"row_type": COUNCIL_HELD, "school_urn": "", "school_name": ""}


def _rows(
    spec: Spec, period: Period, block: Block, result: Suppression, columns: Sequence[Column]
) -> list[Row]:
    """The block's rows, then its council total row, with hidden entries as None."""
    width = result.table.width
    rows = []
    for index, place in enumerate([*block.places, None]):
        values = {column.name: result.shown((index, j)) for j, column in enumerate(columns)}
        if spec.total:
            values[spec.total.name] = result.shown((index, width))
        rows.append(Row(_row_keys(spec, period, block, place), values))
    return rows


def _paired(spec: Spec, period: Period, blocks: list[Block]) -> Dataset:
    """A dataset whose rows and columns add up to published totals."""
    rows, tables = [], []
    for block in blocks:
        table = Table.of(block.cells(spec.columns), width=len(spec.columns))
        result = suppress(table)
        rows += _rows(spec, period, block, result, spec.columns)
        tables.append(result)
    return Dataset(spec, period, rows, tables)


def _gb(mb: int) -> float:
    return float((Decimal(mb) / MB_PER_GB).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _connectivity(spec: Spec, period: Period, blocks: list[Block]) -> Dataset:
    """Counts suppressed column by column; GB used hidden wherever SIMs active is."""
    counted = [column for column in spec.columns if column.name != "gb_used"]
    sims = counted.index(next(column for column in counted if column.name == "sims_active"))
    rows, tables = [], []
    for block in blocks:
        table = Table.of(block.cells(counted), width=len(counted), row_totals=False)
        result = suppress(table)
        used = [block.figures[place.id].get("mb_used", 0) for place in block.places]
        for index, row in enumerate(_rows(spec, period, block, result, counted)):
            mb = used[index] if index < len(used) else sum(used)
            hidden = (index, sims) in result.hidden
            row.values["gb_used"] = None if hidden else _gb(mb)
            rows.append(row)
        tables.append(result)
    return Dataset(spec, period, rows, tables)


def _tickets(
    specs: tuple[Spec, Spec], period: Period, by_language: list[Block], by_category: list[Block]
) -> tuple[Dataset, Dataset]:
    """Both ticket tables of a council share their rows and row totals (the same tickets,
    split two ways), so they are suppressed together."""
    datasets: tuple[list[Row], list[Row]] = ([], [])
    tables: tuple[list[Suppression], list[Suppression]] = ([], [])
    for language, category in zip(by_language, by_category, strict=True):
        places = sorted(
            {place.id: place for place in language.places + category.places}.values(),
            key=lambda place: (place.kind != SCHOOL, place.name, place.urn or ""),
        )
        pair = [
            Block(block.council, block.part, places, block.figures)
            for block in (language, category)
        ]
        for block in pair:
            for place in places:
                block.figures.setdefault(place.id, {})
        results = suppress_sharing_row_totals(
            [
                Table.of(block.cells(spec.columns), width=len(spec.columns))
                for block, spec in zip(pair, specs, strict=True)
            ]
        )
        for i, (block, spec, result) in enumerate(zip(pair, specs, results, strict=True)):
            datasets[i].extend(_rows(spec, period, block, result, spec.columns))
            tables[i].append(result)
    return (
        Dataset(specs[0], period, datasets[0], tables[0]),
        Dataset(specs[1], period, datasets[1], tables[1]),
    )


def build_datasets(session: Session, period: Period, *, zone: ZoneInfo) -> list[Dataset]:
    """Every open dataset for `period`, suppressed and ready to write."""
    reference = Reference(session)
    specs = {spec.name: spec for spec in catalogue(period)}

    def figures(*statements: Any) -> list[Any]:
        return [row for statement in statements for row in session.execute(statement)]

    def blocks(parts: Sequence[str], *statements: Any) -> list[Block]:
        return _blocks(reference, figures(*statements), parts)

    single = [queries.NO_PART]
    kinds = [kind.value for kind in DeviceKind]
    languages, categories = _tickets(
        (specs["tickets-by-language"], specs["tickets-by-category"]),
        period,
        blocks(single, queries.tickets(period, zone, by="language")),
        blocks(single, queries.tickets(period, zone, by="category")),
    )
    return [
        _paired(
            specs["devices-by-status"], period, blocks(kinds, queries.devices_by_status(period))
        ),
        _paired(
            specs["cover-ending"], period, blocks(COVER_MEASURES, queries.cover_ending(period))
        ),
        _connectivity(
            specs["connectivity"],
            period,
            blocks(
                single,
                queries.dongles(period),
                queries.sims_active(period),
                queries.mb_used(period),
            ),
        ),
        languages,
        categories,
        _paired(specs["unmet-demand"], period, blocks(single, queries.unmet_demand(period))),
        _paired(
            specs["end-of-updates"], period, blocks(single, queries.past_end_of_updates(period))
        ),
        _paired(specs["incidents"], period, blocks(single, queries.incidents(period))),
    ]
