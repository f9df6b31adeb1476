"""Settings for a command: a bad setting is a message naming it and exit code 2, not a
traceback."""

import typer

from dfc.settings import Settings, SettingsError, get_settings


def settings_or_exit() -> Settings:
    """The settings, or a message naming the bad setting and exit code 2."""
    try:
        return get_settings()
    except SettingsError as error:
        typer.secho(str(error), fg="red", err=True)
        raise typer.Exit(2) from None
