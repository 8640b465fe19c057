"""``lockdown set|show|history``: the level in force at a gate, a supervisor ordering a new one
(their PIN asked at a hidden prompt, or read from standard input when it is not a terminal, for
scripts), and the levels ordered, newest first."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import typer

from guardpost.cli.common import (
    as_option,
    ask_pin,
    db_option,
    echo_json,
    gate_option,
    json_option,
    lang_option,
    open_db,
    settings,
)
from guardpost.domain import LockdownLevel
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.text import printable

LEVELS = " | ".join(LockdownLevel)
# What a supervisor may type for a level: its code, or the word on the booth's header.
_WORDS = {
    **{level.value: level for level in LockdownLevel},
    "正常": LockdownLevel.NORMAL,
    "管控": LockdownLevel.RESTRICTED,
    "封闭": LockdownLevel.CLOSED,
}


def level_of(text: str) -> LockdownLevel:
    level = _WORDS.get(text.strip().lower())
    if level is None:
        raise GuardpostError("lockdown.bad_level", None, level=printable(text), allowed=LEVELS)
    return level


def _scope_text(scope: tuple[str, ...]) -> str:
    return ",".join(scope) if scope else t("lockdown.whole_compound")


def _as_json(conn: sqlite3.Connection, row: object) -> dict[str, object]:
    from guardpost import lockdown

    assert isinstance(row, lockdown.InForce)
    return {
        "id": row.id,
        "level": str(row.level),
        "scope": list(row.scope) or "compound",
        "entrance": row.entrance,
        "started_at": str(row.started_at) if row.started_at else None,
        "ordered_by": row.ordered_by,
        "ordered_by_name": lockdown.who(conn, row.ordered_by) if row.id else None,
        "note": row.note,
        "shut": row.shut,
    }


def _line(conn: sqlite3.Connection, row: object) -> str:
    from guardpost import lockdown

    assert isinstance(row, lockdown.InForce)
    since = f"{row.started_at:%Y-%m-%d %H:%M}" if row.started_at else "-"
    parts = [
        f"{row.id or '-':>4}",
        t(f"lockdown.{row.level}"),
        _scope_text(row.scope),
        since,
        printable(lockdown.who(conn, row.ordered_by)) if row.id else "-",
    ]
    if row.entrance:
        parts.append(t("lockdown.entrance_is", gate=row.entrance))
    if row.shut:
        parts.append(t("lockdown.shut_here"))
    if row.note:
        parts.append(printable(row.note))
    return "  ".join(parts)


def register(app: typer.Typer) -> None:
    lock_app = typer.Typer(help=t("cli.lockdown_help"), no_args_is_help=True)
    app.add_typer(lock_app, name="lockdown")

    @lock_app.command("show", help=t("cli.lockdown_show_help"))
    def lockdown_show(
        ctx: typer.Context,
        gate: str | None = gate_option(),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import lockdown
        from guardpost.access import gate_kind

        s = settings(ctx, db=db, lang=lang)
        here = gate or s.gate
        with open_db(s) as conn:
            gate_kind(conn, here)  # an unknown gate is said, naming the gates there are
            row = lockdown.at_gate(conn, here)
            if as_json:
                echo_json({"gate": here, **_as_json(conn, row)})
                return
            typer.echo(_line(conn, row))

    @lock_app.command("history", help=t("cli.lockdown_history_help"))
    def lockdown_history(
        ctx: typer.Context,
        limit: int = typer.Option(50, "--limit", min=1, max=10_000, help=t("cli.opt_limit")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import lockdown

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            rows = lockdown.history(conn, limit)
            if as_json:
                echo_json([_as_json(conn, r) for r in rows])
                return
            if not rows:
                typer.echo(t("lockdown.none_ordered"))
            for r in rows:
                typer.echo(_line(conn, r))

    @lock_app.command("set", help=t("cli.lockdown_set_help"))
    def lockdown_set(
        ctx: typer.Context,
        level: str = typer.Argument(..., help=LEVELS),
        scope: str | None = typer.Option(None, "--scope", help=t("cli.opt_lockdown_scope")),
        entrance: str | None = typer.Option(None, "--entrance", help=t("cli.opt_lockdown_entrance")),
        note: str | None = typer.Option(None, "--note", help=t("cli.opt_lockdown_note")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import lockdown

        s = settings(ctx, db=db, lang=lang)
        wanted = level_of(level)
        if as_code is None:
            raise GuardpostError("guards.needs_as", None)
        gates = tuple(g.strip() for g in (scope or "").split(",") if g.strip())
        if wanted == LockdownLevel.CLOSED and entrance is None:
            # this booth's gate, unless the scope leaves it out
            entrance = s.gate if not gates or s.gate in gates else gates[0]
        with open_db(s) as conn:
            lockdown.check_order(conn, wanted, gates, entrance)  # said before the PIN is asked
            row_id = lockdown.set_level(
                conn,
                wanted,
                scope=gates,
                entrance=entrance,
                note=note,
                code=as_code,
                pin=ask_pin(as_code),
                where="cli",
                now=datetime.now(),
            )
            done = lockdown.history(conn, 1)[0]
            assert done.id == row_id
            typer.echo(
                t(
                    "lockdown.changed",
                    level=t(f"lockdown.{done.level}"),
                    scope=_scope_text(done.scope)
                    + (f"; {t('lockdown.entrance_is', gate=done.entrance)}" if done.entrance else ""),
                    who=printable(lockdown.who(conn, done.ordered_by)),
                    at=f"{done.started_at:%Y-%m-%d %H:%M}",
                )
            )
