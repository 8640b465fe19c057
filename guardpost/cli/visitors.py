"""People at the gate from the command line: ``visitors expect|list|sign-out``, ``inside``,
``pass verify|use|revoke`` and ``blocklist add|list|remove``. Each calls the same core functions
as the booth screen (``guardpost.visits``, ``guardpost.passes``, ``guardpost.blocklist``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import typer
from rich.cells import set_cell_size

from guardpost.cli.common import (
    actor,
    as_option,
    authorised,
    db_option,
    echo_json,
    gate_option,
    json_option,
    lang_option,
    open_db,
    settings,
)
from guardpost.domain import Lane, VisitCategory, VisitStatus
from guardpost.errors import GuardpostError, UsageProblem
from guardpost.gates import gate_name
from guardpost.i18n import t
from guardpost.text import printable

CATEGORIES = " | ".join(VisitCategory)


def _category(text: str) -> VisitCategory:
    try:
        return VisitCategory(text)
    except ValueError:
        raise UsageProblem("cli.bad_category", None, category=text, allowed=CATEGORIES) from None


def _lane(text: str) -> Lane:
    try:
        return Lane(text)
    except ValueError:
        raise UsageProblem("cli.bad_lane", None, lane=text) from None


def _when(text: str | None, now: datetime, option: str, after: datetime | None = None) -> datetime | None:
    """``YYYY-MM-DD HH:MM``, ``YYYY-MM-DDTHH:MM`` or ``HH:MM`` (today), as ``visits.parse_when``."""
    from guardpost import visits

    if not text:
        return None
    try:
        return visits.parse_when(text, now, after=after)
    except ValueError:
        raise GuardpostError("cli.bad_time", None, option=option, value=printable(text.strip())) from None


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise GuardpostError("cli.bad_date", None, value=printable(text)) from None


@contextmanager
def _json_refusal(as_json: bool, flag: str) -> Iterator[None]:
    """With ``--json`` a refused pass is JSON on stdout too (a script reads one answer either way);
    the exit status and the message on stderr stay as without it."""
    try:
        yield
    except GuardpostError as exc:
        if as_json:
            echo_json({flag: False, "reason": exc.key, "message": exc.message()})
        raise


def _show(text: str | None, width: int) -> str:
    return set_cell_size(printable(text or "-"), width)


def _print_written(written: Path, printer: str | None, title: str) -> None:
    """The PDF just written, through CUPS (``guardpost.printing``); when it cannot print, the
    error says why and that the file is there all the same."""
    from guardpost import printing

    try:
        job = printing.print_file(written, printer=printer, title=title)
    except GuardpostError as exc:
        raise GuardpostError(
            "printing.written_not_printed", exc.hint_key, **exc.params, written=str(written), why=exc
        ) from exc
    typer.echo(t("printing.sent", path=printable(str(written)), printer=job.printer, job=job.request_id))


def register(app: typer.Typer) -> None:
    visitors_app = typer.Typer(help=t("cli.visitors_help"), no_args_is_help=True)
    app.add_typer(visitors_app, name="visitors")
    pass_app = typer.Typer(help=t("cli.pass_help"), no_args_is_help=True)
    app.add_typer(pass_app, name="pass")
    block_app = typer.Typer(help=t("cli.blocklist_help"), no_args_is_help=True)
    app.add_typer(block_app, name="blocklist")

    @visitors_app.command("expect", help=t("cli.visitors_expect_help"))
    def visitors_expect(
        ctx: typer.Context,
        name: str = typer.Option(..., "--name", help=t("visit.field.name")),
        phone: str = typer.Option("", "--phone", help=t("visit.field.phone")),
        unit: str = typer.Option(..., "--unit", help=t("visit.field.unit")),
        category: str = typer.Option("relative", "--category", help=CATEGORIES),
        company: str = typer.Option("", "--company", help=t("visit.field.company")),
        plate: str = typer.Option("", "--plate", help=t("visit.field.plate")),
        start: str | None = typer.Option(None, "--from", help=t("cli.opt_from")),
        until: str | None = typer.Option(None, "--until", help=t("cli.opt_until")),
        asked_by: str | None = typer.Option(None, "--asked-by", help=t("cli.opt_asked_by")),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import visits

        s = settings(ctx, db=db, gate=gate, lang=lang)
        now = datetime.now()
        start_at = _when(start, now, "--from")
        until_at = _when(until, now, "--until", after=start_at or now)
        valid_from, valid_until = visits.expected_window(now, s.visits, start_at, until_at)
        form = visits.VisitForm(
            _category(category), name=name, phone=phone, unit=unit, company=company, plate=plate
        )
        with open_db(s) as conn:
            done = visits.expect(
                conn,
                form,
                asked_by=asked_by or actor(),
                valid_from=valid_from,
                valid_until=valid_until,
                gate=s.gate,
                settings=s.visits,
                now=now,
            )
        if as_json:
            echo_json(
                {
                    "visit_id": done.visit_id,
                    "pass": done.pass_no,
                    "token": done.token,
                    "valid_from": valid_from.isoformat(timespec="minutes"),
                    "valid_until": valid_until.isoformat(timespec="minutes"),
                }
            )
            return
        typer.echo(
            t(
                "cli.visitor_expected",
                number=done.pass_no,
                start=f"{valid_from:%Y-%m-%d %H:%M}",
                end=f"{valid_until:%Y-%m-%d %H:%M}",
            )
        )
        typer.echo(done.token or "")

    @visitors_app.command("list", help=t("cli.visitors_list_help"))
    def visitors_list(
        ctx: typer.Context,
        inside_only: bool = typer.Option(False, "--inside", help=t("cli.opt_inside")),
        expected: bool = typer.Option(False, "--expected", help=t("cli.opt_expected")),
        day: str | None = typer.Option(None, "--date", help=t("cli.opt_date")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import visits

        if inside_only and expected:
            raise UsageProblem("cli.inside_or_expected", None)
        status = VisitStatus.INSIDE if inside_only else VisitStatus.EXPECTED if expected else None
        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            rows = visits.list_visits(conn, status=status, day=_day(day))
        if as_json:
            echo_json(
                [
                    {
                        "visit_id": r.visit_id,
                        "pass": r.pass_no,
                        "category": str(r.category),
                        "status": str(r.status),
                        "reason": str(r.reason),
                        "name": r.name,
                        "company": r.company,
                        "unit": r.unit,
                        "entered_at": r.entered_at and r.entered_at.isoformat(timespec="seconds"),
                        "left_at": r.left_at and r.left_at.isoformat(timespec="seconds"),
                        "auto_signed_out": r.auto_signed_out,
                    }
                    for r in rows
                ]
            )
            return
        if not rows:
            typer.echo(t("cli.no_visits"))
            return
        for r in rows:
            when = r.entered_at or r.valid_from or r.created_at
            shown = f"{when:%m-%d %H:%M}" if when.year == datetime.now().year else f"{when:%Y-%m-%d %H:%M}"
            status_text = t(f"visit_status.{r.status}") + (t("cli.auto_out") if r.auto_signed_out else "")
            category = t(f"category.{r.category}")
            typer.echo(
                f"{r.pass_no} {shown} {_show(status_text, 10)} {_show(category, 18)}"
                f" {_show(r.name or r.company, 16)} {_show(r.unit, 10)}"
            )

    @visitors_app.command("sign-out", help=t("cli.visitors_sign_out_help"))
    def visitors_sign_out(
        ctx: typer.Context,
        number: str = typer.Argument(..., help=t("cli.arg_pass")),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import visits

        s = settings(ctx, db=db, gate=gate, lang=lang)
        with open_db(s) as conn:
            used = visits.use_pass(conn, number, lane=Lane.OUT, gate=s.gate)
        typer.echo(t("cli.signed_out", number=number.strip(), name=printable(used.name or "-")))

    @app.command("inside", help=t("cli.inside_help"))
    def inside(
        ctx: typer.Context,
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        pdf: Path | None = typer.Option(None, "--pdf", help=t("cli.opt_muster_pdf")),
        print_it: bool = typer.Option(False, "--print", help=t("cli.opt_print")),
        printer: str | None = typer.Option(None, "--printer", help=t("cli.opt_printer")),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import visits

        s = settings(ctx, db=db, lang=lang)
        if (print_it or printer) and pdf is None:
            raise UsageProblem("printing.needs_pdf", None)
        now = datetime.now()
        with open_db(s) as conn:
            rows = visits.inside(conn, now)
            gate = gate_name(conn, s.gate)
        if pdf is not None:
            from guardpost.reports import muster

            written = muster.write(rows, pdf, compound=s.compound.name, gate=gate, now=now, font=s.print_font)
            if print_it or printer:
                title = t("muster.title", compound=s.compound.name)
                _print_written(written, printer or s.print_printer, title)
            else:
                typer.echo(t("cli.muster_written", path=printable(str(written)), count=len(rows)))
            return
        if as_json:
            echo_json(
                [
                    {
                        "visit_id": r.visit_id,
                        "pass": r.pass_no,
                        "category": str(r.category),
                        "name": r.name,
                        "company": r.company,
                        "unit": r.unit,
                        "phone": r.phone,
                        "entered_at": r.entered_at.isoformat(timespec="seconds"),
                        "minutes": r.minutes,
                        "overstay": r.overstay,
                    }
                    for r in rows
                ]
            )
            return
        typer.echo(t("cli.inside_title", count=len(rows), at=f"{now:%Y-%m-%d %H:%M}"))
        for r in rows:
            mark = t("cli.overstay") if r.overstay else ""
            typer.echo(
                f"{r.pass_no} {r.entered_at:%H:%M} {r.minutes:>4} {t('cli.minutes')} "
                f"{_show(t(f'category.{r.category}'), 18)} {_show(r.name or r.company, 16)}"
                f" {_show(r.unit, 10)} {mark}".rstrip()
            )

    @pass_app.command("verify", help=t("cli.pass_verify_help"))
    def pass_verify(
        ctx: typer.Context,
        token: str = typer.Argument(..., help=t("cli.arg_token")),
        lane: str = typer.Option("in", "--lane", help="in | out"),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import visits

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn, _json_refusal(as_json, "valid"):
            visit_id = visits.check_pass(conn, token, datetime.now(), lane=_lane(lane))
        if as_json:
            echo_json({"valid": True, "visit_id": visit_id})
        else:
            typer.echo(t("cli.pass_valid", visit=visit_id))

    @pass_app.command("use", help=t("cli.pass_use_help"))
    def pass_use(
        ctx: typer.Context,
        token: str = typer.Argument(..., help=t("cli.arg_token")),
        lane: str = typer.Option("in", "--lane", help="in | out"),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import visits

        s = settings(ctx, db=db, gate=gate, lang=lang)
        with open_db(s) as conn, _json_refusal(as_json, "admitted"):
            used = visits.use_pass(conn, token, lane=_lane(lane), gate=s.gate)
        if as_json:
            echo_json(
                {
                    "admitted": True,
                    "visit_id": used.visit_id,
                    "lane": str(used.lane),
                    "category": str(used.category),
                    "name": used.name,
                    "unit": used.unit,
                }
            )
        else:
            typer.echo(
                t(f"cli.pass_used.{used.lane}", name=printable(used.name or "-"), unit=used.unit or "-")
            )

    @pass_app.command("revoke", help=t("cli.pass_revoke_help"))
    def pass_revoke(
        ctx: typer.Context,
        token: str = typer.Argument(..., help=t("cli.arg_token")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import passes, visits

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            who = authorised(conn, as_code, "pass.revoke")
            visit_id = visits.revoke(conn, token, by=who)
        typer.echo(t("cli.pass_revoked", number=passes.pass_number(visit_id)))

    @pass_app.command("slip", help=t("cli.pass_slip_help"))
    def pass_slip(
        ctx: typer.Context,
        token: str = typer.Argument(..., help=t("cli.arg_token")),
        pdf: Path = typer.Option(..., "--pdf", help=t("cli.opt_slip_pdf")),
        print_it: bool = typer.Option(False, "--print", help=t("cli.opt_print")),
        printer: str | None = typer.Option(None, "--printer", help=t("cli.opt_printer")),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import visits
        from guardpost.reports import pass_slip

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            slip = visits.slip_of(conn, token)
        written = pass_slip.write(slip, pdf, compound=s.compound.name, font=s.print_font)
        if print_it or printer:
            _print_written(written, printer or s.print_printer, t("slip.number", number=slip.pass_no))
        else:
            typer.echo(t("slip.written", path=printable(str(written))))

    @block_app.command("add", help=t("cli.blocklist_add_help"))
    def block_add(
        ctx: typer.Context,
        kind: str = typer.Argument(..., help="person | phone | plate"),
        value: str = typer.Argument(..., help=t("cli.arg_block_value")),
        reason: str = typer.Option(..., "--reason", help=t("cli.opt_reason")),
        id_last4: str | None = typer.Option(None, "--id-last4", help=t("cli.opt_id_last4")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import blocklist

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            who = authorised(conn, as_code, "blocklist.add")
            entry = blocklist.add(
                conn, blocklist.parse_kind(kind), value, reason=reason, by=who, id_last4=id_last4
            )
        typer.echo(t("cli.blocklist_added", entry=entry))

    @block_app.command("list", help=t("cli.blocklist_list_help"))
    def block_list(
        ctx: typer.Context,
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import blocklist

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            rows = blocklist.entries(conn)
        if as_json:
            echo_json(
                [
                    {
                        "entry": r.entry_id,
                        "kind": str(r.kind),
                        "value": r.value,
                        "id_last4": r.id_last4,
                        "reason": r.reason,
                        "added_by": r.added_by,
                        "added_at": r.added_at.isoformat(timespec="seconds"),
                    }
                    for r in rows
                ]
            )
            return
        if not rows:
            typer.echo(t("cli.blocklist_empty"))
            return
        for r in rows:
            who = r.value + (f" ({r.id_last4})" if r.id_last4 else "")
            typer.echo(
                f"{r.entry_id:>4} {_show(t(f'block.kind.{r.kind}'), 6)} {_show(who, 20)}"
                f" {r.added_at:%Y-%m-%d} {printable(r.reason)}"
            )

    @block_app.command("remove", help=t("cli.blocklist_remove_help"))
    def block_remove(
        ctx: typer.Context,
        entry: str = typer.Argument(..., help=t("cli.arg_entry")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import blocklist

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            number = blocklist.parse_entry(entry)
            who = authorised(conn, as_code, "blocklist.remove")
            blocklist.remove(conn, number, by=who)
        typer.echo(t("cli.blocklist_removed", entry=number))


__all__ = ["register"]
