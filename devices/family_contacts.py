"""Whom a family's alert text tells them to contact. The contacts and their rule are the
support desk's (support.contacts), a layer above the register, so support hands over its
finder when it is loaded (the app and the worker always load it). Without one, a family is
told their school's name, as before councils set contacts."""

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from accounts.models import Organisation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FamilyContact:
    name: str
    phone: str | None = None


# (session, the families' schools or councils, what the text is about: an alert's kind, or
# "several") -> the contact for each of those organisations that has one.
ContactFinder = Callable[[Session, Collection[int], str], dict[int, FamilyContact]]
SEVERAL = "several"

_finder: ContactFinder | None = None


def use(finder: ContactFinder) -> None:
    """The support desk hands over its rule for contacts when it is imported."""
    global _finder
    _finder = finder


def contacts_for(
    session: Session, organisation_ids: Collection[int], topic: str
) -> dict[int, FamilyContact]:
    """The contact for each organisation's families about `topic`, in one or two queries."""
    found = dict(_finder(session, organisation_ids, topic)) if _finder else {}
    if _finder is None:
        log.warning("no contact finder is registered: alert texts give the school's name only")
    missing = set(organisation_ids) - found.keys()
    if missing:
        rows = session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(missing))
        )
        found.update({organisation_id: FamilyContact(name) for organisation_id, name in rows})
    return found
