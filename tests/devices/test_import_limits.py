"""Bounded input: request bodies, uploads, workbooks, rows and problems each have a limit,
and whoever passes one is told which limit and what to do, before anything big is parsed."""

import io
import re
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import event
from sqlmodel import func, select

from accounts.models import Role
from devices.imports import jobs, reader
from devices.imports.reader import measure, read_rows
from devices.models import Device, ImportJob
from dfc.csv_import import ImportRejected, Problems, RowProblem
from tests.devices.test_imports import as_csv, many_devices, queued_job, upload
from tests.factories import make_user, sign_in_pages

HTML = {"Accept": "text/html"}


# --- workbooks measured before they are parsed -------------------------------------------


def workbook(rows: list[list]) -> bytes:
    book, buffer = Workbook(), io.BytesIO()
    for row in rows:
        book.active.append(row)
    book.save(buffer)
    return buffer.getvalue()


def device_rows(school, count: int, **changes: str) -> list[list[str]]:
    header = ["serial_number", "kind", "make", "model", "holder", "received_on"]
    return [header] + [
        [f"WB-{n}", changes.get("kind", "laptop"), "Acer", "C733", school.urn, "2026-03-02"]
        for n in range(count)
    ]


def with_sheet(book: bytes, sheet_xml: bytes) -> bytes:
    """The workbook with its first sheet's XML replaced, packed as tightly as zip can."""
    source, buffer = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as packed:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            packed.writestr(part.filename, data)
    return buffer.getvalue()


def zip_bomb(school) -> bytes:
    """A real workbook whose sheet is 20 MB of identical rows packed into about 20 KB."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + row * (20_000_000 // len(row)) + b"</sheetData></worksheet>"
    )
    return with_sheet(workbook(device_rows(school, 1)), sheet)


@pytest.fixture
def no_parsing(monkeypatch):
    """Fails the test if openpyxl is asked to parse a workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(reader, "load_workbook", refuse)


def test_a_zip_bomb_is_refused_from_its_zip_directory_without_parsing(
    client, session, school, headers, no_parsing
):
    bomb = zip_bomb(school)
    assert len(bomb) < 100_000
    started = time.perf_counter()
    response = upload(client, "manifest", bomb, headers, filename="bomb.xlsx")
    assert time.perf_counter() - started < 2
    assert response.status_code == 422, response.text
    [problem] = response.json()["problems"]
    assert (problem["row"], problem["column"]) == (1, "-")
    assert problem["message"].startswith("the workbook's part xl/worksheets/sheet1.xml unpacks")
    assert "more than 100 times its packed size" in problem["message"]
    assert "save the sheet as CSV" in problem["message"]


def test_a_workbook_that_unpacks_past_the_limit_is_refused_naming_both_sizes(
    client, school, headers, limits, no_parsing
):
    book = workbook(device_rows(school, 200))
    limits(MAX_XLSX_UNPACKED_BYTES=20_000)
    response = upload(client, "manifest", book, headers, filename="big.xlsx")
    assert response.status_code == 422
    message = response.json()["problems"][0]["message"]
    assert re.fullmatch(
        r"the workbook unpacks to \d+ KB, more than the limit of 20 KB; "
        r"save it as CSV or split it",
        message,
    ), message


def test_a_workbook_within_the_limits_still_imports(client, session, school, headers):
    response = upload(client, "manifest", workbook(device_rows(school, 3)), headers, "ok.xlsx")
    assert response.status_code == 200, response.text
    assert response.json()["devices_added"] == 3


def test_row_ends_are_counted_across_chunks_with_or_without_a_prefix():
    xml = b"<row>a</row>" * 10 + b" " * (2**20 - 3 - 120) + b"</row><x:row></x:row>" + b"</row>"
    assert reader._counted_row_ends(io.BytesIO(xml)) == 13
    assert reader._counted_row_ends(io.BytesIO(xml), stop_after=4) == 10  # stopped: 1st MB


# --- rows over the limit ------------------------------------------------------------------


def test_a_file_with_more_rows_than_the_limit_is_refused_at_upload_naming_the_limit(
    client, session, school, headers, limits
):
    limits(MAX_IMPORT_ROWS=10)
    expected = (
        "the file has more than 10 rows, the most one import takes; "
        "split it into files of at most 10 rows"
    )
    for data, filename in (
        (as_csv(many_devices(school, 11)), "m.csv"),
        (workbook(device_rows(school, 11)), "m.xlsx"),
    ):
        for params in ({}, {"background": "true"}):
            response = upload(client, "manifest", data, headers, filename, **params)
            assert response.status_code == 422, response.text
            assert response.json()["problems"] == [{"row": 1, "column": "-", "message": expected}]
    assert session.exec(select(ImportJob)).all() == []
    assert upload(client, "manifest", as_csv(many_devices(school, 10)), headers).status_code == 200


def test_a_long_csv_is_refused_without_being_read_to_its_end(school, limits):
    limits(MAX_IMPORT_ROWS=10)
    # Past the limit the file is not even UTF-8: had it been read, that would be the problem.
    data = as_csv(many_devices(school, 2000)) + b"\xff\xfe not text" * 1000
    for read in (measure, read_rows):
        with pytest.raises(ImportRejected) as refused:
            read(data, filename="long.csv")
        [problem] = refused.value.problems
        assert (problem.row, problem.column) == (1, "-")
        assert problem.message.startswith("the file has more than 10 rows")


