"""The moment a retention rule's period ends, shared by every domain's retention rules."""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Cutoff:
    """The moment (and the London date) before which a rule's period has passed."""

    at: datetime
    on: date
