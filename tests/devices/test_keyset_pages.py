"""Deep pages of the device list by cursor: `next_after` from one page, sent back as
`after=`, gives exactly the next page that page numbers give, in the API and on the page,
and never reaches past the caller's own devices."""

import base64
import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from accounts.models import Role
from tests.devices.factories import make_device
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages


@pytest.fixture
def stock(session: Session, school) -> list[int]:
    """Seven devices, two received the same day (ties are settled by id)."""
    days = [3, 1, 4, 1, 5, 9, 2]
    return [
        make_device(
            session, holder=school, serial=f"K{n:02d}", received_on=date(2025, 1, 1) + timedelta(d)
        ).id
        for n, d in enumerate(days)
    ]


def walk(client, headers, **params) -> tuple[list[int], list[dict]]:
    """Every id, page by page, following next_after; and each page as answered."""
    ids, pages, after, page = [], [], None, 1
    while True:
        query = {"per_page": 3, "page": page, **params} | ({"after": after} if after else {})
        answer = client.get("/api/devices", params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append(body)
        ids += [item["id"] for item in body["items"]]
        after, page = body["next_after"], page + 1
        if not after:
            return ids, pages


def by_number(client, headers, **params) -> list[int]:
    ids = []
    for page in (1, 2, 3):
        answer = client.get(
            "/api/devices", params={"per_page": 3, "page": page, **params}, headers=headers
        )
        ids += [item["id"] for item in answer.json()["items"]]
    return ids


@pytest.mark.parametrize("sort", [None, "-serial_number", "received_on", "-received_on", "-id"])
def test_following_the_cursor_gives_the_same_rows_as_page_numbers(client, headers, stock, sort):
    params = {"sort": sort} if sort else {}
    ids, pages = walk(client, headers, **params)
    assert ids == by_number(client, headers, **params)
    assert sorted(ids) == sorted(stock)
    assert [page["total"] for page in pages] == [7, 7, 7]
    assert [page["page"] for page in pages] == [1, 2, 3]


def test_a_sort_on_a_column_that_may_be_empty_pages_by_number_only(client, headers, stock):
    first = client.get(
        "/api/devices", params={"per_page": 3, "sort": "warranty_ends_on"}, headers=headers
    ).json()
    assert first["next_after"] is None
    assert len(first["items"]) == 3 and first["pages"] == 3


def test_a_cursor_that_is_not_one_or_is_for_another_sort_is_422_naming_after(
    client, headers, stock
):
    first = client.get("/api/devices", params={"per_page": 3}, headers=headers).json()
    for params, says in (
        ({"after": "not-a-cursor"}, "start again from page 1"),
        ({"after": first["next_after"], "sort": "received_on"}, "start again from page 1"),
        ({"after": first["next_after"], "sort": "warranty_ends_on"}, "pages by number only"),
    ):
        answer = client.get("/api/devices", params=params, headers=headers)
        assert answer.status_code == 422
        assert answer.json()["field"] == "after"
        assert says in answer.json()["detail"]


@pytest.mark.parametrize(
    ("sort", "forged"),
    [
        (None, ["serial_number", 123, 1]),
        ("received_on", ["received_on", "not a date", 1]),
        ("received_on", ["received_on", {"date": "2025-13-45"}, 1]),
        ("id", ["id", "seven", 1]),
        ("status", ["status", "melted", 1]),
        (None, ["serial_number", "K01", "one"]),
        (None, ["serial_number", "K01", 2**70]),
    ],
)
def test_a_forged_cursor_is_422_not_a_database_error(client, headers, stock, sort, forged):
    raw = json.dumps(forged).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    params = {"after": cursor} | ({"sort": sort} if sort else {})
    answer = client.get("/api/devices", params=params, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "after"


def test_a_cursor_reads_only_the_callers_devices(client, session, school, headers, stock):
    elsewhere = make_school(session, council=make_council(session))
    theirs = {make_device(session, holder=elsewhere, serial=f"K{n:02d}X").id for n in range(4)}
    first = client.get("/api/devices", params={"per_page": 3}, headers=headers).json()
    stranger = make_user(session, organisation=elsewhere, role=Role.SCHOOL_STAFF)
    answer = client.get(
        "/api/devices",
        params={"per_page": 3, "after": first["next_after"]},
        headers=bearer(session, stranger),
    )
    assert answer.status_code == 200
    assert {item["id"] for item in answer.json()["items"]} <= theirs


def test_the_pages_next_link_carries_the_cursor_and_shows_the_next_devices(
    client, session, officer, stock
):
    sign_in_pages(client, session, officer)
    first = client.get("/devices?per_page=3")
    assert first.status_code == 200
    assert "K00" in first.text and "K03" not in first.text
    next_link = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert "after=" in next_link and "page=2" in next_link
    second = client.get(next_link.replace("&amp;", "&"))
    assert second.status_code == 200
    assert "K03" in second.text and "K05" in second.text and "K00" not in second.text
    # Page numbers are plain links: a cursor belongs to the Next link alone.
    assert 'href="/devices?per_page=3&amp;page=1"' in second.text
