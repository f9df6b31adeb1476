"""Demo data uplift requests for `make run`: four mobile networks, and requests from the
demo school to Vodafone, one new, one with the network and one complete (the family's
text is in the outbox), made through the services as staff and the network would."""

from datetime import date

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role
from devices.models import ContractType, Family, UpliftStatus
from devices.service import uplifts
from devices.uplift_schemas import UpliftCreate, UpliftUpdate
from dfc.caller import Caller

NETWORKS = ("EE (demo)", "O2 (demo)", "Three (demo)", "Vodafone (demo)")
HOLDERS = ("Anna Kowalska", "Mohammed Rahman", "Grace Okafor")


def make_networks(session: Session) -> dict[str, Organisation]:
    """The mobile networks, by name (the demo's network user works for Vodafone)."""
    found = {}
    for name in NETWORKS:
        network = Organisation(kind=OrganisationKind.NETWORK, name=name)
        session.add(network)
        found[name] = network
    session.flush()
    return found


def _as(organisation: Organisation, role: Role) -> Caller:
    return Caller(
        organisation_id=organisation.id or 0,
        organisation_kind=organisation.kind,
        organisation_name=organisation.name,
        role=role,
        name="demo data",
    )


def seed_uplifts(
    session: Session, *, school: Organisation, network: Organisation, today: date
) -> None:
    staff, answerer = _as(school, Role.SCHOOL_STAFF), _as(network, Role.NETWORK_USER)
    families = session.exec(
        select(Family)
        .where(Family.school_id == school.id, Family.phone_number.like("+447%"))
        .order_by(Family.id)
        .limit(len(HOLDERS))
    ).all()
    made = [
        uplifts.create_uplift(
            session,
            caller=staff,
            uplift_in=UpliftCreate(
                family_id=family.id or 0,
                network_id=network.id or 0,
                account_holder_name=holder,
                phone_number=family.phone_number or "",
                contract_type=ContractType.PAY_AS_YOU_GO if n else ContractType.PAY_MONTHLY,
                data_gb=20,
                months=6,
            ),
        )
        for n, (family, holder) in enumerate(zip(families, HOLDERS, strict=False))
    ]
    for uplift, status in zip(
        made[1:], (UpliftStatus.IN_PROGRESS, UpliftStatus.COMPLETE), strict=False
    ):
        uplifts.update_uplift(
            session,
            caller=answerer,
            uplift_id=uplift.id or 0,
            update=UpliftUpdate(status=status, network_note=f"demo: {today.isoformat()}"),
        )
