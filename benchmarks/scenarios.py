"""What is timed: each set-based query in devices.queries, and the look-up of a device by
serial number, for a scheme-wide caller, the largest council and its largest school."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, Select, text
from sqlmodel import Session

from accounts.models import OrganisationKind, Role
from benchmarks.explain import explain
from dfc.caller import Caller

Build = Callable[[Caller], Any]


@dataclass(frozen=True)
class Scope:
    label: str
    caller: Caller


@dataclass(frozen=True)
class Timing:
    """One scenario for one caller: rows returned, median wall time through SQLAlchemy, and
    the server's own time and plan from EXPLAIN ANALYZE."""

    scenario: str
    scope: str
    rows: int
    median_ms: float
    runs: int
    server_ms: float | None = None
    plan: str = ""
    note: str = ""


_SCHEME = "SELECT id, name FROM organisation WHERE kind = 'scheme' ORDER BY id LIMIT 1"
_LARGEST_COUNCIL = """
SELECT c.id, c.name FROM organisation c
JOIN organisation s ON s.council_id = c.id AND s.kind = 'school'
WHERE c.kind = 'council' GROUP BY c.id, c.name ORDER BY count(*) DESC, c.id LIMIT 1
"""
_LARGEST_SCHOOL = """
SELECT s.id, s.name FROM organisation s JOIN device d ON d.holder_id = s.id
WHERE s.council_id = :council AND s.kind = 'school'
GROUP BY s.id, s.name ORDER BY count(*) DESC, s.id LIMIT 1
"""
_A_SERIAL = "SELECT serial_number FROM device WHERE holder_id = :school ORDER BY id LIMIT 1"


def pick_scopes(engine: Engine) -> tuple[list[Scope], str]:
    """The three callers, and a serial number all three can see (one of the school's)."""
    with engine.connect() as connection:
        scheme = connection.execute(text(_SCHEME)).one()
        council = connection.execute(text(_LARGEST_COUNCIL)).one()
        school = connection.execute(text(_LARGEST_SCHOOL), {"council": council.id}).one()
        serial = connection.execute(text(_A_SERIAL), {"school": school.id}).scalar_one()
    scopes = [
        Scope("scheme", Caller(scheme.id, OrganisationKind.SCHEME, scheme.name, Role.SCHEME_ADMIN)),
        Scope(
            "council",
            Caller(council.id, OrganisationKind.COUNCIL, council.name, Role.COUNCIL_OFFICER),
        ),
        Scope("school", Caller(school.id, OrganisationKind.SCHOOL, school.name, Role.SCHOOL_STAFF)),
    ]
    return scopes, serial


def query_scenarios(today: date, serial: str) -> list[tuple[str, Build]]:
    """(name, caller -> statement) for every query timed; the windows are the alerts'."""
    from devices import queries
    from devices.service.registry import DeviceFilters, visible_devices

    look_up = DeviceFilters(serial_number=serial)
    return [
        ("cover_ending 90d", lambda c: queries.cover_ending(c, within_days=90, today=today)),
        ("unsupported", lambda c: queries.unsupported(c, today=today)),
        ("licences_ending 90d", lambda c: queries.licences_ending(c, within_days=90, today=today)),
        (
            "dongle_contracts_ending 60d",
            lambda c: queries.dongle_contracts_ending(c, within_days=60, today=today),
        ),
        (
            "sims_over_allowance 80%",
            lambda c: queries.sims_over_allowance(c, percent=80, today=today),
        ),
        ("short_of_three_year_cover", queries.short_of_three_year_cover),
        ("without_connectivity", queries.without_connectivity),
        ("unmet_demand by school", lambda c: queries.unmet_demand(c, by="school")),
        ("unmet_demand by council", lambda c: queries.unmet_demand(c, by="council")),
        ("stock_by_status", queries.stock_by_status),
        ("device by serial", lambda c: visible_devices(c, look_up, today=today)),
    ]


def time_statement(engine: Engine, statement: Select[Any], runs: int) -> tuple[int, float]:
    """Rows returned and the median milliseconds to run and fetch them all, as the app would
    (a new session each run)."""
    samples: list[float] = []
    rows = 0
    for _ in range(max(1, runs)):
        with Session(engine) as session:
            started = time.perf_counter()
            rows = len(session.execute(statement).all())
            samples.append((time.perf_counter() - started) * 1000)
    return rows, statistics.median(samples)


def time_queries(
    engine: Engine,
    *,
    today: date,
    runs: int = 5,
    with_explain: bool = True,
    progress: Callable[[Timing], None] | None = None,
) -> list[Timing]:
    """Every query scenario for every scope."""
    scopes, serial = pick_scopes(engine)
    timings: list[Timing] = []
    for name, build in query_scenarios(today, serial):
        for scope in scopes:
            statement = build(scope.caller)
            rows, median_ms = time_statement(engine, statement, runs)
            summary = explain(engine, statement) if with_explain else None
            timing = Timing(
                scenario=name,
                scope=f"{scope.label} {scope.caller.organisation_id}",
                rows=rows,
                median_ms=median_ms,
                runs=runs,
                server_ms=summary.server_ms if summary else None,
                plan=summary.line if summary else "",
            )
            timings.append(timing)
            if progress:
                progress(timing)
    return timings
