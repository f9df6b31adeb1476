"""All the app needs to know of reporting: its API routers, its page routers and its templates
folder (templates/reporting/ inside it, so every template is named `reporting/<page>.html`)."""

from pathlib import Path

from fastapi import APIRouter

from reporting.api import dashboard as dashboard_api
from reporting.api import open_data
from reporting.pages import dashboard

API_ROUTERS: list[APIRouter] = [open_data.router, dashboard_api.router]
PAGE_ROUTERS: list[APIRouter] = [dashboard.router]
TEMPLATES = Path(__file__).resolve().parent / "templates"
