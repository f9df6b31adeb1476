"""What each open dataset is: its name, title, description and columns. The datasets, the
files, the data package and the README are all made from these, so they always agree."""

from dataclasses import dataclass

from devices.models import DeviceKind, DeviceStatus, IncidentKind
from dfc.i18n import LANGUAGES
from reporting.open_data.period import Period
from support.models import Category
from support.reports import category_name, language_name

OTHER_LANGUAGE = "other"


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    description: str
    type: str = "integer"
    key: str = ""

    @property
    def source(self) -> str:
        """The value the database gives for this column (its name unless told)."""
        return self.key or self.name


@dataclass(frozen=True)
class Spec:
    """One dataset. Each council's figures form blocks (one per value of `part`, if any):
    a row per school with figures, one for what the council holds itself, and the council's
    total row. `columns` are the counts of a row; `total` (if any) is the row's total."""

    name: str
    title: str
    description: str
    part: Column | None
    columns: tuple[Column, ...]
    total: Column | None
    suppression: str


PAIRED = (
    "Rows and columns add up to their totals, so a hidden count could be worked out from "
    "the others: more counts in the same council's block are hidden until none can be."
)
KEYS = (
    Column("month", "Month", "The month the figures are for (YYYY-MM)", "yearmonth"),
    Column("council_gss_code", "Council GSS code", "The council's ONS GSS code", "string"),
    Column("council_name", "Council", "The council's name", "string"),
)
PLACE = (
    Column(
        "row_type",
        "Row type",
        "school: one school; council-held: what the council holds itself, not any school; "
        "council-total: the council's total, the sum of its rows",
        "string",
    ),
    Column(
        "school_urn", "School URN", "The school's unique reference number (blank if none)", "string"
    ),
    Column("school_name", "School", "The school's name (blank if not a school)", "string"),
)


def _snake(value: str) -> str:
    return value.replace("-", "_")


def devices_by_status() -> Spec:
    statuses = tuple(
        Column(
            _snake(status.value),
            status.value.replace("-", " ").capitalize(),
            f"Devices the scheme, council or school owns that are {status.value.replace('-', ' ')}",
            key=status.value,
        )
        for status in DeviceStatus
    )
    return Spec(
        name="devices-by-status",
        title="Devices by kind and status",
        description=(
            "Laptops, tablets and Chromebooks received by the end of the month, by who holds "
            "them and their status on the day the figures were made."
        ),
        part=Column("device_kind", "Device kind", "laptop, tablet or chromebook", "string"),
        columns=(
            *statuses,
            Column(
                "owned_by_family",
                "Owned by family",
                "Devices given to a family to keep (counted here, not under a status)",
                key="owned-by-family",
            ),
        ),
        total=Column("total", "Total", "All the row's devices of this kind"),
        suppression=PAIRED,
    )


def cover_ending(period: Period) -> Spec:
    return Spec(
        name="cover-ending",
        title="Support and licence cover ending, by month, for the next 12 months",
        description=(
            "What runs out in each of the 12 months after the month: devices whose support "
            "ends with nobody lined up after it (support), licence seats in use on licence "
            "terms that end and are not renewed (licence_seats), and SIM contracts that end "
            "(sim_contracts). As known on the day the figures were made."
        ),
        part=Column("measure", "Measure", "support, licence_seats or sim_contracts", "string"),
        columns=tuple(
            Column(month, month, f"How many end in {month}") for month in period.months_ahead
        ),
        total=Column("total", "Total", "How many end in the 12 months"),
        suppression=PAIRED,
    )


def connectivity() -> Spec:
    return Spec(
        name="connectivity",
        title="4G dongles, SIMs and data used",
        description=(
            "Dongles and routers held, SIMs whose contract covered any day of the month, and "
            "the data those SIMs used in the month."
        ),
        part=None,
        columns=(
            Column(
                "dongles_in_use",
                "Dongles in use",
                "Dongles and routers allocated or with a family (on the day made)",
            ),
            Column(
                "dongles_in_stock",
                "Dongles in stock",
                "Dongles and routers in stock or returned (on the day made)",
            ),
            Column(
                "sims_active", "SIMs active", "SIMs whose contract covered any day of the month"
            ),
            Column(
                "gb_used",
                "GB used",
                "Data the SIMs used in the month, in GB (1 GB = 1,024 MB), to one decimal "
                "place; hidden wherever the number of SIMs is",
                "number",
            ),
        ),
        total=None,
        suppression=(
            "These columns are not added across, so each column is suppressed on its own "
            "against the council's total; GB used is hidden wherever SIMs active is, so one "
            "family's use is never shown."
        ),
    )


