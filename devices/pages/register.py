"""Every staff page of the device register, under one router for the app."""

from pathlib import Path

from fastapi import APIRouter

from devices.pages import allocate, device_detail, device_list, families, imports, requests
from dfc.web.templating import add_template_dir

add_template_dir(Path(__file__).resolve().parent.parent / "templates")
router = APIRouter(include_in_schema=False)
for module in (device_list, allocate, device_detail, families, requests, imports):
    router.include_router(module.router)
