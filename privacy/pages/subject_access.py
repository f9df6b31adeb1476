"""Subject access and erasure for council officers: search for a family by phone number or
pupil reference, read everything held about it (or download it as JSON), and erase it on
request after confirming. Every search, view, download and erasure is audited."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlmodel import Session, select

from accounts.deps import SessionDep
from accounts.staff import CouncilStaff
from devices.service.access import organisation_names, schools_reached
from dfc.audit.seen import Where
from dfc.caller import Caller
from dfc.errors import DomainError
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of, values_of
from dfc.web.templating import render
from privacy import erasure, family_search, subject_access
from privacy.models import AuditAction, ErasureReason, ErasureRecord

router = APIRouter(include_in_schema=False)
REASONS = {
    ErasureReason.NO_LONGER_NEEDED: "The data is no longer needed for the reason it was collected",
    ErasureReason.CONSENT_WITHDRAWN: "The family withdrew their consent",
    ErasureReason.OBJECTION: "The family objected, and there is no overriding reason to keep it",
    ErasureReason.UNLAWFUL: "The data was processed unlawfully",
    ErasureReason.LEGAL_OBLIGATION: "The council must erase it to meet a legal obligation",
}
TABLE_COUNTS = (
    ("ticket", "support tickets lose their phone number"),
    ("ticket_message", "ticket messages (the family's, replies and staff notes) lose their text"),
    ("ticket_language_change", "changes to a ticket's language lose their reason"),
    ("ticket_follow_code", "ticket codes are deleted"),
    ("outbox_message", "sent messages lose their recipient and text"),
    ("sms_opt_out", "opt-outs from texts are deleted"),
    ("text_consent_change", "the history of texts turned off and on is deleted"),
    ("ownership_transfer", "hand-overs lose how the family accepted the device"),
)


@router.get("/privacy/subject-access")
def search_page(
    request: Request,
    session: SessionDep,
    caller: CouncilStaff,
    phone: Annotated[str | None, Query(max_length=40)] = None,
    pupil_reference: Annotated[str | None, Query(max_length=50)] = None,
    school: int | None = None,
) -> Response:
    subject_access.require_officer(caller)
    values = {"phone": phone, "pupil_reference": pupil_reference, "school": school}
    context: dict[str, Any] = {
        "values": values,
        "schools": schools_reached(session, caller),
        "field_errors": {},
        "results": None,
    }
    status_code = 200
    if phone or pupil_reference:
        try:
            context["results"] = _search(session, caller, request, values)
        except DomainError as wrong:
            context["field_errors"] = problem_of(wrong)
            status_code = 400
    return render(
        request,
        "privacy/privacy_subject_search.html",
        context,
        caller=caller,
        staff=True,
        status_code=status_code,
    )


def _search(
    session: Session, caller: Caller, request: Request, values: dict[str, Any]
) -> list[dict[str, Any]]:
    return family_search.search_families(
        session,
        caller=caller,
        search=family_search.Search(
            phone=values["phone"],
            pupil_reference=values["pupil_reference"],
            school_id=values["school"],
        ),
        seen=Where.of(request),
    )


@router.get("/privacy/subject-access/family/{family_id}")
def family_page(
    request: Request,
    family_id: int,
    session: SessionDep,
    caller: CouncilStaff,
    format: Annotated[str, Query(pattern="^(html|json)$")] = "html",
) -> Response:
    family, export = subject_access.export_family(
        session,
        caller=caller,
        family_id=family_id,
        seen=Where.of(request),
        action=AuditAction.EXPORT if format == "json" else AuditAction.SUBJECT_ACCESS,
    )
    if format == "json":
        return JSONResponse(
            export.as_json(),
            headers={
                "Content-Disposition": f'attachment; filename="subject-access-{family_id}.json"'
            },
        )
    return render(
        request,
        "privacy/privacy_subject_family.html",
        {
            "export": export,
            "family": export.tables["family"][0],
            "school_name": organisation_names(session, caller, {family.school_id}).get(
                family.school_id, ""
            ),
            "titles": subject_access.TITLES,
            "erased": _erasure_of(session, family_id),
            "reasons": REASONS,
            "done": request.query_params.get("done") == "erased",
        },
        caller=caller,
        staff=True,
    )


def _erasure_of(session: Session, family_id: int) -> ErasureRecord | None:
    statement = select(ErasureRecord).where(ErasureRecord.family_id == family_id)
    return session.exec(statement).first()


def _erase_form(
    request: Request,
    session: Session,
    caller: Caller,
    family_id: int,
    *,
    values: dict[str, Any],
    field_errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    family, shared, export = erasure.preview(
        session, caller=caller, family_id=family_id, seen=Where.of(request)
    )
    return render(
        request,
        "privacy/privacy_erase.html",
        {
            "family": family,
            "counts": [(len(export.tables[name]), text) for name, text in TABLE_COUNTS],
            "open_allocations": sum(
                1 for row in export.tables["allocation"] if not row.get("returned_on")
            ),
            "erased": _erasure_of(session, family_id),
            "shared": shared,
            "reasons": REASONS,
            "values": values,
            "field_errors": field_errors,
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/privacy/subject-access/family/{family_id}/erase")
def erase_form(
    request: Request, family_id: int, session: SessionDep, caller: CouncilStaff
) -> Response:
    return _erase_form(request, session, caller, family_id, values={}, field_errors={})


@router.post("/privacy/subject-access/family/{family_id}/erase")
async def erase_submit(
    request: Request, _csrf: CsrfChecked, family_id: int, session: SessionDep, caller: CouncilStaff
) -> Response:
    values = {k: v for k, v in values_of(await request.form()).items() if isinstance(v, str)}
    errors: dict[str, str] = {}
    if values.get("reason") not in {reason.value for reason in ErasureReason}:
        errors["reason"] = "Choose why the family's data is being erased"
    if len(values.get("case_reference") or "") > 50:
        errors["case_reference"] = "Enter a case reference of up to 50 characters"
    if values.get("confirm") != "yes":
        errors["confirm"] = "Confirm that the family's personal data should be erased"
    status_code = 400
    if not errors:
        try:
            erasure.erase_family(
                session,
                caller=caller,
                family_id=family_id,
                reason=ErasureReason(values["reason"]),
                case_reference=values.get("case_reference"),
                where=Where.of(request),
            )
            session.commit()
            return RedirectResponse(
                f"/privacy/subject-access/family/{family_id}?done=erased", status_code=303
            )
        except DomainError as refused:
            session.rollback()
            if refused.status_code == 404:
                raise
            errors = {"form" if refused.field is None else refused.field: refused.message}
            status_code = refused.status_code
    return _erase_form(
        request,
        session,
        caller,
        family_id,
        values=values,
        field_errors=errors,
        status_code=status_code,
    )
