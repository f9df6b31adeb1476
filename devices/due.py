"""An item the daily scan found due today: what the staff digests and the family texts
are made of."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class Due:
    """An item that has crossed a threshold today, for a digest and perhaps a family."""

    key: str
    kind: str
    holder_id: int
    label: str
    when: date | None = None
    device_id: int | None = None
    sim_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
