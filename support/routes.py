"""All the app needs to know of support: its API routers, its page routers and its templates
folder (templates/support/ inside it, so every template is named `support/<page>.html`)."""

from pathlib import Path

from fastapi import APIRouter

from support.api import agents, contacts, inbound, public, ticket_files, ticket_language
from support.pages import attachments, desk, follow, help
from support.pages import contacts as contact_pages

API_ROUTERS: list[APIRouter] = [
    public.router,
    agents.router,
    ticket_language.router,
    ticket_files.router,
    contacts.router,
    inbound.router,
]
PAGE_ROUTERS: list[APIRouter] = [
    help.router,
    follow.router,
    desk.router,
    attachments.router,
    contact_pages.router,
]
TEMPLATES = Path(__file__).resolve().parent / "templates"
