"""All the app needs to know of notifications: its API routers, its page routers and its templates
folder (templates/notifications/ inside it: every template is `notifications/<page>.html`)."""

from pathlib import Path

from fastapi import APIRouter

from notifications.api import outbox, policies, twilio_hooks, whatsapp_templates
from notifications.pages import outbox as outbox_pages

API_ROUTERS: list[APIRouter] = [
    outbox.router,
    policies.router,
    twilio_hooks.router,
    whatsapp_templates.router,
]
PAGE_ROUTERS: list[APIRouter] = [outbox_pages.router]
TEMPLATES = Path(__file__).resolve().parent / "templates"
