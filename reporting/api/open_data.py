"""The public open data endpoint: no sign-in, the latest month's files and every earlier
month's, only the files the publisher wrote. An unknown name, a month not published and
anything that looks like a path answer 404."""

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from dfc.errors import NotFound
from dfc.settings import get_settings
from reporting.open_data.catalogue import DATASET_NAMES
from reporting.open_data.metadata import LICENCE, UPDATE_FREQUENCY
from reporting.open_data.publish import DATAPACKAGE, README, published_file, published_months, root

router = APIRouter(prefix="/open-data", tags=["open data"])
MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
}
# Open data is for anyone: any site may fetch it, and caches may keep it for an hour.
HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=3600"}


def _base() -> Path:
    return root(get_settings())


def _serve(month: str, name: str) -> FileResponse:
    path = published_file(_base(), month, name)
    if path is None:
        raise NotFound(f"No open data file {name!r} for {month}; see /open-data for the list")
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=HEADERS)


def _month_files(month: str) -> dict[str, str]:
    names = [DATAPACKAGE, README] + [
        f"{dataset}.{suffix}" for dataset in DATASET_NAMES for suffix in ("csv", "json")
    ]
    base = _base()
    return {
        name: f"/open-data/{month}/{name}"
        for name in names
        if published_file(base, month, name) is not None
    }


@router.get("", summary="The open datasets and the months published (no sign-in)")
def index() -> dict[str, Any]:
    months = published_months(_base())
    latest = months[0] if months else None
    return {
        "licence": LICENCE,
        "update_frequency": UPDATE_FREQUENCY,
        "latest": latest,
        "datapackage": f"/open-data/latest/{DATAPACKAGE}" if latest else None,
        "datasets": [
            {
                "name": name,
                "csv": f"/open-data/latest/{name}.csv" if latest else None,
                "json": f"/open-data/latest/{name}.json" if latest else None,
            }
            for name in DATASET_NAMES
        ],
        "months": [{"month": month, "files": _month_files(month)} for month in months],
    }


@router.get("/latest/{name}", summary="A file of the latest month published (no sign-in)")
def latest_file(name: str) -> FileResponse:
    months = published_months(_base())
    if not months:
        raise NotFound("No open data has been published yet")
    return _serve(months[0], name)


@router.get("/{month}/{name}", summary="A file of a month published (no sign-in)")
def month_file(month: str, name: str) -> FileResponse:
    return _serve(month, name)
