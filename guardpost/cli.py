"""The ``guardpost`` command line (Typer). Command and option names are a contract (issue 2).

The language is settled before the commands are built, so help texts and errors come from the
catalogue in the user's language: ``--lang``, else ``GUARDPOST_LANG`` / the config file, else the locale.
"""

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from guardpost import i18n
from guardpost.config import Settings, load_settings
from guardpost.errors import GuardpostError, ImportRejected
from guardpost.i18n import t

EXIT_FOR_DECISION = {"allow": 0, "deny": 1, "alarm": 2}


def _fail(exc: GuardpostError) -> NoReturn:
    if isinstance(exc, ImportRejected):
        for problem in exc.problems:
            typer.echo(problem.describe(), err=True)
    typer.echo(exc.message(), err=True)
    raise typer.Exit(exc.exit_code)


def _settings(
    ctx: typer.Context, db: Path | None = None, gate: str | None = None, lang: str | None = None
) -> Settings:
    settings: Settings = ctx.obj
    if db is not None:
        settings.override("storage.db", str(db), "--db")
    if gate is not None:
        settings.override("booth.gate", gate, "--gate")
    if lang is not None:
        settings.override("booth.language", lang, "--lang")
        i18n.set_language(settings.language)
    return settings


def _peek_option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def build(settings: Settings) -> typer.Typer:
    """The command tree, with help texts in the current language."""
    app = typer.Typer(
        help=t("cli.help"),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    cards_app = typer.Typer(help=t("cli.cards_help"), no_args_is_help=True)
    config_app = typer.Typer(help=t("cli.config_help"), no_args_is_help=True)
    app.add_typer(cards_app, name="cards")
    app.add_typer(config_app, name="config")

    Db = Annotated[Path | None, typer.Option("--db", help=t("cli.opt_db"), envvar=None)]
    Gate = Annotated[str | None, typer.Option("--gate", help=t("cli.opt_gate"))]
    Lang = Annotated[str | None, typer.Option("--lang", help=t("cli.opt_lang"))]
    Json = Annotated[bool, typer.Option("--json", help=t("cli.opt_json"))]

    @app.callback()
    def root(
        ctx: typer.Context,
        config: Annotated[Path | None, typer.Option("--config", help=t("cli.opt_config"))] = None,
        lang: Lang = None,
    ) -> None:
        ctx.obj = settings

    @app.command(help=t("cli.run_help"))
    def run(
        ctx: typer.Context,
        db: Db = None,
        gate: Gate = None,
        lang: Lang = None,
        reader: Annotated[str | None, typer.Option("--reader", help=t("cli.opt_reader"))] = None,
    ) -> None:
        # normally reached only for ``run --help``-like cases: launch.main opens the booth directly
        from guardpost.launch import open_booth

        config = ctx.parent.params.get("config") if ctx.parent else None
        open_booth(str(config) if config else None, str(db) if db else None, gate, lang, reader)

    @app.command(help=t("cli.demo_help"))
    def demo(
        ctx: typer.Context,
        db: Db = None,
        lang: Lang = None,
        gate: Gate = None,
        no_tui: Annotated[bool, typer.Option("--no-tui", help=t("cli.opt_no_tui"))] = False,
    ) -> None:
        from guardpost.demo import build as build_demo

        s = _settings(ctx, db or _demo_path(), gate, lang)
        typer.echo(t("cli.demo_building", path=s.db_path))
        for kind, counts in build_demo(s.db_path).items():
            typer.echo(
                f"  {kind}: "
                + t("import.done", added=counts.added, updated=counts.updated, unchanged=counts.unchanged)
            )
        if not no_tui:
            from guardpost.launch import open_booth

            config = ctx.parent.params.get("config") if ctx.parent else None
            open_booth(str(config) if config else None, str(s.db_path), gate, lang, "sim")

    @app.command(help=t("cli.init_help"))
    def init(ctx: typer.Context, db: Db = None, lang: Lang = None) -> None:
        from guardpost.storage import connect, schema_version

        s = _settings(ctx, db, lang=lang)
        conn = connect(s.db_path, create=True)
        typer.echo(t("cli.init_done", path=s.db_path, version=schema_version(conn)))
        conn.close()

    @app.command("import", help=t("cli.import_help"))
    def import_(
        ctx: typer.Context,
        kind: Annotated[str, typer.Argument(help="units | residents | cards | vehicles")],
        file: Annotated[Path, typer.Argument(help=t("cli.arg_csv"))],
        db: Db = None,
        lang: Lang = None,
    ) -> None:
        from guardpost.importer import KINDS, import_csv
        from guardpost.storage import connect

        if kind not in KINDS:
            raise GuardpostError("cli.bad_import_kind", None, kind=kind, kinds=" | ".join(KINDS))
        s = _settings(ctx, db, lang=lang)
        conn = connect(s.db_path)
        try:
            counts = import_csv(conn, kind, file)
        finally:
            conn.close()
        typer.echo(t("import.done", added=counts.added, updated=counts.updated, unchanged=counts.unchanged))

    @app.command(help=t("cli.swipe_help"))
    def swipe(
        ctx: typer.Context,
        uid: Annotated[str, typer.Argument(help=t("cli.arg_uid"))],
        db: Db = None,
        gate: Gate = None,
        lane: Annotated[str, typer.Option("--lane", help="in | out")] = "in",
        fmt: Annotated[str, typer.Option("--format", help=t("cli.opt_format"))] = "hex",
        as_json: Json = False,
        lang: Lang = None,
    ) -> None:
        from guardpost.access import Gatekeeper
        from guardpost.storage import connect
        from guardpost.uid import UidError, WedgeFormat, normalise

        if lane not in ("in", "out"):
            raise GuardpostError("cli.bad_lane", None, lane=lane)
        s = _settings(ctx, db, gate, lang)
        try:
            key = normalise(uid, WedgeFormat.parse(fmt))
        except UidError as exc:
            raise GuardpostError("cli.bad_uid", None, detail=exc.message()) from None
        conn = connect(s.db_path)
        try:
            result = Gatekeeper(conn, s.gate).swipe(
                key, lane, uid=key.exact or uid.strip()[:20], source="cli"
            )
        finally:
            conn.close()
        if as_json:
            typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            typer.echo(_describe(result))
        raise typer.Exit(EXIT_FOR_DECISION[result.decision])

    @cards_app.command("list", help=t("cli.cards_list_help"))
    def cards_list(
        ctx: typer.Context,
        db: Db = None,
        status: Annotated[
            str | None, typer.Option("--status", help="active | lost | expired | blacklisted")
        ] = None,
        as_json: Json = False,
        lang: Lang = None,
    ) -> None:
        from guardpost.cards import list_cards
        from guardpost.models import CardStatus
        from guardpost.orm import session

        wanted = _card_status(status) if status else None
        s = _settings(ctx, db, lang=lang)
        with session(s.db_path) as ses:
            found = list_cards(ses, wanted)
            rows = [
                {
                    "uid": c.uid,
                    "kind": str(c.kind),
                    "status": str(c.status),
                    "valid_from": c.valid_from and c.valid_from.isoformat(),
                    "valid_until": c.valid_until and c.valid_until.isoformat(),
                    "holder": p.name if p else None,
                    "unit": u.code if u else None,
                }
                for c, p, u in found
            ]
        _ = CardStatus
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        if not rows:
            typer.echo(t("cards.none"))
            return
        typer.echo(t("cli.cards_header"))
        from rich.cells import set_cell_size  # pads by terminal cells: a Chinese character takes two

        for r in rows:
            cells = (
                r["uid"],
                t(f"kind.{r['kind']}"),
                t(f"status.{r['status']}"),
                r["valid_until"] or "-",
                r["unit"] or "-",
            )
            widths = (16, 10, 6, 10, 10)
            typer.echo(
                " ".join(set_cell_size(str(c), w) for c, w in zip(cells, widths, strict=True))
                + f" {r['holder'] or '-'}"
            )

    @cards_app.command("set-status", help=t("cli.cards_set_status_help"))
    def cards_set_status(
        ctx: typer.Context,
        uid: Annotated[str, typer.Argument(help=t("cli.arg_uid"))],
        status: Annotated[str, typer.Argument(help="active | lost | expired | blacklisted")],
        db: Db = None,
        lang: Lang = None,
    ) -> None:
        from guardpost.cards import set_status
        from guardpost.orm import session
        from guardpost.uid import UidError, canonical_hex

        wanted = _card_status(status)
        try:
            canonical = canonical_hex(uid)
        except UidError as exc:
            raise GuardpostError("cli.bad_uid", None, detail=exc.message()) from None
        s = _settings(ctx, db, lang=lang)
        with session(s.db_path) as ses:
            old, new = set_status(ses, canonical, wanted, actor=f"cli:{os.environ.get('USER', '?')}")
        typer.echo(t("cards.status_changed", uid=canonical, old=t("status." + old), new=t("status." + new)))

    @app.command(help=t("cli.check_help"))
    def check(ctx: typer.Context, db: Db = None, lang: Lang = None) -> None:
        from guardpost.storage import connect, counts, integrity, schema_version

        s = _settings(ctx, db, lang=lang)
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
                typer.echo(p, err=True)
            typer.echo(t("cli.check_bad", count=len(problems)), err=True)
            raise typer.Exit(4)
        typer.echo(t("cli.check_ok"))

    @config_app.command("show", help=t("cli.config_show_help"))
    def config_show(ctx: typer.Context, db: Db = None, gate: Gate = None, lang: Lang = None) -> None:
        s = _settings(ctx, db, gate, lang)
        typer.echo(t("cli.config_file", path=s.config_file or t("cli.config_none")))
        for key in s.values:
            typer.echo(f"{key:<36} = {s.values[key]!s:<32} # {s.sources[key]}")

    return app


def _card_status(text: str) -> Any:
    from guardpost.models import CardStatus

    try:
        return CardStatus(text)
    except ValueError:
        raise GuardpostError(
            "cli.bad_status", None, status=text, allowed=" | ".join(s.value for s in CardStatus)
        ) from None


def _describe(result: Any) -> str:
    who = " ".join(x for x in (result.person, result.unit) if x) or "-"
    text = (
        f"#{result.event_id} {t('lane.' + result.lane)} {t('decision.' + result.decision)}: "
        f"{t(result.verdict.reason_key)} — {who}"
    )
    hint_params = {"note": result.special_care or "", "detail": result.detail}
    return f"{text}\n{t(result.verdict.hint_key, **hint_params)}"


def _demo_path() -> Path:
    return Path(tempfile.gettempdir()) / f"guardpost-demo-{os.getuid() if hasattr(os, 'getuid') else 0}.db"


EXIT_USAGE = 64  # a mistyped command must never look like an alarm (2) to a calling script


def _run_typer(app: typer.Typer, argv: list[str]) -> int:
    """Run the commands; usage errors exit 64, not click's 2 (which means "alarm" for swipe)."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    try:
        result = app(args=argv, prog_name="guardpost", standalone_mode=False)
    except NoArgsIsHelpError as exc:
        exc.show()
        return 0
    except UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except typer.Abort:
        return 130
    return result if isinstance(result, int) else 0


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _peek_option(argv, "--lang")
    try:
        config = _peek_option(argv, "--config")
        settings = load_settings(Path(config) if config else None)
        i18n.set_language(settings.language)
        if lang is not None:
            settings.override("booth.language", lang, "--lang")
            i18n.set_language(settings.language)
        app = build(settings)
        status = _run_typer(app, argv)
        sys.exit(status)
    except GuardpostError as exc:
        try:
            _fail(exc)
        except typer.Exit as done:
            sys.exit(done.exit_code)
    except Exception as exc:  # a bug: leave a note with the details, show the guard one line
        note = _crash_note(exc)
        typer.echo(t("cli.crashed", error=f"{type(exc).__name__}: {exc}", path=note), err=True)
        sys.exit(70)


def _crash_note(exc: BaseException) -> Path:
    import traceback
    from datetime import datetime

    from guardpost.config import user_data_dir

    folder = user_data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    path = folder / "crash.log"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"--- {datetime.now().isoformat()} guardpost {' '.join(sys.argv[1:])}\n")
        fh.write("".join(traceback.format_exception(exc)))
    return path
