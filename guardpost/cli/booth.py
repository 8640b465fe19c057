"""The booth commands: ``run`` (the screen), ``demo`` (the demo compound) and ``swipe`` (one card,
no screen, for scripts and external readers)."""

from pathlib import Path

import typer

from guardpost import exits
from guardpost.cli.common import db_option, gate_option, json_option, lang_option, settings, shared
from guardpost.domain import Lane, Source, Swipe
from guardpost.errors import GuardpostError
from guardpost.i18n import t


def register(app: typer.Typer) -> None:
    @app.command(help=t("cli.run_help"))
    def run(
        ctx: typer.Context,
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        lang: str | None = lang_option(),
        reader: str | None = typer.Option(None, "--reader", help=t("cli.opt_reader")),
        viewer: bool = typer.Option(False, "--viewer", help=t("cli.opt_viewer")),
    ) -> None:
        # normally reached only for ``run --help``-like cases: the launcher opens the booth directly
        s = settings(ctx, db=db, gate=gate, lang=lang, reader=reader)
        raise typer.Exit(shared(ctx).open_booth(s, viewer))

    @app.command(help=t("cli.demo_help"))
    def demo(
        ctx: typer.Context,
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
        gate: str | None = gate_option(),
        no_tui: bool = typer.Option(False, "--no-tui", help=t("cli.opt_no_tui")),
    ) -> None:
        from guardpost.demo import DEMO_GUARD, build, demo_guards, demo_path, example_resident, history

        s = settings(ctx, db=db or demo_path(), gate=gate, lang=lang)
        typer.echo(t("cli.demo_building", path=s.db_path))
        for kind, counts in build(s.db_path).items():
            typer.echo(
                f"  {kind}: "
                + t("import.done", added=counts.added, updated=counts.updated, unchanged=counts.unchanged)
            )
        resident = example_resident(s.db_path)
        if resident is not None:
            typer.echo(t("cli.demo_try_forgot", name=resident[0], unit=resident[1], last4=resident[2]))
        worked = history(s.db_path)
        if worked is not None:
            typer.echo(t("cli.demo_shift", shift=worked))
        typer.echo(t("cli.demo_guards"))
        for code, name, role, pin in demo_guards(s.db_path):
            typer.echo(f"  {code}  {name}  {t(f'guards.role.{role}')}  PIN {pin}")
        if not no_tui:
            if s.sources.get("booth.guard") == "default":
                s.override("booth.guard", DEMO_GUARD, "demo")
            s.override("reader.kind", "sim", "demo")
            raise typer.Exit(shared(ctx).open_booth(s, False))

    @app.command(help=t("cli.swipe_help"))
    def swipe(
        ctx: typer.Context,
        uid: str = typer.Argument(..., help=t("cli.arg_uid")),
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        lane: str = typer.Option("in", "--lane", help="in | out"),
        fmt: str = typer.Option("hex", "--format", help=t("cli.opt_format")),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        import contextlib
        import sqlite3

        from guardpost import events
        from guardpost.access import Gatekeeper, NotSaved, gate_kind
        from guardpost.booth import guard_on_duty
        from guardpost.storage import connect
        from guardpost.uid import UidError, WedgeFormat, normalise

        if lane not in tuple(Lane):
            raise GuardpostError("cli.bad_lane", None, lane=lane)
        s = settings(ctx, db=db, gate=gate, lang=lang)
        try:
            key = normalise(uid, WedgeFormat.parse(fmt))
        except UidError as exc:
            raise GuardpostError("cli.bad_uid", None, detail=exc.message()) from None
        conn = connect(s.db_path)
        try:
            keeper = Gatekeeper(conn, s.gate, guard=guard_on_duty(conn, s.gate, s.booth.guard))
            kind = gate_kind(conn, s.gate)
            try:
                result = keeper.swipe(key, Lane(lane), as_read=uid, source=Source.CLI)
            except NotSaved as exc:
                if exc.swipe is not None:  # what was decided, though the file did not take it
                    typer.echo(describe(exc.swipe, kind))
                raise
            with contextlib.suppress(sqlite3.Error):  # a busy booth indexes it when idle
                events.index_cards(conn)
        finally:
            conn.close()
        if as_json:
            import json

            typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            typer.echo(describe(result, kind))
        raise typer.Exit(exits.FOR_DECISION[result.decision])


def describe(result: Swipe, gate_kind: object = None) -> str:
    from guardpost.advice import advice, who
    from guardpost.domain import GateKind

    kind = gate_kind if isinstance(gate_kind, GateKind) else None
    text = t(
        "cli.swipe_result",
        event=result.event_id,
        lane=t(f"lane.{result.lane}"),
        decision=t(f"decision.{result.decision}"),
        reason=t(f"reason.{result.reason}"),
        who=who(result),
    )
    return f"{text}\n{advice(result, kind).text()}"
