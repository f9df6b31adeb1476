"""Data uplift requests: a school or council asks a mobile network for more data on a
family's own number. Staff see their organisation's requests; a network user sees only its
network's (a guessed id for another network is a 404, like a bad id)."""

from calendar import monthrange
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, update
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import Organisation, OrganisationKind, Role
from accounts.scoping import scoped
from devices.errors import flush_or_duplicate
from devices.models import Family, UpliftRequest, UpliftStatus
from devices.models.uplifts import OPEN_STATUSES
from devices.phone import to_e164
from devices.service.access import actor, require_writer
from devices.service.families import get_family
from devices.uplift_schemas import UpliftCreate, UpliftUpdate
from dfc.audit.models import AuditAction, SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Conflict, Forbidden, InvalidInput, NotFound
from dfc.i18n import N_
from dfc.listing import Page
from dfc.paging import Paging, listing
from notifications.models import Audience, Channel
from notifications.outbox import Recipient, enqueue
from notifications.templates import Template, register

SORTABLE = {
    "id": UpliftRequest.id,
    "created_at": UpliftRequest.created_at,
    "updated_at": UpliftRequest.updated_at,
    "status": UpliftRequest.status,
    "data_gb": UpliftRequest.data_gb,
}
COMPLETE_TEMPLATE = "uplift-complete"
register(
    {
        COMPLETE_TEMPLATE: Template(
            Audience.FAMILY,
            N_(
                "Devices for Children: %(network)s has added %(gb)s GB of extra mobile data "
                "to this phone, until %(date)s. Questions? Contact your child's school."
            ),
        ),
    }
)


def is_network(caller: Caller) -> bool:
    return caller.organisation_kind is OrganisationKind.NETWORK


def scoped_uplifts(statement: SelectOfScalar, caller: Caller) -> SelectOfScalar:
    """A network sees the requests made of it; everyone else those of the organisations
    they reach (a school its own, a council its schools', the scheme all)."""
    if is_network(caller):
        return statement.where(UpliftRequest.network_id == caller.organisation_id)
    return scoped(statement, caller, UpliftRequest.organisation_id)


def visible_uplifts(
    caller: Caller,
    *,
    status: UpliftStatus | None = None,
    network_id: int | None = None,
    organisation_id: int | None = None,
) -> SelectOfScalar[UpliftRequest]:
    statement = scoped_uplifts(select(UpliftRequest), caller)
    if status:
        statement = statement.where(UpliftRequest.status == status)
    if network_id:
        statement = statement.where(UpliftRequest.network_id == network_id)
    if organisation_id:
        statement = statement.where(UpliftRequest.organisation_id == organisation_id)
    return statement


def list_uplifts(
    session: Session,
    *,
    caller: Caller,
    paging: Paging,
    seen: Where,
    columns: tuple[str, ...],
    status: UpliftStatus | None = None,
    network_id: int | None = None,
    organisation_id: int | None = None,
) -> Any:
    """A page of requests (or every matching one as CSV), the families shown recorded in
    the access audit (a network reads account holders and numbers too)."""
    statement = visible_uplifts(
        caller, status=status, network_id=network_id, organisation_id=organisation_id
    )
    found = listing(
        session,
        statement,
        paging,
        sortable=SORTABLE,
        default_sort="-created_at",
        columns=columns,
        filename="uplift-requests.csv",
    )
    if isinstance(found, Page):
        shown: Any = {row.family_id for row in found.items}
        action = AuditAction.READ
    else:
        exported = statement.subquery()
        shown = set(session.scalars(select(exported.c.family_id).distinct()))
        action = AuditAction.EXPORT
    record_shown(
        session, caller, seen, action=action, subject_type=SubjectType.FAMILY, subjects=shown
    )
    return found


def show_uplift(session: Session, *, caller: Caller, uplift_id: int, seen: Where) -> UpliftRequest:
    uplift = get_uplift(session, caller=caller, uplift_id=uplift_id)
    record_shown(
        session, caller, seen, subject_type=SubjectType.FAMILY, subjects=[uplift.family_id]
    )
    return uplift


def get_uplift(session: Session, *, caller: Caller, uplift_id: int) -> UpliftRequest:
    statement = scoped_uplifts(select(UpliftRequest), caller)
    row = session.exec(statement.where(UpliftRequest.id == uplift_id)).one_or_none()
    if row is None:
        raise NotFound(f"No uplift request with id {uplift_id}")
    return row


def networks(session: Session) -> list[Organisation]:
    """Every mobile network requests can go to, by name."""
    statement = select(Organisation).where(Organisation.kind == OrganisationKind.NETWORK)
    return list(session.exec(statement.order_by(Organisation.name)).all())


def create_network(session: Session, *, caller: Caller, name: str) -> Organisation:
    """A mobile network, to which requests can go and whose users answer them."""
    if not caller.has_role(Role.SCHEME_ADMIN):
        raise Forbidden("Only a scheme admin can add a mobile network")
    network = Organisation(kind=OrganisationKind.NETWORK, name=name)
    session.add(network)
    session.flush()
    return network


