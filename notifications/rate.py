"""Spacing sends out: at most a channel's rate a second (SMS_PER_SECOND, EMAILS_PER_SECOND)
across every worker process and thread together, so adding workers adds throughput up to
the provider account's own rate and never past it. Only real sends wait their turn, not a
task that finds its message already sent or not yet due, so a queue holding stale copies
drains at full speed.

Each send reserves the next free slot (1/rate after the one before) and sleeps until it:
a token bucket that holds one token. The threads of a process that ask at the same moment
reserve their slots together, in one round trip (notifications.send_group), each taking the
next of them: no slot is reserved that no send waits for. With a Redis broker the slots
live in Redis (one Lua script, keyed by the channel and the Twilio account, timed by
Redis's clock); otherwise, and while Redis cannot be reached, in a small file under VAR_DIR
that every process on the machine locks in turn (the embedded broker's workers all share
one machine)."""

import fcntl
import logging
import struct
import threading
import time
from pathlib import Path

import redis

from dfc.settings import Settings
from notifications.send_group import GroupRunner

log = logging.getLogger(__name__)
REDIS_SECONDS = 0.5  # a Redis that takes longer is treated as down
REDIS_RETRY_AFTER = 10.0  # seconds on the file fallback before trying Redis again
# Reserves `count` slots `gap` apart: returns the first and the wait for it (microseconds).
RESERVE = """
local gap = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local after = slot + gap * count
local keep = math.floor((after - now) / 1000) + 60000
redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX', keep)
return {string.format('%.0f', slot), slot - now}
"""


class FileSlots:
    """The next free slot (wall-clock seconds) in a file, locked while it is moved on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # flock is per open file: threads take turns first

    def reserve(self, key: str, per_second: float, count: int = 1) -> tuple[float, float]:
        """The first of `count` slots (time.time()) and the seconds to wait for it."""
        path = self.path.with_name(f"{self.path.name}-{key}")
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(path, "a+b") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            try:
                file.seek(0)
                raw = file.read(8)
                now = time.time()
                slot = max(now, struct.unpack("d", raw)[0] if len(raw) == 8 else 0.0)
                file.seek(0)
                file.truncate()
                file.write(struct.pack("d", slot + count / per_second))
                file.flush()
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)
        return slot, slot - now


class RedisSlots:
    """The next free slot in Redis, shared by every worker that uses the same Redis."""

    def __init__(self, url: str, account: str) -> None:
        self.client = redis.Redis.from_url(
            url, socket_timeout=REDIS_SECONDS, socket_connect_timeout=REDIS_SECONDS
        )
        self.script = self.client.register_script(RESERVE)
        self.account = account

    def reserve(self, key: str, per_second: float, count: int = 1) -> tuple[float, float]:
        gap = round(1_000_000 / per_second)
        slot, wait = self.script(keys=[f"dfc:rate:{key}:{self.account}"], args=[gap, count])
        return int(slot) / 1_000_000, int(wait) / 1_000_000


class SharedRateLimiter:
    """Redis when there is one, the file otherwise or while Redis is unreachable."""

    def __init__(self, file_slots: FileSlots, redis_slots: RedisSlots | None = None) -> None:
        self.file_slots = file_slots
        self.redis_slots = redis_slots
        self._redis_down_until = 0.0
        self._lock = threading.Lock()
        self._runners: dict[tuple[str, float], GroupRunner] = {}

    def _reserve(self, key: str, per_second: float, count: int) -> tuple[float, float]:
        """The first of `count` slots, from Redis or the file, and the wait for it."""
        if self.redis_slots is not None and time.monotonic() >= self._redis_down_until:
            try:
                return self.redis_slots.reserve(key, per_second, count)
            except redis.RedisError:
                self._redis_down_until = time.monotonic() + REDIS_RETRY_AFTER
                log.warning("the rate limit falls back to this machine: Redis did not answer")
        return self.file_slots.reserve(key, per_second, count)

    def next_slot(self, key: str, per_second: float) -> tuple[float, float]:
        """This sender's slot and when it comes (time.time()): the next of the slots
        reserved, in one round trip, for every thread of this process asking now."""
        with self._lock:
            runner = self._runners.get((key, per_second))
            if runner is None:
                runner = GroupRunner(lambda asking: self._reserve_for(key, per_second, asking))
                self._runners[key, per_second] = runner
        return runner.run(None)

    def _reserve_for(self, key: str, per_second: float, asking: list) -> list[tuple[float, float]]:
        gap = 1 / per_second
        first, wait = self._reserve(key, per_second, len(asking))
        at = time.time() + wait
        return [(first + i * gap, at + i * gap) for i in range(len(asking))]

    def wait_turn(self, key: str, per_second: float) -> float:
        """Sleeps until this sender may send; returns its slot on the limiter's clock."""
        slot, at = self.next_slot(key, per_second)
        delay = at - time.time()
        if delay > 0:
            time.sleep(delay)
        return slot


_lock = threading.Lock()
_limiters: dict[tuple[str, str, str], SharedRateLimiter] = {}


def shared_limiter(settings: Settings) -> SharedRateLimiter:
    """The limiter for these settings' broker and account, made once per process."""
    broker, account = settings.CELERY_BROKER_URL, settings.TWILIO_ACCOUNT_SID or "-"
    folder = str(settings.VAR_DIR / "rate")
    with _lock:
        limiter = _limiters.get((broker, account, folder))
        if limiter is None:
            on_redis = broker.startswith(("redis://", "rediss://"))
            limiter = SharedRateLimiter(
                FileSlots(Path(folder) / f"next-slot-{account}"),
                RedisSlots(broker, account) if on_redis else None,
            )
            _limiters[(broker, account, folder)] = limiter
        return limiter