def test_the_imports_page_explains_a_file_over_the_row_limit_beside_the_field(
    session, client, school, limits
):
    limits(MAX_IMPORT_ROWS=10)
    token = sign_in_pages(
        client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    )
    response = client.post(
        "/imports",
        data={"csrf_token": token, "kind": "manifest"},
        files={"file": ("long.csv", as_csv(many_devices(school, 11)), "text/csv")},
        headers=HTML,
    )
    assert response.status_code == 400
    assert 'href="#file"' in response.text
    assert "The file has more than 10 rows, the most one import takes" in response.text
    assert session.exec(select(ImportJob)).all() == []


# --- only small files inside the request -------------------------------------------------


def test_a_file_of_a_thousand_rows_or_a_megabyte_is_queued_not_imported_in_the_request(
    client, session, school, headers
):
    rows = as_csv(many_devices(school, 1000))
    wide = many_devices(school, 8)
    for row in wide:
        row["batch_reference"] = "B" * 130_000  # eight rows, but more than 1 MB
    dense = workbook(
        [["serial_number", "batch_reference"]]
        + [[f"S{n}", f"{n}" + "B" * 30_000] for n in range(40)]  # cells hold 32,767 at most
    )
    for data, filename in ((rows, "rows.csv"), (as_csv(wide), "wide.csv"), (dense, "dense.xlsx")):
        response = upload(client, "manifest", data, headers, filename)
        assert response.status_code == 202, (filename, response.text[:300])
        assert response.json()["status"] == "queued"
    assert session.exec(select(func.count()).select_from(Device)).one() == 0
    small = upload(client, "manifest", as_csv(many_devices(school, 999)), headers)
    assert small.status_code == 200 and small.json()["devices_added"] == 999


# --- streaming, bounded memory ------------------------------------------------------------


def test_reading_a_long_csv_holds_one_row_at_a_time(school):
    data = as_csv(many_devices(school, 50_000))  # about 4 MB
    tracemalloc.start()
    try:
        table = read_rows(data, filename="long.csv")
        rows = sum(1 for _ in table)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (table.rows, rows) == (50_000, 50_000)
    assert peak < 1_000_000, f"{peak:,} bytes at the peak"  # the rows as dicts: ~100 MB


# --- problems: the first ones kept, all counted -------------------------------------------


def test_problems_keep_the_first_by_row_whatever_order_they_are_found_in():
    problems = Problems(keep=3)
    for row, column in ((5, "a"), (2, "a"), (9, "a"), (2, "b"), (3, "a"), (1, "z")):
        problems.add(RowProblem(row, column, "wrong"))
    assert [(p.row, p.column) for p in problems.first()] == [(1, "z"), (2, "a"), (2, "b")]
    assert problems.count == 6


def bad_rows(school, count: int) -> list[dict[str, str]]:
    rows = many_devices(school, count)
    for row in rows:
        row["kind"] = "toaster"
    return rows


def test_an_import_with_many_problems_answers_the_first_and_how_many_in_all(
    client, session, school, headers, limits
):
    limits(MAX_IMPORT_PROBLEMS_KEPT=10)
    response = upload(client, "manifest", as_csv(bad_rows(school, 30)), headers)
    assert response.status_code == 422
    body = response.json()
    assert [p["row"] for p in body["problems"]] == list(range(2, 12))
    assert (body["problem_count"], body["problems_note"]) == (
        30,
        "showing the first 10 of 30 problems",
    )
    assert body["detail"] == "The file has 30 problems; nothing was imported (showing the first 10)"


def test_a_job_stores_the_first_problems_and_the_total_and_its_page_and_api_say_so(
    client, session, school, officer, headers, limits
):
    limits(MAX_IMPORT_PROBLEMS_KEPT=10)
    job = queued_job(session, officer, bad_rows(school, 30))
    jobs.run_job(session, job_id=job.id)
    session.refresh(job)
    assert (job.status, len(job.problems), job.problem_count) == ("failed", 10, 30)
    assert [p["row"] for p in job.problems] == list(range(2, 12))
    answer = client.get(f"/api/imports/{job.id}", headers=headers).json()
    assert (len(answer["problems"]), answer["problem_count"]) == (10, 30)
    assert answer["problems_note"] == "showing the first 10 of 30 problems"
    sign_in_pages(client, session, officer)
    page = client.get(f"/imports/{job.id}", headers=HTML).text
    assert "Correct these 30 problems" in page
    assert "showing the first 10 of 30 problems" in page
    assert page.count("toaster") == 10


def test_a_complete_list_of_problems_has_no_note(client, session, school, officer, headers):
    job = queued_job(session, officer, bad_rows(school, 3))
    jobs.run_job(session, job_id=job.id)
    answer = client.get(f"/api/imports/{job.id}", headers=headers).json()
    assert (answer["problem_count"], answer["problems_note"]) == (3, None)


# --- showing a job never loads its file ---------------------------------------------------


@pytest.fixture
def statements(engine):
    seen: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_progress_polls_and_lists_never_select_the_uploaded_file(
    client, session, school, officer, headers, statements
):
    job = queued_job(session, officer, many_devices(school, 50))
    sign_in_pages(client, session, officer)
    statements.clear()
    assert client.get(f"/api/imports/{job.id}", headers=headers).status_code == 200
    assert client.get(f"/imports/{job.id}", headers=HTML).status_code == 200
    assert client.get("/imports", headers=HTML).status_code == 200
    reads = [s for s in statements if "FROM import_job" in s]
    assert len(reads) >= 3, statements
    # What each statement returns: the list's count names every column inside a subquery,
    # which both databases flatten to a count of the table, so none of them is read.
    returned = [s.split("FROM", 1)[0] for s in reads]
    assert not [s for s in returned if "content" in s], returned
    session.expire_all()
    assert session.get(ImportJob, job.id).content  # still there for the worker, on demand
