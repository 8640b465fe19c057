"""``gates list`` and ``gates add``: the gates of the compound (a new compound needs one per booth)."""

from pathlib import Path

import typer
from rich.cells import set_cell_size

from guardpost.cli.common import actor, db_option, echo_json, json_option, lang_option, open_db, settings
from guardpost.i18n import t
from guardpost.text import printable


def register(app: typer.Typer) -> None:
    gates_app = typer.Typer(help=t("cli.gates_help"), no_args_is_help=True)
    app.add_typer(gates_app, name="gates")

    @gates_app.command("list", help=t("cli.gates_list_help"))
    def gates_list(
        ctx: typer.Context,
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost.gates import list_gates

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            gates = list_gates(conn)
        if as_json:
            echo_json(
                [{"id": g.id, "name_zh": g.name_zh, "name_en": g.name_en, "kind": str(g.kind)} for g in gates]
            )
            return
        if not gates:
            typer.echo(t("gates.none"))
            return
        for g in gates:
            typer.echo(
                f"{set_cell_size(g.id, 12)} {set_cell_size(t(f'gates.kind.{g.kind}'), 10)}"
                f" {printable(g.name_zh)} / {printable(g.name_en)}"
            )

    @gates_app.command("add", help=t("cli.gates_add_help"))
    def gates_add(
        ctx: typer.Context,
        gate_id: str = typer.Argument(..., help=t("cli.arg_gate_id")),
        name_zh: str = typer.Option(..., "--name-zh", help=t("cli.opt_name_zh")),
        name_en: str = typer.Option(..., "--name-en", help=t("cli.opt_name_en")),
        kind: str = typer.Option("pedestrian", "--kind", help="pedestrian | vehicle | garage"),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost.gates import add_gate

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            gate = add_gate(conn, gate_id, name_zh, name_en, kind, actor())
        typer.echo(
            t("gates.added", gate=gate.id, name=gate.name_zh if s.language == "zh-CN" else gate.name_en)
        )
