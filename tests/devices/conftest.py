"""The register's tests share one council, its school and an officer signed in by API key
(a module that needs another set-up defines its own fixture of the same name)."""

import pytest
from sqlmodel import Session

from accounts.models import Role
from dfc.settings import get_settings
from tests.factories import bearer, make_council, make_school, make_user


@pytest.fixture
def limits(monkeypatch):
    """The settings, with limits a test may lower (each test gets them back as they were)."""
    settings = get_settings()

    def lower(**values: int) -> None:
        for name, value in values.items():
            monkeypatch.setattr(settings, name, value)

    return lower


@pytest.fixture
def council(session: Session):
    return make_council(session)


@pytest.fixture
def school(session: Session, council):
    return make_school(session, council=council)


@pytest.fixture
def officer(session: Session, council):
    return make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)


@pytest.fixture
def headers(session: Session, officer):
    return bearer(session, officer)
