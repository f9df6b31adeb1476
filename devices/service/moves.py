"""A family's move to another school: within a council, one action; between councils, an
offer the receiving council accepts (then it moves) or declines (nothing moves).

What goes with the family: its record (to the new school, perhaps under a new pupil
reference), all its allocations, the devices, dongles and SIMs of the open ones, licence
terms only those devices hold, its agreements and its tickets (FOLLOWERS). The old school
then reaches none of it: its pages answer 404. Ownership does not change: a move is not a
transfer (a school-owned device can be transferred afterwards)."""

from typing import Any

from fastapi.responses import StreamingResponse
from sqlalchemy import Select, case, exists, func, or_, true, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import Organisation, OrganisationKind, Role
from accounts.school_links import school_by_urn_or_id
from accounts.scoping import visible_organisations
from devices.models import (
    Allocation,
    Device,
    Dongle,
    Family,
    FamilyAcceptance,
    FamilyMove,
    Licence,
    LicenceSeat,
    MoveKind,
    MoveStatus,
    Sim,
)
from devices.models.moves import FOLLOWERS
from devices.move_schemas import MoveCreate
from devices.service.access import actor, require_writer
from devices.service.families import get_family, visible_families
from devices.service.move_sql import move_rows, record_moved
from dfc.audit.models import AuditAction, SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.clock import today
from dfc.db_types import utcnow
from dfc.errors import Conflict, Forbidden, InvalidInput, NotFound
from dfc.listing import Page
from dfc.paging import Paging, listing

DECIDERS = (Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER)
SORTABLE = {
    "id": FamilyMove.id,
    "moves_on": FamilyMove.moves_on,
    "offered_at": FamilyMove.offered_at,
    "status": FamilyMove.status,
}
CSV_COLUMNS = (
    "id", "family_id", "pupil_reference", "kind", "status", "from_school", "from_urn",
    "to_school", "to_urn", "moves_on", "offered_at", "decided_at",
)  # fmt: skip


def visible_moves(
    caller: Caller,
    *,
    status: MoveStatus | None = None,
    kind: MoveKind | None = None,
    direction: str | None = None,
) -> SelectOfScalar[FamilyMove]:
    """Moves from or to the caller's schools; `direction` "in" or "out" keeps one side."""
    statement = select(FamilyMove)
    if caller.organisation_kind is not OrganisationKind.SCHEME:
        reached = select(Organisation.id).where(visible_organisations(caller))
        incoming = or_(FamilyMove.to_school_id.in_(reached), FamilyMove.to_council_id.in_(reached))
        outgoing = FamilyMove.from_school_id.in_(reached)
        sides = {"in": incoming, "out": outgoing}
        statement = statement.where(sides.get(direction or "", or_(incoming, outgoing)))
    elif direction is not None:
        raise InvalidInput("direction is for councils and schools", field="direction")
    if status is not None:
        statement = statement.where(FamilyMove.status == status)
    if kind is not None:
        statement = statement.where(FamilyMove.kind == kind)
    return statement


def get_move(session: Session, *, caller: Caller, move_id: int) -> FamilyMove:
    found = session.exec(visible_moves(caller).where(FamilyMove.id == move_id)).one_or_none()
    if found is None:
        raise NotFound(f"No move with id {move_id}")
    return found


def family_ids_reached(session: Session, caller: Caller, moves: list[FamilyMove]) -> set[int]:
    """Which of these moves' families the caller reaches now: the old school sees that a
    family left, and where to, but no longer which family."""
    ids = {move.family_id for move in moves}
    if not ids:
        return set()
    statement = visible_families(caller).with_only_columns(Family.id).where(Family.id.in_(ids))
    return set(session.exec(statement))


def move_family(
    session: Session, *, caller: Caller, family_id: int, move_in: MoveCreate
) -> FamilyMove:
    """Moves the family now (same council) or offers it to the other council."""
    require_writer(caller)
    family = get_family(session, caller=caller, family_id=family_id)
    to_school = school_by_urn_or_id(session, urn=move_in.to_school_urn, field="to_school_urn")
    from_school = session.get(Organisation, family.school_id)
    if to_school.id == family.school_id:
        raise InvalidInput(f"The family is already at {to_school.name}", field="to_school_urn")
    moves_on = move_in.moves_on or today()
    if moves_on > today():
        raise InvalidInput("A move cannot be dated in the future", field="moves_on")
    pending = select(FamilyMove.id).where(
        FamilyMove.family_id == family.id, FamilyMove.status == MoveStatus.OFFERED
    )
    if session.exec(pending).first() is not None:
        raise Conflict("The family already has a move waiting for a council's answer")
    within = to_school.council_id == from_school.council_id
    move = FamilyMove(
        family_id=family.id,
        kind=MoveKind.WITHIN_COUNCIL if within else MoveKind.BETWEEN_COUNCILS,
        status=MoveStatus.OFFERED,
        from_school_id=from_school.id,
        to_school_id=to_school.id,
        from_council_id=from_school.council_id,
        to_council_id=to_school.council_id,
        new_pupil_reference=move_in.new_pupil_reference,
        moves_on=moves_on,
        offered_by=actor(caller),
    )
    session.add(move)
    session.flush()
    if within:
        _carry_out(session, caller=caller, move=move, family=family)
    return move


