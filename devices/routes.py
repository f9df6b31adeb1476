"""All the app needs to know of devices: its API routers, its page routers and its templates
folder (templates/devices/ inside it, so every template is named `devices/<page>.html`)."""

from pathlib import Path

from fastapi import APIRouter

from devices.api import (
    acceptance,
    check_ins,
    connectivity,
    demand,
    families,
    family_texts,
    filtering,
    handover,
    handover_batches,
    imports,
    incidents,
    licences,
    loans,
    management,
    moves,
    reports,
    sim_loans,
    uplifts,
)
from devices.api import devices as devices_api
from devices.pages import acceptance as acceptance_page
from devices.pages import check_ins as check_in_pages
from devices.pages import filtering as filtering_pages
from devices.pages import handovers as handover_pages
from devices.pages import loan_agreements as loan_agreement_pages
from devices.pages import loans as loan_pages
from devices.pages import register, sim_loan_form, uplift_new
from devices.pages import sim_loans as sim_loan_pages
from devices.pages import uplifts as uplift_pages

API_ROUTERS: list[APIRouter] = [
    devices_api.router,
    acceptance.router,
    check_ins.router,
    handover.router,
    handover_batches.router,
    families.router,
    family_texts.router,
    filtering.router,
    licences.router,
    connectivity.router,
    demand.router,
    reports.router,
    management.router,
    imports.router,
    loans.router,
    moves.router,
    incidents.router,
    sim_loans.router,
    uplifts.router,
]
PAGE_ROUTERS: list[APIRouter] = [
    register.router,
    sim_loan_pages.router,
    sim_loan_form.router,
    uplift_pages.router,
    uplift_new.router,
    acceptance_page.router,
    filtering_pages.router,
    loan_pages.router,
    loan_agreement_pages.router,
    handover_pages.router,
    check_in_pages.router,
]
TEMPLATES = Path(__file__).resolve().parent / "templates"
