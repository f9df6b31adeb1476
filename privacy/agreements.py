"""Rules for information sharing agreements: who may record and read them, what makes one
valid, ending one early, and whether one is in force for an API key tied to it."""

from datetime import date

from sqlalchemy import Select, and_, case, func, literal, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from accounts import key_agreements
from accounts.models import ApiKey, Organisation, OrganisationKind, Role
from accounts.organisations import get_organisation
from accounts.scoping import scoped
from dfc import clock
from dfc.caller import Caller
from dfc.errors import Conflict, Forbidden, InvalidInput, NotFound
from dfc.personal_data.categories import DataCategory
from privacy.agreements_models import AgreementCreate, AgreementEnd, SharingAgreement

MANAGERS = (Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER)
PARTNER_KINDS = (OrganisationKind.TRUST, OrganisationKind.COUNCIL, OrganisationKind.SCHEME)
_Council = aliased(Organisation, name="council")
_Partner = aliased(Organisation, name="partner")
PARTNER = func.coalesce(_Partner.name, SharingAgreement.partner_name)
SORTABLE = {
    "id": SharingAgreement.id,
    "reference": SharingAgreement.reference,
    "council": _Council.name,
    "partner": PARTNER,
    "starts_on": SharingAgreement.starts_on,
    "ends_on": SharingAgreement.ends_on,
    "created_at": SharingAgreement.created_at,
}
STATUSES = ("not-started", "in-force", "ended")


class AgreementNotInForce(Forbidden):
    """The key is genuine, but the agreement it is tied to does not allow sharing today."""


def _require_manager(caller: Caller) -> None:
    if not caller.has_role(*MANAGERS):
        raise Forbidden("Only council officers and scheme admins manage sharing agreements")


def status_on(agreement: SharingAgreement, day: date) -> str:
    if day < agreement.starts_on:
        return "not-started"
    return "in-force" if day <= agreement.last_day else "ended"


def ended_text(agreement: SharingAgreement) -> str:
    """How an agreement ended, naming the date, for messages."""
    early = agreement.ended_early_on
    if early is not None and early <= agreement.ends_on:
        return f"which was ended early on {early.isoformat()}"
    return f"which ended on {agreement.ends_on.isoformat()}"


def visible_agreements(caller: Caller) -> Select:
    """The agreements of the councils the caller reaches."""
    return scoped(select(SharingAgreement), caller, SharingAgreement.council_id)


def agreement_summaries(
    caller: Caller,
    *,
    status: str | None = None,
    search: str | None = None,
    today: date | None = None,
) -> Select:
    """Agreements with their parties' names, for lists and CSV."""
    _require_manager(caller)
    today = today or clock.today()
    # The early end day is the first day out of force, so it is compared with "<".
    out_of_force = or_(
        SharingAgreement.ends_on < today,
        and_(
            SharingAgreement.ended_early_on.is_not(None),
            SharingAgreement.ended_early_on <= today,
        ),
    )
    statement = scoped(
        select(
            SharingAgreement.id,
            SharingAgreement.reference,
            SharingAgreement.council_id,
            _Council.name.label("council_name"),
            SharingAgreement.partner_id,
            PARTNER.label("partner"),
            SharingAgreement.purpose,
            SharingAgreement.categories,
            SharingAgreement.starts_on,
            SharingAgreement.ends_on,
            SharingAgreement.ended_early_on,
            SharingAgreement.created_at,
            case(
                (SharingAgreement.starts_on > today, literal("not-started")),
                (out_of_force, literal("ended")),
                else_=literal("in-force"),
            ).label("status"),
        )
        .join(_Council, _Council.id == SharingAgreement.council_id)
        .outerjoin(_Partner, _Partner.id == SharingAgreement.partner_id),
        caller,
        SharingAgreement.council_id,
    )
    if status == "not-started":
        statement = statement.where(SharingAgreement.starts_on > today)
    elif status == "ended":
        statement = statement.where(out_of_force)
    elif status == "in-force":
        statement = statement.where(SharingAgreement.starts_on <= today, ~out_of_force)
    if search:
        pattern = f"%{search.lower()}%"
        statement = statement.where(
            or_(
                func.lower(SharingAgreement.reference).like(pattern),
                func.lower(PARTNER).like(pattern),
                func.lower(SharingAgreement.purpose).like(pattern),
            )
        )
    return statement


