"""A council's safeguarding settings (its lead, who gets the daily list of unfiltered
devices, and which of its managers filter the web), and the filtering review a router's
new SIM opens until a member of staff confirms it."""

from dataclasses import dataclass

from pydantic import BaseModel, EmailStr, Field, field_validator
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role
from devices.models import CouncilSafeguarding, Device, Dongle, FilteringReview, Sim
from devices.models.connectivity import DongleKind
from devices.service import events
from devices.service.access import actor, get_scoped, reachable_organisation, require_writer
from dfc import clock
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Conflict, Forbidden, InvalidInput

SIM_REPLACED = "filtering-review-flagged"
REVIEWED = "filtering-reviewed"


class SafeguardingIn(BaseModel):
    """The settings form and API body. A blank lead means nobody gets the digest."""

    lead_name: str | None = Field(default=None, max_length=200)
    lead_email: EmailStr | None = None
    intune_filters: bool = False
    google_admin_filters: bool = False
    other_mdm_filters: bool = False

    @field_validator("lead_name", "lead_email", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return value.strip() or None if isinstance(value, str) else value


@dataclass(frozen=True)
class Lead:
    name: str | None
    email: str


def settings_of(session: Session, council_id: int) -> CouncilSafeguarding | None:
    statement = select(CouncilSafeguarding).where(CouncilSafeguarding.council_id == council_id)
    return session.exec(statement).one_or_none()


def lead_of(session: Session, council_id: int) -> Lead | None:
    """The council's safeguarding lead, or None if it set none."""
    saved = settings_of(session, council_id)
    if saved is None or not saved.lead_email:
        return None
    return Lead(saved.lead_name, saved.lead_email)


def council_of(session: Session, caller: Caller, council_id: int | None = None) -> Organisation:
    """The council whose settings the caller means: their own, or for a scheme
    administrator the one named. A school's staff see their council's."""
    if caller.organisation_kind is OrganisationKind.SCHEME:
        if council_id is None:
            raise InvalidInput("Choose a council", field="council_id")
        council = reachable_organisation(session, caller, council_id, "council_id")
        if council.kind is not OrganisationKind.COUNCIL:
            raise InvalidInput(f"Organisation {council_id} is not a council", field="council_id")
        return council
    own = session.get(Organisation, caller.organisation_id)
    if own is not None and own.kind is OrganisationKind.COUNCIL:
        return own
    if own is not None and own.council_id is not None:
        return session.get(Organisation, own.council_id)
    raise InvalidInput("Your organisation belongs to no council", field="council_id")


def set_settings(
    session: Session, *, caller: Caller, council: Organisation, settings_in: SafeguardingIn
) -> CouncilSafeguarding:
    """Saves the council's lead and which of its managers filter (council officers of that
    council and scheme administrators only)."""
    own = caller.organisation_id == council.id and caller.has_role(Role.COUNCIL_OFFICER)
    if not (own or caller.has_role(Role.SCHEME_ADMIN)):
        raise Forbidden("Only the council's officers set its safeguarding lead")
    if settings_in.lead_name and not settings_in.lead_email:
        raise InvalidInput("Enter the safeguarding lead's email address", field="lead_email")
    saved = settings_of(session, council.id) or CouncilSafeguarding(
        council_id=council.id, updated_by=actor(caller)
    )
    for name, value in settings_in.model_dump().items():
        setattr(saved, name, value)
    saved.updated_by, saved.updated_at = actor(caller), utcnow()
    session.add(saved)
    session.flush()
    return saved


def flag_sim_replaced(session: Session, *, caller: Caller, dongle: Dongle, sim: Sim) -> None:
    """A router given a new SIM after an earlier one needs its filtering checked again (the
    network's content bar goes with the SIM). A dongle's traffic is its own device's, which
    its licence or management filters, so only routers are flagged."""
    if dongle.kind is not DongleKind.ROUTER:
        return
    earlier = session.exec(
        select(Sim.id)
        .where(Sim.dongle_id == dongle.id, Sim.id != sim.id)
        .order_by(Sim.contract_starts_on.desc(), Sim.id.desc())
    ).first()
    if earlier is None:
        return  # its first SIM: nothing was replaced
    session.add(
        FilteringReview(
            dongle_id=dongle.id,
            sim_id=sim.id,
            replaced_sim_id=earlier,
            flagged_on=clock.today(),
            flagged_by=actor(caller),
        )
    )
    _record(session, caller, dongle, SIM_REPLACED, {"sim": sim.iccid})


def get_router(session: Session, *, caller: Caller, dongle_id: int) -> Dongle:
    return get_scoped(session, caller, Dongle, dongle_id, Dongle.holder_id, "router")


def open_reviews(session: Session, dongle_id: int) -> list[FilteringReview]:
    statement = select(FilteringReview).where(
        FilteringReview.dongle_id == dongle_id, FilteringReview.reviewed_at.is_(None)
    )
    return list(session.exec(statement.order_by(FilteringReview.id)).all())


def reviews_of(session: Session, dongle_id: int) -> list[FilteringReview]:
    statement = select(FilteringReview).where(FilteringReview.dongle_id == dongle_id)
    return list(session.exec(statement.order_by(FilteringReview.id.desc())).all())


def confirm_review(
    session: Session, *, caller: Caller, dongle_id: int, note: str | None = None
) -> list[FilteringReview]:
    """Staff confirm the router's filtering is in place: every open review on it is closed,
    with who and when. 409 when none is open."""
    require_writer(caller)
    dongle = get_router(session, caller=caller, dongle_id=dongle_id)
    found = open_reviews(session, dongle.id)
    if not found:
        raise Conflict(f"Router {dongle.imei} has no filtering review to confirm")
    note = (note or "").strip()[:500] or None
    now, who = utcnow(), actor(caller)
    for review in found:
        review.reviewed_at, review.reviewed_by, review.review_note = now, who, note
        session.add(review)
    _record(session, caller, dongle, REVIEWED, {"note": note} if note else {})
    session.flush()
    return found


def _record(session: Session, caller: Caller, dongle: Dongle, action: str, after: dict) -> None:
    """On the paired device's history, where staff look for what happened to its kit."""
    if dongle.paired_device_id is None:
        return
    device = session.get(Device, dongle.paired_device_id)
    events.record(
        session,
        device=device,
        caller=caller,
        action=action,
        before={},
        after={"router": dongle.imei} | after,
    )
