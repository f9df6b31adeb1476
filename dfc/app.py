"""The app factory: one FastAPI app for the API, the web pages and the static assets."""

import logging
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

import accounts.routes
import devices.routes
import notifications.routes
import privacy.routes
import reporting.routes
import support.routes
from dfc import health
from dfc.request_log import RequestLogMiddleware, configure_logging
from dfc.settings import get_settings
from dfc.web import error_handlers
from dfc.web.assets import APP_STATIC, CachedStaticFiles
from dfc.web.blank_filters import BlankFiltersMiddleware
from dfc.web.body_limit import BodyLimitMiddleware
from dfc.web.templating import add_template_dir

log = logging.getLogger(__name__)
# Each domain's routes.py says what it serves; the app only collects them.
DOMAINS = (
    accounts.routes,
    notifications.routes,
    devices.routes,
    support.routes,
    reporting.routes,
    privacy.routes,
)
# Every router of web pages; each of their forms is CSRF-checked (tests/test_pages.py).
PAGE_ROUTERS = [router for domain in DOMAINS for router in domain.PAGE_ROUTERS]
API_ROUTERS = [health.router, *(router for domain in DOMAINS for router in domain.API_ROUTERS)]
for domain in DOMAINS:
    add_template_dir(domain.TEMPLATES)


def _mount_govuk_frontend(app: FastAPI, folder: Path) -> None:
    """GOV.UK Frontend's CSS, JavaScript, fonts and images, served by us (installed by make)."""
    if not (folder / "govuk-frontend.min.css").exists():
        log.warning(
            "GOV.UK Frontend not found in %s: run `make install`; pages will be unstyled", folder
        )
        return
    app.mount("/assets", CachedStaticFiles(directory=folder / "assets"), name="govuk-assets")
    app.mount("/static/govuk", CachedStaticFiles(directory=folder), name="govuk")


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
    # Outermost: pages, JSON and CSS go out compressed (a staff list is ~10x smaller). A CSV
    # download still streams: each chunk is compressed and flushed as it is written.
    app.add_middleware(GZipMiddleware, minimum_size=500)
    error_handlers.install(app)
    for router in API_ROUTERS + PAGE_ROUTERS:
        app.include_router(router)
    _mount_govuk_frontend(app, settings.GOVUK_FRONTEND_DIR)
    app.mount("/static/app", CachedStaticFiles(directory=APP_STATIC), name="app-static")
    return app