def get_agreement(session: Session, *, caller: Caller, agreement_id: int) -> SharingAgreement:
    """The agreement if the caller reaches its council; another council's is a 404."""
    _require_manager(caller)
    found = session.exec(
        visible_agreements(caller).where(SharingAgreement.id == agreement_id)
    ).one_or_none()
    if found is None:
        raise NotFound(f"No sharing agreement with id {agreement_id}")
    return found


def _council_for(session: Session, caller: Caller, council_id: int | None) -> Organisation:
    if council_id is None:
        if caller.organisation_kind is not OrganisationKind.COUNCIL:
            raise InvalidInput("Choose the council that shares the data", field="council_id")
        council_id = caller.organisation_id
    try:
        return get_organisation(
            session, caller=caller, organisation_id=council_id, kind=OrganisationKind.COUNCIL
        )
    except NotFound:
        raise InvalidInput(f"No council with id {council_id}", field="council_id") from None


def _check_partner(session: Session, agreement_in: AgreementCreate, council_id: int) -> None:
    if (agreement_in.partner_id is None) == (agreement_in.partner_name is None):
        raise InvalidInput(
            "Choose the organisation the data is shared with, or enter its name (not both)",
            field="partner_id",
        )
    if agreement_in.partner_id is None:
        return
    # Any organisation may be a party: names of councils and trusts are public.
    partner = session.get(Organisation, agreement_in.partner_id)
    if partner is None:
        raise InvalidInput(f"No organisation with id {agreement_in.partner_id}", field="partner_id")
    if partner.id == council_id:
        raise InvalidInput("The other party must not be the council itself", field="partner_id")


def create_agreement(
    session: Session, *, caller: Caller, agreement_in: AgreementCreate
) -> SharingAgreement:
    """Records an agreement; refuses one whose end is not after its start, that covers no
    kind of data, or whose other party does not exist."""
    _require_manager(caller)
    council = _council_for(session, caller, agreement_in.council_id)
    if agreement_in.ends_on <= agreement_in.starts_on:
        raise InvalidInput("The end date must be after the start date", field="ends_on")
    if not agreement_in.categories:
        raise InvalidInput("Choose at least one kind of data", field="categories")
    _check_partner(session, agreement_in, council.id)
    taken = session.exec(
        select(SharingAgreement.id).where(
            SharingAgreement.council_id == council.id,
            SharingAgreement.reference == agreement_in.reference,
        )
    ).first()
    if taken is not None:
        raise Conflict(
            f"{council.name} already has an agreement with reference {agreement_in.reference}",
            field="reference",
        )
    agreement = SharingAgreement(
        **agreement_in.model_dump(exclude={"council_id", "categories"}),
        council_id=council.id,
        categories=[category.value for category in agreement_in.categories],
        recorded_by_id=caller.user_id,
    )
    nested = session.begin_nested()
    session.add(agreement)
    try:
        nested.commit()
    except IntegrityError:  # the same reference, recorded by another request just now
        nested.rollback()
        raise Conflict(
            f"{council.name} already has an agreement with reference {agreement_in.reference}",
            field="reference",
        ) from None
    return agreement


def end_agreement_early(
    session: Session, *, caller: Caller, agreement_id: int, end_in: AgreementEnd
) -> SharingAgreement:
    """Ends an agreement before its end date: from `end_in.on` it is no longer in force, and
    keys tied to it stop working."""
    agreement = get_agreement(session, caller=caller, agreement_id=agreement_id)
    if agreement.ended_early_on is not None:
        raise Conflict(
            f"Agreement {agreement.reference} was already ended on "
            f"{agreement.ended_early_on.isoformat()}"
        )
    if end_in.on > agreement.ends_on:
        raise InvalidInput(
            f"That is not early: the agreement's last day is {agreement.ends_on.isoformat()}",
            field="on",
        )
    agreement.ended_early_on = end_in.on
    agreement.end_reason = end_in.reason
    session.add(agreement)
    session.flush()
    return agreement


