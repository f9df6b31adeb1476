"""The shape of the national dataset, worked out in Python: how many of each thing, the
organisations themselves, and how devices, dongles and requests spread over holders.

Bulk rows are made in SQL from this plan (see load_register and load_connectivity)."""

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

NATIONAL = {
    "councils": 150,
    "trusts": 2_500,
    "schools": 24_000,
    "devices": 2_000_000,
    "dongles": 200_000,
    "requests": 48_000,
}
FIRST_RECEIPT = date(2020, 4, 1)
COUNCIL_STOCK_SHARE = 0.08  # devices a council holds itself rather than a school
FAMILIES_PER_DEVICE = 0.62  # fewer families than devices: siblings share a household
IN_TRUST_SHARE = 0.4  # academies, in a multi-academy trust

PHASES = (
    ("primary", 0.70, 1.0),
    ("secondary", 0.15, 4.5),
    ("special", 0.045, 0.8),
    ("16-plus", 0.04, 1.5),
    ("all-through", 0.02, 4.0),
    ("nursery", 0.02, 0.2),
    ("alternative-provision", 0.015, 0.6),
    ("middle", 0.01, 2.0),
)
DIRECTIONS = ("", "North ", "South ", "East ", "West ")
STEMS = (
    "Ashford", "Barnfield", "Bramley", "Calder", "Carrow", "Dunmore", "Elmbridge", "Fenwick",
    "Glenholme", "Harwood", "Hollins", "Kingsmere", "Langley", "Marsden", "Millbrook", "Northam",
    "Oakridge", "Pelham", "Queensbury", "Redcliffe", "Rowan", "Sandown", "Thornbury", "Upton",
    "Valemount", "Wexcombe", "Whitmore", "Yarrow", "Ashby", "Brackley",
)  # fmt: skip

# (kind, index, make, model, operating system, serial prefix); serials are prefix + 8 hex
MODELS = (
    ("laptop", 0, "Lenovo", "ThinkPad 11e Gen 5", "Windows 10", "PF"),
    ("laptop", 1, "Dell", "Latitude 3190", "Windows 10", "DL"),
    ("laptop", 2, "HP", "ProBook 430 G8", "Windows 11", "5CD"),
    ("laptop", 3, "Microsoft", "Surface Laptop SE", "Windows 11 SE", "SL"),
    ("chromebook", 0, "Lenovo", "100e Chromebook Gen 3", "ChromeOS", "LC"),
    ("chromebook", 1, "Acer", "Chromebook 311", "ChromeOS", "NX"),
    ("chromebook", 2, "HP", "Chromebook 11 G8 EE", "ChromeOS", "5CG"),
    ("chromebook", 3, "Dell", "Chromebook 3100", "ChromeOS", "DC"),
    ("tablet", 0, "Apple", "iPad (9th generation)", "iPadOS", "DMP"),
    ("tablet", 1, "Samsung", "Galaxy Tab A8", "Android", "R9"),
    ("tablet", 2, "Lenovo", "Tab M10", "Android", "HA"),
    ("tablet", 3, "Apple", "iPad (10th generation)", "iPadOS", "F9F"),
)


@dataclass(frozen=True)
class Sizes:
    """How many of each thing; every count is the national figure times the scale."""

    councils: int
    trusts: int
    schools: int
    devices: int
    dongles: int
    requests: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        if scale <= 0:
            raise ValueError("scale must be above 0")
        counts = {name: max(1, round(count * scale)) for name, count in NATIONAL.items()}
        counts["schools"] = max(counts["schools"], counts["councils"])
        if counts["councils"] > 800:  # three-digit LA codes 100-899; 999 is the import's
            raise ValueError("scale too large: at most 800 councils")
        return cls(**counts)


@dataclass(frozen=True)
class Holder:
    """A council or school and the ranges of ids of what it holds (offset + 1 .. + count)."""

    number: int
    holder_id: int
    council_id: int
    is_school: bool
    device_offset: int
    devices: int
    family_offset: int
    families: int
    dongle_offset: int
    dongles: int
    request_offset: int
    requests: int


@dataclass(frozen=True)
class Plan:
    organisations: list[tuple[object, ...]]
    holders: list[Holder]


