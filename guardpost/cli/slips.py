"""The ``slips`` command group: release slips (放行条) for items leaving the compound.

``slips issue`` is the service centre's: it lets a unit's things out of the compound, so it takes a
supervisor's ``--as CODE`` and PIN (``cli.common.authorised``), as the block list does; a guard on
duty never issues the slip they then collect. (A compound with no supervisor on file yet issues
from the command line alone, as its other supervisor-only commands.) ``slips list`` and ``slips
show`` read; ``slips purge`` removes what the retention rule lets go (``--dry-run``: only counts
it, no PIN), a supervisor's again. The gate's part (check, collect, the after-hours owner) is the
booth screen's, on the same core functions (``guardpost.release_slips``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.cells import set_cell_size

from guardpost.cli.common import (
    as_option,
    authorised,
    db_option,
    echo_json,
    json_option,
    lang_option,
    open_db,
    settings,
)
from guardpost.errors import GuardpostError, UsageProblem
from guardpost.i18n import t
from guardpost.text import printable

if TYPE_CHECKING:  # the register loads with the command that uses it
    from guardpost.release_slips import Slip


def _when(text: str | None, now: datetime, option: str) -> datetime | None:
    from guardpost import release_slips

    if not text:
        return None
    try:
        return release_slips.parse_until(text, now)
    except ValueError:
        raise GuardpostError("cli.bad_time", None, option=option, value=printable(text.strip())) from None


def _minute(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


def _as_json(s: Slip) -> dict[str, Any]:
    return {
        "number": s.number,
        "unit": s.unit,
        "items": s.items,
        "carrier": s.carrier,
        "valid_from": s.valid_from.isoformat(timespec="minutes"),
        "valid_until": s.valid_until.isoformat(timespec="minutes"),
        "issued_at": s.issued_at.isoformat(timespec="seconds"),
        "issued_by": s.issued_by,
        "status": str(s.status),
        "collected_at": s.collected_at and s.collected_at.isoformat(timespec="seconds"),
        "collected_gate": s.collected_gate,
        "collected_by": s.collected_by,
        "keep_until": s.keep_until.isoformat(),
    }


def register(app: typer.Typer) -> None:
    slips_app = typer.Typer(help=t("cli.slips_help"), no_args_is_help=True)
    app.add_typer(slips_app, name="slips")

    @slips_app.command("issue", help=t("cli.slips_issue_help"))
    def slips_issue(
        ctx: typer.Context,
        unit: str = typer.Option(..., "--unit", help=t("cli.opt_slip_unit")),
        items: str = typer.Option(..., "--items", help=t("cli.opt_slip_items")),
        carrier: str = typer.Option(..., "--carrier", help=t("cli.opt_slip_carrier")),
        until: str = typer.Option(..., "--valid-until", help=t("cli.opt_slip_until")),
        start: str | None = typer.Option(None, "--valid-from", help=t("cli.opt_slip_from")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import release_slips

        s = settings(ctx, db=db, lang=lang)
        now = datetime.now()
        valid_from = _when(start, now, "--valid-from")
        valid_until = _when(until, valid_from or now, "--valid-until")
        assert valid_until is not None  # the option is required
        form = release_slips.SlipForm(unit, items, carrier, valid_until, valid_from)
        with open_db(s) as conn:
            release_slips.clean(conn, form, now)  # what is wrong is said before the PIN is asked
            who = authorised(conn, as_code, release_slips.AUDIT_ISSUE)
            slip = release_slips.issue(
                conn, form, by=who, retention_years=s.rules.release_slip_retention_years, now=now
            )
        if as_json:
            echo_json(_as_json(slip))
            return
        typer.echo(
            t(
                "cli.slip_issued",
                number=slip.number,
                unit=slip.unit,
                items=slip.items,
                carrier=slip.carrier,
                end=_minute(slip.valid_until),
            )
        )

    @slips_app.command("list", help=t("cli.slips_list_help"))
    def slips_list(
        ctx: typer.Context,
        only_open: bool = typer.Option(False, "--open", help=t("cli.opt_slip_open")),
        collected: bool = typer.Option(False, "--collected", help=t("cli.opt_slip_collected")),
        unit: str | None = typer.Option(None, "--unit", help=t("cli.opt_slip_unit")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import release_slips
        from guardpost.policy.items import SlipStatus

        if only_open and collected:
            raise UsageProblem("cli.open_or_collected", None)
        status = SlipStatus.OPEN if only_open else SlipStatus.COLLECTED if collected else None
        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            rows = release_slips.slips(conn, status=status, unit=unit)
        if as_json:
            echo_json([_as_json(r) for r in rows])
            return
        if not rows:
            typer.echo(t("cli.slips_none"))
            return
        for r in rows:
            state = t(f"slips.status.{r.status}")
            typer.echo(
                f"{r.number} {set_cell_size(r.unit, 10)} {set_cell_size(state, 8)}"
                f" {_minute(r.valid_until)}  {set_cell_size(printable(r.carrier), 16)} {printable(r.items)}"
            )

    @slips_app.command("show", help=t("cli.slips_show_help"))
    def slips_show(
        ctx: typer.Context,
        number: str = typer.Argument(..., help=t("cli.arg_slip_no")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import release_slips

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            slip = release_slips.get(conn, number)
        if as_json:
            echo_json(_as_json(slip))
            return
        for label, value in release_slips.describe(slip):
            typer.echo(f"{set_cell_size(t(label), 12)} {value}")

    @slips_app.command("purge", help=t("cli.slips_purge_help"))
    def slips_purge(
        ctx: typer.Context,
        dry_run: bool = typer.Option(False, "--dry-run", help=t("cli.opt_dry_run")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import release_slips

        s = settings(ctx, db=db, lang=lang)
        now = datetime.now()
        with open_db(s) as conn:
            if dry_run:
                found = release_slips.purgeable(conn, now)
            else:
                who = authorised(conn, as_code, release_slips.AUDIT_PURGE)
                found = release_slips.purge(conn, now, by=who)
        counts = {"slips": len(found.slips), "releases": len(found.releases)}
        if as_json:
            echo_json({"dry_run": dry_run, **counts})
            return
        years = s.rules.release_slip_retention_years
        typer.echo(
            t("cli.slips_purgeable", years=years, **counts) if dry_run else t("cli.slips_purged", **counts)
        )


__all__ = ["register"]
