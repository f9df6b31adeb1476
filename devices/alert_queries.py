"""The daily scan's queries: the register's own (devices.queries), run once over the whole
scheme, each row with the council whose scan it belongs to and the tightest threshold that
council's policy says it has crossed, and with every item already raised at that threshold
left out (NOT EXISTS on alert_raised). So the next day's scan reads back only what newly
crossed a threshold, and 150 councils cost one query a kind, not 150."""

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Numeric, Select, and_, case, cast, exists, func, literal, select
from sqlalchemy.orm import aliased

from accounts.models import Organisation, OrganisationKind
from accounts.scoping import among_ids
from devices import management_queries, queries
from devices.models import Allocation, CoverPeriod, Device, Licence, Sim
from devices.service.end_of_updates import ENDS_ON
from dfc.caller import Caller
from notifications.models import AlertPolicy, AlertRaised

SCHEME = Caller(
    organisation_id=0,
    organisation_kind=OrganisationKind.SCHEME,
    organisation_name="the scheme",
    role=None,
    name="daily alerts",
)

# alert_raised kinds, the first part of each key
SUPPORT, UNSUPPORTED, LICENCE, CONNECTIVITY, DATA, UPDATES = (
    "support-ends",
    "unsupported",
    "licence-ends",
    "connectivity-ends",
    "data",
    "updates-end",
)
PAST = 0  # the "threshold" of an end of updates already gone by
# A loan's review or return date: a reminder a week before, and one on the day (or when first
# seen past it), each once for each date set.
LOAN_REVIEW, LOAN_RETURN = "loan-review", "loan-return"
LOAN_LEVELS = (PAST, 7)


def thresholds(text: str) -> list[int]:
    return sorted({int(part) for part in text.split(",") if part.strip()})


@dataclass(frozen=True)
class Policies:
    """The councils this run scans, each with its policy (or the default one)."""

    by_council: Mapping[int, AlertPolicy]
    every_council: bool = False  # every council is scanned: no list of them to check

    def covers(self, council: Any, councils: list[int]) -> Any:
        """`council` is one of `councils`: a plain NOT NULL when that is every council."""
        if self.every_council and len(councils) == len(self.by_council):
            return council.is_not(None)
        return among_ids(council, councils)

    def groups(self, field: str) -> dict[tuple[int, ...], list[int]]:
        """Councils by their thresholds for `field`: usually one group, the default."""
        found: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for council_id, policy in sorted(self.by_council.items()):
            levels = tuple(thresholds(getattr(policy, field)))
            if levels:
                found[levels].append(council_id)
        return found

    def levels(self, council_id: int, field: str) -> list[int]:
        return thresholds(getattr(self.by_council[council_id], field))


def council_of(holder: Any) -> Any:
    """The council whose scan covers an organisation's items: its own, or itself."""
    return case((holder.kind == OrganisationKind.COUNCIL, holder.id), else_=holder.council_id)


def _level(
    policies: Policies,
    groups: dict[tuple[int, ...], list[int]],
    council: Any,
    crossed: Callable[[int], Any],
    tightest_first: Callable[[tuple[int, ...]], list[int]],
) -> Any:
    """CASE: the tightest of its council's thresholds an item has crossed, else NULL."""
    whens = [
        (and_(policies.covers(council, councils), crossed(level)), literal(level))
        for levels, councils in groups.items()
        for level in tightest_first(levels)
    ]
    return case(*whens, else_=None) if whens else literal(None)


def _not_raised(kind: str, item: Any, ends_on: Any, threshold: Any) -> Any:
    return ~exists().where(
        AlertRaised.kind == kind,
        AlertRaised.item_id == item,
        AlertRaised.ends_on == ends_on,
        AlertRaised.threshold == threshold,
    )


def _ending(
    statement: Select[Any],
    *,
    kind: str,
    holder_column: Any,
    item: Any,
    ends_on: Any,
    policies: Policies,
    groups: dict[tuple[int, ...], list[int]],
    today: date,
) -> Select[Any]:
    """A "what ends within n days" query with its council and threshold, new ones only."""
    holder = aliased(Organisation)
    council = council_of(holder)
    level = _level(
        policies,
        groups,
        council,
        lambda days: ends_on <= today + timedelta(days=days),
        sorted,
    )
    return (
        statement.join(holder, holder.id == holder_column)
        .add_columns(council.label("council_id"), level.label("threshold"))
        .where(level.is_not(None), _not_raised(kind, item, ends_on, level))
    )


def _widest(groups: dict[tuple[int, ...], list[int]]) -> int:
    return max((max(levels) for levels in groups), default=0)


