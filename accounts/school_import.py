"""Importing schools from a CSV (urn, name, phase, la_code): every row is checked first,
every problem is reported by row and column, and either all rows are saved or none."""

from dataclasses import dataclass

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role, SchoolPhase
from accounts.schemas import LA_CODE_PATTERN, URN_PATTERN
from accounts.scoping import visible_organisations
from dfc.caller import Caller
from dfc.csv_import import ImportRejected, RowProblem, read_csv
from dfc.errors import Forbidden

COLUMNS = ("urn", "name", "phase", "la_code")
# Phase names as the DfE's Get Information About Schools writes them, mapped to ours.
PHASE_ALIASES = {
    "middle-deemed-primary": SchoolPhase.MIDDLE,
    "middle-deemed-secondary": SchoolPhase.MIDDLE,
    "16-plus": SchoolPhase.SIXTEEN_PLUS,
    "all-through": SchoolPhase.ALL_THROUGH,
    "pupil-referral-unit": SchoolPhase.ALTERNATIVE_PROVISION,
} | {phase.value: phase for phase in SchoolPhase}


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int
    unchanged: int


def _parse_phase(text: str) -> SchoolPhase | None:
    return PHASE_ALIASES.get("-".join(text.lower().replace("_", " ").split()))


def _councils_by_la_code(session: Session, caller: Caller | None) -> dict[str, Organisation]:
    statement = select(Organisation).where(Organisation.kind == OrganisationKind.COUNCIL)
    if caller is not None:
        statement = statement.where(visible_organisations(caller))
    return {council.la_code: council for council in session.exec(statement)}


def import_schools(session: Session, *, data: bytes | str, caller: Caller | None) -> ImportSummary:
    """Adds new schools and updates known ones by URN. `caller` None is the operator's
    command line, which may import for any council; otherwise only councils the caller sees."""
    if caller is not None and not caller.has_role(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER):
        raise Forbidden("Only scheme admins and council officers can import schools")
    rows = read_csv(data, required=COLUMNS)
    councils = _councils_by_la_code(session, caller)
    problems: list[RowProblem] = []
    parsed: dict[str, dict] = {}
    first_seen: dict[str, int] = {}
    for number, cells in rows:
        urn, name, phase_text, la_code = (cells[column] for column in COLUMNS)
        phase = _parse_phase(phase_text)
        if not URN_PATTERN.match(urn):
            problems.append(RowProblem(number, "urn", f"{urn!r} is not a URN (6 or 7 digits)"))
        elif urn in first_seen:
            problems.append(RowProblem(number, "urn", f"{urn} is also on row {first_seen[urn]}"))
        if not name:
            problems.append(RowProblem(number, "name", "is empty"))
        elif len(name) > 200:
            problems.append(RowProblem(number, "name", "is longer than 200 characters"))
        if phase is None:
            known = ", ".join(p.value for p in SchoolPhase)
            problems.append(RowProblem(number, "phase", f"{phase_text!r} is not one of: {known}"))
        if not LA_CODE_PATTERN.match(la_code):
            problems.append(RowProblem(number, "la_code", f"{la_code!r} is not a 3-digit LA code"))
        elif la_code not in councils:
            problems.append(
                RowProblem(number, "la_code", f"no council you manage has LA code {la_code}")
            )
        first_seen.setdefault(urn, number)
        parsed[urn] = {"row": number, "name": name, "phase": phase, "la_code": la_code}
    existing = {
        school.urn: school
        for school in session.exec(select(Organisation).where(Organisation.urn.in_(list(parsed))))
    }
    managed = {council.id for council in councils.values()}
    problems.extend(
        RowProblem(parsed[urn]["row"], "urn", f"{urn} is a school of a council you do not manage")
        for urn, school in existing.items()
        if school.council_id not in managed
    )
    if problems:
        raise ImportRejected(sorted(problems, key=lambda problem: problem.row))
    added = updated = unchanged = 0
    for urn, values in parsed.items():
        council_id = councils[values["la_code"]].id
        school = existing.get(urn)
        if school is None:
            session.add(
                Organisation(
                    kind=OrganisationKind.SCHOOL,
                    urn=urn,
                    name=values["name"],
                    phase=values["phase"],
                    council_id=council_id,
                )
            )
            added += 1
        elif (school.name, school.phase, school.council_id) != (
            values["name"],
            values["phase"],
            council_id,
        ):
            school.name, school.phase, school.council_id = (
                values["name"],
                values["phase"],
                council_id,
            )
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return ImportSummary(added=added, updated=updated, unchanged=unchanged)