ORGANISATION_COLUMNS = (
    "id", "kind", "name", "gss_code", "la_code", "inner_london", "urn", "phase",
    "council_id", "trust_id", "created_at",
)  # fmt: skip
HOLDER_COLUMNS = tuple(Holder.__dataclass_fields__)


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Splits `total` in proportion to `weights`, in whole numbers that add up exactly."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [math.floor(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _offsets(counts: Sequence[int]) -> Iterator[int]:
    running = 0
    for count in counts:
        yield running
        running += count


def _place(i: int) -> str:
    return f"{DIRECTIONS[(i // len(STEMS)) % len(DIRECTIONS)]}{STEMS[i % len(STEMS)]}"


def build_plan(sizes: Sizes, seed: int = 2020) -> Plan:
    """Organisations (scheme, councils, trusts, schools) and the holders' allocations."""
    rng = random.Random(seed)
    created = datetime(2020, 3, 1, tzinfo=UTC)
    rows: list[tuple[object, ...]] = [
        (1, "scheme", "Devices for Children national scheme", *[None] * 7, created)
    ]
    council_ids = list(range(2, 2 + sizes.councils))
    for i, council_id in enumerate(council_ids):
        name = f"{_place(i)} Council"
        rows.append(
            (council_id, "council", name, f"E06{i:06d}", f"{100 + i:03d}", i % 12 == 0,
             None, None, None, None, created)
        )  # fmt: skip
    trust_ids = list(range(council_ids[-1] + 1, council_ids[-1] + 1 + sizes.trusts))
    for i, trust_id in enumerate(trust_ids):
        name = f"{_place(i * 7)} Learning Trust {i + 1}"
        rows.append((trust_id, "trust", name, *[None] * 7, created))
    council_weight = [rng.lognormvariate(0, 0.6) for _ in council_ids]
    trust_weight = [rng.paretovariate(1.5) for _ in trust_ids]
    school_council = rng.choices(council_ids, council_weight, k=sizes.schools)
    for i, council_id in enumerate(council_ids[: sizes.schools]):
        school_council[i] = council_id  # every council has a school
    phases = rng.choices(PHASES, [share for _, share, _ in PHASES], k=sizes.schools)
    school_ids = list(range(trust_ids[-1] + 1, trust_ids[-1] + 1 + sizes.schools))
    school_weight: list[float] = []
    for i, school_id in enumerate(school_ids):
        phase, _, size = phases[i]
        trust = rng.choices(trust_ids, trust_weight)[0] if rng.random() < IN_TRUST_SHARE else None
        name = f"{_place(rng.randrange(150))} {phase.replace('-', ' ').title()} School {i}"
        rows.append(
            (school_id, "school", name, None, None, None, str(100000 + i), phase,
             school_council[i], trust, created)
        )  # fmt: skip
        school_weight.append(size * rng.lognormvariate(0, 0.5))
    return Plan(rows, _holders(sizes, rng, council_ids, council_weight, school_ids,
                               school_council, school_weight))  # fmt: skip


def _holders(
    sizes: Sizes,
    rng: random.Random,
    council_ids: list[int],
    council_weight: list[float],
    school_ids: list[int],
    school_council: list[int],
    school_weight: list[float],
) -> list[Holder]:
    council_stock = round(sizes.devices * COUNCIL_STOCK_SHARE)
    devices = apportion(council_stock, council_weight) + apportion(
        sizes.devices - council_stock, school_weight
    )
    noisy = [count * rng.uniform(0.3, 1.7) for count in devices]
    dongles = [min(d, n) for d, n in zip(devices, apportion(sizes.dongles, noisy), strict=True)]
    families = [0] * len(council_ids) + [
        math.ceil(count * FAMILIES_PER_DEVICE) for count in devices[len(council_ids) :]
    ]
    requests = [0] * len(council_ids) + apportion(sizes.requests, school_weight)
    ids = council_ids + school_ids
    councils = council_ids + school_council
    return [
        Holder(
            number=i + 1,
            holder_id=ids[i],
            council_id=councils[i],
            is_school=i >= len(council_ids),
            device_offset=device_offset,
            devices=devices[i],
            family_offset=family_offset,
            families=families[i],
            dongle_offset=dongle_offset,
            dongles=dongles[i],
            request_offset=request_offset,
            requests=requests[i],
        )
        for i, (device_offset, family_offset, dongle_offset, request_offset) in enumerate(
            zip(
                _offsets(devices),
                _offsets(families),
                _offsets(dongles),
                _offsets(requests),
                strict=True,
            )
        )
    ]