def scan_statements(policies: Policies, today: date) -> dict[str, Select[Any]]:
    """Each kind's query over the scheme, for the councils in `policies`, labelled by kind.
    Kinds no council has thresholds for are left out."""
    found: dict[str, Select[Any]] = {}
    cover = policies.groups("cover_days")
    if cover:
        found[SUPPORT] = _ending(
            queries.cover_ending(SCHEME, within_days=_widest(cover), today=today),
            kind=SUPPORT,
            holder_column=Device.holder_id,
            item=Device.id,
            ends_on=CoverPeriod.ends_on,
            policies=policies,
            groups=cover,
            today=today,
        )
    found[UNSUPPORTED] = _unsupported(policies, today)
    licences = policies.groups("licence_days")
    if licences:
        found[LICENCE] = _ending(
            queries.licences_ending(SCHEME, within_days=_widest(licences), today=today),
            kind=LICENCE,
            holder_column=Licence.organisation_id,
            item=Licence.id,
            ends_on=Licence.ends_on,
            policies=policies,
            groups=licences,
            today=today,
        )
    connectivity = policies.groups("connectivity_days")
    if connectivity:
        found[CONNECTIVITY] = _ending(
            queries.dongle_contracts_ending(SCHEME, within_days=_widest(connectivity), today=today),
            kind=CONNECTIVITY,
            holder_column=Sim.holder_id,
            item=Sim.id,
            ends_on=Sim.contract_ends_on,
            policies=policies,
            groups=connectivity,
            today=today,
        )
    data = policies.groups("data_percents")
    if data:
        found[DATA] = _data(policies, data, today)
    # End of security updates, at the council's support thresholds and once more when past.
    updates = {
        tuple(sorted({PAST, *levels})): c for levels, c in policies.groups("cover_days").items()
    }
    if updates:
        found[UPDATES] = _ending(
            management_queries.end_of_updates(SCHEME, within_days=_widest(updates), today=today),
            kind=UPDATES,
            holder_column=Device.holder_id,
            item=Device.id,
            ends_on=ENDS_ON,
            policies=policies,
            groups=updates,
            today=today,
        )
    found.update(_loan_dates(policies, today))
    return found


def _loan_dates(policies: Policies, today: date) -> dict[str, Select[Any]]:
    """Open loans whose review or return date is within a week or past, one query a date."""
    groups = {LOAN_LEVELS: sorted(policies.by_council)}
    found: dict[str, Select[Any]] = {}
    for kind, column in ((LOAN_REVIEW, Allocation.review_on), (LOAN_RETURN, Allocation.return_by)):
        statement = (
            select(
                Allocation.id.label("allocation_id"),
                Allocation.device_id,
                Allocation.school_id.label("holder_id"),
                column.label("ends_on"),
                func.coalesce(Device.asset_tag, Device.serial_number).label("label"),
            )
            .join(Device, Device.id == Allocation.device_id)
            .where(Allocation.returned_on.is_(None), column <= today + timedelta(days=7))
        )
        found[kind] = _ending(
            statement,
            kind=kind,
            holder_column=Allocation.school_id,
            item=Allocation.id,
            ends_on=column,
            policies=policies,
            groups=groups,
            today=today,
        )
    return found


def _unsupported(policies: Policies, today: date) -> Select[Any]:
    """Devices nobody supports today, each raised once ever."""
    holder = aliased(Organisation)
    council = council_of(holder)
    return (
        queries.unsupported(SCHEME, today=today)
        .join(holder, holder.id == Device.holder_id)
        .add_columns(council.label("council_id"))
        .where(
            policies.covers(council, sorted(policies.by_council)),
            ~exists().where(AlertRaised.kind == UNSUPPORTED, AlertRaised.item_id == Device.id),
        )
    )


def _data(policies: Policies, groups: dict[tuple[int, ...], list[int]], today: date) -> Select[Any]:
    """SIMs past a share of this month's allowance: the highest share crossed, once a month."""
    lowest = min(min(levels) for levels in groups)
    statement = queries.sims_over_allowance(SCHEME, percent=lowest, today=today)
    used = statement.selected_columns.used_mb
    capacity_mb = cast(statement.selected_columns.gb_per_month, Numeric(14, 2)) * queries.MB_PER_GB
    holder = aliased(Organisation)
    council = council_of(holder)
    level = _level(
        policies,
        groups,
        council,
        lambda percent: used * 100 >= capacity_mb * percent,
        lambda levels: sorted(levels, reverse=True),
    )
    month = today.replace(day=1)
    return (
        statement.join(holder, holder.id == Sim.holder_id)
        .add_columns(council.label("council_id"), level.label("threshold"))
        .where(level.is_not(None), _not_raised(DATA, Sim.id, month, level))
    )
