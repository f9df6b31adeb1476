"""Safeguarding: the unfiltered devices, the council's safeguarding settings (its lead and
which of its managers filter the web) and routers' filtering reviews."""

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from accounts.deps import ApiCaller, SessionDep
from devices import filtering
from devices.models import CouncilSafeguarding
from devices.schemas import Public, StrictModel
from devices.service import safeguarding
from dfc import clock
from dfc.listing import Page
from dfc.paging import PagingDep, listing

router = APIRouter(prefix="/api", tags=["safeguarding"])
CouncilId = Annotated[int | None, Query(ge=1, description="for scheme administrators")]


class SafeguardingPublic(BaseModel):
    """`lead_email` is null while the council has no safeguarding lead."""

    council_id: int
    lead_name: str | None = None
    lead_email: str | None = None
    intune_filters: bool = False
    google_admin_filters: bool = False
    other_mdm_filters: bool = False
    updated_by: str | None = None
    updated_at: datetime | None = None


class FilteringReviewPublic(Public):
    id: int
    dongle_id: int
    sim_id: int
    replaced_sim_id: int | None
    flagged_on: date
    flagged_at: datetime
    flagged_by: str
    reviewed_at: datetime | None
    reviewed_by: str | None
    review_note: str | None


class ReviewConfirmed(StrictModel):
    note: str | None = Field(default=None, max_length=500)


def _settings(council_id: int, saved: CouncilSafeguarding | None) -> SafeguardingPublic:
    if saved is None:
        return SafeguardingPublic(council_id=council_id)
    return SafeguardingPublic.model_validate(saved, from_attributes=True)


@router.get("/reports/unfiltered", response_model=Page[dict[str, Any]])
def unfiltered_report(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    school_id: int | None = None,
    reason: filtering.Reason | None = None,
):
    """Devices with a child and no web filter licence or filtering management, and routers
    whose SIM was replaced and whose filtering is not yet reviewed. CSV with `format=csv`."""
    filters = filtering.Filters(school_id=school_id, reason=reason)
    statement = filtering.unfiltered(caller, today=clock.today(), filters=filters)
    columns = {column.name: column for column in statement.selected_columns}
    result = listing(
        session,
        statement,
        paging,
        sortable=columns,
        default_sort=filtering.DEFAULT_SORT,
        columns=list(columns),
        filename="unfiltered.csv",
        tiebreak=[columns["item"], columns["device_id"], columns["dongle_id"]],
    )
    if isinstance(result, Page):
        result.items = [dict(row._mapping) for row in result.items]
    return result


@router.get("/safeguarding")
def read_settings(
    session: SessionDep, caller: ApiCaller, council_id: CouncilId = None
) -> SafeguardingPublic:
    """The council's safeguarding lead and which of its managers filter the web."""
    council = safeguarding.council_of(session, caller, council_id)
    return _settings(council.id, safeguarding.settings_of(session, council.id))


@router.put("/safeguarding")
def set_settings(
    body: safeguarding.SafeguardingIn,
    session: SessionDep,
    caller: ApiCaller,
    council_id: CouncilId = None,
) -> SafeguardingPublic:
    """Sets the council's safeguarding lead (blank: nobody gets the digest) and which of its
    managers filter (council officers of that council, scheme administrators)."""
    council = safeguarding.council_of(session, caller, council_id)
    saved = safeguarding.set_settings(session, caller=caller, council=council, settings_in=body)
    session.commit()
    return _settings(council.id, saved)


@router.get("/dongles/{dongle_id}/filtering-reviews")
def list_reviews(
    dongle_id: int, session: SessionDep, caller: ApiCaller
) -> list[FilteringReviewPublic]:
    """A router's filtering reviews, newest first: each replaced SIM, and who confirmed it."""
    dongle = safeguarding.get_router(session, caller=caller, dongle_id=dongle_id)
    return [
        FilteringReviewPublic.model_validate(review)
        for review in safeguarding.reviews_of(session, dongle.id)
    ]


@router.post("/dongles/{dongle_id}/filtering-review")
def confirm_review(
    dongle_id: int, body: ReviewConfirmed, session: SessionDep, caller: ApiCaller
) -> list[FilteringReviewPublic]:
    """Confirms the router's filtering is in place after its SIM was replaced: closes its
    open reviews with who and when (409 if none is open)."""
    closed = safeguarding.confirm_review(
        session, caller=caller, dongle_id=dongle_id, note=body.note
    )
    session.commit()
    return [FilteringReviewPublic.model_validate(review) for review in closed]
