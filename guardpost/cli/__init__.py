"""The ``guardpost`` command line (Typer): one module per command group, one place for the options
(``options``), one table of exit statuses (``guardpost.exits``), one crash note (``guardpost.crash``).

The language is settled before the commands are built, so help texts and errors come from the
catalogue in the user's language: ``--lang``, else ``GUARDPOST_LANG`` / the config file, else the
locale. The booth screen itself is opened through ``open_booth``, which the launcher in ``screens``
hands in (the core never imports the UI); ``python -m guardpost`` finds it by its entry point.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata

import typer

from guardpost import crash, exits
from guardpost.cli import usage
from guardpost.cli.common import OpenBooth, Shared
from guardpost.config import Settings
from guardpost.errors import GuardpostError, ImportRejected, InvalidValue
from guardpost.i18n import t

BOOTH_ENTRY_POINT = ("guardpost.booth", "open")


def build(settings: Settings, open_booth: OpenBooth) -> typer.Typer:
    """The command tree, with help texts in the current language."""
    from guardpost.cli import (
        audit,
        booth,
        cards,
        db,
        gates,
        guards,
        imports,
        lockdown,
        permits,
        quarantine,
        reports,
        shifts,
        slips,
        vehicles,
        visitors,
    )

    usage.install()
    app = typer.Typer(
        help=t("cli.help"),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback(invoke_without_command=True)
    def root(
        ctx: typer.Context,
        config: str | None = typer.Option(None, "--config", help=t("cli.opt_config")),
        lang: str | None = typer.Option(None, "--lang", help=t("cli.opt_lang")),
        version: bool = typer.Option(False, "--version", help=t("cli.opt_version"), is_eager=True),
    ) -> None:
        ctx.obj = Shared(settings, open_booth)
        if version:
            typer.echo(version_text())
            raise typer.Exit(exits.ALLOW)
        if ctx.invoked_subcommand is None:
            typer.echo(ctx.get_help())

    booth.register(app)
    db.register(app)
    imports.register(app)
    cards.register(app)
    gates.register(app)
    visitors.register(app)
    audit.register(app)
    guards.register(app)
    shifts.register(app)
    reports.register(app)
    vehicles.register(app)
    permits.register(app)
    slips.register(app)
    lockdown.register(app)
    quarantine.register(app)
    return app


def version_text() -> str:
    """What support asks for: this program, the schema it writes, and what it runs on."""
    import platform
    import sqlite3

    from guardpost import __version__
    from guardpost.migrations import LATEST

    try:
        textual = metadata.version("textual")  # read from its metadata: the core never imports it
    except metadata.PackageNotFoundError:
        textual = "-"
    return t(
        "cli.version",
        version=__version__,
        schema=LATEST,
        sqlite=sqlite3.sqlite_version,
        textual=textual,
        python=platform.python_version(),
    )


def _booth_from_entry_point() -> OpenBooth:
    group, name = BOOTH_ENTRY_POINT
    for entry in metadata.entry_points(group=group):
        if entry.name == name:
            opener: OpenBooth = entry.load()
            return opener
    raise GuardpostError("cli.no_screen", "cli.no_screen_hint")


def _lazy_booth(settings: Settings, viewer: bool) -> int:
    return _booth_from_entry_point()(settings, viewer)


def run(argv: list[str], open_booth: OpenBooth | None = None) -> int:
    """Run one command; returns its exit status. Errors a person can act on are printed, a bug
    leaves a crash note and exits ``exits.CRASH``."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    from guardpost.cli.options import settings_for

    try:
        settings = settings_for(argv)
        app = build(settings, open_booth or _lazy_booth)
        try:
            result = app(args=argv, prog_name="guardpost", standalone_mode=False)
        except NoArgsIsHelpError as exc:
            exc.show()
            return exits.ALLOW
        except UsageError as exc:
            usage.show_usage_error(exc)
            return exits.USAGE
        except typer.Exit as done:
            return int(done.exit_code)
        except typer.Abort:
            return exits.INTERRUPTED
        except SystemExit as done:  # Typer's answer to a closed pipe (``| head``) is exit 1
            if isinstance(done.__context__, BrokenPipeError):
                raise done.__context__ from None
            raise
        return result if isinstance(result, int) else exits.ALLOW
    except GuardpostError as exc:
        if isinstance(exc, ImportRejected):
            for problem in exc.problems:
                typer.echo(problem.describe(), err=True)
        typer.echo(exc.message(), err=True)
        return exc.exit_code
    except InvalidValue as exc:  # a value given on the command line that a validator refused
        typer.echo(exc.message(), err=True)
        return exits.BAD_VALUE
    except KeyboardInterrupt:
        return exits.INTERRUPTED
    except BrokenPipeError:
        raise  # not a bug: ``main`` ends quietly
    except Exception as exc:  # a bug: leave a note with the details, show one line
        typer.echo(crash.one_line(exc, crash.write_note(exc)), err=True)
        return exits.CRASH


def main(argv: list[str] | None = None, open_booth: OpenBooth | None = None) -> None:
    try:
        status = run(list(sys.argv[1:] if argv is None else argv), open_booth)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader of our output stopped (``guardpost cards list | head``): what it wanted, it
        # has; nothing more is written (Python docs, "Note on SIGPIPE")
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = exits.ALLOW
    sys.exit(status)
