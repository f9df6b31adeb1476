"""The data protection routers, collected here so the app factory includes them once."""

from fastapi import APIRouter

from privacy import agreements_api, agreements_pages, audit_pages, subject_access_pages
from privacy import api as privacy_api

PAGE_ROUTERS: list[APIRouter] = [
    audit_pages.router,
    subject_access_pages.router,
    agreements_pages.router,
]
API_ROUTERS: list[APIRouter] = [privacy_api.router, agreements_api.router]
