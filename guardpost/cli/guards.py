"""``guards list|add|disable|set-pin``: the compound's guards. PINs are asked at a hidden prompt,
twice for a new one; they are never an argument (a shell history or ``ps`` would show them)."""

from datetime import datetime
from pathlib import Path

import typer
from rich.cells import set_cell_size

from guardpost.cli.common import (
    actor,
    as_option,
    ask_pin,
    authorised,
    db_option,
    echo_json,
    hidden_input,
    json_option,
    lang_option,
    open_db,
    settings,
)
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.text import printable


def _new_pin(code: str) -> str:
    first = hidden_input(t("guards.pin_prompt", code=code))
    from guardpost.guards import check_new_pin

    check_new_pin(first)  # refused before asking again
    again = hidden_input(t("guards.pin_again"))
    if again != first:
        raise GuardpostError("guards.pin_mismatch", None)
    return first


def register(app: typer.Typer) -> None:
    guards_app = typer.Typer(help=t("cli.guards_help"), no_args_is_help=True)
    app.add_typer(guards_app, name="guards")

    @guards_app.command("list", help=t("cli.guards_list_help"))
    def guards_list(
        ctx: typer.Context,
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost.guards import list_guards

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            found = list_guards(conn)
        if as_json:
            echo_json(
                [{"code": g.code, "name": g.name, "role": str(g.role), "active": g.active} for g in found]
            )
            return
        if not found:
            typer.echo(t("guards.none"))
            return
        for g in found:
            state = t("guards.active") if g.active else t("guards.inactive")
            typer.echo(
                f"{set_cell_size(g.code, 8)} {set_cell_size(printable(g.name), 12)}"
                f" {set_cell_size(t(f'guards.role.{g.role}'), 14)} {state}"
            )

    @guards_app.command("add", help=t("cli.guards_add_help"))
    def guards_add(
        ctx: typer.Context,
        code: str = typer.Argument(..., help=t("cli.arg_guard_code")),
        name: str = typer.Option(..., "--name", help=t("cli.opt_guard_name")),
        role: str = typer.Option("guard", "--role", help="guard | squad_leader | supervisor"),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import guards

        s = settings(ctx, db=db, lang=lang)
        wanted = guards.role_of(role)
        guards.check_code(code)
        guards.check_name(name)
        with open_db(s) as conn:
            who = authorised(conn, as_code, "guard.add")
            pin = _new_pin(code)
            added = guards.add(conn, code, name, wanted, pin, actor=who, now=datetime.now())
        typer.echo(
            t(
                "guards.added",
                code=added.code,
                name=printable(added.name),
                role=t(f"guards.role.{added.role}"),
            )
        )

    @guards_app.command("disable", help=t("cli.guards_disable_help"))
    def guards_disable(
        ctx: typer.Context,
        code: str = typer.Argument(..., help=t("cli.arg_guard_code")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import guards

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            who = authorised(conn, as_code, "guard.disable")
            done = guards.disable(conn, code, actor=who, now=datetime.now())
        typer.echo(t("guards.disabled_done", code=done.code))

    @guards_app.command("set-pin", help=t("cli.guards_set_pin_help"))
    def guards_set_pin(
        ctx: typer.Context,
        code: str = typer.Argument(..., help=t("cli.arg_guard_code")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        """A guard changes their own PIN (``--as`` themselves, the old PIN asked), or a supervisor
        sets anyone's."""
        from guardpost import guards

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            if as_code is not None and guards.find(conn, as_code) == guards.find(conn, code):
                guards.check_pin(
                    conn, as_code, ask_pin(as_code), where="cli", now=datetime.now(), purpose="set_pin"
                )
                who = f"guard:{code} ({actor()})"
            else:
                who = authorised(conn, as_code, "guard.set_pin")
            pin = _new_pin(code)
            done = guards.set_pin(conn, code, pin, actor=who, now=datetime.now())
        typer.echo(t("guards.pin_set", code=done.code))
