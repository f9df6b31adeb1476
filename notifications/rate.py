"""Spacing sends out: at most a channel's rate a second in each worker process. Only real
sends wait their turn, not a task that finds its message already sent or not yet due, so a
queue holding stale copies drains at full speed (Celery's own rate_limit counted those, and
with a broker's prefetch fell to about one text a second)."""

import threading
import time


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_slot = 0.0

    def wait_turn(self, per_second: float) -> float:
        """Sleeps until this process may send again; returns the seconds waited."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1 / per_second
        delay = slot - now
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)


LIMITERS: dict[str, RateLimiter] = {"text": RateLimiter(), "email": RateLimiter()}
