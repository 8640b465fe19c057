"""What every command group shares: the option types (help texts in the user's language, so they
are made after the language is settled), the settings of a command, and how an error ends one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer

from guardpost.cli import options
from guardpost.config import Settings
from guardpost.i18n import t

if TYPE_CHECKING:
    from guardpost.guards import GuardRow

# Opens the booth screen (given by the launcher in ``screens``: the core never imports the UI);
# returns the exit status.
OpenBooth = Callable[[Settings, bool], int]


@dataclass
class Shared:
    settings: Settings
    open_booth: OpenBooth


def shared(ctx: typer.Context) -> Shared:
    found: Shared = ctx.find_root().obj
    return found


def settings(ctx: typer.Context, **given: object) -> Settings:
    """The command's settings: the file and environment, then this command's options."""
    return options.apply(shared(ctx).settings, **given)


# The options several commands take, with their help in the current language (call these when
# the commands are built, after the language is settled).
def db_option() -> Any:
    return typer.Option(None, "--db", help=t("cli.opt_db"))


def gate_option() -> Any:
    return typer.Option(None, "--gate", help=t("cli.opt_gate"))


def lang_option() -> Any:
    return typer.Option(None, "--lang", help=t("cli.opt_lang"))


def json_option() -> Any:
    return typer.Option(False, "--json", help=t("cli.opt_json"))


def actor() -> str:
    """Who did it, for the audit trail: the login of the person at the command line."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name to be found (a container without one)
        import os

        return f"cli:uid{os.getuid() if hasattr(os, 'getuid') else '?'}"


def echo_json(value: Any) -> None:
    import json

    typer.echo(json.dumps(value, ensure_ascii=False, indent=1))


@contextmanager
def open_db(s: Settings) -> Iterator[sqlite3.Connection]:
    """The command's database (checked, upgraded if needed), closed when the command is done."""
    from guardpost.storage import connect

    conn = connect(s.db_path)
    try:
        yield conn
    finally:
        conn.close()


def as_option() -> Any:
    return typer.Option(None, "--as", help=t("cli.opt_as"))


def hidden_input(prompt: str) -> str:
    """What is typed at a hidden prompt (a PIN: never on the command line, never echoed); from a
    pipe (a script, a test) the next line of standard input, without the terminal's warning."""
    import sys

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt(prompt, hide_input=True, default="", show_default=False))


def ask_pin(code: str) -> str:
    return hidden_input(t("guards.as_prompt", code=code))


def supervisor(conn: sqlite3.Connection, as_code: str, action: str, *, where: str = "cli") -> GuardRow:
    """The supervisor ``--as CODE`` names, their PIN asked: refused (and audited) for a wrong PIN
    or a role too low."""
    from datetime import datetime

    from guardpost import guards
    from guardpost.domain import GuardRole

    pin = ask_pin(as_code)
    return guards.authorise(
        conn, as_code, pin, need=GuardRole.SUPERVISOR, action=action, where=where, now=datetime.now()
    )


def authorised(conn: sqlite3.Connection, as_code: str | None, action: str, *, where: str = "cli") -> str:
    """The actor of a supervisor-only command: ``--as CODE`` and that supervisor's PIN (asked).

    A compound with no supervisor yet (a fresh install) is run from the command line alone; once
    there is one, ``--as`` is needed, and a wrong PIN or a too low role is refused and audited.
    """
    from guardpost import guards
    from guardpost.errors import GuardpostError

    if as_code is None:
        if guards.has_supervisor(conn):
            raise GuardpostError("guards.needs_as", None)
        return actor()
    return f"{supervisor(conn, as_code, action, where=where).actor()} ({actor()})"
