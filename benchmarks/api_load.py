"""Requests a second through the real app, beside a bare endpoint doing one SELECT, with 8
connections each: the device look-up by serial number and the largest council officer's
device list (page 1, a deep page, and the same deep page by keyset cursor). Rounds are
interleaved, so every target sees the same machine load; the medians are printed.

    .venv/bin/python -m benchmarks.api_load [--seconds 10] [--rounds 3] [--connections 8]
        [--before /work/main]   # also serve that checkout's code, measured in the same rounds
        [--only serial]         # only the requests whose name contains this

Uses dfc_bench (benchmarks.generate) and adds one council officer with a web session and an
API token, removed again at the end. Nothing but loopback is ever contacted.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from accounts.secrets import secret_hash
from benchmarks.database import DEFAULT_URL, libpq_url
from benchmarks.load_client import Result, load
from benchmarks.scenarios import _A_SERIAL, _LARGEST_COUNCIL, _LARGEST_SCHOOL
from dfc import keyset

HERE = Path(__file__).resolve().parent.parent
DEEP_PAGE = 300
EMAIL = "api-load-benchmark@example.org"


@dataclass(frozen=True)
class Target:
    name: str
    server: str
    path: str
    auth: str  # "token", "cookie" or "" (the bare endpoint)


def _fixtures(url: str) -> tuple[list[int], str, str, str]:
    """The largest council's ids, a serial it holds, and a token and session for an officer."""
    now = datetime.now(UTC)
    token, cookie = "dfct_api_load_benchmark_token", "dfcs_api_load_benchmark_session"
    with psycopg.connect(libpq_url(url)) as connection:
        council = connection.execute(_LARGEST_COUNCIL).fetchone()
        school = connection.execute(
            _LARGEST_SCHOOL.replace(":council", "%s"), (council[0],)
        ).fetchone()
        serial = connection.execute(_A_SERIAL.replace(":school", "%s"), (school[0],)).fetchone()
        ids = [council[0]] + [
            row[0]
            for row in connection.execute(
                "SELECT id FROM organisation WHERE council_id = %s", (council[0],)
            )
        ]
        _cleanup(connection)
        user_id = connection.execute(
            "INSERT INTO staff_user (email, full_name, role, organisation_id, password_hash,"
            " is_active, failed_sign_ins, created_at) VALUES (%s, 'Load Benchmark',"
            " 'council-officer', %s, '!', true, 0, %s) RETURNING id",
            (EMAIL, council[0], now),
        ).fetchone()[0]
        for kind, secret in (("api-token", token), ("web-session", cookie)):
            connection.execute(
                "INSERT INTO credential (user_id, kind, secret_hash, created_at, expires_at)"
                " VALUES (%s, %s, %s, %s, %s)",
                (user_id, kind, secret_hash(secret), now, now + timedelta(hours=4)),
            )
    return ids, serial[0], token, cookie


def _cleanup(connection: psycopg.Connection) -> None:
    users = "SELECT id FROM staff_user WHERE email = %s"
    connection.execute(f"DELETE FROM credential WHERE user_id IN ({users})", (EMAIL,))  # noqa: S608
    connection.execute("DELETE FROM staff_user WHERE email = %s", (EMAIL,))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(module: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", module, "--port", str(port), "--host", "127.0.0.1"]
    command += ["--no-access-log", "--log-level", "warning"]
    if module.endswith("create_app"):
        command.append("--factory")
    return subprocess.Popen(command, env=env, cwd=env["PYTHONPATH"])  # noqa: S603


def _wait_until_up(port: int) -> None:
    import http.client

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/openapi.json")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server on port {port} did not start")


