"""The channel used when no provider is set up: the message stays in the outbox, where the
outbox page shows it, plainly marked as not sent. Nothing leaves the machine."""

from notifications.channels.base import Delivery, Sent


class OutboxOnlySender:
    """Accepts every delivery and sends nothing, so a laptop install works without accounts."""

    def send(self, delivery: Delivery) -> Sent:
        return Sent(provider_id=None, delivered_locally=True)
