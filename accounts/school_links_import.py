"""Importing predecessor and successor links from the schools register's links file (Get
Information About Schools: URN, LinkURN, LinkType, LinkEstablishedDate): every row checked
first, each problem named by row and column, all saved or none. Links already recorded are
left as they are; both sides' rows of one link count once."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind
from accounts.school_links import MANAGERS, LinkKind, SchoolLink
from accounts.scoping import visible_organisations
from dfc.caller import Caller
from dfc.csv_import import ImportRejected, RowProblem, read_csv
from dfc.errors import Forbidden

COLUMNS = ("urn", "linkurn", "linktype", "linkestablisheddate")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")  # GIAS writes DD-MM-YYYY


@dataclass(frozen=True)
class LinksSummary:
    added: int
    already: int
    skipped: int  # "Other" and split-school links: not a successor taking over


def _kind(link_type: str) -> LinkKind | None:
    lowered = link_type.lower()
    if "split" in lowered or not lowered.startswith(("successor", "predecessor")):
        return None
    if "amalgamated" in lowered or "merged" in lowered:
        return LinkKind.MERGER
    return LinkKind.ACADEMY_CONVERSION


def _date(text: str) -> date | None:
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def import_school_links(
    session: Session, *, data: bytes | str, caller: Caller, actor: str
) -> LinksSummary:
    """Adds the links between schools the caller manages (either side in reach)."""
    if not caller.has_role(*MANAGERS):
        raise Forbidden("Only scheme admins and council officers can import school links")
    rows = read_csv(data, required=COLUMNS)
    urns = {cells[c] for _n, cells in rows for c in ("urn", "linkurn")}
    schools = {
        school.urn: school
        for school in session.exec(
            select(Organisation).where(
                Organisation.kind == OrganisationKind.SCHOOL, Organisation.urn.in_(urns)
            )
        )
    }
    reached = set(
        session.exec(
            select(Organisation.id).where(visible_organisations(caller), Organisation.urn.in_(urns))
        )
    )
    problems: list[RowProblem] = []
    wanted: dict[tuple[int, int], tuple[LinkKind, date]] = {}
    skipped = 0
    for number, cells in rows:
        kind = _kind(cells["linktype"])
        if kind is None:
            skipped += 1
            continue
        on = _date(cells["linkestablisheddate"])
        if on is None:
            problems.append(
                RowProblem(
                    number,
                    "linkestablisheddate",
                    f"{cells['linkestablisheddate']!r} "
                    "is not a date; use DD-MM-YYYY as the schools register does",
                )
            )
        found = [schools.get(cells[c]) for c in ("urn", "linkurn")]
        for column, school in zip(("urn", "linkurn"), found, strict=True):
            if school is None:
                problems.append(RowProblem(number, column, f"no school has URN {cells[column]}"))
        if None in found or on is None:
            continue
        this, other = found
        predecessor, successor = (
            (this, other) if cells["linktype"].lower().startswith("successor") else (other, this)
        )
        if predecessor.id not in reached and successor.id not in reached:
            problems.append(RowProblem(number, "urn", "neither school is one you manage"))
            continue
        wanted.setdefault((predecessor.id, successor.id), (kind, on))
    if problems:
        raise ImportRejected(sorted(problems, key=lambda problem: problem.row))
    known = set(
        session.exec(
            select(SchoolLink.predecessor_id, SchoolLink.successor_id).where(
                SchoolLink.predecessor_id.in_([p for p, _s in wanted])
            )
        )
    )
    by_id = {school.id: school for school in schools.values()}
    added = 0
    for (predecessor_id, successor_id), (kind, on) in wanted.items():
        if (predecessor_id, successor_id) in known:
            continue
        session.add(
            SchoolLink(
                predecessor_id=predecessor_id,
                successor_id=successor_id,
                kind=kind,
                linked_on=on,
                predecessor_urn=by_id[predecessor_id].urn or "",
                successor_urn=by_id[successor_id].urn or "",
                recorded_by=actor,
            )
        )
        added += 1
    session.flush()
    return LinksSummary(added=added, already=len(wanted) - added, skipped=skipped)
