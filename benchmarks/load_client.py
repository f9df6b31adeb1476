"""A small closed-loop HTTP load client: N threads, each with its own kept-alive connection,
sending the same GET for a fixed time to a server on loopback. Bounded in time; stops by
itself."""

import http.client
import os
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float = 0.0  # the server process's CPU (user + system) per request

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        return (
            f"{self.per_second:,.0f} req/s, p50 {self.p50_ms:,.1f} ms, p99 {self.p99_ms:,.1f} ms,"
            f" {self.cpu_ms:,.2f} CPU ms a request, {self.errors} errors"
        )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (Linux), 0 where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    port: int,
    path: str,
    headers: dict[str, str],
    *,
    seconds: float,
    connections: int,
    server_pid: int = 0,
) -> Result:
    """GET `path` on 127.0.0.1:`port` from `connections` threads for `seconds`; with
    `server_pid`, also the server's CPU time per request (whatever the machine's load)."""
    cpu_before = cpu_seconds(server_pid) if server_pid else 0.0
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
    cpu = (cpu_seconds(server_pid) - cpu_before) if server_pid else 0.0
    cpu_ms = cpu * 1000 / len(latencies) if latencies else 0.0
    return Result(len(latencies), len(errors), elapsed, statistics.median(ordered), p99, cpu_ms)
