"""The app factory: one FastAPI app for the API, the web pages and the static assets."""

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from accounts import admin_pages
from accounts import api as accounts_api
from accounts import pages as accounts_pages
from devices.api import ROUTERS as DEVICE_ROUTERS
from devices.pages import register as register_pages
from dfc import health
from dfc.request_log import RequestLogMiddleware, configure_logging
from dfc.settings import get_settings
from dfc.web import error_handlers
from dfc.web.blank_filters import BlankFiltersMiddleware
from dfc.web.body_limit import BodyLimitMiddleware
from notifications import pages as notification_pages
from notifications.api import ROUTERS as NOTIFICATION_ROUTERS
from privacy import routes as privacy_routes
from reporting.dashboard import pages as outlook_pages
from support import desk_pages, follow_pages
from support import pages as support_pages
from support.api import ROUTERS as SUPPORT_ROUTERS

log = logging.getLogger(__name__)
APP_STATIC = Path(__file__).resolve().parent / "web" / "static"
# Every router of web pages; each of their forms is CSRF-checked (tests/test_pages.py).
PAGE_ROUTERS = [
    accounts_pages.router,
    admin_pages.router,
    register_pages.router,
    outlook_pages.router,
    notification_pages.router,
    support_pages.router,
    follow_pages.router,
    desk_pages.router,
    *privacy_routes.PAGE_ROUTERS,
]
API_ROUTERS = [
    health.router,
    accounts_api.router,
    *DEVICE_ROUTERS,
    *NOTIFICATION_ROUTERS,
    *SUPPORT_ROUTERS,
    *privacy_routes.API_ROUTERS,
]


def _mount_govuk_frontend(app: FastAPI, folder: Path) -> None:
    """GOV.UK Frontend's CSS, JavaScript, fonts and images, served by us (installed by make)."""
    if not (folder / "govuk-frontend.min.css").exists():
        log.warning(
            "GOV.UK Frontend not found in %s: run `make install`; pages will be unstyled", folder
        )
        return
    app.mount("/assets", StaticFiles(directory=folder / "assets"), name="govuk-assets")
    app.mount("/static/govuk", StaticFiles(directory=folder), name="govuk")


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.LOG_LEVEL)
    app = FastAPI(
        title="Devices for Children",
        summary="Laptops, 4G dongles, licences, support and alerts for a devices-for-children "
        "scheme",
        version="0.1.0",
        docs_url="/docs",
    )
    app.add_middleware(BodyLimitMiddleware)  # inside the request log, so a 413 is logged
    app.add_middleware(RequestLogMiddleware)
    app.add_middleware(BlankFiltersMiddleware)
    error_handlers.install(app)
    for router in API_ROUTERS + PAGE_ROUTERS:
        app.include_router(router)
    _mount_govuk_frontend(app, settings.GOVUK_FRONTEND_DIR)
    app.mount("/static/app", StaticFiles(directory=APP_STATIC), name="app-static")
    return app
