"""All the app needs to know of accounts: its API routers, its page routers and its templates
folder (templates/accounts/ inside it, so every template is named `accounts/<page>.html`)."""

from pathlib import Path

from fastapi import APIRouter

from accounts.api import organisations
from accounts.pages import admin, sign_in

API_ROUTERS: list[APIRouter] = [organisations.router]
PAGE_ROUTERS: list[APIRouter] = [sign_in.router, admin.router]
TEMPLATES = Path(__file__).resolve().parent / "templates"
