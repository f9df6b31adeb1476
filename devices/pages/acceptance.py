"""The family's page behind an acceptance link (a handover, or a loan's agreement): the terms
in their language, and their answer.
The link works once and only for its family (whoever has it is that family: it came by text
to their phone), so the page shows no personal details beyond the device and the school."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from accounts.deps import SessionDep
from accounts.models import Organisation
from devices.acceptance_terms import TERMS_POINTS
from devices.models import AcceptancePurpose, Device, FamilyAcceptance
from devices.service import acceptance as service
from devices.service.loan_terms import words_of
from dfc.web.csrf import CsrfChecked
from dfc.web.templating import LANGUAGE_PARAMETER, render

router = APIRouter(include_in_schema=False)
ACCEPT, DECLINE = "accept", "decline"


def _terms_page(request: Request, session: SessionDep, found: FamilyAcceptance) -> Response:
    device = session.get(Device, found.device_id)
    school = session.get(Organisation, found.organisation_id)
    loan = found.purpose is AcceptancePurpose.LOAN
    # A council's own loan terms are shown as its staff wrote them (in English).
    terms = words_of(session, found.terms) if loan else None
    return render(
        request,
        "devices/acceptance.html",
        {
            "step": "terms",
            "loan": loan,
            "translated": terms.translated if terms else True,
            "points": terms.points if terms else TERMS_POINTS[found.terms],
            "device_name": (device.asset_tag or f"{device.make} {device.model}".strip())
            if device
            else "",
            "school": school.name if school else "",
        },
    )


@router.get(service.LINK_PATH + "{token}")
def terms(token: str, request: Request, session: SessionDep) -> Response:
    found = service.open_link(session, token)
    if found is None:
        return render(request, "devices/acceptance.html", {"step": "gone"}, status_code=404)
    if LANGUAGE_PARAMETER not in request.query_params:
        # In the family's language first; the switcher on the page offers the others.
        return RedirectResponse(
            f"{service.LINK_PATH}{token}?{LANGUAGE_PARAMETER}={found.language}", status_code=303
        )
    return _terms_page(request, session, found)


@router.post(service.LINK_PATH + "{token}")
def answer(
    token: str,
    request: Request,
    session: SessionDep,
    _csrf: CsrfChecked,
    choice: Annotated[str, Form()] = "",
) -> Response:
    if choice not in (ACCEPT, DECLINE):
        found = service.open_link(session, token)
        if found is None:
            return render(request, "devices/acceptance.html", {"step": "gone"}, status_code=404)
        return _terms_page(request, session, found)
    answered = service.answer_link(session, token, accepted=choice == ACCEPT)
    if answered is None:
        return render(request, "devices/acceptance.html", {"step": "gone"}, status_code=404)
    session.commit()
    step = "accepted" if choice == ACCEPT else "declined"
    loan = answered.purpose is AcceptancePurpose.LOAN
    return render(request, "devices/acceptance.html", {"step": step, "loan": loan})
