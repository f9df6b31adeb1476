"""The daily alerts belong to the domains: each registers its own rule here (the register's
support, licence, connectivity and data alerts; privacy's sharing agreements), and the daily
task runs every rule registered. Notifications only sends what the rules enqueue."""

import logging
from collections.abc import Callable

from sqlmodel import Session

log = logging.getLogger(__name__)
DailyRule = Callable[[Session], int]
DAILY_RULES: dict[str, DailyRule] = {}


def register_daily_rule(name: str, rule: DailyRule) -> None:
    """Adds `rule` to the daily run; `rule(session)` enqueues its messages, returns a count."""
    DAILY_RULES[name] = rule


def run_daily_rules(session: Session) -> int:
    """Runs every registered rule in the caller's transaction; returns messages enqueued."""
    if not DAILY_RULES:
        log.warning("no daily alert rules are registered: nothing to check")
    return sum(rule(session) for rule in DAILY_RULES.values())
