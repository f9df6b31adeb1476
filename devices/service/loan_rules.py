"""The rule for a loan's review and return dates, in one place for allocating and for
changing them later (devices.service.loans)."""

from datetime import date

from dfc.errors import InvalidInput


def require_loan_dates(allocated_on: date, review_on: date | None, return_by: date | None) -> None:
    """Neither date may be before the loan began."""
    for field, value in (("review_on", review_on), ("return_by", return_by)):
        if value is not None and value < allocated_on:
            raise InvalidInput(
                f"The date must be on or after the loan began ({allocated_on.isoformat()})",
                field=field,
            )
