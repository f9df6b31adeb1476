"""The staff digest's text: one line per kind of item, then the items, plain and short."""

from collections import defaultdict
from typing import Protocol

HEADINGS = {
    "support-ending": "Support ending (someone must take over)",
    "unsupported": "Devices nobody supports now",
    "licence-ending": "Licences ending and not renewed",
    "connectivity-ending": "4G contracts ending",
    "data-nearly-used": "SIMs nearly at this month's data allowance",
    "data-used-up": "SIMs that have used all of this month's data",
    "updates-ending": "Devices whose security updates end soon (plan their replacement)",
    "updates-ended": "Devices past their end of security updates",
    "loan-review-soon": "Loans due for review within a week",
    "loan-review-due": "Loans due for review now or overdue",
    "loan-return-soon": "Loans due back within a week",
    "loan-return-due": "Loans due back now or overdue",
}
MOST_LISTED = 50


class Item(Protocol):
    kind: str
    label: str
    when: object


def digest_lines(items: list[Item]) -> str:
    """Each kind with its count and up to 50 items; the rest are in the register's reports."""
    grouped: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        grouped[item.kind].append(item)
    lines: list[str] = []
    for kind, heading in HEADINGS.items():
        if kind not in grouped:
            continue
        found = grouped[kind]
        lines.append(f"{heading}: {len(found)}")
        for item in found[:MOST_LISTED]:
            lines.append(f"  - {item.label}" + (f" (on {item.when})" if item.when else ""))
        if len(found) > MOST_LISTED:
            lines.append(f"  ... and {len(found) - MOST_LISTED} more: see the reports")
    return "\n".join(lines)
