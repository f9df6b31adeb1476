"""Every staff page of the device register, under one router for the app."""

from fastapi import APIRouter

from devices.pages import (
    allocate,
    device_acceptance,
    device_detail,
    device_handover,
    device_list,
    families,
    family_channel,
    imports,
    incident_detail,
    incidents,
    management,
    moves,
    requests,
)

router = APIRouter(include_in_schema=False)
PAGES = (
    device_acceptance,
    device_handover,
    device_list,
    allocate,
    device_detail,
    families,
    family_channel,
    requests,
    imports,
    moves,
    incidents,
    incident_detail,
)
for module in (*PAGES, management):
    router.include_router(module.router)
