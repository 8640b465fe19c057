"""The ``vehicles`` command group: the vehicle register (``guardpost.vehicles``), as on ⇧F6.

``vehicles in PLATE --category C`` and ``vehicles out PLATE`` (exit status 0 let through, 1
refused, 2 an alarm: a plate on the block list), ``vehicles emergency`` (in at once) and
``vehicles details ENTRY`` (completed afterwards), ``vehicles inside [--json]``, ``vehicles list``,
``vehicles permits`` (the temporary parking permits not back) and ``vehicles permit-back NUMBER
--as CODE`` (a supervisor puts a missing permit back in the stock).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.cells import set_cell_size

from guardpost import exits
from guardpost.cli.common import (
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
from guardpost.domain import ConsentOutcome, Decision
from guardpost.errors import GuardpostError, UsageProblem
from guardpost.i18n import t
from guardpost.policy.vehicles import Service, VehicleCategory, yuan
from guardpost.text import printable

if TYPE_CHECKING:
    from guardpost.vehicles import Entered, InsideVehicle, Left

CATEGORIES = " | ".join(VehicleCategory)
SERVICES = " | ".join(Service)
CONSENTS = "given | refused"


def _category(text: str | None) -> VehicleCategory | None:
    if text is None:
        return None
    try:
        return VehicleCategory(text.strip())
    except ValueError:
        raise UsageProblem(
            "cli.bad_vehicle_category", None, category=printable(text), allowed=CATEGORIES
        ) from None


def _service(text: str | None) -> Service | None:
    if not text:
        return None
    from guardpost.vehicles import parse_service

    try:
        return parse_service(text)
    except ValueError:
        raise UsageProblem("cli.bad_vehicle_service", None, value=printable(text), allowed=SERVICES) from None


def _consent(text: str | None) -> ConsentOutcome | None:
    if text is None:
        return None
    if text.strip() not in ("given", "refused"):
        raise UsageProblem("cli.bad_consent", None, value=printable(text), allowed=CONSENTS)
    return ConsentOutcome(text.strip())


def _number(text: str, key: str) -> int:
    s = text.strip().lstrip("#")
    if not s.isascii() or not s.isdigit() or not 0 < int(s) < 2**31:
        raise UsageProblem(key, None, value=printable(text.strip()))
    return int(s)


def _end(decision: Decision) -> None:
    """The exit status of a decision (0 let through, 1 refused, 2 an alarm), as ``guardpost swipe``."""
    code = exits.FOR_DECISION[decision]
    if code:
        raise typer.Exit(code)


def _show(text: str | None, width: int) -> str:
    return set_cell_size(printable(text or "-"), width)


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(sep=" ", timespec="seconds") if moment else None


def _entered_json(done: Entered) -> dict[str, object]:
    return {
        "entry": done.entry_id,
        "plate": done.plate,
        "category": str(done.category),
        "decision": str(done.verdict.decision),
        "reason": str(done.verdict.reason),
        "admitted": done.verdict.admits,
        "permit": done.permit_no,
        "limit_at": _stamp(done.limit_at),
        "was_inside": done.was_inside,
        "pending": done.pending,
        "blocked": [h.reason for h in done.blocked],
    }


def _left_json(done: Left) -> dict[str, object]:
    fee = done.fee
    return {
        "entry": done.entry_id,
        "plate": done.plate,
        "category": str(done.category),
        "decision": str(done.verdict.decision),
        "reason": str(done.verdict.reason),
        "left": done.verdict.admits,
        "entered_at": _stamp(done.entered_at),
        "left_at": _stamp(done.left_at),
        "no_entry": done.no_entry,
        "minutes": fee.minutes if fee else None,
        "fee_cents": fee.cents if fee else None,
        "fee": yuan(fee.cents) if fee else None,
        "clock_backwards": bool(fee and fee.backwards),
        "receipt": done.receipt_no,
        "permit": done.permit_no,
        "permit_missing": done.permit_missing,
        "overstay_min": done.overstay_min,
    }


def _inside_json(r: InsideVehicle) -> dict[str, object]:
    return {
        "entry": r.entry_id,
        "plate": r.plate,
        "category": str(r.category),
        "service": r.service and str(r.service),
        "unit": r.unit,
        "driver": r.driver,
        "permit": r.permit_no,
        "gate": r.gate_id,
        "entered_at": _stamp(r.entered_at),
        "minutes": r.minutes,
        "limit_at": _stamp(r.limit_at),
        "overstay": r.overstay,
        "overstay_min": r.over_min,
        "pending": r.pending,
    }


def register(app: typer.Typer) -> None:
    vehicles_app = typer.Typer(help=t("cli.vehicles_help"), no_args_is_help=True)
    app.add_typer(vehicles_app, name="vehicles")

    @vehicles_app.command("in", help=t("cli.vehicles_in_help"))
    def vehicles_in(
        ctx: typer.Context,
        plate: str = typer.Argument(..., help=t("vehicle.field.plate")),
        category: str = typer.Option(..., "--category", help=CATEGORIES),
        unit: str = typer.Option("", "--unit", help=t("vehicle.field.unit")),
        driver: str = typer.Option("", "--driver", help=t("vehicle.field.driver")),
        note: str = typer.Option("", "--note", help=t("vehicle.field.note")),
        service: str | None = typer.Option(None, "--service", help=SERVICES),
        consent: str | None = typer.Option(None, "--consent", help=t("cli.opt_vehicle_consent")),
        disinfected: bool = typer.Option(False, "--disinfected", help=t("cli.opt_disinfected")),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import vehicles

        s = settings(ctx, db=db, gate=gate, lang=lang)
        cat = _category(category)
        assert cat is not None
        form = vehicles.VehicleForm(
            plate,
            cat,
            unit=unit,
            driver=driver,
            note=note,
            service=_service(service),
            consent=_consent(consent),
            disinfected=disinfected,
        )
        with open_db(s) as conn:
            done = vehicles.enter(conn, form, gate=s.gate, rules=vehicles.VehicleRules.of(s))
        if as_json:
            echo_json(_entered_json(done))
        else:
            typer.echo(vehicles.said_entry(done))
        _end(done.verdict.decision)

    @vehicles_app.command("out", help=t("cli.vehicles_out_help"))
    def vehicles_out(
        ctx: typer.Context,
        plate: str = typer.Argument(..., help=t("vehicle.field.plate")),
        permit_missing: bool = typer.Option(False, "--permit-missing", help=t("cli.opt_permit_missing")),
        category: str | None = typer.Option(None, "--category", help=t("cli.opt_exit_category")),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import vehicles

        s = settings(ctx, db=db, gate=gate, lang=lang)
        cat = _category(category)
        with open_db(s) as conn:
            done = vehicles.leave(
                conn,
                plate,
                gate=s.gate,
                rules=vehicles.VehicleRules.of(s),
                permit_returned=not permit_missing,
                category=cat,
            )
        if as_json:
            echo_json(_left_json(done))
        else:
            typer.echo(vehicles.said_exit(done))
        _end(done.verdict.decision)

    @vehicles_app.command("emergency", help=t("cli.vehicles_emergency_help"))
    def vehicles_emergency(
        ctx: typer.Context,
        plate: str = typer.Argument("", help=t("vehicle.field.plate")),
        service: str | None = typer.Option(None, "--service", help=SERVICES),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import vehicles

        s = settings(ctx, db=db, gate=gate, lang=lang)
        with open_db(s) as conn:
            done = vehicles.emergency(
                conn, gate=s.gate, rules=vehicles.VehicleRules.of(s), plate=plate, service=_service(service)
            )
        if as_json:
            echo_json(_entered_json(done))
        else:
            typer.echo(vehicles.said_entry(done))
        _end(done.verdict.decision)

    @vehicles_app.command("details", help=t("cli.vehicles_details_help"))
    def vehicles_details(
        ctx: typer.Context,
        entry: str = typer.Argument(..., help=t("cli.arg_vehicle_entry")),
        plate: str = typer.Option(..., "--plate", help=t("vehicle.field.plate")),
        service: str = typer.Option(..., "--service", help=SERVICES),
        driver: str = typer.Option("", "--driver", help=t("vehicle.field.driver")),
        note: str = typer.Option("", "--note", help=t("vehicle.field.note")),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import vehicles

        s = settings(ctx, db=db, gate=gate, lang=lang)
        number = _number(entry, "cli.bad_vehicle_entry")
        details = vehicles.Details(plate=plate, service=service, driver=driver, note=note)
        with open_db(s) as conn:
            vehicles.complete_details(conn, number, details, gate=s.gate)
        typer.echo(t("cli.vehicle_details_done", entry=number))

    @vehicles_app.command("inside", help=t("cli.vehicles_inside_help"))
    def vehicles_inside(
        ctx: typer.Context,
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import vehicles

        s = settings(ctx, db=db, lang=lang)
        now = datetime.now()
        with open_db(s) as conn:
            rows = vehicles.inside(conn, now)
            permits = vehicles.unreturned_permits(conn, now)
        if as_json:
            echo_json(
                {
                    "at": _stamp(now),
                    "inside": [_inside_json(r) for r in rows],
                    "unreturned_permits": [
                        {"permit": p.permit_no, "plate": p.plate, "entry": p.entry_id, "missing": p.missing}
                        for p in permits
                    ],
                }
            )
            return
        typer.echo(t("cli.vehicles_inside_title", count=len(rows), at=f"{now:%Y-%m-%d %H:%M}"))
        for r in rows:
            state = t("vehicle.board_overstay", minutes=r.over_min) if r.overstay else ""
            if r.pending:
                state = t("vehicle.board_pending")
            typer.echo(
                f"#{r.entry_id:<5} {_show(r.plate or t('vehicle.no_plate'), 10)} {r.entered_at:%H:%M}"
                f" {r.minutes:>4} {t('cli.minutes')} {_show(t(f'vehicle.category.{r.category}'), 18)}"
                f" {_show(r.unit, 10)} {_show(str(r.permit_no) if r.permit_no else '', 3)} {state}".rstrip()
            )
        missing = [p for p in permits if p.missing]
        if missing:
            numbers = ", ".join(str(p.permit_no) for p in missing)
            typer.echo(t("cli.vehicles_permits_missing", count=len(missing), numbers=numbers))

    @vehicles_app.command("list", help=t("cli.vehicles_list_help"))
    def vehicles_list(
        ctx: typer.Context,
        day: str | None = typer.Option(None, "--date", help=t("cli.opt_date")),
        plate: str | None = typer.Option(None, "--plate", help=t("vehicle.field.plate")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import vehicles

        s = settings(ctx, db=db, lang=lang)
        on = None
        if day:
            try:
                on = date.fromisoformat(day.strip())
            except ValueError:
                raise GuardpostError("cli.bad_date", None, value=printable(day)) from None
        with open_db(s) as conn:
            rows = vehicles.entries(conn, day=on, plate=plate)
        if as_json:
            echo_json(
                [
                    {
                        "entry": r.entry_id,
                        "plate": r.plate,
                        "category": str(r.category),
                        "service": r.service and str(r.service),
                        "status": r.status,
                        "reason": str(r.reason),
                        "unit": r.unit,
                        "gate": r.gate_id,
                        "entered_at": _stamp(r.entered_at),
                        "left_at": _stamp(r.left_at),
                        "left_unrecorded": r.left_unrecorded,
                        "permit": r.permit_no,
                        "receipt": r.receipt_no,
                        "fee_cents": r.fee_cents,
                    }
                    for r in rows
                ]
            )
            return
        if not rows:
            typer.echo(t("cli.vehicles_none"))
            return
        for r in rows:
            came = f"{r.entered_at:%m-%d %H:%M}" if r.entered_at else "-"
            went = (
                f"{r.left_at:%m-%d %H:%M}"
                if r.left_at
                else t("vehicle.unrecorded")
                if r.left_unrecorded
                else "-"
            )
            fee = f"{yuan(r.fee_cents)} {r.receipt_no}" if r.fee_cents is not None else ""
            typer.echo(
                f"#{r.entry_id:<5} {_show(r.plate or t('vehicle.no_plate'), 10)} {came:>11} {went:>11}"
                f" {_show(t(f'vehicle.category.{r.category}'), 18)}"
                f" {_show(t(f'vehicle.reason.{r.reason}'), 20)} {fee}".rstrip()
            )

    @vehicles_app.command("permits", help=t("cli.vehicles_permits_help"))
    def vehicles_permits(
        ctx: typer.Context,
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import vehicles

        s = settings(ctx, db=db, lang=lang)
        now = datetime.now()
        with open_db(s) as conn:
            out = vehicles.unreturned_permits(conn, now)
            free = vehicles.permits_free(conn, vehicles.VehicleRules.of(s).permit_stock)
        if as_json:
            echo_json(
                {
                    "free": free,
                    "out": [
                        {
                            "permit": p.permit_no,
                            "plate": p.plate,
                            "entry": p.entry_id,
                            "gate": p.gate_id,
                            "issued_at": _stamp(p.issued_at),
                            "missing": p.missing,
                            "left_at": _stamp(p.left_at),
                        }
                        for p in out
                    ],
                }
            )
            return
        typer.echo(t("cli.vehicles_permits_title", out=len(out), free=free))
        for p in out:
            state = t("vehicle.permit_state_missing") if p.missing else t("vehicle.permit_state_inside")
            plate = _show(p.plate or t("vehicle.no_plate"), 10)
            typer.echo(f"{p.permit_no:>3} {plate} {p.issued_at:%m-%d %H:%M} {state}")

    @vehicles_app.command("permit-back", help=t("cli.vehicles_permit_back_help"))
    def vehicles_permit_back(
        ctx: typer.Context,
        number: str = typer.Argument(..., help=t("cli.arg_permit_number")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import vehicles

        s = settings(ctx, db=db, lang=lang)
        permit = _number(number, "cli.bad_permit_number")
        with open_db(s) as conn:
            who = authorised(conn, as_code, "vehicle.permit_restock")
            vehicles.restock_permit(conn, permit, by=who)
        typer.echo(t("cli.vehicles_permit_back", number=permit))


__all__ = ["register"]
