"""Marks that say, in each model, whether a column holds personal data, of which category,
and under which retention rule. The data inventory (`privacy.inventory`), subject
access, sharing agreements and `docs/data-inventory.md` are all read from these marks, and
a test fails on any column left unmarked.

Every column of every table gets exactly one mark. A mark lives in the column's SQLAlchemy
`info` (key `"privacy"`), which never changes the DDL, so marking needs no migration.

A plain field: spread the mark into `Field`::

    from dfc.personal_data.categories import DataCategory
    from dfc.personal_data.marks import not_personal, personal

    email: str | None = Field(default=None, max_length=254,
                              **personal(DataCategory.CONTACT, retention="family-contact"))
    status: str = Field(max_length=20, **not_personal())

A field declared with `sa_column=...` (a foreign key, JSON, Text): put the mark on the
column with `.on(column)`::

    family_id: int = Field(
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(fk("family.id"))
    )
    body: str = Field(sa_column=not_personal().on(Column(Text, nullable=False)))

A field that already passes `sa_column_kwargs` merges them: `**personal(...).with_(index=True)`.

Retention rules are named in `RULES`. A new kind of record defines its rule once, in its own
module, before its model uses it::

    from dfc.personal_data.marks import define_rule
    define_rule("access-audit", "Kept for 6 years (the council's audit schedule)...",
                setting="RETAIN_ACCESS_AUDIT_DAYS")  # or setting=None if not time-limited
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column

from dfc.personal_data.categories import DataCategory

INFO_KEY = "privacy"


@dataclass(frozen=True)
class RetentionRule:
    """How long a kind of personal data is kept and what happens then. `setting` names the
    days setting in `dfc.settings.Settings` when the rule is time-limited."""

    name: str
    meaning: str
    setting: str | None = None


RULES: dict[str, RetentionRule] = {}


def define_rule(name: str, meaning: str, *, setting: str | None = None) -> RetentionRule:
    """Register a retention rule by name (idempotent for the same definition)."""
    rule = RetentionRule(name=name, meaning=meaning, setting=setting)
    existing = RULES.get(name)
    if existing is not None and existing != rule:
        raise ValueError(f"retention rule {name!r} is already defined differently")
    RULES[name] = rule
    return rule


define_rule(
    "family-contact",
    "Phone number, email, year group, how the family accepted a device and the user a device "
    "manager records for their devices are erased, and "
    "the pupil reference replaced by a token, this many days after the family's last device "
    "was returned or handed over to them and their last ticket closed. A family with a device "
    "still out or a ticket still open is never touched.",
    setting="RETAIN_FAMILY_CONTACT_DAYS",
)
define_rule(
    "family-profile",
    "Kept with the erased family for figures; on its own (with no contact details or pupil "
    "reference) it identifies no one.",
)
define_rule(
    "family-link",
    "A link to a family, kept so device history and figures stay whole; it identifies no one "
    "once the family's details are erased under family-contact.",
)
define_rule(
    "ticket-text",
    "Message text and the phone number on a ticket are removed this many days after the "
    "ticket was resolved or closed; category, language, status and times stay for figures.",
    setting="RETAIN_TICKET_TEXT_DAYS",
)
define_rule(
    "outbox-body",
    "The rendered text, subject, recipient and provider error of a sent, delivered, failed or "
    "cancelled message are removed this many days after it was written; channel, status, "
    "segment count and times stay.",
    setting="RETAIN_OUTBOX_BODY_DAYS",
)
define_rule(
    "follow-code",
    "A one-time ticket code is deleted this many days after it expired.",
    setting="RETAIN_FOLLOW_CODE_DAYS",
)
define_rule(
    "import-file",
    "An uploaded file's bytes are dropped when its import finishes; any left (a job that "
    "never finished) are dropped this many days after upload.",
    setting="RETAIN_IMPORT_FILE_DAYS",
)
define_rule(
    "session",
    "A web session or API token is deleted this many days after it expired or was revoked.",
    setting="RETAIN_SESSION_DAYS",
)
define_rule(
    "opt-out",
    "Kept while the service runs: a number that texted STOP must never be texted again.",
)
define_rule(
    "text-channel",
    "A number's chosen channel (SMS or WhatsApp), how the family agreed to it, and when they "
    "last wrote on WhatsApp (which decides whether free text may be sent): kept while the "
    "service texts the number; a number erased with its family is removed with it.",
)
define_rule(
    "staff-account",
    "Kept while the staff account exists; an administrator removes it when the person leaves.",
)
define_rule(
    "staff-action",
    "Who did something (a name, email or user): kept with the record it explains, for "
    "accountability.",
)
define_rule(
    "council-contact",
    "A contact the council sets (a point of contact shown to its families, or who gets its "
    "daily digest); kept while the council lists it.",
)


@dataclass(frozen=True)
class Mark(Mapping[str, Any]):
    """A column's privacy mark. It is a mapping of `Field` keyword arguments, so
    `Field(..., **mark)` stores it in the column's `info`; `mark.on(column)` marks a Column."""

    personal: bool
    category: DataCategory | None = None
    retention: str | None = None
    note: str = ""
    extra_column_kwargs: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def _field_kwargs(self) -> dict[str, Any]:
        return {"sa_column_kwargs": {**self.extra_column_kwargs, "info": {INFO_KEY: self}}}

    def __getitem__(self, key: str) -> Any:
        return self._field_kwargs()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._field_kwargs())

    def __len__(self) -> int:
        return 1

    def on(self, column: Column) -> Column:
        """Mark a Column built by hand (for `Field(sa_column=...)`) and return it."""
        column.info[INFO_KEY] = self
        return column

    def with_(self, **column_kwargs: Any) -> "Mark":
        """The same mark, also passing other `sa_column_kwargs` to the column."""
        return Mark(
            self.personal,
            self.category,
            self.retention,
            self.note,
            {**self.extra_column_kwargs, **column_kwargs},
        )


def personal(category: DataCategory, *, retention: str, note: str = "") -> Mark:
    """Mark a column as personal data of `category`, kept under the named retention rule."""
    if retention not in RULES:
        raise ValueError(f"unknown retention rule {retention!r}; define it with define_rule()")
    return Mark(personal=True, category=DataCategory(category), retention=retention, note=note)


def not_personal(note: str = "") -> Mark:
    """Mark a column as holding no personal data."""
    return Mark(personal=False, note=note)


def mark_of(column: Column) -> Mark | None:
    """The column's mark, or None when it has none."""
    mark = column.info.get(INFO_KEY)
    return mark if isinstance(mark, Mark) else None
