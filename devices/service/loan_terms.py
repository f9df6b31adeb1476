"""A council's loan terms: the current words for each kind of loan (its own latest version,
else the service's translated default), a new version when its officers edit them, and the
words behind any code an acceptance recorded."""

from dataclasses import dataclass

from sqlmodel import Session, func, select

from accounts.models import Organisation, Role
from devices.loan_terms import COUNCIL_PREFIX, DEFAULT_CODE, DEFAULT_TERMS
from devices.models import Allocation, LoanKind, LoanTerms
from devices.service.access import actor
from devices.service.safeguarding import council_of
from dfc.caller import Caller
from dfc.errors import Forbidden, InvalidInput

MOST_POINTS, LONGEST_POINT = 20, 500


@dataclass(frozen=True)
class Terms:
    """Words a family is shown: `translated` ones go through the catalogues (the default);
    a council's own are shown as written (staff write them in English)."""

    code: str
    points: list[str]
    translated: bool
    version: int | None = None  # a council's own version; None for the default


def kind_of(allocation: Allocation) -> LoanKind:
    return LoanKind.DEVICE_AND_DONGLE if allocation.dongle_id else LoanKind.DEVICE


def _latest(session: Session, council_id: int, kind: LoanKind) -> LoanTerms | None:
    return session.exec(
        select(LoanTerms)
        .where(LoanTerms.council_id == council_id, LoanTerms.kind == kind)
        .order_by(LoanTerms.version.desc())
    ).first()


def _points(body: str) -> list[str]:
    return [line.strip() for line in body.splitlines() if line.strip()]


def current(session: Session, council_id: int | None, kind: LoanKind) -> Terms:
    """The words a new agreement of `kind` uses in the council's schools."""
    own = _latest(session, council_id, kind) if council_id else None
    if own is None:
        code = DEFAULT_CODE[kind]
        return Terms(code, DEFAULT_TERMS[code], translated=True)
    return Terms(f"{COUNCIL_PREFIX}{own.id}", _points(own.body), False, own.version)


def terms_code_for(session: Session, allocation: Allocation) -> str:
    school = session.get(Organisation, allocation.school_id)
    council_id = (school.council_id or school.id) if school else None
    return current(session, council_id, kind_of(allocation)).code


def words_of(session: Session, code: str) -> Terms:
    """The words an acceptance's code names, as the family saw them."""
    if code.startswith(COUNCIL_PREFIX) and code[len(COUNCIL_PREFIX) :].isdigit():
        own = session.get(LoanTerms, int(code[len(COUNCIL_PREFIX) :]))
        if own is not None:
            return Terms(code, _points(own.body), False, own.version)
    return Terms(code, DEFAULT_TERMS.get(code, []), translated=True)


def council_terms(
    session: Session, caller: Caller, council_id: int | None = None
) -> tuple[Organisation, dict[LoanKind, Terms]]:
    """The council the caller means, with its current words for each kind of loan."""
    council = council_of(session, caller, council_id)
    return council, {kind: current(session, council.id, kind) for kind in LoanKind}


def save_version(
    session: Session, *, caller: Caller, kind: LoanKind, body: str, council_id: int | None = None
) -> LoanTerms:
    """A new version of the council's words for `kind` (its officers, or scheme admins);
    earlier versions stay, as families accepted them."""
    council = council_of(session, caller, council_id)
    own = caller.organisation_id == council.id and caller.has_role(Role.COUNCIL_OFFICER)
    if not (own or caller.has_role(Role.SCHEME_ADMIN)):
        raise Forbidden("Only the council's officers change its loan terms")
    points = _points(body)
    if not points:
        raise InvalidInput("Enter the terms, one point a line", field="body")
    if len(points) > MOST_POINTS or any(len(point) > LONGEST_POINT for point in points):
        raise InvalidInput(
            f"Keep the terms to {MOST_POINTS} points of up to {LONGEST_POINT} characters",
            field="body",
        )
    version = session.exec(
        select(func.coalesce(func.max(LoanTerms.version), 0)).where(
            LoanTerms.council_id == council.id, LoanTerms.kind == kind
        )
    ).one()
    terms = LoanTerms(
        council_id=council.id,
        kind=kind,
        version=version + 1,
        body="\n".join(points),
        created_by=actor(caller),
    )
    session.add(terms)
    session.flush()
    return terms
