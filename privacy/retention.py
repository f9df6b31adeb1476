"""Retention: erase or remove personal data once its rule's period has passed.

Each time-limited rule in `dfc.personal_data.marks.RULES` has a `Step` here or in its domain's
`retention` module. A step selects at most one batch of record ids whose period has passed
and changes them with set-based UPDATE/DELETE statements; `run` repeats each step until
nothing is left, committing after every batch so no long lock is held and an interrupted
run resumes where it stopped. A dry run counts the same selection and changes nothing.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, or_, select
from sqlmodel import Session

from accounts.models import Credential
from devices import retention as devices_retention
from devices.models import Family
from dfc.db_types import utcnow
from dfc.personal_data.cutoff import Cutoff
from dfc.settings import Settings, get_settings
from notifications import retention as outbox_retention
from support import retention as support_retention

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    """One rule: `due` selects the ids of records past `cutoff` (unordered, unlimited);
    `apply` changes the records with those ids and returns how many it changed."""

    rule: str
    setting: str
    due: Callable[[Cutoff], Select]
    apply: Callable[[Session, list[int]], int]


def _sessions_due(cutoff: Cutoff) -> Select:
    return select(Credential.id).where(
        or_(Credential.expires_at < cutoff.at, Credential.revoked_at < cutoff.at)
    )


def _delete_sessions(session: Session, ids: list[int]) -> int:
    return session.execute(delete(Credential).where(Credential.id.in_(ids))).rowcount


def _families_due(cutoff: Cutoff) -> Select:
    """The register's families past their period who have no open ticket either, and none
    closed since the cutoff (their contact details may still be needed to answer it)."""
    return devices_retention.families_due(cutoff).where(
        ~support_retention.ticket_open_or_closed_since(
            family_id=Family.id, phone_number=Family.phone_number, since=cutoff.at
        )
    )


SESSION = Step("session", "RETAIN_SESSION_DAYS", _sessions_due, _delete_sessions)

STEPS: tuple[Step, ...] = (
    Step(
        "family-contact",
        "RETAIN_FAMILY_CONTACT_DAYS",
        _families_due,
        devices_retention.erase_families,
    ),
    Step(
        "ticket-text",
        "RETAIN_TICKET_TEXT_DAYS",
        support_retention.tickets_due,
        support_retention.remove_ticket_text,
    ),
    Step(
        "ticket-file",
        "RETAIN_TICKET_TEXT_DAYS",
        support_retention.files_due,
        support_retention.remove_files,
    ),
    Step(
        "outbox-body",
        "RETAIN_OUTBOX_BODY_DAYS",
        outbox_retention.messages_due,
        outbox_retention.purge_messages,
    ),
    Step(
        "follow-code",
        "RETAIN_FOLLOW_CODE_DAYS",
        support_retention.follow_codes_due,
        support_retention.delete_follow_codes,
    ),
    Step(
        "import-file",
        "RETAIN_IMPORT_FILE_DAYS",
        devices_retention.import_files_due,
        devices_retention.drop_import_files,
    ),
    SESSION,
)


@dataclass
class RetentionReport:
    """What a run changed (or, for a dry run, would change): records per rule."""

    dry_run: bool
    now: datetime
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        verb = "would change" if self.dry_run else "changed"
        heading = (
            f"Retention {'dry run' if self.dry_run else 'run'} at {self.now:%Y-%m-%d %H:%M} UTC"
        )
        return [heading] + [f"  {rule}: {verb} {n}" for rule, n in self.counts.items()]


def cutoff_for(days: int, now: datetime, settings: Settings) -> Cutoff:
    at = now - timedelta(days=days)
    return Cutoff(at=at, on=at.astimezone(settings.zone).date())


def _count(session: Session, due: Select) -> int:
    return session.execute(select(func.count()).select_from(due.subquery())).scalar_one()


def _apply_in_batches(session: Session, step: Step, cutoff: Cutoff, batch_size: int) -> int:
    changed = 0
    while True:
        ids = list(session.execute(step.due(cutoff).limit(batch_size)).scalars())
        if not ids:
            return changed
        step.apply(session, ids)
        session.commit()
        changed += len(ids)
        if len(ids) < batch_size:
            return changed


def run(
    session: Session,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    batch_size: int | None = None,
    settings: Settings | None = None,
) -> RetentionReport:
    """Apply every time-limited rule (or, with `dry_run`, count what each would change)."""
    settings = settings or get_settings()
    now = now or utcnow()
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    report = RetentionReport(dry_run=dry_run, now=now)
    for step in STEPS:
        cutoff = cutoff_for(getattr(settings, step.setting), now, settings)
        if dry_run:
            report.counts[step.rule] = _count(session, step.due(cutoff))
        else:
            report.counts[step.rule] = _apply_in_batches(session, step, cutoff, batch_size)
    log.info(
        "retention %s: %s",
        "dry run" if dry_run else "run",
        ", ".join(f"{rule}={n}" for rule, n in report.counts.items()),
    )
    return report
