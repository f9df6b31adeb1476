"""SMS_PER_SECOND is shared by every worker: two worker processes sending at once never go
past it together, through Redis (the production broker) and through the file that the
embedded broker's workers share; with Redis gone the file takes over."""

import itertools
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from notifications import rate
from tests.conftest import REDIS_URL, require_server

PER_SECOND, EACH = 20, 15  # two senders, 30 sends: 1.5 s at the shared rate

SENDER = """
import sys, time
from dfc.settings import get_settings
from notifications.rate import shared_limiter
limiter = shared_limiter(get_settings())
start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
for _ in range(int(sys.argv[3])):
    print(limiter.wait_turn("text", float(sys.argv[2])), flush=True)
"""


def send_from_two_processes(broker_url: str, account: str) -> list[float]:
    """The slot each send of two worker processes, started together, was given."""
    start = time.time() + 4  # both imported and waiting by then, even on a busy machine
    env = os.environ | {
        "CELERY_BROKER_URL": broker_url,
        "TWILIO_ACCOUNT_SID": account,
        "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "0" * 32,
    }
    senders = [
        subprocess.Popen(
            [sys.executable, "-c", SENDER, str(start), str(PER_SECOND), str(EACH)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    times = []
    for sender in senders:
        out, err = sender.communicate(timeout=60)
        assert sender.returncode == 0, err
        times += [float(line) for line in out.split()]
    return sorted(times)


def assert_within_rate(times: list[float], per_second: float) -> None:
    """No second holds more than `per_second` sends, and all of them went."""
    assert len(times) == 2 * EACH
    for first, later in zip(times, times[int(per_second) :], strict=False):
        assert later - first >= 1 - 1e-5, f"{per_second + 1} sends within {later - first:.3f} s"
    gaps = [later - first for first, later in itertools.pairwise(times)]
    assert min(gaps) >= 1 / per_second - 1e-5, f"two sends {min(gaps):.3f} s apart"


def test_two_workers_on_the_embedded_broker_share_the_rate():
    times = send_from_two_processes("filesystem://", f"AC-file-{time.time_ns()}")
    assert_within_rate(times, PER_SECOND)


@pytest.mark.redis
def test_two_workers_on_redis_share_the_rate():
    require_server("Redis", REDIS_URL)
    account = f"AC-redis-{time.time_ns()}"
    times = send_from_two_processes(REDIS_URL, account)
    assert_within_rate(times, PER_SECOND)
    key = f"dfc:rate:text:{account}"
    assert redis.Redis.from_url(REDIS_URL).pttl(key) > 0, "the slot expires, not kept forever"


def test_without_redis_the_file_keeps_the_rate_and_says_so(tmp_path, caplog):
    limiter = rate.SharedRateLimiter(
        rate.FileSlots(tmp_path / "next-slot"), rate.RedisSlots("redis://127.0.0.1:1/0", "AC1")
    )
    started = time.monotonic()
    slots = [limiter.wait_turn("text", 10) for _ in range(6)]
    assert time.monotonic() - started >= 0.5 - 0.01  # six sends at 10 a second: five gaps
    assert all(later - first >= 0.1 - 1e-5 for first, later in itertools.pairwise(slots))
    assert "falls back to this machine" in caplog.text
    assert caplog.text.count("falls back") == 1, "Redis is not asked again at every send"


def test_threads_asking_together_reserve_together_and_use_each_slot_once(tmp_path):
    limiter = rate.SharedRateLimiter(rate.FileSlots(tmp_path / "next-slot"))
    with ThreadPoolExecutor(8) as pool:
        slots = list(pool.map(lambda _: limiter.wait_turn("text", 5000), range(120)))
    assert len(set(slots)) == 120
    gaps = [later - first for first, later in itertools.pairwise(sorted(slots))]
    assert min(gaps) >= 1 / 5000 - 1e-6
