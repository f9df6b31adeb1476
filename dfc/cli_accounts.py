"""The operator's commands for reference data and accounts: councils, schools and staff.
Registered on `dfc`'s command line by dfc.cli; each answers a bad row or option by name."""

from pathlib import Path
from typing import Annotated

import typer

from dfc.cli_settings import settings_or_exit

app = typer.Typer()


@app.command("load-councils")
def load_councils_command(
    file: Annotated[
        Path | None,
        typer.Option(
            help="CSV with gss_code, dfe_la_code, name, "
            "inner_london [default: the 33 London "
            "councils shipped with the service]"
        ),
    ] = None,
) -> None:
    """Load councils (reference data); safe to run again."""
    settings_or_exit()
    from accounts.reference_data import load_councils
    from dfc.csv_import import ImportRejected
    from dfc.db import session_scope

    try:
        with session_scope() as session:
            added, updated = load_councils(session, file.read_bytes() if file else None)
    except ImportRejected as rejected:
        _report_rejection(rejected)
    typer.echo(f"Councils: {added} added, {updated} updated.")


def _report_rejection(rejected) -> None:
    typer.secho(rejected.message, fg="red", err=True)
    for problem in rejected.problems:
        typer.echo(f"  {problem}", err=True)
    raise typer.Exit(1)


@app.command("import-schools")
def import_schools_command(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="CSV with urn, name, phase, la_code"
        ),
    ],
) -> None:
    """Add and update schools from a CSV; any bad row rejects the whole file."""
    settings_or_exit()
    from accounts.school_import import import_schools
    from dfc.csv_import import ImportRejected
    from dfc.db import session_scope

    try:
        with session_scope() as session:
            summary = import_schools(session, data=file.read_bytes(), caller=None)
    except ImportRejected as rejected:
        _report_rejection(rejected)
    typer.echo(
        f"Schools: {summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged."
    )


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="Their email address (they sign in with it)")],
    name: Annotated[str, typer.Option(help="Their full name")],
    role: Annotated[
        str, typer.Option(help="scheme-admin, council-officer, school-staff or support-agent")
    ],
    organisation: Annotated[
        str, typer.Option(help="'scheme', a council's GSS or LA code, or a school's URN")
    ] = "scheme",
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="DFC_NEW_PASSWORD",
            help="Asked for if not given (or DFC_NEW_PASSWORD)",
        ),
    ] = "",
) -> None:
    """Add a member of staff (no permission check: this is the operator's tool)."""
    settings_or_exit()
    from pydantic import ValidationError
    from sqlmodel import or_, select

    from accounts.models import Organisation, OrganisationKind
    from accounts.organisations import ensure_scheme
    from accounts.schemas import UserCreate
    from accounts.users import add_user
    from dfc.db import session_scope
    from dfc.errors import DomainError

    try:
        with session_scope() as session:
            if organisation == "scheme":
                home = ensure_scheme(session)
            else:
                home = session.exec(
                    select(Organisation).where(
                        or_(
                            Organisation.gss_code == organisation,
                            Organisation.la_code == organisation,
                            Organisation.urn == organisation,
                        )
                    )
                ).first()
            if home is None:
                typer.secho(
                    f"--organisation: no council or school with code {organisation!r}",
                    fg="red",
                    err=True,
                )
                raise typer.Exit(2)
            user = add_user(
                session,
                organisation=home,
                user_in=UserCreate(
                    email=email,
                    full_name=name,
                    role=role,
                    organisation_id=home.id,
                    password=password,
                ),
            )
            kind = "the scheme" if home.kind is OrganisationKind.SCHEME else home.name
            typer.echo(f"Added {user.email} ({user.role.value}) at {kind}.")
    except ValidationError as error:
        for problem in error.errors():
            typer.secho(
                f"--{'-'.join(map(str, problem['loc'])).replace('_', '-')}: {problem['msg']}",
                fg="red",
                err=True,
            )
        raise typer.Exit(2) from None
    except DomainError as error:
        option = f"--{error.field.replace('_', '-')}: " if error.field else ""
        typer.secho(f"{option}{error.message}", fg="red", err=True)
        raise typer.Exit(2) from None
