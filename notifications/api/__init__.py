"""The notifications HTTP API: the outbox for operators, and Twilio's webhooks."""

from notifications.api import outbox, policies, twilio_hooks

ROUTERS = [outbox.router, policies.router, twilio_hooks.router]