def agreement_choices(
    session: Session, *, caller: Caller, today: date | None = None
) -> list[SharingAgreement]:
    """Agreements a new API key may be tied to: those not yet ended, by reference."""
    today = today or clock.today()
    statement = (
        visible_agreements(caller)
        .where(SharingAgreement.ends_on >= today)
        .where(
            or_(
                SharingAgreement.ended_early_on.is_(None),
                SharingAgreement.ended_early_on > today,
            )
        )
        .order_by(SharingAgreement.reference, SharingAgreement.id)
    )
    return list(session.exec(statement).all())


def partner_choices(session: Session) -> list[Organisation]:
    """Organisations an agreement may be with: councils, trusts and the scheme."""
    return list(
        session.exec(
            select(Organisation)
            .where(Organisation.kind.in_(PARTNER_KINDS))
            .order_by(Organisation.kind, Organisation.name, Organisation.id)
        ).all()
    )


def keys_tied_to(session: Session, *, caller: Caller, agreement_id: int) -> list[ApiKey]:
    """The API keys (live or revoked) that work under an agreement, as the caller sees them."""
    statement = scoped(select(ApiKey), caller, ApiKey.organisation_id)
    statement = statement.where(ApiKey.agreement_id == agreement_id)
    return list(session.exec(statement.order_by(ApiKey.name, ApiKey.id)).all())


def partner_label(session: Session, agreement: SharingAgreement) -> str:
    if agreement.partner_id is None:
        return agreement.partner_name or ""
    partner = session.get(Organisation, agreement.partner_id)
    return partner.name if partner else f"organisation {agreement.partner_id}"


def check_key_agreement(
    session: Session,
    *,
    caller: Caller,
    agreement_id: int,
    key_organisation_id: int,
    today: date | None = None,
) -> SharingAgreement:
    """An agreement a key may be tied to: one the caller reaches, not yet ended, whose
    council is the key's organisation or the council of the key's school."""
    today = today or clock.today()
    try:
        agreement = get_agreement(session, caller=caller, agreement_id=agreement_id)
    except NotFound as missing:
        raise InvalidInput(missing.message, field="agreement_id") from None
    organisation = session.get(Organisation, key_organisation_id)
    if organisation is None or agreement.council_id not in (
        organisation.id,
        organisation.council_id,
    ):
        raise InvalidInput(
            f"Agreement {agreement.reference} is for another council: a key tied to it must "
            "act for that council or one of its schools",
            field="agreement_id",
        )
    if today > agreement.last_day:
        raise InvalidInput(
            f"Agreement {agreement.reference} {ended_text(agreement)}", field="agreement_id"
        )
    return agreement


def reach_of_key(
    session: Session, *, agreement_id: int, key_name: str, today: date | None = None
) -> frozenset[DataCategory]:
    """The kinds of data a key tied to an agreement may read today; AgreementNotInForce
    (403) before the agreement starts or after it ends."""
    today = today or clock.today()
    agreement = session.get(SharingAgreement, agreement_id)
    if agreement is None:  # agreements are never deleted; this is a broken database
        raise AgreementNotInForce(f"API key {key_name!r} is tied to an agreement that is gone")
    named = f"API key {key_name!r} is tied to information sharing agreement {agreement.reference}"
    if today < agreement.starts_on:
        raise AgreementNotInForce(
            f"{named}, which starts on {agreement.starts_on.isoformat()}: the key works from then"
        )
    if today > agreement.last_day:
        raise AgreementNotInForce(
            f"{named}, {ended_text(agreement)}: the key no longer reaches any data. "
            "Ask the council to tie it to an agreement in force."
        )
    return agreement.covered


class _Rules:
    """What accounts asks of agreements when it makes or checks an API key."""

    check_key_agreement = staticmethod(check_key_agreement)
    reach_of_key = staticmethod(reach_of_key)
    agreement_choices = staticmethod(agreement_choices)


key_agreements.use(_Rules())
