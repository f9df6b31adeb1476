"""What every channel takes and gives back, and the two ways sending can fail."""

from dataclasses import dataclass
from typing import Protocol

from notifications.models import Channel


@dataclass(frozen=True)
class Delivery:
    channel: Channel
    recipient: str
    body: str
    subject: str | None = None
    status_callback_url: str | None = None


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
    """Worth trying again later: rate limited, the provider's error, a network fault."""

    def __init__(
        self, message: str, *, code: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class PermanentFailure(SendFailed):
    """Trying again will not help: an invalid number, or the recipient opted out."""

    @property
    def opted_out(self) -> bool:
        return self.code == "21610"


class Sender(Protocol):
    def send(self, delivery: Delivery) -> Sent: ...
