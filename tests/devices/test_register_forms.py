"""Requests for devices and manifest imports through the pages."""

from sqlmodel import select

from accounts.models import Role
from devices.imports.jobs import run_job
from devices.models import Device, DeviceRequest, ImportJob, RequestStatus
from tests.devices.test_imports import as_csv, many_devices
from tests.factories import make_council, make_school, make_user, sign_in_pages

HTML = {"Accept": "text/html"}


def _signed_in(session, client, role, *, at="school"):
    council = make_council(session)
    school = make_school(session, council=council)
    user = make_user(session, organisation=school if at == "school" else council, role=role)
    return school, sign_in_pages(client, session, user)


def test_a_school_requests_devices_and_its_council_decides(session, client):
    school, token = _signed_in(session, client, Role.SCHOOL_STAFF)
    form = {"csrf_token": token, "kind": "laptop", "quantity": "12", "reason": "12 pupils wait"}
    response = client.post("/requests/new", data=form, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/requests?done=requested")
    asked = session.exec(select(DeviceRequest)).one()
    assert (asked.school_id, asked.quantity, asked.status) == (
        school.id,
        12,
        RequestStatus.REQUESTED,
    )
    page = client.get("/requests").text
    assert "12 pupils wait" in page and "Decide" not in page
    refused = client.post(
        f"/requests/{asked.id}/decision", data={"csrf_token": token, "status": "approved"}
    )
    assert refused.status_code == 403, "schools cannot approve their own requests"

    officer = make_user(session, organisation=session.get(type(school), school.council_id),
                        role=Role.COUNCIL_OFFICER)  # fmt: skip
    client.cookies.clear()
    token = sign_in_pages(client, session, officer)
    too_many = {"csrf_token": token, "status": "fulfilled", "quantity_fulfilled": "13"}
    response = client.post(f"/requests/{asked.id}/decision", data=too_many)
    assert response.status_code == 400 and "More than the 12 asked for" in response.text
    done = {"csrf_token": token, "status": "fulfilled", "quantity_fulfilled": "10"}
    assert client.post(f"/requests/{asked.id}/decision", data=done).status_code == 200
    session.refresh(asked)
    assert (asked.status, asked.quantity_fulfilled) == (RequestStatus.FULFILLED, 10)


def test_a_request_form_with_problems_explains_each_and_saves_nothing(session, client):
    _school, token = _signed_in(session, client, Role.SCHOOL_STAFF)
    response = client.post(
        "/requests/new", data={"csrf_token": token, "kind": "toaster", "quantity": "0"}
    )
    assert response.status_code == 400
    for field in ("kind", "quantity", "reason"):
        assert f'href="#{field}"' in response.text and f'id="{field}-error"' in response.text
    assert session.exec(select(DeviceRequest)).all() == []


def test_a_manifest_upload_is_queued_and_its_page_shows_every_bad_row(session, client):
    school, token = _signed_in(session, client, Role.SCHOOL_STAFF)
    rows = many_devices(school, 5)
    rows[3]["kind"] = "toaster"
    response = client.post(
        "/imports",
        data={"csrf_token": token, "kind": "manifest"},
        files={"file": ("delivery.csv", as_csv(rows), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    job = session.exec(select(ImportJob)).one()
    assert response.headers["location"] == f"/imports/{job.id}"
    waiting = client.get(f"/imports/{job.id}").text
    assert "Waiting" in waiting and 'data-app-refresh="3"' in waiting
    run_job(session, job_id=job.id)  # what the worker runs (tested with a real worker elsewhere)
    page = client.get(f"/imports/{job.id}").text
    assert "Nothing was imported" in page and "toaster" in page
    assert "data-app-refresh" not in page
    assert session.exec(select(Device)).all() == []
    assert "delivery.csv" in client.get("/imports").text


def test_an_upload_without_a_file_or_of_the_wrong_type_is_explained(session, client):
    _school, token = _signed_in(session, client, Role.SCHOOL_STAFF)
    response = client.post("/imports", data={"csrf_token": token})
    assert response.status_code == 400
    assert 'href="#kind"' in response.text and 'href="#file"' in response.text
    response = client.post(
        "/imports",
        data={"csrf_token": token, "kind": "manifest"},
        files={"file": ("notes.txt", b"hello", "text/plain")},
    )
    assert response.status_code == 400 and "must be a CSV or an Excel" in response.text
    assert session.exec(select(ImportJob)).all() == []


def test_another_organisations_import_is_not_found(session, client):
    school, token = _signed_in(session, client, Role.SCHOOL_STAFF)
    client.post(
        "/imports",
        data={"csrf_token": token, "kind": "manifest"},
        files={"file": ("d.csv", as_csv(many_devices(school, 2)), "text/csv")},
    )
    job = session.exec(select(ImportJob)).one()
    client.cookies.clear()
    _other, _token = _signed_in(session, client, Role.SCHOOL_STAFF)
    assert client.get(f"/imports/{job.id}", headers=HTML).status_code == 404


def test_a_page_number_that_is_not_a_number_is_explained_not_a_500(session, client):
    _signed_in(session, client, Role.SCHOOL_STAFF)
    response = client.get("/imports?page=abc", headers=HTML)
    assert response.status_code == 400 and "page" in response.text
