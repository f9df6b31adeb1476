"""The notifications HTTP API: the outbox for operators, and Twilio's webhooks."""

from notifications.api import outbox, twilio_hooks

ROUTERS = [outbox.router, twilio_hooks.router]