def _cursor_for(port: int, token: str) -> str:
    """The keyset cursor the app hands out at the end of page DEEP_PAGE - 1."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    path = f"/api/devices?page={DEEP_PAGE - 1}&per_page=50"
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    body = json.loads(connection.getresponse().read())
    return body.get("next_after") or ""


def targets(ports: dict[str, int], serial: str, cursor: str) -> list[Target]:
    """What is timed on each server; the keyset rows only where the app offers a cursor."""
    listing = f"/api/devices?page={DEEP_PAGE}&per_page=50"
    found = [Target("serial: bare SELECT", "bare", f"/bare/device?serial={serial}", "")]
    for server in (name for name in ("before", "after") if name in ports):
        found += [
            Target(
                f"serial: API list filter ({server})",
                server,
                f"/api/devices?serial_number={serial}",
                "token",
            ),
            Target(  # a --before checkout without it answers 404: its row shows errors
                f"serial: /lookup ({server})",
                server,
                f"/api/devices/lookup?serial={serial}",
                "token",
            ),
        ]
    found.append(
        Target(f"list p{DEEP_PAGE}: bare SELECT", "bare", f"/bare/devices?page={DEEP_PAGE}", "")
    )
    found.append(Target("list p1: bare SELECT", "bare", "/bare/devices?page=1", ""))
    for server in (name for name in ("before", "after") if name in ports):
        found += [
            Target(f"list p1: API ({server})", server, "/api/devices?per_page=50", "token"),
            Target(f"list p{DEEP_PAGE}: API ({server})", server, listing, "token"),
            Target(f"list p1: officer page ({server})", server, "/devices", "cookie"),
            Target(
                f"list p{DEEP_PAGE}: officer page ({server})",
                server,
                f"/devices?page={DEEP_PAGE}",
                "cookie",
            ),
        ]
    if cursor:
        after = urllib.parse.quote(cursor)
        serial_before = urllib.parse.quote(keyset.decode(cursor, "serial_number")[0])
        found += [
            Target(
                f"list p{DEEP_PAGE}: bare keyset SELECT",
                "bare",
                f"/bare/devices?after_serial={serial_before}",
                "",
            ),
            Target(
                f"list p{DEEP_PAGE}: API keyset (after)",
                "after",
                f"{listing}&after={after}",
                "token",
            ),
            Target(
                f"list p{DEEP_PAGE}: officer page keyset (after)",
                "after",
                f"/devices?page={DEEP_PAGE}&after={after}",
                "cookie",
            ),
        ]
    return found


def _row(name: str, results: list[Result]) -> str:
    rate = statistics.median(r.per_second for r in results)
    p50 = statistics.median(r.p50_ms for r in results)
    p99 = statistics.median(r.p99_ms for r in results)
    cpu = statistics.median(r.cpu_ms for r in results)
    errors = sum(r.errors for r in results)
    return f"| {name} | {rate:,.0f} | {p50:,.1f} | {p99:,.1f} | {cpu:,.2f} | {errors} |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--before", type=Path, help="a checkout whose code is served beside")
    parser.add_argument("--only", default="", help="time only requests whose name has this")
    args = parser.parse_args(argv)
    ids, serial, token, cookie = _fixtures(args.database_url)
    env = {**os.environ, "DATABASE_URL": args.database_url, "BARE_HOLDERS": ",".join(map(str, ids))}
    env["SECRET_KEY"] = env.get("SECRET_KEY") or "api-load-benchmark-not-for-production"
    code = {"after": HERE, "bare": HERE} | ({"before": args.before} if args.before else {})
    ports = {name: _free_port() for name in code}
    servers = {
        name: _serve(
            "benchmarks.bare_api:app" if name == "bare" else "dfc.app:create_app",
            ports[name],
            {**env, "PYTHONPATH": str(path)},
        )
        for name, path in code.items()
    }
    try:
        for port in ports.values():
            _wait_until_up(port)
        headers = {
            "token": {"Authorization": f"Bearer {token}"},
            "cookie": {"Cookie": f"dfc_session={cookie}"},
            "": {},
        }
        chosen = [
            target
            for target in targets(ports, serial, _cursor_for(ports["after"], token))
            if args.only in target.name
        ]
        results: dict[str, list[Result]] = {target.name: [] for target in chosen}
        load_before = os.getloadavg()
        for number in range(args.rounds):
            for target in chosen:
                result = load(
                    ports[target.server],
                    target.path,
                    headers[target.auth],
                    seconds=args.seconds,
                    connections=args.connections,
                    server_pid=servers[target.server].pid,
                )
                results[target.name].append(result)
                print(f"round {number + 1}: {target.name}: {result}", flush=True)
        print(
            f"\nload average before {load_before}, after {os.getloadavg()}; council {ids[0]} "
            f"({len(ids) - 1} schools), {args.connections} connections, {args.rounds} rounds "
            f"of {args.seconds:.0f} s, medians"
        )
        print("| Request | req/s | p50 ms | p99 ms | server CPU ms/req | errors |")
        print("|---|---:|---:|---:|---:|---:|")
        for target in chosen:
            print(_row(target.name, results[target.name]))
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            server.wait(timeout=30)
        with psycopg.connect(libpq_url(args.database_url)) as connection:
            _cleanup(connection)
    return 0


if __name__ == "__main__":
    sys.exit(main())
