"""The data protection routers, collected here so the app factory includes them once."""

from fastapi import APIRouter

PAGE_ROUTERS: list[APIRouter] = []
API_ROUTERS: list[APIRouter] = []
