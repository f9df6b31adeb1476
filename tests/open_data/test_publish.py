"""The files: what the publisher, the CLI and the monthly task write, what the public
endpoint serves, and that no written table gives anybody away."""

import csv
import importlib
import io
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from dfc.settings import get_settings
from dfc.worker import TASK_MODULES, beat_schedule, celery_app
from reporting.open_data import tasks
from reporting.open_data.catalogue import DATASET_NAMES
from reporting.open_data.period import Period
from reporting.open_data.publish import publish, root
from reporting.open_data.suppression import MARKER, Table
from tests.open_data import scenario
from tests.open_data.checks import lines_with_one_hidden, recoverable
from tests.test_cli import dfc

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
MADE = datetime(2026, 10, 1, 5, tzinfo=UTC)
PLACE_KEYS = {"month", "council_gss_code", "council_name", "row_type", "school_urn"}


@pytest.fixture
def published_root() -> Iterator[Path]:
    """The endpoint's folder, empty before and after each test."""
    base = root(get_settings())
    shutil.rmtree(base, ignore_errors=True)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def written(session: Session, tmp_path: Path) -> Path:
    scenario.build(session)
    publish(session, scenario.MONTH, folder=tmp_path, made=MADE, settings=get_settings())
    return tmp_path


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def value_columns(package: dict, name: str) -> tuple[list[str], bool, list[str]]:
    """A CSV's count columns, whether it has a total column, and its block keys."""
    fields = next(r for r in package["resources"] if r["name"] == name)["schema"]["fields"]
    counts = [f["name"] for f in fields if f["type"] in ("integer", "number")]
    keys = [f["name"] for f in fields if f["type"] not in ("integer", "number")]
    blocks = [k for k in keys if k not in PLACE_KEYS | {"school_name"}]
    return counts, "total" in counts, ["council_gss_code", *blocks]


def written_tables(folder: Path, name: str) -> list[tuple[Table, set, list[list[str]]]]:
    """Each block of a written CSV rebuilt as a table: its rows' cells, the council total
    row as the column totals, the total column as the row totals; hidden where [c]."""
    package = json.loads((folder / "datapackage.json").read_text())
    counts, has_total, block_keys = value_columns(package, name)
    columns = [c for c in counts if c not in ("total", "gb_used")]
    blocks: dict[tuple, list[dict]] = {}
    for line in read_csv(folder / f"{name}.csv"):
        blocks.setdefault(tuple(line[k] for k in block_keys), []).append(line)
    tables = []
    for lines in blocks.values():
        assert lines[-1]["row_type"] == "council-total"
        body = lines[:-1]
        table = Table.of(
            [[0] * len(columns) for _ in body], width=len(columns), row_totals=has_total
        )
        grid = [
            [line[c] for c in columns] + ([line["total"]] if has_total else []) for line in lines
        ]
        hidden = {
            (i, j) for i, cells in enumerate(grid) for j, cell in enumerate(cells) if cell == MARKER
        }
        tables.append((table, hidden, grid))
    return tables


def test_every_dataset_is_written_as_csv_and_json_with_a_data_package(written):
    package = json.loads((written / "datapackage.json").read_text())
    assert package["licenses"][0]["title"] == "Open Government Licence v3.0"
    assert package["licenses"][0]["path"] == OGL
    assert package["update_frequency"] == "monthly"
    assert package["temporal"] == {"start": "2026-09-01", "end": "2026-09-30"}
    assert {"name": "Camden", "gss_code": scenario_gss(written, "Camden")} in package["spatial"][
        "councils"
    ]
    assert package["suppression"]["csv_marker"] == MARKER
    paths = {resource["path"] for resource in package["resources"]}
    assert paths == {f"{n}.{s}" for n in DATASET_NAMES for s in ("csv", "json")}
    for path in paths:
        assert (written / path).is_file()
    readme = (written / "README.md").read_text()
    assert "Open Government Licence v3.0" in readme and "[c]" in readme and "Zeros" in readme


def scenario_gss(folder: Path, council: str) -> str:
    lines = read_csv(folder / "unmet-demand.csv")
    return next(line["council_gss_code"] for line in lines if line["council_name"] == council)


def test_no_written_cell_is_from_1_to_4(written):
    for name in DATASET_NAMES:
        for line in read_csv(written / f"{name}.csv"):
            for column, cell in line.items():
                if column in PLACE_KEYS or column in ("school_name", "gb_used"):
                    continue
                if cell.isdigit():
                    assert not 1 <= int(cell) <= 4, (name, line)
        document = json.loads((written / f"{name}.json").read_text())
        assert document["licence"]["path"] == OGL
        for line in document["rows"]:
            for column, value in line.items():
                if isinstance(value, int) and column != "gb_used":
                    assert not 1 <= value <= 4, (name, line)
            assert line["suppressed"] == [k for k, v in line.items() if v is None]
    markers = (written / "devices-by-status.csv").read_text().count(MARKER)
    assert markers > 0, "the scenario has small counts, so some cells must be hidden"


def test_no_hidden_cell_in_a_written_table_can_be_worked_out(written):
    for name in DATASET_NAMES:
        for table, hidden, _grid in written_tables(written, name):
            assert not lines_with_one_hidden(table, hidden), name
            assert not recoverable(table, hidden), name


def test_published_totals_add_up_where_every_cell_is_shown(written):
    for name in ("devices-by-status", "cover-ending", "unmet-demand"):
        for _table, _hidden, grid in written_tables(written, name):
            for cells in grid:
                if MARKER not in cells:
                    assert sum(int(c) for c in cells[:-1]) == int(cells[-1]), name


