"""Files as schools and suppliers save them: UK dates, Excel date cells and serials,
semicolons or tabs between columns, a byte-order mark; and a header that says what is wrong."""

import io
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlmodel import Session, select

from accounts.models import Role
from devices.imports.dates import NotADate, read_date
from devices.models import DataUsage, Device
from tests.devices.factories import make_dongle_with_sim
from tests.devices.test_imports import counts, upload
from tests.factories import bearer, make_council, make_school, make_user

FORMATS = "DD/MM/YYYY (like 31/01/2026), 31 Jan 2026 or YYYY-MM-DD"


@pytest.fixture
def council(session: Session):
    return make_council(session)


@pytest.fixture
def school(session: Session, council):
    return make_school(session, council=council)


@pytest.fixture
def headers(session: Session, council):
    return bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("01/12/2026", date(2026, 12, 1)),
        ("12/01/2026", date(2026, 1, 12)),  # day first: never a US month first
        ("1/2/2026", date(2026, 2, 1)),
        ("01-12-2026", date(2026, 12, 1)),
        ("01.12.2026", date(2026, 12, 1)),
        ("01/12/26", date(2026, 12, 1)),  # a two-digit year is 20YY
        ("1 Dec 2026", date(2026, 12, 1)),
        ("1 December 2026", date(2026, 12, 1)),
        ("01-Dec-2026", date(2026, 12, 1)),  # Excel's dd-mmm-yyyy
        (" 1st  sept 2026 ", date(2026, 9, 1)),
        ("2026-12-01", date(2026, 12, 1)),
        ("2026-12-01T09:30:00", date(2026, 12, 1)),  # a date cell with a time
        ("01/12/2026 09:30", date(2026, 12, 1)),
        ("46357", date(2026, 12, 1)),  # an Excel serial, its date formatting lost
        ("46357.75", date(2026, 12, 1)),
    ],
)
def test_dates_are_read_as_uk_spreadsheets_write_them(text, meant):
    assert read_date(text) == meant


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("31/02/2026", "'31/02/2026' is not a date: February 2026 has 28 days"),
        ("29/02/2027", "'29/02/2027' is not a date: February 2027 has 28 days"),
        ("01/13/2026", "there is no month 13 (dates are read day first, never month first)"),
        ("0/1/2026", "there is no day 0"),
        ("01/01/0000", "there is no year 0"),  # not a crash
        ("1 Decembre 2026", "'decembre' is not a month"),
        ("2026", "'2026' is not a date"),  # a number, but no date a register holds
        ("20261201", "'20261201' is not a date"),
        ("next week", "'next week' is not a date"),
    ],
)
def test_an_impossible_or_unreadable_date_says_why_and_what_to_write(text, why):
    with pytest.raises(NotADate) as refused:
        read_date(text)
    assert why in str(refused.value)
    assert str(refused.value).endswith(f"; use {FORMATS}")


NUMBER = st.integers(0, 40).map(str) | st.integers(0, 40).map("{:02d}".format)
YEAR = st.integers(0, 9999).map("{:04d}".format) | st.integers(0, 99).map("{:02d}".format)
MONTH = NUMBER | st.sampled_from(["Jan", "sept", "December", "Dex", "feb."])
DATE_LIKE = st.builds(
    lambda parts, separator: separator.join(parts),
    st.tuples(NUMBER, MONTH, YEAR) | st.tuples(YEAR, NUMBER, NUMBER),
    st.sampled_from(["/", "-", ".", " "]),
)


@settings(max_examples=500)
@given(st.text(max_size=30) | DATE_LIKE)
def test_any_text_is_a_date_or_a_problem_never_a_crash(text):
    try:
        assert isinstance(read_date(text), date)
    except NotADate as refused:
        assert str(refused).endswith(f"; use {FORMATS}")


