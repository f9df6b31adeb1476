"""docker-compose.yml and the Dockerfile run real `dfc` commands (parsed; Docker not needed)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml

from dfc.cli import app

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
IMAGE = "devices-for-children"
INTERPOLATED_SECRET = re.compile(r"\$\{SECRET_KEY(:?\?[^}]*)?\}")


def services() -> dict[str, dict[str, Any]]:
    """The compose services, YAML anchors and merge keys resolved."""
    return yaml.safe_load(COMPOSE.read_text())["services"]


def ours(service: dict[str, Any]) -> bool:
    """Whether the service runs our image (built here or named as ours)."""
    return "build" in service or IMAGE in str(service.get("image", ""))


def command_of(service: dict[str, Any]) -> list[str]:
    return service.get("command") or []


def assert_real_command(argv: Any) -> None:
    """argv is `dfc <command> ...` and every option and argument parses with our CLI."""
    assert isinstance(argv, list), f"use exec (list) form, not {argv!r}"
    assert all(isinstance(part, str) for part in argv), argv
    assert len(argv) >= 2 and argv[0] == "dfc", f"expected ['dfc', <command>, ...], got {argv}"
    group = typer.main.get_command(app)  # a click Group (typer may vendor its own click)
    commands = group.commands  # type: ignore[attr-defined]
    name, *args = argv[1:]
    assert name in commands, f"{name!r} is not a dfc command: {sorted(commands)}"
    try:
        with group.make_context("dfc", [name, *args], resilient_parsing=False) as parent:
            commands[name].make_context(name, list(args), parent=parent)
    except Exception as error:  # click's UsageError: no such option, bad value, missing argument
        pytest.fail(f"{argv} does not parse: {error}")


def test_the_expected_services_exist() -> None:
    """PostgreSQL, Redis, the web server, a worker, beat and a migrate step."""
    found = services()
    assert {"postgres", "redis", "api", "worker", "beat"} <= found.keys()
    assert migrate_steps(found), "no service runs `dfc migrate`"
    assert all(ours(found[name]) for name in ("api", "worker", "beat"))


def migrate_steps(found: dict[str, dict[str, Any]]) -> set[str]:
    return {name for name, svc in found.items() if command_of(svc)[:2] == ["dfc", "migrate"]}


@pytest.mark.parametrize("name", sorted(n for n, s in services().items() if ours(s)))
def test_our_services_run_real_cli_commands(name: str) -> None:
    """Every service on our image runs `dfc <real command>` with options the command has."""
    assert_real_command(services()[name].get("command"))


@pytest.mark.parametrize("name", ["api", "postgres", "redis"])
def test_health_checks(name: str) -> None:
    """The web server and both backing services say when they are healthy."""
    check = services()[name].get("healthcheck") or {}
    assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_api_health_check_asks_healthz() -> None:
    assert "/healthz" in " ".join(services()["api"]["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["api", "worker", "beat"])
def test_long_running_services_wait_for_migrations(name: str) -> None:
    """They start only after a migrate step has finished successfully."""
    found = services()
    depends = found[name].get("depends_on") or {}
    assert isinstance(depends, dict), "use the long depends_on form, with conditions"
    waited = {
        step
        for step in migrate_steps(found)
        if (depends.get(step) or {}).get("condition") == "service_completed_successfully"
    }
    assert waited, f"{name} does not wait for `dfc migrate` to complete"


def environment(service: dict[str, Any]) -> dict[str, str | None]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict([*item.split("=", 1), None][:2] for item in env)
    return env


def test_secret_key_is_never_written_in_the_file() -> None:
    """SECRET_KEY only ever comes from the environment: `${SECRET_KEY:?...}`, no default."""
    found = services()
    for name, service in found.items():
        value = environment(service).get("SECRET_KEY")
        assert value is None or INTERPOLATED_SECRET.fullmatch(value), f"{name}: {value!r}"
    for line in COMPOSE.read_text().splitlines():
        if match := re.match(r"\s*-?\s*SECRET_KEY\s*[:=]\s*(.*)", line):
            assert INTERPOLATED_SECRET.fullmatch(match[1].strip().strip("'\"")), line
    assert environment(found["api"]).get("SECRET_KEY"), "api is not given SECRET_KEY"


def test_exactly_one_beat() -> None:
    """Two schedulers would queue every scheduled alert twice."""
    beats = [
        (name, service)
        for name, service in services().items()
        if command_of(service)[1:2] == ["beat"]
        or (command_of(service)[1:2] == ["worker"] and "--beat" in command_of(service))
    ]
    assert len(beats) == 1, [name for name, _ in beats]
    _, beat = beats[0]
    assert (beat.get("deploy") or {}).get("replicas", 1) == 1
    assert beat.get("scale", 1) == 1


def final_stage_instructions() -> list[str]:
    """The Dockerfile's instructions after its last FROM, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    last_from = max(i for i, line in enumerate(instructions) if line.upper().startswith("FROM "))
    return instructions[last_from:]


def test_dockerfile_runs_a_real_cli_command() -> None:
    """ENTRYPOINT + CMD (exec form) is `dfc <real command>` with options that parse."""
    argv: dict[str, list[str]] = {}
    for line in final_stage_instructions():
        keyword, _, rest = line.partition(" ")
        if keyword.upper() in {"CMD", "ENTRYPOINT"}:
            argv[keyword.upper()] = json.loads(rest)
    assert "CMD" in argv or "ENTRYPOINT" in argv, "the image has no CMD"
    assert_real_command(argv.get("ENTRYPOINT", []) + argv.get("CMD", []))


def test_dockerfile_health_check_asks_healthz() -> None:
    checks = [line for line in final_stage_instructions() if line.startswith("HEALTHCHECK")]
    assert len(checks) == 1 and "/healthz" in checks[0]


def test_every_queue_has_workers_of_its_own_that_wait_for_migrations() -> None:
    """Texts, imports and housekeeping each have a worker service, so none waits on another."""
    from dfc.worker import QUEUES

    served: dict[str, str] = {}
    for name, service in services().items():
        command = command_of(service)
        if command[1:2] == ["worker"]:
            assert "--queues" in command, f"{name} takes every queue; name its queue"
            for queue in command[command.index("--queues") + 1].split(","):
                served[queue] = name
            depends = service.get("depends_on") or {}
            assert any(
                (depends.get(step) or {}).get("condition") == "service_completed_successfully"
                for step in migrate_steps(services())
            ), name
    assert sorted(served) == sorted(QUEUES)