def test_the_json_holds_the_same_rows_as_the_csv(written):
    lines = read_csv(written / "connectivity.csv")
    document = json.loads((written / "connectivity.json").read_text())
    assert len(lines) == len(document["rows"])
    beta = next(r for r in document["rows"] if r["school_name"] == "Beta Academy")
    assert beta["gb_used"] == 24.0 and beta["sims_active"] == 12
    alpha = next(r for r in document["rows"] if r["school_name"] == "Alpha Primary")
    assert alpha["gb_used"] is None and "gb_used" in alpha["suppressed"]


def test_the_cli_writes_the_files_for_a_month(session, tmp_path):
    scenario.build(session)
    result = dfc("open-data", "--month", "2026-09", "--out", str(tmp_path / "upload"))
    assert result.returncode == 0, result.stderr
    assert f"{2 * len(DATASET_NAMES) + 2} files" in result.stdout  # + datapackage, README
    package = json.loads((tmp_path / "upload" / "datapackage.json").read_text())
    assert package["licenses"][0]["path"] == OGL and package["version"] == "2026-09"
    assert {r["path"] for r in package["resources"]} <= {
        p.name for p in (tmp_path / "upload").iterdir()
    }


def test_the_cli_writes_the_last_complete_month_where_the_endpoint_serves_it(
    engine, published_root
):
    result = dfc("open-data")
    assert result.returncode == 0, result.stderr
    months = [p.name for p in published_root.iterdir()]
    assert len(months) == 1 and (published_root / months[0] / "datapackage.json").is_file()


@pytest.mark.parametrize(("month", "message"), [("2026-9", "YYYY-MM"), ("2999-01", "not over yet")])
def test_the_cli_refuses_a_bad_month_naming_the_option(engine, month, message, tmp_path):
    result = dfc("open-data", "--month", month, "--out", str(tmp_path))
    assert result.returncode == 2
    assert "--month" in result.stderr and message in result.stderr
    assert not any(tmp_path.iterdir())


def test_the_public_endpoint_serves_the_latest_files_without_sign_in(
    client, session, published_root
):
    scenario.build(session)
    settings = get_settings()
    august = Period(date(2026, 8, 1))
    publish(session, august, folder=published_root / "2026-08", made=MADE, settings=settings)
    publish(
        session, scenario.MONTH, folder=published_root / "2026-09", made=MADE, settings=settings
    )
    (published_root / "2026-07").mkdir()  # begun but never finished: no data package

    index = client.get("/open-data")
    assert index.status_code == 200
    body = index.json()
    assert body["latest"] == "2026-09" and [m["month"] for m in body["months"]] == [
        "2026-09",
        "2026-08",
    ]
    assert body["licence"]["path"] == OGL
    assert {d["name"] for d in body["datasets"]} == set(DATASET_NAMES)

    latest = client.get("/open-data/latest/devices-by-status.csv")
    assert latest.status_code == 200 and latest.headers["content-type"].startswith("text/csv")
    assert latest.content == (published_root / "2026-09" / "devices-by-status.csv").read_bytes()
    package = client.get("/open-data/latest/datapackage.json")
    assert package.status_code == 200 and package.json()["version"] == "2026-09"
    older = client.get("/open-data/2026-08/unmet-demand.json")
    assert older.status_code == 200 and older.json()["month"] == "2026-08"
    assert client.get("/open-data/latest/README.md").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/latest/nothing.csv",
        "/open-data/latest/notes.txt",
        "/open-data/latest/..%2F..%2Fsecret_key",
        "/open-data/latest/%2E%2E",
        "/open-data/..%2F..%2Fsecret_key/devices-by-status.csv",
        "/open-data/2026-07/devices-by-status.csv",
        "/open-data/2026-06/devices-by-status.csv",
        "/open-data/latest/.devices-by-status.csv.tmp",
    ],
)
def test_the_endpoint_answers_404_for_anything_it_did_not_publish(
    client, session, published_root, path
):
    publish(
        session,
        scenario.MONTH,
        folder=published_root / "2026-09",
        made=MADE,
        settings=get_settings(),
    )
    (published_root / "2026-09" / "notes.txt").write_text("not published")
    (published_root / "2026-07").mkdir()
    (published_root / "2026-07" / "devices-by-status.csv").write_text("half written")
    answer = client.get(path)
    assert answer.status_code == 404
    assert "half written" not in answer.text and "not published" not in answer.text


def test_before_anything_is_published_the_index_is_empty_and_latest_is_404(
    client, engine, published_root
):
    assert client.get("/open-data").json()["months"] == []
    assert client.get("/open-data/latest/datapackage.json").status_code == 404


def test_the_beat_schedule_writes_last_months_files_on_the_1st(
    session, published_root, monkeypatch
):
    entry = beat_schedule(get_settings())["monthly-open-data"]
    assert entry["task"] == "reporting.open_data.publish"
    assert entry["schedule"].day_of_month == {1}
    assert "reporting.open_data.tasks" in TASK_MODULES
    for module in TASK_MODULES:
        importlib.import_module(module)
    assert "reporting.open_data.publish" in celery_app.tasks

    scenario.build(session)
    monkeypatch.setattr("dfc.clock.today", lambda: date(2026, 10, 1))
    folder = tasks.publish_open_data()
    assert Path(folder) == published_root / "2026-09"
    rows = read_csv(published_root / "2026-09" / "devices-by-status.csv")
    assert any(r["school_name"] == "Beta Academy" and r["in_stock"] == "25" for r in rows)
