"""Uplift requests exchanged with a mobile network as CSV: an export of the new requests in
the network's columns (which marks them in progress), and an import of the network's status
file. The import is all or nothing (any bad row and nothing is saved, every problem named by
row and column) and idempotent (a row that says what the request already says changes
nothing, and the family is texted once)."""

from collections.abc import Iterator
from datetime import datetime

import phonenumbers
from sqlmodel import Session, select

from accounts.models import OrganisationKind, Role
from devices.models import UpliftRequest, UpliftStatus
from devices.service.uplifts import apply_change, check_change, get_network, scoped_uplifts
from dfc.audit.models import AuditAction, SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.csv_import import ImportRejected, Problems, RowProblem, read_csv
from dfc.db_types import utcnow
from dfc.errors import Forbidden

EXPORT_COLUMNS = (
    "request_id",
    "account_holder_name",
    "mobile_number",
    "contract_type",
    "data_gb",
    "months",
    "requested_on",
)
STATUS_COLUMNS = ("request_id", "status")  # and "note", if the network has something to say
MAX_STATUS_ROWS = 10_000


def network_for(session: Session, caller: Caller, network_id: int | None) -> int:
    """Which network's requests: a network user's own, or the one the scheme names."""
    if caller.organisation_kind is OrganisationKind.NETWORK:
        return caller.organisation_id
    if not caller.has_role(Role.SCHEME_ADMIN):
        raise Forbidden("Only the network or the scheme exchanges files with a network")
    if network_id is None:
        raise Forbidden("Name the network (network_id) whose file this is")
    return get_network(session, network_id).id or 0


def _national(number: str) -> str:
    parsed = phonenumbers.parse(number, "GB")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL).replace(
        " ", ""
    )


def export_new(
    session: Session,
    *,
    caller: Caller,
    network_id: int | None,
    seen: Where,
    now: datetime | None = None,
) -> list[list[str | int]]:
    """The network's new requests as rows of EXPORT_COLUMNS; each is now in progress, and
    the families' access audit records the export."""
    network = network_for(session, caller, network_id)
    now = now or utcnow()
    statement = scoped_uplifts(select(UpliftRequest), caller).where(
        UpliftRequest.network_id == network, UpliftRequest.status == UpliftStatus.NEW
    )
    rows = list(session.exec(statement.order_by(UpliftRequest.id).with_for_update()).all())
    lines: list[list[str | int]] = []
    for uplift in rows:
        lines.append(
            [
                uplift.id or 0,
                uplift.account_holder_name,
                _national(uplift.phone_number),
                uplift.contract_type.value.replace("-", "_"),
                uplift.data_gb,
                uplift.months,
                uplift.created_at.date().isoformat(),
            ]
        )
        uplift.status, uplift.exported_at, uplift.updated_at = UpliftStatus.IN_PROGRESS, now, now
        session.add(uplift)
    session.flush()
    families = {uplift.family_id for uplift in rows}
    record_shown(
        session,
        caller,
        seen,
        action=AuditAction.EXPORT,
        subject_type=SubjectType.FAMILY,
        subjects=families,
    )
    return lines


def _status(text: str) -> UpliftStatus | None:
    try:
        return UpliftStatus(text.strip().lower().replace("_", "-").replace(" ", "-"))
    except ValueError:
        return None


def _rows(data: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    rows = read_csv(data, required=STATUS_COLUMNS)
    if len(rows) > MAX_STATUS_ROWS:
        message = f"the file has {len(rows)} rows; send at most {MAX_STATUS_ROWS} at a time"
        raise ImportRejected([RowProblem(1, "-", message)])
    yield from rows


def import_statuses(
    session: Session, *, caller: Caller, network_id: int | None, data: bytes
) -> tuple[int, int]:
    """Applies the network's status file: (rows, rows that changed something). Any bad row
    and nothing is saved."""
    network = network_for(session, caller, network_id)
    rows = list(_rows(data))
    ids = {int(cells["request_id"]) for _, cells in rows if cells["request_id"].isdigit()}
    statement = scoped_uplifts(select(UpliftRequest), caller).where(
        UpliftRequest.network_id == network, UpliftRequest.id.in_(ids)
    )
    found = {u.id: u for u in session.exec(statement.with_for_update()).all()}
    problems, changes, seen = Problems(), [], set()
    for number, cells in rows:
        text = cells["request_id"]
        uplift = found.get(int(text)) if text.isdigit() else None
        if uplift is None:
            problems.add(RowProblem(number, "request_id", f"no request {text!r} on this network"))
            continue
        if uplift.id in seen:
            problems.add(RowProblem(number, "request_id", f"request {text} is in the file twice"))
            continue
        seen.add(uplift.id)
        status = _status(cells["status"])
        if status is None:
            allowed = ", ".join(s.value for s in UpliftStatus)
            problems.add(
                RowProblem(number, "status", f"{cells['status']!r} is not one of {allowed}")
            )
            continue
        problem = check_change(caller, uplift, status)
        if problem:
            problems.add(RowProblem(number, "status", problem))
            continue
        note = cells.get("note")
        if note is not None and len(note) > 500:
            problems.add(RowProblem(number, "note", "is longer than 500 characters"))
            continue
        changes.append((uplift, status, note))
    if problems:
        raise problems.rejected()
    now = utcnow()
    changed = sum(apply_change(session, u, s, n or None, now=now) for u, s, n in changes)
    session.flush()
    return len(rows), changed
