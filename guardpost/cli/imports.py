"""``import units|residents|cards|vehicles FILE.csv``."""

from pathlib import Path

import typer

from guardpost.cli.common import actor, db_option, lang_option, settings
from guardpost.errors import UsageProblem
from guardpost.i18n import t


def register(app: typer.Typer) -> None:
    from guardpost.importer import KINDS

    @app.command("import", help=t("cli.import_help"))
    def import_(
        ctx: typer.Context,
        kind: str = typer.Argument(..., help=" | ".join(KINDS)),
        file: Path = typer.Argument(..., help=t("cli.arg_csv")),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost.importer import import_csv
        from guardpost.storage import connect

        if kind not in KINDS:
            raise UsageProblem("cli.bad_import_kind", None, kind=kind, kinds=" | ".join(KINDS))
        s = settings(ctx, db=db, lang=lang)
        conn = connect(s.db_path)
        try:
            counts = import_csv(conn, kind, file, actor=actor())
        finally:
            conn.close()
        typer.echo(t("import.done", added=counts.added, updated=counts.updated, unchanged=counts.unchanged))