def tickets_by_language() -> Spec:
    codes = [language.code for language in LANGUAGES]
    return Spec(
        name="tickets-by-language",
        title="Support tickets opened in the month, by language",
        description=(
            "Tickets families and schools opened in the month (London time), by the "
            "language they were written in. Duplicates merged into another ticket are not "
            "counted. Languages the service does not offer are counted as other."
        ),
        part=None,
        columns=(
            *(
                Column(code, language_name(code), f"Tickets in {language_name(code)}")
                for code in codes
            ),
            Column(OTHER_LANGUAGE, "Other", "Tickets in any other language"),
        ),
        total=Column("total", "Total", "All tickets opened in the month"),
        suppression=PAIRED + " The totals are the same as in tickets-by-category and are "
        "hidden in both where hidden in either.",
    )


def tickets_by_category() -> Spec:
    return Spec(
        name="tickets-by-category",
        title="Support tickets opened in the month, by category",
        description=(
            "Tickets families and schools opened in the month (London time), by the kind of "
            "problem. Duplicates merged into another ticket are not counted."
        ),
        part=None,
        columns=tuple(
            Column(
                _snake(category.value),
                category_name(category.value),
                f"Tickets about: {category_name(category.value).lower()}",
                key=category.value,
            )
            for category in Category
        ),
        total=Column("total", "Total", "All tickets opened in the month"),
        suppression=PAIRED + " The totals are the same as in tickets-by-language and are "
        "hidden in both where hidden in either.",
    )


def unmet_demand() -> Spec:
    return Spec(
        name="unmet-demand",
        title="Unmet demand: devices asked for and not provided",
        description=(
            "Devices schools asked for by the end of the month and had not been given on the "
            "day the figures were made, by kind. Declined requests count: the need was real."
        ),
        part=None,
        columns=tuple(
            Column(kind.value, kind.value.capitalize(), f"{kind.value.capitalize()}s not provided")
            for kind in DeviceKind
        ),
        total=Column("total", "Total", "All devices asked for and not provided"),
        suppression=PAIRED,
    )


def end_of_updates() -> Spec:
    return Spec(
        name="end-of-updates",
        title="Devices past their end of security updates",
        description=(
            "Devices received by the end of the month whose security updates had ended by "
            "then (the device's own date from Google Admin, its model's or its operating "
            "system's published end of support), by kind. Devices in service that the "
            "scheme, council or school still owns, on the day the figures were made; devices "
            "given to a family to keep are theirs and not counted."
        ),
        part=None,
        columns=tuple(
            Column(
                kind.value,
                kind.value.capitalize(),
                f"{kind.value.capitalize()}s past their end of security updates",
            )
            for kind in DeviceKind
        ),
        total=Column("total", "Total", "All devices past their end of security updates"),
        suppression=PAIRED,
    )


def incidents() -> Spec:
    return Spec(
        name="incidents",
        title="Devices damaged, lost or stolen in the month",
        description=(
            "Incidents schools and councils recorded as happening in the month, by kind, "
            "counted against whoever held the device. Families are not charged by default; "
            "nothing about a family or what happened is published."
        ),
        part=None,
        columns=tuple(
            Column(kind.value, kind.value.capitalize(), f"Devices reported: {kind.value}")
            for kind in IncidentKind
        ),
        total=Column("total", "Total", "All incidents in the month"),
        suppression=PAIRED,
    )


def catalogue(period: Period) -> list[Spec]:
    """Every dataset, in the order they are published."""
    return [
        devices_by_status(),
        cover_ending(period),
        connectivity(),
        tickets_by_language(),
        tickets_by_category(),
        unmet_demand(),
        end_of_updates(),
        incidents(),
    ]


DATASET_NAMES = (
    "devices-by-status",
    "cover-ending",
    "connectivity",
    "tickets-by-language",
    "tickets-by-category",
    "unmet-demand",
    "end-of-updates",
    "incidents",
)
