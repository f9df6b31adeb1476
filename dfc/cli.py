"""The operator's command line: `dfc --help` lists every command."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from dfc.cli_accounts import app as accounts_commands
from dfc.cli_accounts import load_councils_command
from dfc.cli_settings import settings_or_exit
from dfc.settings import Settings

app = typer.Typer(
    help="Devices for Children: run, migrate and administer the service.",
    no_args_is_help=True,
    add_completion=False,
)


# On a stop, requests under way get this long to finish (within docker-compose.yml's
# stop_grace_period for the api) before their connections are closed.
GRACEFUL_SHUTDOWN_SECONDS = 20


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on [default: HOST]")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: PORT]")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes [default: WEB_WORKERS]")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
) -> None:
    """Serve the API, the web pages and /docs with uvicorn."""
    import uvicorn

    settings = settings_or_exit()
    uvicorn.run(
        "dfc.app:create_app",
        factory=True,
        host=host or settings.HOST,
        port=port or settings.PORT,
        workers=workers or settings.WEB_WORKERS,
        reload=reload,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        # A worker busy with slow requests may answer the supervisor's ping late; killing it
        # would drop every request it holds (docs/operations.md, "The web tier").
        timeout_worker_healthcheck=settings.WEB_HEALTHCHECK_SECONDS,
        limit_concurrency=settings.WEB_MAX_CONCURRENCY,
        backlog=settings.WEB_BACKLOG,
        timeout_keep_alive=settings.WEB_KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


@app.command()
def worker(
    beat: Annotated[
        bool,
        typer.Option(
            "--beat", help="Also run the beat scheduler in this process (for one machine only)"
        ),
    ] = False,
    concurrency: Annotated[
        int | None,
        typer.Option(
            help="Task processes [default: TEXT_WORKERS, IMPORT_WORKERS and/or "
            "HOUSEKEEPING_WORKERS, added up for the queues taken]; for the texts queue "
            "alone, texts sent at once by threads [default: TEXT_SENDS_IN_FLIGHT]",
            min=1,
        ),
    ] = None,
    queues: Annotated[
        str | None,
        typer.Option(help="Comma-separated queues: texts, imports, housekeeping [default: all]"),
    ] = None,
    loglevel: Annotated[str, typer.Option(help="Celery log level")] = "INFO",
) -> None:
    """Run a Celery worker for background tasks, on every queue or the ones named."""
    settings = settings_or_exit()
    from dfc.worker import QUEUES, celery_app

    chosen = [name.strip() for name in (queues or ",".join(QUEUES)).split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(QUEUES))
    if unknown or not chosen:
        typer.secho(
            f"--queues: unknown queue {', '.join(unknown) or '(none)'}; use {', '.join(QUEUES)}",
            fg="red",
            err=True,
        )
        raise typer.Exit(2)
    # Texts alone: one process, several sends in flight (threads waiting on Twilio, not
    # computing); with other queues: processes, so an import never holds up the others.
    texts_alone = chosen == ["texts"]
    if concurrency is None:
        per_queue = {
            "texts": settings.TEXT_WORKERS,
            "imports": settings.IMPORT_WORKERS,
            "housekeeping": settings.HOUSEKEEPING_WORKERS,
        }
        concurrency = sum(per_queue[name] for name in chosen)
        if texts_alone:
            concurrency = settings.TEXT_SENDS_IN_FLIGHT
    arguments = [
        "worker",
        f"--loglevel={loglevel}",
        f"--pool={'threads' if texts_alone else 'prefork'}",
        f"--concurrency={concurrency}",
        f"--queues={','.join(chosen)}",
        f"--hostname={'+'.join(chosen)}@%h",
    ]
    if beat:
        arguments.append("--beat")
        _make_schedule_folder(settings)
    celery_app.worker_main(arguments)


def _make_schedule_folder(settings: Settings) -> None:
    """Beat keeps its schedule in VAR_DIR, which only SQLite and the embedded broker
    would otherwise have made: without it beat stops at once and nothing is scheduled."""
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)


@app.command()
def beat(loglevel: Annotated[str, typer.Option(help="Celery log level")] = "INFO") -> None:
    """Run the beat scheduler that queues the scheduled alerts (run exactly one)."""
    settings = settings_or_exit()
    from dfc.worker import celery_app

    _make_schedule_folder(settings)
    celery_app.start(["beat", f"--loglevel={loglevel}"])


@app.command()
def migrate(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Bring the database schema up to date (safe to run again)."""
    settings = settings_or_exit()
    from dfc import migrate as migrations

    migrations.upgrade(settings.database_url, revision)
    typer.echo(f"Database at {revision}.")