def get_network(session: Session, network_id: int, *, field: str = "network_id") -> Organisation:
    network = session.get(Organisation, network_id)
    if network is None or network.kind is not OrganisationKind.NETWORK:
        raise InvalidInput(f"No mobile network with id {network_id}", field=field)
    return network


def uk_mobile(text: str) -> str:
    """The number in E.164, or a 422 saying it must be a UK mobile number."""
    try:
        number = to_e164(text)
    except ValueError:
        number = ""
    if not number.startswith("+447"):
        raise InvalidInput(
            f"{text!r} is not a UK mobile number; give it like 07700 900123",
            field="phone_number",
        )
    return number


def create_uplift(session: Session, *, caller: Caller, uplift_in: UpliftCreate) -> UpliftRequest:
    """A new request for a family the caller reaches. A second open request for the same
    number on the same network is refused, naming the first."""
    require_writer(caller)
    if is_network(caller):
        raise Forbidden("Networks answer uplift requests; schools and councils make them")
    family = get_family(session, caller=caller, family_id=uplift_in.family_id)
    get_network(session, uplift_in.network_id)
    number = uk_mobile(uplift_in.phone_number)
    open_one = session.exec(
        select(UpliftRequest.id).where(
            UpliftRequest.phone_number == number,
            UpliftRequest.network_id == uplift_in.network_id,
            UpliftRequest.status.in_(OPEN_STATUSES),
        )
    ).first()
    if open_one is not None:
        raise Conflict(f"This number already has an open request on this network ({open_one})")
    uplift = UpliftRequest(
        **uplift_in.model_dump(exclude={"phone_number"}),
        phone_number=number,
        organisation_id=family.school_id,
        requested_by=actor(caller),
    )
    session.add(uplift)
    flush_or_duplicate(session, "This number already has an open request on this network")
    return uplift


def _may_answer(caller: Caller) -> bool:
    return is_network(caller) or caller.has_role(Role.SCHEME_ADMIN)


def check_change(caller: Caller, uplift: UpliftRequest, status: UpliftStatus) -> str | None:
    """Why the caller may not move the request to `status` (None: they may). The network
    (or the scheme) answers; the asking school or council may only cancel; a closed request
    stays closed."""
    if status == uplift.status:
        return None
    if uplift.status not in OPEN_STATUSES:
        return f"the request is already {uplift.status.value}"
    if not _may_answer(caller) and status is not UpliftStatus.CANCELLED:
        return "only the network can set this status; you can cancel the request"
    if status is UpliftStatus.NEW:
        return "a request cannot go back to new"
    return None


def apply_change(
    session: Session,
    uplift: UpliftRequest,
    status: UpliftStatus,
    note: str | None,
    *,
    now: datetime | None = None,
) -> bool:
    """Sets the status (True if it changed); complete texts the family in their language."""
    now = now or utcnow()
    if note is not None and note != uplift.network_note:
        uplift.network_note = note or None
        uplift.updated_at = now
    if status == uplift.status:
        return False
    uplift.status = status
    uplift.updated_at = now
    if status is UpliftStatus.COMPLETE:
        uplift.completed_at = now
        _tell_family(session, uplift, now)
    session.add(uplift)
    return True


def update_uplift(
    session: Session, *, caller: Caller, uplift_id: int, update: UpliftUpdate
) -> UpliftRequest:
    if not (
        _may_answer(caller)
        or caller.is_integration
        or caller.has_role(Role.SCHOOL_STAFF, Role.COUNCIL_OFFICER)
    ):
        raise Forbidden("Support agents can look at uplift requests but not change them")
    uplift = get_uplift(session, caller=caller, uplift_id=uplift_id)
    problem = check_change(caller, uplift, update.status)
    if problem:
        raise Conflict(f"Cannot set the status to {update.status.value}: {problem}")
    apply_change(session, uplift, update.status, update.network_note)
    session.flush()
    return uplift


def add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, monthrange(year, month)[1]))


def _tell_family(session: Session, uplift: UpliftRequest, now: datetime) -> None:
    """The family hears, in their language, on the number that got the data; once only
    (the outbox key), however many times the network's file says complete."""
    family = session.get_one(Family, uplift.family_id)
    network = session.get_one(Organisation, uplift.network_id)
    enqueue(
        session,
        key=f"uplift-complete:{uplift.id}",
        template=COMPLETE_TEMPLATE,
        now=now,
        recipient=Recipient(
            Channel.SMS, uplift.phone_number, family.preferred_language, uplift.organisation_id
        ),
        context={
            "network": network.name,
            "gb": uplift.data_gb,
            "date": add_months(now.date(), uplift.months),
        },
    )


def erase_uplifts(session: Session, family_ids: list[int]) -> int:
    """Blanks the account holder, number and the network's note on the families' requests
    (family-contact); an open one is cancelled, as there is no number left to add data to.
    Network, amounts, status and dates stay for the figures."""
    still_open = UpliftRequest.status.in_(OPEN_STATUSES)
    return session.execute(
        update(UpliftRequest)
        .where(UpliftRequest.family_id.in_(family_ids))
        .values(
            account_holder_name="",
            phone_number="",
            network_note=None,
            status=case((still_open, UpliftStatus.CANCELLED.value), else_=UpliftRequest.status),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
