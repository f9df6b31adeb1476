"""Devices: list, read, add, change, and their history."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["devices"])