@app.command("seed-demo")
def seed_demo_command() -> None:
    """Add demo data once (a borough, schools, a user per role) and print the logins."""
    settings = settings_or_exit()
    from dfc.db import session_scope
    from dfc.demo import read_logins, seed_demo

    with session_scope() as session:
        logins = seed_demo(session, var_dir=settings.VAR_DIR)
    typer.echo(
        f"Demo logins (also in {settings.VAR_DIR / 'demo-logins.txt'}):"
        if logins
        else "Demo data is already there. Demo logins:"
    )
    typer.echo(read_logins(settings.VAR_DIR) or "  (the logins file is missing)")


@app.command()
def retention(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what each rule would change; change nothing")
    ] = False,
) -> None:
    """Apply the retention rules now (the worker does it daily) and print what changed."""
    settings_or_exit()
    from dfc.db import session_scope
    from privacy.retention import run as run_retention

    with session_scope() as session:
        report = run_retention(session, dry_run=dry_run)
    typer.echo("\n".join(report.lines()))


@app.command("open-data")
def open_data_command(
    month: Annotated[
        str | None, typer.Option(help="YYYY-MM (default: the last complete month)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder to write into (default: VAR_DIR/open-data/YYYY-MM)")
    ] = None,
) -> None:
    """Write a month's open data: CSV and JSON per dataset, datapackage.json and a README."""
    settings = settings_or_exit()
    from dfc.db import session_scope
    from reporting.open_data.period import BadMonth
    from reporting.open_data.publish import publish_month

    try:
        with session_scope() as session:
            published = publish_month(session, settings=settings, month=month, out=out)
    except BadMonth as error:
        typer.secho(f"--month: {error}", fg="red", err=True)
        raise typer.Exit(2) from None
    except OSError as error:
        typer.secho(f"--out: cannot write the files ({error})", fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Open data: {len(published.files)} files in {published.folder}")


def _stop_everything(_signum: int, _frame: object) -> None:
    """SIGTERM takes the same way out as Ctrl-C, through `run`'s clean-up."""
    raise KeyboardInterrupt


@app.command()
def run() -> None:
    """Start everything on one machine: migrate, load councils, seed the demo once, then the
    web server, beat and a worker for each queue. Ctrl-C, or SIGTERM (a service manager, a
    container stopping), stops them all: none is left running without the others."""
    settings = settings_or_exit()
    signal.signal(signal.SIGTERM, _stop_everything)
    migrate()
    load_councils_command(None)
    seed_demo_command()
    command = [sys.executable, "-m", "dfc"]
    children = [
        subprocess.Popen([*command, "serve"]),  # noqa: S603 (our own CLI)
        subprocess.Popen([*command, "beat", "--loglevel", "WARNING"]),  # noqa: S603
        *(
            subprocess.Popen([*command, "worker", "--queues", queue])  # noqa: S603
            for queue in ("texts", "imports", "housekeeping")
        ),
    ]
    typer.secho(
        f"\nDevices for Children is running at http://{settings.HOST}:{settings.PORT}/ "
        f"(API docs at /docs). Press Ctrl-C to stop.\n",
        fg="green",
        bold=True,
    )
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    failed = [child.returncode for child in children if child.returncode not in (0, -15, None)]
    raise typer.Exit(1 if failed else 0)


@app.command("backup")
def backup_command(
    path: Annotated[
        Path, typer.Argument(help="File to write, or a folder to write a dated file in")
    ],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace PATH if it is already there")
    ] = False,
) -> None:
    """Copy the embedded SQLite database to PATH, safely while the service runs, and check
    the copy (PostgreSQL: use pg_dump, see docs/operations.md)."""
    settings = settings_or_exit()
    from dfc import backup

    try:
        copy = backup.backup(
            database_url=settings.database_url, destination=path, overwrite=overwrite
        )
    except backup.BackupError as error:
        typer.secho(str(error), fg="red", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"Backed up to {copy.path} ({copy.size_bytes / 1_000_000:.1f} MB, schema "
        f"{copy.revision}, integrity check ok)."
    )
    typer.echo("\n".join(copy.lines()))


@app.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="A file made by `dfc backup`")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Restore even though a web server or worker seems to run"),
    ] = False,
) -> None:
    """Replace the embedded SQLite database with a backup (the current one is kept beside
    it), then migrate it to the latest schema. Stop `dfc run` first."""
    settings = settings_or_exit()
    from dfc import backup

    try:
        report = backup.restore(
            database_url=settings.database_url,
            source=path,
            force=force,
            web_address=(settings.HOST, settings.PORT),
        )
    except backup.BackupError as error:
        typer.secho(str(error), fg="red", err=True)
        raise typer.Exit(2) from None
    typer.echo("\n".join(report.lines()))


# Reference data and accounts (dfc/cli_accounts.py), listed after running and migrating.
app.registered_commands += accounts_commands.registered_commands


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()
