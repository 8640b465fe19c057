"""``shifts list`` and ``shifts correct``: the shifts worked, and a supervisor's correction to one
that was handed over (a handed-over shift is read-only; a correction is added beside it, audited,
and printed on its report from then on)."""

from datetime import datetime
from pathlib import Path

import typer
from rich.cells import set_cell_size

from guardpost.cli.common import (
    as_option,
    db_option,
    echo_json,
    gate_option,
    json_option,
    lang_option,
    open_db,
    settings,
)
from guardpost.i18n import t
from guardpost.text import printable


def register(app: typer.Typer) -> None:
    shifts_app = typer.Typer(help=t("cli.shifts_help"), no_args_is_help=True)
    app.add_typer(shifts_app, name="shifts")

    @shifts_app.command("list", help=t("cli.shifts_list_help"))
    def shifts_list(
        ctx: typer.Context,
        day: str | None = typer.Option(None, "--date", help=t("cli.opt_shift_date")),
        gate: str | None = gate_option(),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import shifts
        from guardpost.cli.reports import _day

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            found = shifts.on_date(conn, _day(day), gate) if day is not None else shifts.recent(conn, gate)
        if as_json:
            echo_json(
                [
                    {
                        "id": r.id,
                        "gate": r.gate_id,
                        "guard": r.guard_code,
                        "started_at": str(r.started_at),
                        "ended_at": str(r.ended_at) if r.ended_at else None,
                        "handed_to": r.handed_to_code,
                        "handover": r.handover,
                    }
                    for r in found
                ]
            )
            return
        if not found:
            typer.echo(t("shifts.none"))
            return
        for r in found:
            ended = f"{r.ended_at:%m-%d %H:%M}" if r.ended_at else t("shifts.open_now")
            how = t(f"shifts.handover_kind.{r.handover}") if r.handover else ""
            to = f" -> {printable(r.handed_to_name or '')} ({r.handed_to_code})" if r.handed_to_code else ""
            typer.echo(
                f"{set_cell_size(str(r.id), 5)} {set_cell_size(r.gate_id, 8)}"
                f" {set_cell_size(f'{printable(r.guard_name)} ({r.guard_code})', 18)}"
                f" {r.started_at:%m-%d %H:%M} - {ended}  {how}{to}"
            )

    @shifts_app.command("correct", help=t("cli.shifts_correct_help"))
    def shifts_correct(
        ctx: typer.Context,
        shift_id: int = typer.Argument(..., help=t("cli.arg_shift_id")),
        text: str = typer.Option(..., "--text", help=t("cli.opt_correction")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import shifts
        from guardpost.cli.common import supervisor
        from guardpost.errors import GuardpostError

        s = settings(ctx, db=db, lang=lang)
        if as_code is None:
            raise GuardpostError("guards.needs_as", None)
        with open_db(s) as conn:
            shifts.get(conn, shift_id)  # an unknown shift is said before the PIN is asked
            by = supervisor(conn, as_code, "shift.correct")  # always: the shift is a supervisor's
            number = shifts.correct(conn, shift_id, text, by=by, now=datetime.now())
        typer.echo(t("shifts.corrected", shift=shift_id, number=number))
