"""Which figures an import changes: those of the councils whose schools the uploader
reaches (a school's own council, a council itself, each council of a trust's academies),
or every council's, for an import made for the whole scheme or before the first nightly
run (the scheme's figures would otherwise add up some councils and not others)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from accounts.scoping import visible_organisations
from devices.models import ImportJob, ImportStatus
from dfc.caller import Caller, Role
from reporting.dashboard.summary_models import DashboardHeadline


@dataclass(frozen=True)
class Councils:
    """The councils to compute again: none, some (by id), or all (`everything`)."""

    ids: tuple[int, ...] = ()
    everything: bool = False


def councils_of_import(session: Session, *, job_id: int) -> Councils:
    """The councils whose figures job `job_id` may have changed; none unless it succeeded."""
    job = session.get(ImportJob, job_id)
    if job is None or job.status is not ImportStatus.SUCCEEDED:
        return Councils()
    organisation = session.get(Organisation, job.organisation_id)
    if organisation is None:
        return Councils()
    computed = session.execute(select(DashboardHeadline.organisation_id).limit(1)).first()
    if organisation.kind is OrganisationKind.SCHEME or computed is None:
        return Councils(everything=True)
    if organisation.kind is OrganisationKind.COUNCIL:
        return Councils(ids=(organisation.id or 0,))
    uploader = Caller(organisation.id or 0, organisation.kind, organisation.name, Role.SCHOOL_STAFF)
    ids = session.scalars(
        select(Organisation.council_id)
        .where(visible_organisations(uploader), Organisation.council_id.is_not(None))
        .distinct()
        .order_by(Organisation.council_id)
    ).all()
    return Councils(ids=tuple(ids))
