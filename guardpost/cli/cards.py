"""``cards list`` and ``cards set-status``."""

from pathlib import Path

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
from guardpost.domain import CardStatus
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.text import printable

STATUSES = " | ".join(CardStatus)


def card_status(text: str) -> CardStatus:
    try:
        return CardStatus(text)
    except ValueError:
        raise GuardpostError("cli.bad_status", None, status=text, allowed=STATUSES) from None


def register(app: typer.Typer) -> None:
    cards_app = typer.Typer(help=t("cli.cards_help"), no_args_is_help=True)
    app.add_typer(cards_app, name="cards")

    @cards_app.command("list", help=t("cli.cards_list_help"))
    def cards_list(
        ctx: typer.Context,
        db: Path | None = db_option(),
        status: str | None = typer.Option(None, "--status", help=STATUSES),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost.cards import list_cards
        from guardpost.orm import session

        wanted = card_status(status) if status else None
        s = settings(ctx, db=db, lang=lang)
        with session(s.db_path) as ses:
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
                for c, p, u in list_cards(ses, wanted)
            ]
        if as_json:
            echo_json(rows)
            return
        if not rows:
            typer.echo(t("cards.none"))
            return
        widths = (16, 10, 6, 10, 10)
        typer.echo(
            _line(
                (
                    t("cards.col_uid"),
                    t("cards.col_kind"),
                    t("cards.col_status"),
                    t("cards.col_until"),
                    t("cards.col_unit"),
                ),
                widths,
                t("cards.col_holder"),
            )
        )
        for r in rows:
            cells = (
                str(r["uid"]),
                t(f"kind.{r['kind']}"),
                t(f"status.{r['status']}"),
                str(r["valid_until"] or "-"),
                str(r["unit"] or "-"),
            )
            typer.echo(_line(cells, widths, printable(str(r["holder"] or "-"))))

    @cards_app.command("set-status", help=t("cli.cards_set_status_help"))
    def cards_set_status(
        ctx: typer.Context,
        uid: str = typer.Argument(..., help=t("cli.arg_uid")),
        status: str = typer.Argument(..., help=STATUSES),
        as_code: str | None = as_option(),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost.cards import set_status
        from guardpost.orm import session
        from guardpost.uid import UidError, canonical_hex

        wanted = card_status(status)
        try:
            canonical = canonical_hex(uid)
        except UidError as exc:
            raise GuardpostError("cli.bad_uid", None, detail=exc.message()) from None
        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:  # a supervisor's, once the compound has one
            who = authorised(conn, as_code, "card.set_status")
        with session(s.db_path) as ses:
            old, new = set_status(ses, canonical, wanted, actor=who)
        typer.echo(t("cards.status_changed", uid=canonical, old=t("status." + old), new=t("status." + new)))


def _line(cells: tuple[str, ...], widths: tuple[int, ...], last: str) -> str:
    """Columns padded by terminal cells: a Chinese character takes two."""
    return " ".join(set_cell_size(c, w) for c, w in zip(cells, widths, strict=True)) + f" {last}"
