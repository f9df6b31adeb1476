"""Reference data shipped with the service: the London councils and their codes."""

from importlib import resources

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind
from accounts.organisations import ensure_scheme
from dfc.csv_import import read_csv

LONDON_COUNCILS = "london_councils.csv"


def load_councils(session: Session, data: bytes | None = None) -> tuple[int, int]:
    """Adds or updates councils by GSS code; returns (added, updated). Safe to run again."""
    ensure_scheme(session)
    if data is None:
        data = resources.files("dfc.data").joinpath(LONDON_COUNCILS).read_bytes()
    rows = read_csv(data, required=("gss_code", "dfe_la_code", "name"))
    existing = {
        council.gss_code: council
        for council in session.exec(
            select(Organisation).where(Organisation.kind == OrganisationKind.COUNCIL)
        )
    }
    added = updated = 0
    for _number, cells in rows:
        values = {
            "name": cells["name"],
            "la_code": cells["dfe_la_code"],
            "inner_london": cells.get("inner_london", "").lower() == "true",
        }
        council = existing.get(cells["gss_code"])
        if council is None:
            session.add(
                Organisation(kind=OrganisationKind.COUNCIL, gss_code=cells["gss_code"], **values)
            )
            added += 1
        elif any(getattr(council, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(council, key, value)
            updated += 1
    session.flush()
    return added, updated