def _require_receiving(caller: Caller, move: FamilyMove) -> None:
    if not caller.has_role(*DECIDERS):
        raise Forbidden("Only the receiving council's officers can accept or decline a move")
    if caller.organisation_kind is OrganisationKind.SCHEME:
        return
    if caller.organisation_id != move.to_council_id:
        raise Forbidden("Only the receiving council can accept or decline this move")


def _require_offered(move: FamilyMove) -> None:
    if move.status is not MoveStatus.OFFERED:
        raise Conflict(f"Move {move.id} is {move.status.value}; only an offered move can change")


def accept_move(session: Session, *, caller: Caller, move_id: int) -> FamilyMove:
    """The receiving council accepts: the family and what it holds move now."""
    move = get_move(session, caller=caller, move_id=move_id)
    _require_receiving(caller, move)
    _require_offered(move)
    family = session.get(Family, move.family_id)
    _carry_out(session, caller=caller, move=move, family=family)
    return move


def decline_move(
    session: Session, *, caller: Caller, move_id: int, reason: str | None
) -> FamilyMove:
    """The receiving council declines: nothing moves; the family stays where it was."""
    move = get_move(session, caller=caller, move_id=move_id)
    _require_receiving(caller, move)
    _require_offered(move)
    _decide(move, caller, MoveStatus.DECLINED, reason)
    return move


def cancel_move(session: Session, *, caller: Caller, move_id: int) -> FamilyMove:
    """The sending side withdraws its offer before the other council answers."""
    require_writer(caller)
    move = get_move(session, caller=caller, move_id=move_id)
    _require_offered(move)
    sender = select(Organisation.id).where(
        visible_organisations(caller), Organisation.id == move.from_school_id
    )
    if session.exec(sender).first() is None:
        raise Forbidden("Only the sending school or its council can cancel the offer")
    _decide(move, caller, MoveStatus.CANCELLED, None)
    return move


def _decide(move: FamilyMove, caller: Caller, status: MoveStatus, reason: str | None) -> None:
    move.status = status
    move.decided_by = actor(caller)
    move.decided_at = utcnow()
    move.reason = reason


def _carry_out(session: Session, *, caller: Caller, move: FamilyMove, family: Family) -> None:
    """Moves the family and what it holds in one savepoint: all of it, or none."""
    to, source = move.to_school_id, move.from_school_id
    reference = move.new_pupil_reference or family.pupil_reference
    clash = select(Family.id).where(
        Family.school_id == to, Family.pupil_reference == reference, Family.id != family.id
    )
    if session.exec(clash).first() is not None:
        raise Conflict(
            f"The new school already has a family with pupil reference {reference}; "
            "give the family the new school's reference",
            field="new_pupil_reference",
        )
    with session.begin_nested():
        moved = _move_register(session, caller=caller, move=move, family=family, source=source)
        session.execute(
            update(Family)
            .where(Family.id == family.id)
            .values(school_id=to, pupil_reference=reference)
            .execution_options(synchronize_session=False)
        )
        for name, organisation_column, family_column in FOLLOWERS:
            moved[name] = move_rows(session, organisation_column, to, family_column == family.id)
        _decide(move, caller, MoveStatus.COMPLETED, None)
        move.moved = moved
        session.flush()
    session.expire(family)


