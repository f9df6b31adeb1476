"""Which sender a channel uses, from the settings: a provider when one is configured, else the
outbox-only channel, so an install with no accounts still works and says nothing was sent."""

import threading

from dfc.settings import Settings
from notifications.channels.base import Sender
from notifications.channels.email import SmtpSender
from notifications.channels.outbox_only import OutboxOnlySender
from notifications.channels.twilio_sms import TwilioSender
from notifications.models import Channel

# Senders for the last settings object seen, so the SDK's connection pool is reused between
# messages; new settings (tests, a reload) start afresh.
_lock = threading.Lock()
_cached_for: Settings | None = None
_cache: dict[str, Sender] = {}


def sender_for(channel: Channel, settings: Settings) -> Sender:
    """The sender for `channel` under `settings`."""
    global _cached_for
    kind = _kind(channel, settings)
    with _lock:
        if _cached_for is not settings:
            _cache.clear()
            _cached_for = settings
        if kind not in _cache:
            _cache[kind] = _build(kind, settings)
        return _cache[kind]


def _kind(channel: Channel, settings: Settings) -> str:
    if channel is Channel.SMS and settings.twilio_enabled:
        return "twilio"
    if channel is Channel.WHATSAPP and settings.twilio_enabled and settings.TWILIO_WHATSAPP_FROM:
        return "twilio"
    if channel is Channel.EMAIL and settings.SMTP_HOST:
        return "smtp"
    return "outbox-only"


def _build(kind: str, settings: Settings) -> Sender:
    if kind == "twilio":
        return TwilioSender(settings)
    if kind == "smtp":
        return SmtpSender(settings)
    return OutboxOnlySender()
