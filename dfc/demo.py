"""Demo data for `make run`: a borough, its schools, a member of staff for each role, and a
school's register (see demo_register)."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role, SchoolPhase, User
from accounts.organisations import ensure_scheme
from accounts.reference_data import load_councils
from accounts.schemas import UserCreate
from accounts.users import add_user
from dfc.clock import today as london_today
from dfc.db_types import utcnow
from dfc.demo_checkins import seed_check_ins
from dfc.demo_handover import seed_handovers
from dfc.demo_incidents import seed_incidents
from dfc.demo_loans import seed_loans
from dfc.demo_management import seed_management
from dfc.demo_moves import seed_moves
from dfc.demo_register import seed_register
from dfc.demo_safeguarding import seed_safeguarding
from dfc.demo_sim_loans import seed_sim_loans
from dfc.demo_uplifts import make_networks, seed_uplifts
from reporting.dashboard.summaries import refresh_summaries

DEMO_COUNCIL_GSS = "E09000007"  # Camden
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
DEMO_SCHOOLS = (
    ("900001", "Kentish Town Primary (demo)", SchoolPhase.PRIMARY),
    ("900002", "Regent's Park Secondary (demo)", SchoolPhase.SECONDARY),
    ("900003", "Hampstead Heath Academy (demo)", SchoolPhase.SECONDARY),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: Role
    organisation: str


def _logins_file(var_dir: Path) -> Path:
    return var_dir / "demo-logins.txt"


def read_logins(var_dir: Path) -> str | None:
    path = _logins_file(var_dir)
    return path.read_text() if path.exists() else None


def seed_demo(session: Session, *, var_dir: Path) -> list[DemoLogin] | None:
    """Adds the demo data once; returns the new logins, or None if it was already there.
    The passwords are random, printed once and kept in VAR_DIR/demo-logins.txt."""
    if session.exec(select(User).where(User.email == "admin@demo.example")).first():
        return None
    scheme = ensure_scheme(session)
    load_councils(session)
    council = session.exec(
        select(Organisation).where(Organisation.gss_code == DEMO_COUNCIL_GSS)
    ).one()
    trust = Organisation(kind=OrganisationKind.TRUST, name="Heath Learning Trust (demo)")
    session.add(trust)
    session.flush()
    schools = []
    for urn, name, phase in DEMO_SCHOOLS:
        school = session.exec(select(Organisation).where(Organisation.urn == urn)).first()
        if school is None:
            school = Organisation(
                kind=OrganisationKind.SCHOOL,
                urn=urn,
                name=name,
                phase=phase,
                council_id=council.id,
                trust_id=trust.id if "Academy" in name else None,
            )
            session.add(school)
        schools.append(school)
    session.flush()
    networks = make_networks(session)
    vodafone = networks["Vodafone (demo)"]
    people = (
        ("admin@demo.example", "Ada Admin", Role.SCHEME_ADMIN, scheme),
        ("officer@demo.example", "Olu Officer", Role.COUNCIL_OFFICER, council),
        ("staff@demo.example", "Sam Staff", Role.SCHOOL_STAFF, schools[0]),
        ("agent@demo.example", "Aisha Agent", Role.SUPPORT_AGENT, scheme),
        ("network@demo.example", "Nia Network", Role.NETWORK_USER, vodafone),
    )
    logins = []
    for email, name, role, organisation in people:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(16))
        add_user(
            session,
            organisation=organisation,
            user_in=UserCreate(
                email=email,
                full_name=name,
                role=role,
                organisation_id=organisation.id,
                password=password,
            ),
        )
        logins.append(DemoLogin(email, password, role, organisation.name))
    seed_register(session, school=schools[0], today=london_today())
    seed_management(session, school=schools[0], today=london_today())
    seed_safeguarding(session, school=schools[0], today=london_today())
    seed_handovers(session, school=schools[0], today=london_today())
    seed_loans(session, school=schools[0], today=london_today())
    seed_check_ins(session, council_id=council.id, school_id=schools[0].id, today=london_today())
    seed_moves(
        session, council=council, receiving=schools[1], trust_id=trust.id, today=london_today()
    )
    seed_incidents(session, school=schools[0], today=london_today())
    seed_sim_loans(session, school=schools[0], today=london_today())
    seed_uplifts(session, school=schools[0], network=vodafone, today=london_today())
    # The dashboard's figures at once, rather than at the first night's run.
    refresh_summaries(session, today=london_today(), now=utcnow())
    path = _logins_file(var_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(
        "".join(
            f"{login.role.value:16} {login.email:24} {login.password}   ({login.organisation})\n"
            for login in logins
        )
    )
    return logins
