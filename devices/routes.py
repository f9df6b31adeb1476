"""All the app needs to know of devices: its API routers, its page routers and its templates
folder (templates/devices/ inside it, so every template is named `devices/<page>.html`)."""

from pathlib import Path

from fastapi import APIRouter

from devices.api import (
    acceptance,
    connectivity,
    demand,
    families,
    family_texts,
    filtering,
    handover,
    imports,
    incidents,
    licences,
    management,
    reports,
)
from devices.api import devices as devices_api
from devices.pages import acceptance as acceptance_page
from devices.pages import filtering as filtering_pages
from devices.pages import register

API_ROUTERS: list[APIRouter] = [
    devices_api.router,
    acceptance.router,
    handover.router,
    families.router,
    family_texts.router,
    filtering.router,
    licences.router,
    connectivity.router,
    demand.router,
    reports.router,
    management.router,
    imports.router,
    incidents.router,
]
PAGE_ROUTERS: list[APIRouter] = [register.router, acceptance_page.router, filtering_pages.router]
TEMPLATES = Path(__file__).resolve().parent / "templates"
