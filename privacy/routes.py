"""All the app needs to know of privacy: its API routers, its page routers and its templates
folder (templates/privacy/ inside it, so every template is named `privacy/<page>.html`)."""

from pathlib import Path

from fastapi import APIRouter

from privacy.api import agreements, subject_access
from privacy.pages import agreements as agreements_pages
from privacy.pages import audit as audit_pages
from privacy.pages import subject_access as subject_access_pages

API_ROUTERS: list[APIRouter] = [subject_access.router, agreements.router]
PAGE_ROUTERS: list[APIRouter] = [
    audit_pages.router,
    subject_access_pages.router,
    agreements_pages.router,
]
TEMPLATES = Path(__file__).resolve().parent / "templates"
