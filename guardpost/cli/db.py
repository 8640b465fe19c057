"""The file and the settings: ``init``, ``check`` and ``config show``."""

import json
from pathlib import Path

import typer
from rich.cells import cell_len, set_cell_size

from guardpost import exits
from guardpost.cli.common import db_option, gate_option, lang_option, settings
from guardpost.i18n import t
from guardpost.text import printable


def register(app: typer.Typer) -> None:
    config_app = typer.Typer(help=t("cli.config_help"), no_args_is_help=True)
    app.add_typer(config_app, name="config")

    @app.command(help=t("cli.init_help"))
    def init(ctx: typer.Context, db: Path | None = db_option(), lang: str | None = lang_option()) -> None:
        from guardpost.storage import connect, schema_version

        s = settings(ctx, db=db, lang=lang)
        conn = connect(s.db_path, create=True)
        typer.echo(t("cli.init_done", path=s.db_path, version=schema_version(conn)))
        conn.close()

    @app.command(help=t("cli.check_help"))
    def check(ctx: typer.Context, db: Path | None = db_option(), lang: str | None = lang_option()) -> None:
        from guardpost.storage import connect, counts, integrity, schema_version

        s = settings(ctx, db=db, lang=lang)
        conn = connect(s.db_path, upgrade=False)
        try:
            problems = integrity(conn)
            typer.echo(t("cli.check_file", path=s.db_path))
            typer.echo(t("cli.check_schema", version=schema_version(conn)))
            for name, n in counts(conn).items():
                typer.echo(f"  {name:<20} {n:>9}")
        finally:
            conn.close()
        if problems:
            for p in problems:
                typer.echo(printable(p), err=True)
            typer.echo(t("cli.check_bad", count=len(problems)), err=True)
            raise typer.Exit(exits.STORAGE)
        typer.echo(t("cli.check_ok"))

    @config_app.command("show", help=t("cli.config_show_help"))
    def config_show(
        ctx: typer.Context,
        db: Path | None = db_option(),
        gate: str | None = gate_option(),
        lang: str | None = lang_option(),
    ) -> None:
        s = settings(ctx, db=db, gate=gate, lang=lang)
        typer.echo(t("cli.config_file", path=s.config_file or t("cli.config_none")))
        values = {key: printable(_as_toml(value)) for key, value in s.values.items()}
        width = max(32, *(cell_len(v) for v in values.values()))
        for key, value in values.items():
            # padded by terminal cells: a Chinese value takes two a character, the comments still align
            typer.echo(f"{key:<36} = {set_cell_size(value, width)} # {printable(s.sources[key])}")


def _as_toml(value: object) -> str:
    """A value as it would be written in the config file (so it can be copied there)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_as_toml(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
