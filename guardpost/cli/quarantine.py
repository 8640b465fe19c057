"""``quarantine add|list|due|record|end``: the quarantine ledger of the closed level from the command
line, through the same core functions as the booth's Shift+F8 screen (``guardpost.quarantine``).

Putting a household on the ledger and ending it take a squad leader's or supervisor's code
(``--as``) and PIN (asked at a hidden prompt, or read from standard input when it is not a
terminal, for scripts); a guard records the readings. ``record`` exits 2 for a fever, as an alarm.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.cells import set_cell_size

from guardpost import exits
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
from guardpost.errors import GuardpostError, UsageProblem
from guardpost.i18n import t
from guardpost.text import printable

if TYPE_CHECKING:
    from guardpost import quarantine

# The words of the ledger, by value (literal keys: the catalogue test reads them).
SLOT_WORDS = {"morning": "quarantine.morning", "afternoon": "quarantine.afternoon"}
STATE_WORDS = {
    "taken": "quarantine.state.taken",
    "due": "quarantine.state.due",
    "overdue": "quarantine.state.overdue",
    "later": "quarantine.state.later",
    "none": "quarantine.state.none",
}


def _day(text: str, option: str, today: date) -> date:
    from guardpost import quarantine, validate

    try:
        return quarantine.parse_day(text, today)
    except validate.Invalid as exc:
        raise GuardpostError("quarantine.bad_option", None, option=option, reason=exc) from None


def _end(text: str, starts_on: date, today: date) -> date:
    from guardpost import quarantine, validate

    try:
        return quarantine.parse_end(text, starts_on, today)
    except validate.Invalid as exc:
        raise GuardpostError("quarantine.bad_option", None, option="--until", reason=exc) from None


def _slot_text(view: quarantine.SlotView) -> str:
    if view.celsius is None:
        return t(STATE_WORDS[view.state])
    mark = f" {t('quarantine.fever_mark')}" if view.fever else ""
    at = f" {view.at:%H:%M}" if view.at else ""
    return f"{view.celsius:.1f}{at}{mark}"


def _level_note(conn: sqlite3.Connection, gate: str) -> None:
    """At another level than closed the ledger works all the same, and says what it is for."""
    from guardpost import lockdown, quarantine

    level = lockdown.at_gate(conn, gate).level
    if not quarantine.for_level(level):
        typer.echo(t("quarantine.not_closed", level=t(f"lockdown.{level}")), err=True)


def _household_json(h: quarantine.Household) -> dict[str, object]:
    return {
        "household": h.household_id,
        "unit": h.unit,
        "starts_on": h.starts_on.isoformat(),
        "ends_on": h.ends_on.isoformat(),
        "note": h.note,
        "added_by": h.added_by,
        "added_at": h.added_at.isoformat(sep=" ", timespec="seconds"),
        "ended_at": h.ended_at.isoformat(sep=" ", timespec="seconds") if h.ended_at else None,
        "ended_by": h.ended_by,
    }


def _due_json(r: quarantine.DueReading) -> dict[str, object]:
    return {
        "household": r.household_id,
        "unit": r.unit,
        "member": r.member_id,
        "name": r.name,
        "day": r.day.isoformat(),
        "slot": str(r.slot),
        "overdue": r.overdue,
    }


def _show(text: str, width: int) -> str:
    return set_cell_size(printable(text), width)


def register(app: typer.Typer) -> None:
    q_app = typer.Typer(help=t("cli.quarantine_help"), no_args_is_help=True)
    app.add_typer(q_app, name="quarantine")

    @q_app.command("add", help=t("cli.quarantine_add_help"))
    def quarantine_add(
        ctx: typer.Context,
        unit: str = typer.Option(..., "--unit", help=t("quarantine.field.unit")),
        resident: list[str] = typer.Option([], "--resident", help=t("cli.opt_quarantine_resident")),
        all_residents: bool = typer.Option(False, "--all-residents", help=t("cli.opt_quarantine_all")),
        other: list[str] = typer.Option([], "--other", help=t("cli.opt_quarantine_other")),
        start: str | None = typer.Option(None, "--from", help=t("cli.opt_quarantine_from")),
        until: str | None = typer.Option(None, "--until", help=t("cli.opt_quarantine_until")),
        note: str | None = typer.Option(None, "--note", help=t("quarantine.field.note")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import quarantine

        s = settings(ctx, db=db, gate=gate, lang=lang)
        if all_residents and resident:
            raise UsageProblem("quarantine.all_or_some", None)
        if as_code is None:
            raise GuardpostError("guards.needs_as", None)
        now = datetime.now()
        today = now.date()
        starts_on = _day(start, "--from", today) if start else today
        ends_on = (
            _end(until, starts_on, today) if until else _end(str(quarantine.DEFAULT_DAYS), starts_on, today)
        )
        with open_db(s) as conn:
            found = quarantine.unit_residents(conn, unit, today)
            by_name: dict[str, list[int]] = {}
            for r in found.residents:
                by_name.setdefault(r.name, []).append(r.person_id)
            chosen: list[int] = [r.person_id for r in found.residents] if all_residents else []
            for name in resident:
                ids = by_name.get(name.strip(), [])
                if not ids:
                    raise GuardpostError(
                        "quarantine.no_such_resident",
                        None,
                        name=printable(name.strip()),
                        unit=found.unit,
                        residents="、".join(printable(r.name) for r in found.residents) or "-",
                    )
                chosen.extend(ids)  # two residents of one name: both (the ledger lists them apart)
            if not chosen and not other:
                raise GuardpostError("quarantine.nobody", "quarantine.nobody_hint", unit=found.unit)
            others = tuple(other)
            # said before the PIN is asked: a mistyped name must not cost a try
            quarantine.check_new(
                conn,
                unit,
                residents=chosen,
                others=others,
                starts_on=starts_on,
                ends_on=ends_on,
                note=note,
                today=today,
            )
            household_id = quarantine.add(
                conn,
                unit,
                residents=chosen,
                others=others,
                starts_on=starts_on,
                ends_on=ends_on,
                note=note,
                code=as_code,
                pin=ask_pin(as_code),
                where="cli",
                now=now,
            )
            done = quarantine.household(conn, household_id)
        if as_json:
            echo_json({**_household_json(done), "members": [_member_json(m) for m in done.members]})
            return
        typer.echo(
            t(
                "quarantine.added",
                household=done.household_id,
                unit=done.unit,
                count=len(done.members),
                start=done.starts_on,
                end=done.ends_on,
            )
        )

    def _member_json(m: quarantine.Member) -> dict[str, object]:
        return {"member": m.member_id, "name": m.name, "person_id": m.person_id}

    @q_app.command("list", help=t("cli.quarantine_list_help"))
    def quarantine_list(
        ctx: typer.Context,
        every: bool = typer.Option(False, "--all", help=t("cli.opt_quarantine_every")),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import quarantine

        s = settings(ctx, db=db, gate=gate, lang=lang)
        now = datetime.now()
        with open_db(s) as conn:
            today_rows = {d.household.household_id: d for d in quarantine.ledger(conn, now)}
            shown = quarantine.households(conn, now.date(), every=True) if every else None
            if not as_json:
                _level_note(conn, s.gate)
        found = shown if shown is not None else [d.household for d in today_rows.values()]
        if as_json:
            out = []
            for h in found:
                day = today_rows.get(h.household_id)
                people = {p.member.member_id: p for p in day.people} if day else {}
                members = []
                for m in h.members:
                    person = people.get(m.member_id)
                    slots = {
                        str(v.slot): {"state": str(v.state), "celsius": v.celsius, "fever": v.fever}
                        for v in (person.slots if person else ())
                    }
                    members.append({**_member_json(m), "today": slots})
                out.append({**_household_json(h), "members": members})
            echo_json(out)
            return
        if not found:
            typer.echo(t("quarantine.none"))
            return
        for h in found:
            ended = f"  {t('quarantine.ended_at', at=f'{h.ended_at:%m-%d %H:%M}')}" if h.ended_at else ""
            note = f"  {printable(h.note)}" if h.note else ""
            typer.echo(
                f"#{h.household_id} {h.unit}  {h.starts_on:%m-%d} - {h.ends_on:%m-%d}"
                f"  {t('quarantine.people', count=len(h.members))}{ended}{note}"
            )
            day = today_rows.get(h.household_id)
            people = {p.member.member_id: p for p in day.people} if day else {}
            for m in h.members:
                person = people.get(m.member_id)
                readings = (
                    "  ".join(f"{t(SLOT_WORDS[v.slot])} {_slot_text(v)}" for v in person.slots)
                    if person
                    else ""
                )
                typer.echo(f"   {m.member_id:>5} {_show(m.name, 12)} {readings}".rstrip())

    @q_app.command("due", help=t("cli.quarantine_due_help"))
    def quarantine_due(
        ctx: typer.Context,
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import quarantine

        s = settings(ctx, db=db, gate=gate, lang=lang)
        now = datetime.now()
        with open_db(s) as conn:
            rows = quarantine.due(conn, now)
            if not as_json:
                _level_note(conn, s.gate)
        if as_json:
            echo_json([_due_json(r) for r in rows])
            return
        if not rows:
            typer.echo(t("quarantine.nothing_due"))
            return
        for r in rows:
            state = t("quarantine.state.overdue") if r.overdue else t("quarantine.state.due")
            typer.echo(
                f"{r.member_id:>5} {_show(r.unit, 10)} {_show(r.name, 12)} {t(SLOT_WORDS[r.slot])}  {state}"
            )

    @q_app.command("record", help=t("cli.quarantine_record_help"))
    def quarantine_record(
        ctx: typer.Context,
        member: int = typer.Argument(..., help=t("cli.arg_quarantine_member")),
        reading: str = typer.Argument(..., help=t("quarantine.field.temperature")),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import quarantine

        s = settings(ctx, db=db, gate=gate, lang=lang)
        with open_db(s) as conn:
            done = quarantine.record(
                conn,
                member,
                reading,
                gate=s.gate,
                threshold_c=s.rules.fever_threshold_c,
                guard=None,
                now=datetime.now(),
            )
        r = done.reading
        if as_json:
            echo_json(
                {
                    "reading": r.reading_id,
                    "member": done.member.member_id,
                    "name": done.member.name,
                    "unit": done.unit,
                    "slot": str(done.slot),
                    "celsius": r.celsius,
                    "fever": r.fever,
                }
            )
        else:
            key = "quarantine.recorded_fever" if r.fever else "quarantine.recorded"
            typer.echo(
                t(
                    key,
                    celsius=f"{r.celsius:.1f}",
                    name=printable(done.member.name),
                    unit=done.unit,
                    slot=t(SLOT_WORDS[done.slot]),
                )
            )
        if r.fever:
            raise typer.Exit(exits.ALARM)

    @q_app.command("end", help=t("cli.quarantine_end_help"))
    def quarantine_end(
        ctx: typer.Context,
        household: int = typer.Argument(..., help=t("cli.arg_quarantine_household")),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import quarantine

        s = settings(ctx, db=db, lang=lang)
        if as_code is None:
            raise GuardpostError("guards.needs_as", None)
        now = datetime.now()
        with open_db(s) as conn:
            quarantine.check_end(conn, household, now.date())  # said before the PIN is asked
            done = quarantine.end(conn, household, code=as_code, pin=ask_pin(as_code), where="cli", now=now)
        typer.echo(t("quarantine.ended", household=done.household_id, unit=done.unit))
