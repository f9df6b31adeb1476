"""What every channel takes and gives back, and the two ways sending can fail."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from notifications.models import Channel


@dataclass(frozen=True)
class Delivery:
    channel: Channel
    recipient: str
    body: str
    subject: str | None = None
    status_callback_url: str | None = None
    # WhatsApp outside its 24-hour window: the approved template and its values by position
    content_sid: str | None = None
    variables: dict[str, str] | None = None


@dataclass(frozen=True)
class Sent:
    provider_id: str | None
    delivered_locally: bool = False  # the outbox-only channel: stored, not sent


class SendFailed(Exception):
    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class TemporaryFailure(SendFailed):
    """Worth trying again later: rate limited, the provider's error, a network fault.
    `outcome_unknown`: the provider may have taken the message before the fault (a timeout,
    a dropped connection, its own 5xx), so ask it before sending again."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown


class PermanentFailure(SendFailed):
    """Trying again will not help: an invalid number, or the recipient opted out."""

    @property
    def opted_out(self) -> bool:
        return self.code == "21610"


class Sender(Protocol):
    def send(self, delivery: Delivery) -> Sent: ...


class CheckingSender(Sender, Protocol):
    """A sender that can say whether an earlier attempt got through after all."""

    def find_accepted(
        self, delivery: Delivery, *, since: datetime, exclude: Collection[str]
    ) -> str | None:
        """The provider's id for a message like `delivery` it took since `since`, other than
        those in `exclude`; None if it took none. Raises TemporaryFailure if it cannot tell."""
        ...
