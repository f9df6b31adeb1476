"""A small closed-loop HTTP load client: N threads, each with its own kept-alive connection,
sending the same GET for a fixed time to a server on loopback. Bounded in time; stops by
itself."""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        return (
            f"{self.per_second:,.0f} req/s, p50 {self.p50_ms:,.1f} ms, p99 {self.p99_ms:,.1f} ms,"
            f" {self.errors} errors"
        )


def _worker(
    port: int, path: str, headers: dict[str, str], until: float, latencies: list, errors: list
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            ok = False
        if ok:
            latencies.append((time.perf_counter() - started) * 1000)
        else:
            errors.append(1)
    connection.close()


def load(
    port: int, path: str, headers: dict[str, str], *, seconds: float, connections: int
) -> Result:
    """GET `path` on 127.0.0.1:`port` from `connections` threads for `seconds`."""
    latencies: list[float] = []
    errors: list[int] = []
    started = time.monotonic()
    until = started + seconds
    threads = [
        threading.Thread(target=_worker, args=(port, path, headers, until, latencies, errors))
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies) or [0.0]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return Result(len(latencies), len(errors), elapsed, statistics.median(ordered), p99)
