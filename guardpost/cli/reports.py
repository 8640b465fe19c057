"""``report shift``, ``report day`` and ``report check``: the shift and day reports (``guardpost.reports``)
written as text, PDF, HTML, CSV or a receipt and printed through CUPS, and a written or printed
report checked against the database.

Where a report goes: ``text`` to the terminal unless ``--out`` (or ``--print``) is given; every other
format to ``--out``, else ``shift-<id>.<ext>`` / ``day-<YYYY-MM-DD>.<ext>`` in the current folder
(``bin`` for a receipt). ``--print`` sends the written file (a receipt raw, to the configured receipt
printer); when printing fails the file is still there and the error says so.
Which shift: ``--id N``; ``--date D``: the last shift that began or ran that day (the others are
named on stderr); else the last one handed over (``--last``). ``--gate`` narrows each to one gate.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from guardpost import exits
from guardpost.cli.common import db_option, lang_option, open_db, settings
from guardpost.config import Settings
from guardpost.errors import GuardpostError, UsageProblem
from guardpost.i18n import t
from guardpost.text import printable

if TYPE_CHECKING:
    from guardpost.reports.document import Document


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise GuardpostError("cli.bad_date", None, value=printable(text)) from None


def _format(fmt: str) -> str:
    from guardpost.reports import document

    fmt = fmt.strip().lower()
    if fmt not in document.FORMATS:
        raise document.bad_format(fmt)
    return fmt


def _format_option() -> Any:
    return typer.Option("text", "--format", "-f", help=t("report.cli.opt_format"))


def _print(path: Path, fmt: str, printer: str | None, s: Settings, title: str) -> None:
    """The written file to the printer; a failure says the file is there all the same."""
    from guardpost import printing

    queue = printer or (s.print_receipt_printer if fmt == "receipt" else s.print_printer)
    try:
        job = printing.print_file(path, printer=queue, raw=fmt == "receipt", title=title)
    except GuardpostError as exc:
        error = " ".join(x for x in (exc.title(), exc.hint()) if x)
        raise GuardpostError("report.cli.print_failed", None, path=str(path), error=error) from exc
    typer.echo(t("report.cli.printed", job=job.request_id))


def _write(doc: Document, fmt: str, target: Path, s: Settings, key: bytes) -> Path:
    from guardpost.reports import document

    return document.write(doc, fmt, target, font=s.print_font, seal_key=key)


def _pick_shift(conn: sqlite3.Connection, shift_id: int | None, day: str | None, gate: str | None) -> int:
    from guardpost import shifts

    if shift_id is not None:
        return shifts.get(conn, shift_id).id
    if day is None:
        return shifts.last_closed(conn, gate).id
    when = _day(day)
    found = shifts.on_date(conn, when, gate)
    if not found:
        where = t("report.cli.at_gate", gate=gate) if gate else ""
        raise GuardpostError("report.cli.none_on_day", None, day=when.isoformat(), gate=where)
    chosen = found[-1]
    if len(found) > 1:
        listed = ", ".join(
            f"{r.id} ({r.gate_id} {r.started_at:%H:%M}–{f'{r.ended_at:%H:%M}' if r.ended_at else '…'}"
            f" {printable(r.guard_name)})"
            for r in found
        )
        typer.echo(
            t("report.cli.several", day=when.isoformat(), count=len(found), shifts=listed, id=chosen.id),
            err=True,
        )
    return chosen.id


def register(app: typer.Typer) -> None:
    report_app = typer.Typer(help=t("report.cli.help"), no_args_is_help=True)
    app.add_typer(report_app, name="report")

    @report_app.command("shift", help=t("report.cli.shift_help"))
    def report_shift(
        ctx: typer.Context,
        last: bool = typer.Option(False, "--last", help=t("report.cli.opt_last")),
        shift_id: int | None = typer.Option(None, "--id", help=t("report.cli.opt_id")),
        day: str | None = typer.Option(None, "--date", help=t("report.cli.opt_date")),
        gate: str | None = typer.Option(None, "--gate", help=t("report.cli.opt_gate")),
        fmt: str = _format_option(),
        out: Path | None = typer.Option(None, "--out", "-o", help=t("report.cli.opt_out")),
        to_printer: bool = typer.Option(False, "--print", help=t("report.cli.opt_print")),
        printer: str | None = typer.Option(None, "--printer", help=t("report.cli.opt_printer")),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import audit, shifts
        from guardpost.access import gate_kind
        from guardpost.gates import gate_name
        from guardpost.reports import check, document
        from guardpost.reports import shift as shift_report

        fmt = _format(fmt)
        if sum((last, shift_id is not None, day is not None)) > 1:
            raise UsageProblem("report.cli.one_of", None)
        s = settings(ctx, db=db, lang=lang)
        now = datetime.now()
        with open_db(s) as conn:
            if gate is not None:
                gate_kind(conn, gate)  # an unknown gate is named, with the gates there are
            chosen = _pick_shift(conn, shift_id, day, gate)
            summary = shifts.summary(conn, chosen, s.shifts, now)
            head, key = audit.head(conn), check.seal_key(conn)
            name = gate_name(conn, summary.shift.gate_id, s.language)
        doc = shift_report.build(
            summary, lang=s.language, compound=s.compound.name, gate_name=name, audit_head=head, now=now
        )
        if fmt == "text" and out is None and not to_printer:
            typer.echo(document.render(doc, "text", seal_key=key).decode("utf-8"), nl=False)
            return
        target = out if out is not None else Path.cwd() / shift_report.default_name(chosen, fmt)
        written = _write(doc, fmt, target, s, key)
        typer.echo(t("report.cli.written", path=str(written)))
        if to_printer:
            _print(
                written,
                fmt,
                printer,
                s,
                t("report.shift.subtitle", gate=name, id=chosen, day=f"{summary.shift.started_at:%Y-%m-%d}"),
            )

    @report_app.command("day", help=t("report.cli.day_help"))
    def report_day(
        ctx: typer.Context,
        day: str | None = typer.Option(None, "--date", help=t("report.cli.opt_day")),
        fmt: str = _format_option(),
        out: Path | None = typer.Option(None, "--out", "-o", help=t("report.cli.opt_out")),
        to_printer: bool = typer.Option(False, "--print", help=t("report.cli.opt_print")),
        printer: str | None = typer.Option(None, "--printer", help=t("report.cli.opt_printer")),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import audit
        from guardpost.gates import list_gates
        from guardpost.reports import check, document
        from guardpost.reports import day as day_report

        fmt = _format(fmt)
        when = _day(day) if day is not None else date.today()
        s = settings(ctx, db=db, lang=lang)
        now = datetime.now()
        with open_db(s) as conn:
            d = day_report.collect(conn, when, s.shifts, now)
            head, key = audit.head(conn), check.seal_key(conn)
            names = {g.id: g.name_zh if s.language == "zh-CN" else g.name_en for g in list_gates(conn)}
        doc = day_report.build(
            d, lang=s.language, compound=s.compound.name, gate_names=names, audit_head=head, now=now
        )
        if fmt == "text" and out is None and not to_printer:
            typer.echo(document.render(doc, "text", seal_key=key).decode("utf-8"), nl=False)
            return
        target = out if out is not None else Path.cwd() / day_report.default_name(when, fmt)
        written = _write(doc, fmt, target, s, key)
        typer.echo(t("report.cli.written", path=str(written)))
        if to_printer:
            _print(
                written,
                fmt,
                printer,
                s,
                t("report.day.subtitle", day=when.isoformat(), count=len(d.summaries)),
            )

    @report_app.command("check", help=t("report.cli.check_help"))
    def report_check(
        ctx: typer.Context,
        file: Path | None = typer.Argument(None, help=t("report.cli.arg_file")),
        code: str | None = typer.Option(None, "--hash", help=t("report.cli.opt_hash")),
        shift_id: int | None = typer.Option(None, "--id", help=t("report.cli.opt_check_id")),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost.reports import check

        if (file is None) == (code is None) or (file is not None and shift_id is not None):
            raise UsageProblem("report.cli.file_or_hash", None)
        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            if file is not None:
                result = check.check_file(conn, file, s)
            else:
                assert code is not None
                result = check.check_hash(conn, code, s, shift_id=shift_id)
        if not result.matches:
            typer.echo(check.ReportMismatch(result).message(), err=True)
            raise typer.Exit(exits.DENY)
        for line in result.said():
            typer.echo(line.text())
