"""The ``permits`` command group: renovation permits and worker passes (``guardpost.renovation``).

``permits add`` (the service centre registers a unit's permit), ``permits worker`` (a worker's
pass on it), ``permits list``, ``permits show``, ``permits check`` (what the gate would do with a
pass now, reading only) and ``permits revoke`` (a supervisor's: ``--as CODE`` and the PIN).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

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
from guardpost.errors import GuardpostError, UsageProblem
from guardpost.i18n import t
from guardpost.text import printable

if TYPE_CHECKING:
    from guardpost.renovation import Permit


def _permit_id(text: str) -> int:
    s = text.strip().lstrip("#")
    if not s.isdigit() or not 0 < int(s) < 2**31:
        raise UsageProblem("cli.bad_permit", None, value=printable(text.strip()))
    return int(s)


def register(app: typer.Typer) -> None:
    permits_app = typer.Typer(help=t("cli.permits_help"), no_args_is_help=True)
    app.add_typer(permits_app, name="permits")

    @permits_app.command("add", help=t("cli.permits_add_help"))
    def permits_add(
        ctx: typer.Context,
        unit: str = typer.Option(..., "--unit", help=t("renovation.field.unit")),
        company: str = typer.Option(..., "--company", help=t("renovation.field.company")),
        responsible: str = typer.Option(..., "--responsible", help=t("renovation.field.responsible")),
        phone: str = typer.Option(..., "--phone", help=t("renovation.field.phone")),
        start: str = typer.Option(..., "--from", help=t("cli.opt_permit_from")),
        until: str = typer.Option(..., "--until", help=t("cli.opt_permit_until")),
        hours: str = typer.Option("08:00-18:00", "--hours", help=t("cli.opt_permit_hours")),
        days: str = typer.Option("1-6", "--days", help=t("cli.opt_permit_days")),
        area: str = typer.Option(..., "--area", help=t("renovation.field.area")),
        restricted: str = typer.Option("", "--restricted", help=t("cli.opt_permit_restricted")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import renovation

        s = settings(ctx, db=db, lang=lang)
        form = renovation.PermitForm(
            unit=unit,
            company=company,
            responsible=responsible,
            phone=phone,
            starts_on=start,
            ends_on=until,
            hours=hours,
            days=days,
            area=area,
            restricted=restricted,
        )
        with open_db(s) as conn:
            permit_id = renovation.add_permit(conn, form, by=actor())
            permit = renovation.get(conn, permit_id)
        if as_json:
            echo_json({"permit": permit_id, "unit": permit.unit})
            return
        typer.echo(t("cli.permit_added", permit=permit_id, unit=permit.unit))

    @permits_app.command("worker", help=t("cli.permits_worker_help"))
    def permits_worker(
        ctx: typer.Context,
        permit: str = typer.Argument(..., help=t("cli.arg_permit")),
        name: str = typer.Option(..., "--name", help=t("renovation.field.name")),
        pass_no: str = typer.Option(..., "--pass", help=t("renovation.field.pass")),
        phone: str = typer.Option("", "--phone", help=t("renovation.field.phone")),
        id_last4: str = typer.Option("", "--id-last4", help=t("renovation.field.id_last4")),
        photo: str = typer.Option("", "--photo", help=t("cli.opt_worker_photo")),
        until: str = typer.Option("", "--until", help=t("cli.opt_worker_until")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import renovation

        s = settings(ctx, db=db, lang=lang)
        number = _permit_id(permit)
        form = renovation.WorkerForm(
            name=name, pass_no=pass_no, phone=phone, id_last4=id_last4, photo=photo, valid_until=until
        )
        with open_db(s) as conn:
            worker = renovation.add_worker(conn, number, form, by=actor())
        if as_json:
            echo_json(
                {
                    "permit": number,
                    "pass": worker.pass_no,
                    "name": worker.name,
                    "valid_until": worker.valid_until.isoformat(),
                    "qr": renovation.qr_text(worker.pass_no),
                }
            )
            return
        typer.echo(
            t(
                "cli.worker_added",
                number=worker.pass_no,
                name=printable(worker.name),
                permit=number,
                until=worker.valid_until.isoformat(),
            )
        )

    @permits_app.command("list", help=t("cli.permits_list_help"))
    def permits_list(
        ctx: typer.Context,
        all_of_them: bool = typer.Option(False, "--all", help=t("cli.opt_permits_all")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import renovation

        s = settings(ctx, db=db, lang=lang)
        today = datetime.now().date()
        with open_db(s) as conn:
            rows = renovation.list_permits(conn, today=None if all_of_them else today)
        if as_json:
            echo_json([_permit_json(p, today) for p in rows])
            return
        if not rows:
            typer.echo(t("cli.no_permits"))
            return
        for p in rows:
            state = _state(p, today)
            typer.echo(
                f"{p.permit_id:>4} {set_cell_size(p.unit, 10)} {set_cell_size(printable(p.company), 24)}"
                f" {p.starts_on}..{p.ends_on} {p.hours} {set_cell_size(state, 8)}"
                f" {t('cli.permit_workers', count=p.workers)}"
            )

    @permits_app.command("show", help=t("cli.permits_show_help"))
    def permits_show(
        ctx: typer.Context,
        permit: str = typer.Argument(..., help=t("cli.arg_permit")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import renovation

        s = settings(ctx, db=db, lang=lang)
        today = datetime.now().date()
        with open_db(s) as conn:
            d = renovation.show(conn, _permit_id(permit))
        p = d.permit
        if as_json:
            echo_json(
                {
                    **_permit_json(p, today),
                    "workers": [
                        {
                            "pass": w.pass_no,
                            "name": w.name,
                            "phone": w.phone,
                            "id_last4": w.id_last4,
                            "photo": w.photo_ref,
                            "valid_until": w.valid_until.isoformat(),
                        }
                        for w in d.workers
                    ],
                    "materials_seen": [
                        {
                            "material": str(m.material),
                            "at": m.at.isoformat(timespec="seconds"),
                            "gate": m.gate,
                            "worker": m.who,
                        }
                        for m in d.materials
                    ],
                    "admitted": d.admitted,
                    "refused": d.refused,
                }
            )
            return
        rows = [
            (t("renovation.field.permit"), f"#{p.permit_id}  {_state(p, today)}"),
            (t("renovation.field.unit"), p.unit),
            (t("renovation.field.company"), printable(p.company)),
            (t("renovation.field.responsible"), f"{printable(p.responsible)}  {p.phone}"),
            (t("cli.permit_dates"), f"{p.starts_on} .. {p.ends_on}"),
            (t("renovation.field.hours"), f"{p.hours}  {renovation.weekdays_said(p.work_days)}"),
            (t("renovation.field.area"), printable(p.area)),
            (t("renovation.field.restricted"), renovation.materials_said(p.restricted)),
            (t("renovation.field.by"), f"{printable(p.issued_by)}  {p.issued_at:%Y-%m-%d %H:%M}"),
        ]
        if p.revoked_at is not None:
            rows.append(
                (
                    t("cli.permit_revoked_at"),
                    f"{p.revoked_at:%Y-%m-%d %H:%M}  {printable(p.revoked_by or '-')}:"
                    f" {printable(p.revoked_reason or '')}",
                )
            )
        counts = t("cli.permit_entry_counts", admitted=d.admitted, refused=d.refused)
        rows.append((t("cli.permit_entries"), counts))
        for label, value in rows:
            typer.echo(f"{set_cell_size(label, 14)} {value}")
        typer.echo(t("cli.permit_workers", count=len(d.workers)))
        for w in d.workers:
            expired = t("cli.pass_ran_out") if w.valid_until < today else ""
            typer.echo(
                f"  {set_cell_size(w.pass_no, 14)} {set_cell_size(printable(w.name), 10)}"
                f" {w.phone or '-':<12} {w.valid_until} {expired}".rstrip()
            )
        typer.echo(t("cli.materials_seen", count=len(d.materials)))
        for m in d.materials:
            typer.echo(
                f"  {m.at:%Y-%m-%d %H:%M} {set_cell_size(m.gate, 8)}"
                f" {t(f'renovation.material.{m.material}')}  {printable(m.who or '-')}"
            )

    @permits_app.command("check", help=t("cli.permits_check_help"))
    def permits_check(
        ctx: typer.Context,
        pass_no: str = typer.Argument(..., help=t("renovation.field.pass")),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import exits, renovation

        s = settings(ctx, db=db, gate=gate, lang=lang)
        with open_db(s) as conn:
            found = renovation.check(
                conn, pass_no, gate=s.gate, now=datetime.now(), fever_threshold_c=s.rules.fever_threshold_c
            )
        said = renovation.said(found.verdict)
        if as_json:
            echo_json(
                {
                    "admits": found.verdict.admits,
                    "reason": found.verdict.reason,
                    "message": said,
                    "pass": found.worker.pass_no if found.worker else None,
                    "name": found.worker.name if found.worker else None,
                    "unit": found.permit.unit if found.permit else None,
                    "permit": found.permit.permit_id if found.permit else None,
                }
            )
        else:
            if found.worker is not None and found.permit is not None:
                typer.echo(
                    f"{found.worker.pass_no} {printable(found.worker.name)} -> {found.permit.unit}"
                    f" ({printable(found.permit.company)}, {found.permit.hours})"
                )
            typer.echo(said)
        if not found.verdict.admits:
            raise typer.Exit(exits.DENY)

    @permits_app.command("revoke", help=t("cli.permits_revoke_help"))
    def permits_revoke(
        ctx: typer.Context,
        permit: str = typer.Argument(..., help=t("cli.arg_permit")),
        reason: str = typer.Option(..., "--reason", help=t("renovation.field.reason")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import renovation

        s = settings(ctx, db=db, lang=lang)
        number = _permit_id(permit)
        if as_code is None:
            raise GuardpostError("guards.needs_as", None)
        with open_db(s) as conn:
            renovation.get(conn, number)  # an unknown permit is said before the PIN is asked
            who = authorised(conn, as_code, renovation.AUDIT_REVOKE)
            done = renovation.revoke_permit(conn, number, by=who, reason=reason)
        typer.echo(t("cli.permit_revoked", permit=number, unit=done.unit))


def _state(p: Permit, today: date) -> str:
    if p.revoked_at is not None:
        return t("renovation.state.revoked")
    return t("renovation.state.in_force") if p.in_force(today) else t("renovation.state.not_in_force")


def _permit_json(p: Permit, today: date) -> dict[str, object]:
    return {
        "permit": p.permit_id,
        "unit": p.unit,
        "company": p.company,
        "responsible": p.responsible,
        "phone": p.phone,
        "from": p.starts_on.isoformat(),
        "until": p.ends_on.isoformat(),
        "hours": p.hours,
        "days": p.days,
        "area": p.area,
        "restricted": [str(m) for m in p.restricted],
        "issued_by": p.issued_by,
        "revoked_at": p.revoked_at.isoformat(timespec="seconds") if p.revoked_at else None,
        "in_force": p.in_force(today),
        "workers": p.workers,
    }


__all__ = ["register"]