def manifest_csv(school, received: list[str], *, separator: str = ",") -> bytes:
    lines = [separator.join(("serial_number", "kind", "make", "model", "holder", "received_on"))]
    lines += [
        separator.join((f"UK-{n}", "laptop", "Dell", "Latitude 3190", school.urn, day))
        for n, day in enumerate(received)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def received_dates(session: Session) -> list[date]:
    session.expire_all()
    return list(session.exec(select(Device.received_on).order_by(Device.serial_number)))


def test_a_manifest_with_uk_dates_imports_them_day_first(client, session, school, headers):
    days = ["01/12/2026", "12/01/2026", "3 Feb 2026", "4 March 2026", "05.06.26"]
    response = upload(client, "manifest", manifest_csv(school, days), headers)
    assert response.status_code == 200, response.text
    assert received_dates(session) == [
        date(2026, 12, 1), date(2026, 1, 12), date(2026, 2, 3), date(2026, 3, 4),
        date(2026, 6, 5),
    ]  # fmt: skip


def test_an_impossible_date_is_a_problem_naming_row_column_and_format(
    client, session, school, headers
):
    data = manifest_csv(school, ["01/02/2026", "31/02/2026", "02/13/2026"])
    response = upload(client, "manifest", data, headers)
    assert response.status_code == 422
    problems = [(p["row"], p["column"], p["message"]) for p in response.json()["problems"]]
    assert problems == [
        (3, "received_on", f"'31/02/2026' is not a date: February 2026 has 28 days; use {FORMATS}"),
        (4, "received_on", "'02/13/2026' is not a date: there is no month 13 (dates are read "
         f"day first, never month first); use {FORMATS}"),
    ]  # fmt: skip
    assert counts(session)["Device"] == 0


def test_a_bad_date_for_a_device_its_dongle_and_sim_is_one_problem(client, school, headers):
    data = (
        "serial_number,kind,make,model,holder,received_on,dongle_imei,sim_iccid,network_operator\n"
        f"D-1,laptop,Dell,3190,{school.urn},1 Dex 2026,359999000000099,8944999900000000099,EE\n"
    )
    problems = upload(client, "manifest", data.encode(), headers).json()["problems"]
    assert [(p["row"], p["column"], p["message"]) for p in problems] == [
        (2, "received_on", f"'1 Dex 2026' is not a date: 'dex' is not a month; use {FORMATS}")
    ]


def test_an_xlsx_date_cell_or_a_date_serial_number_imports_as_that_date(
    client, session, school, headers
):
    workbook, buffer = Workbook(), io.BytesIO()
    sheet = workbook.active
    sheet.append(["serial_number", "kind", "make", "model", "holder", "received_on"])
    sheet.append(["XL-1", "laptop", "Dell", "3190", school.urn, datetime(2026, 12, 1)])
    sheet.append(["XL-2", "laptop", "Dell", "3190", school.urn, 46023])  # formatting lost
    sheet.append(["XL-3", "laptop", "Dell", "3190", school.urn, "12/01/2026"])  # typed as text
    sheet.append(["XL-4", "laptop", "Dell", "3190", school.urn, datetime(2026, 2, 3, 9, 30)])
    workbook.save(buffer)
    response = upload(client, "manifest", buffer.getvalue(), headers, filename="delivery.xlsx")
    assert response.status_code == 200, response.text
    assert received_dates(session) == [
        date(2026, 12, 1), date(2026, 1, 1), date(2026, 1, 12), date(2026, 2, 3),
    ]  # fmt: skip


def test_usage_readings_take_uk_dates_too(client, session, school, headers):
    _dongle, sim = make_dongle_with_sim(session, holder=school)
    data = f"iccid,read_on,used_mb\n{sim.iccid},02/03/2026,300\n{sim.iccid},3 Mar 2026,400\n"
    response = upload(client, "usage", data.encode(), headers)
    assert response.json() == {"added": 2, "updated": 0, "unchanged": 0}, response.text
    readings = session.exec(select(DataUsage.read_on).order_by(DataUsage.read_on)).all()
    assert readings == [date(2026, 3, 2), date(2026, 3, 3)]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_file_separated_by_semicolons_or_tabs_imports_like_commas(
    client, session, school, headers, separator
):
    data = manifest_csv(school, ["01/12/2026", "2 Dec 2026"], separator=separator)
    data = data.replace(b"Latitude 3190", b'"Latitude 3190; 4G, touch"')  # quoted separators
    response = upload(client, "manifest", data, headers)
    assert response.status_code == 200, response.text
    assert response.json()["devices_added"] == 2
    models = session.exec(select(Device.model)).all()
    assert models == ["Latitude 3190; 4G, touch"] * 2


def test_a_header_that_does_not_match_says_what_was_expected_and_what_was_found(
    client, school, headers
):
    data = f"serial|kind|holder|received_on\nA|laptop|{school.urn}|01/12/2026\n".encode()
    problems = upload(client, "manifest", data, headers).json()["problems"]
    summary = problems[0]
    assert (summary["row"], summary["column"]) == (1, "-")
    assert summary["message"].startswith(
        "the header does not match: expected holder, received_on (required), serial_number, "
        "kind, make, model, asset_tag,"
    )
    assert summary["message"].endswith(
        "found 1 column, serial|kind|holder|received_on: "
        "separate the columns with commas, semicolons or tabs"
    )
    data = b"serial;kind;holder;recieved_on\nA;laptop;1;01/12/2026\n"
    problems = upload(client, "manifest", data, headers).json()["problems"]
    assert problems[0]["message"].endswith(
        "found 4 columns, separated by semicolons: serial, kind, holder, recieved_on"
    )
    assert [(p["column"], p["message"]) for p in problems[1:]] == [
        ("received_on", "column is missing from the header"),
        ("serial", "is not a column we know; did you mean serial_number?"),
        ("recieved_on", "is not a column we know; did you mean received_on?"),
    ]


def test_a_usage_file_without_a_used_column_says_so_beside_what_it_expected(
    client, school, headers
):
    data = b"iccid\tread_on\tused\n8944100000000000001\t01/12/2026\t3\n"
    problems = upload(client, "usage", data, headers).json()["problems"]
    assert problems[0]["message"] == (
        "the header does not match: expected iccid, read_on (required), used_mb or used_gb "
        "(at least one); found 3 columns, separated by tabs: iccid, read_on, used"
    )
    assert [(p["column"], p["message"]) for p in problems[1:]] == [
        ("used_mb", "add a used_mb or used_gb column"),
        ("used", "is not a column we know; did you mean used_mb?"),
    ]


@pytest.mark.parametrize("separator", [",", ";"])
def test_a_csv_with_a_byte_order_mark_as_excel_saves_it_imports(
    client, session, school, headers, separator
):
    # holder first: a mark left on the header would make it "\ufeffholder", a missing column
    data = f"holder{separator}serial_number{separator}kind{separator}make{separator}model"
    data += f"{separator}received_on\r\n{school.urn}{separator}BOM-1{separator}laptop"
    data += f"{separator}Dell{separator}3190{separator}2026-12-01\r\n"
    response = upload(client, "manifest", b"\xef\xbb\xbf" + data.encode(), headers)
    assert response.status_code == 200, response.text
    assert received_dates(session) == [date(2026, 12, 1)]


def test_excels_unicode_text_export_utf_16_and_tab_separated_imports(
    client, session, school, headers
):
    _dongle, sim = make_dongle_with_sim(session, holder=school)
    text = f"iccid\tread_on\tused_gb\r\n{sim.iccid}\t02/03/2026\t1.5\r\n"
    response = upload(client, "usage", text.encode("utf-16"), headers, filename="usage.csv")
    assert response.json() == {"added": 1, "updated": 0, "unchanged": 0}, response.text
    assert session.exec(select(DataUsage.used_mb)).all() == [1536]
