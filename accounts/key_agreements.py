"""An API key may be tied to an information sharing agreement, which limits what it reads.
Agreements are privacy's, a layer above accounts, so privacy supplies the rules through this
port when it is loaded (the app and the worker always load it). Without them a key tied to
an agreement is refused, never let through unlimited."""

from typing import Any, Protocol

from sqlmodel import Session

from dfc.caller import Caller
from dfc.errors import Forbidden, InvalidInput
from dfc.personal_data.categories import DataCategory


class AgreementRules(Protocol):
    def check_key_agreement(
        self, session: Session, *, caller: Caller, agreement_id: int, key_organisation_id: int
    ) -> Any: ...

    def reach_of_key(
        self, session: Session, *, agreement_id: int, key_name: str
    ) -> frozenset[DataCategory]: ...

    def agreement_choices(self, session: Session, *, caller: Caller) -> list[Any]: ...


_rules: AgreementRules | None = None


def use(rules: AgreementRules) -> None:
    """Privacy hands over its rules for agreements when it is imported."""
    global _rules
    _rules = rules


def check_key_agreement(
    session: Session, *, caller: Caller, agreement_id: int, key_organisation_id: int
) -> None:
    """Refuses an agreement a new key may not be tied to (InvalidInput naming why)."""
    if _rules is None:
        raise InvalidInput("Information sharing agreements are not available", field="agreement_id")
    _rules.check_key_agreement(
        session, caller=caller, agreement_id=agreement_id, key_organisation_id=key_organisation_id
    )


def reach_of_key(session: Session, *, agreement_id: int, key_name: str) -> frozenset[DataCategory]:
    """What a key tied to an agreement may read today; 403 outside the agreement's dates."""
    if _rules is None:
        raise Forbidden(f"API key {key_name!r} is tied to an agreement that cannot be checked")
    return _rules.reach_of_key(session, agreement_id=agreement_id, key_name=key_name)


def agreement_choices(session: Session, *, caller: Caller) -> list[Any]:
    """Agreements a new key may be tied to (none when agreements are not available)."""
    return [] if _rules is None else _rules.agreement_choices(session, caller=caller)


__all__ = ["AgreementRules", "agreement_choices", "check_key_agreement", "reach_of_key", "use"]