def _move_register(
    session: Session, *, caller: Caller, move: FamilyMove, family: Family, source: int
) -> dict[str, Any]:
    to = move.to_school_id
    open_allocations = select(Allocation.device_id).where(
        Allocation.family_id == family.id, Allocation.returned_on.is_(None)
    )
    given = select(Device.id).where(
        or_(Device.id.in_(open_allocations), Device.owner_family_id == family.id)
    )
    device_ids = list(session.exec(given))
    dongle_ids = list(
        session.exec(
            select(Dongle.id).where(
                or_(
                    Dongle.id.in_(
                        select(Allocation.dongle_id).where(
                            Allocation.family_id == family.id, Allocation.returned_on.is_(None)
                        )
                    ),
                    Dongle.paired_device_id.in_(device_ids),
                )
            )
        )
    )
    # Licence terms the school holds whose every seat is on the devices that leave.
    other_seat = exists().where(
        LicenceSeat.licence_id == Licence.id, LicenceSeat.device_id.not_in(device_ids)
    )
    licence_ids = list(
        session.exec(
            select(Licence.id).where(
                Licence.organisation_id == source,
                Licence.id.in_(
                    select(LicenceSeat.licence_id).where(LicenceSeat.device_id.in_(device_ids))
                ),
                ~other_seat,
            )
        )
    )
    record_moved(
        session,
        device_ids=device_ids,
        actor=actor(caller),
        action="moved",
        when=utcnow(),
        to_holder_id=to,
        move_id=move.id,
    )
    return {
        "devices": move_rows(session, Device.holder_id, to, Device.id.in_(device_ids)),
        "dongles": move_rows(session, Dongle.holder_id, to, Dongle.id.in_(dongle_ids)),
        "sims": move_rows(session, Sim.holder_id, to, Sim.dongle_id.in_(dongle_ids)),
        "licences": move_rows(session, Licence.organisation_id, to, Licence.id.in_(licence_ids)),
        "allocations": move_rows(
            session, Allocation.school_id, to, Allocation.family_id == family.id
        ),
        "agreements": move_rows(
            session, FamilyAcceptance.organisation_id, to, FamilyAcceptance.family_id == family.id
        ),
    }


def count_offers_waiting(session: Session, *, caller: Caller) -> int:
    """Offers waiting for the caller's council to answer (for its pages)."""
    statement = visible_moves(caller, status=MoveStatus.OFFERED)
    if caller.organisation_kind is not OrganisationKind.SCHEME:
        statement = statement.where(FamilyMove.to_council_id == caller.organisation_id)
    counted = statement.with_only_columns(func.count(FamilyMove.id))
    return int(session.exec(counted).one())


def move_rows_for(
    caller: Caller,
    *,
    status: MoveStatus | None = None,
    kind: MoveKind | None = None,
    direction: str | None = None,
) -> tuple[Select[Any], Any]:
    """The moves list's rows: the schools by name and URN, and the family's id only where
    the caller still reaches the family (the old school sees that a family left, not which)."""
    source, target = aliased(Organisation), aliased(Organisation)
    if caller.organisation_kind is OrganisationKind.SCHEME:
        reached: Any = true()
    else:
        reachable = select(Organisation.id).where(visible_organisations(caller))
        reached = Family.school_id.in_(reachable)
    where = visible_moves(caller, status=status, kind=kind, direction=direction).whereclause
    statement = (
        sa_select(
            FamilyMove.id,
            case((reached, FamilyMove.family_id), else_=None).label("family_id"),
            case((reached, Family.pupil_reference), else_=None).label("pupil_reference"),
            FamilyMove.kind,
            FamilyMove.status,
            FamilyMove.from_school_id,
            source.name.label("from_school"),
            source.urn.label("from_urn"),
            FamilyMove.to_school_id,
            target.name.label("to_school"),
            target.urn.label("to_urn"),
            FamilyMove.from_council_id,
            FamilyMove.to_council_id,
            FamilyMove.moves_on,
            FamilyMove.offered_at,
            FamilyMove.decided_at,
            FamilyMove.moved,
        )
        .select_from(FamilyMove)
        .join(Family, Family.id == FamilyMove.family_id)
        .join(source, source.id == FamilyMove.from_school_id)
        .join(target, target.id == FamilyMove.to_school_id)
    )
    if where is not None:
        statement = statement.where(where)
    return statement, reached


def list_moves(
    session: Session, paging: Paging, *, caller: Caller, seen: Where, **filters: Any
) -> Page[Any] | StreamingResponse:
    """A page of moves (or all, as CSV); the families shown are recorded as read."""
    statement, reached = move_rows_for(caller, **filters)
    found = listing(
        session,
        statement,
        paging,
        sortable=SORTABLE,
        default_sort="-offered_at",
        columns=CSV_COLUMNS,
        filename="moves.csv",
    )
    if isinstance(found, StreamingResponse):
        shown = statement.where(reached).with_only_columns(Family.id)
        record_shown(
            session,
            caller,
            seen,
            action=AuditAction.EXPORT,
            subject_type=SubjectType.FAMILY,
            subjects=set(session.scalars(shown)),
        )
    else:
        ids = {row.family_id for row in found.items if row.family_id is not None}
        record_shown(session, caller, seen, subject_type=SubjectType.FAMILY, subjects=ids)
    return found


def show_move(session: Session, *, caller: Caller, move_id: int, seen: Where) -> Any:
    """One move as the list shows it (404 outside reach); its family recorded as read."""
    statement, _reached = move_rows_for(caller)
    row = session.execute(statement.where(FamilyMove.id == move_id)).one_or_none()
    if row is None:
        raise NotFound(f"No move with id {move_id}")
    if row.family_id is not None:
        record_shown(
            session, caller, seen, subject_type=SubjectType.FAMILY, subjects=[row.family_id]
        )
    return row
