"""``audit verify`` and ``audit export``: is the audit trail as it was written, and a copy of it for
someone who does not take guardpost's word for it."""

from pathlib import Path

import typer

from guardpost import exits
from guardpost.cli.common import db_option, echo_json, json_option, lang_option, open_db, settings
from guardpost.i18n import t


def register(app: typer.Typer) -> None:
    audit_app = typer.Typer(help=t("cli.audit_help"), no_args_is_help=True)
    app.add_typer(audit_app, name="audit")

    @audit_app.command("verify", help=t("cli.audit_verify_help"))
    def audit_verify(
        ctx: typer.Context,
        pin: str | None = typer.Option(None, "--pin", help=t("cli.audit_opt_pin")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import audit

        s = settings(ctx, db=db, lang=lang)
        pinned = audit.parse_pin(pin) if pin is not None else None
        with open_db(s) as conn:
            verdict = audit.verify(conn, pinned=pinned)
        if as_json:
            echo_json(
                {
                    "intact": verdict.intact,
                    "entries": verdict.entries,
                    "head": {"id": verdict.head[0], "hash": verdict.head[1]} if verdict.head else None,
                    "problems": [
                        {
                            "fault": str(p.fault),
                            "id": p.id,
                            "last": p.last,
                            "other": p.other,
                            "text": p.describe(),
                        }
                        for p in verdict.problems
                    ],
                }
            )
        elif verdict.intact:
            if verdict.head is None:
                typer.echo(t("audit.empty"))
            else:
                typer.echo(t("audit.intact", count=verdict.entries, id=verdict.head[0], hash=verdict.head[1]))
            if pinned is not None:
                typer.echo(t("audit.pin_ok", id=pinned[0]))
        else:
            typer.echo(t("audit.damaged", count=verdict.entries, problems=len(verdict.problems)))
            for problem in verdict.problems:
                typer.echo(f"  {problem.describe()}")
            if verdict.head is not None:
                typer.echo(t("audit.head", id=verdict.head[0], hash=verdict.head[1]))
        if not verdict.intact:
            raise typer.Exit(exits.DENY)

    @audit_app.command("list", help=t("cli.audit_list_help"))
    def audit_list(
        ctx: typer.Context,
        after: int = typer.Option(0, "--after", help=t("cli.audit_opt_after")),
        limit: int = typer.Option(50, "--limit", min=1, max=100_000, help=t("cli.audit_opt_limit")),
        db: Path | None = db_option(),
        as_json: bool = json_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import audit
        from guardpost.text import printable

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            found = audit.entries(conn, after=after, limit=limit)
        if as_json:
            echo_json(
                [
                    {
                        "id": e.id,
                        "at": e.at,
                        "actor": e.actor,
                        "action": e.action,
                        "subject": e.subject,
                        "detail": e.detail,
                        "hash": e.hash,
                    }
                    for e in found
                ]
            )
            return
        for e in found:
            detail = f"  {printable(e.detail)}" if e.detail else ""
            typer.echo(
                f"#{e.id:<6} {e.at[:19]}  {printable(e.actor)}  {e.action}  {printable(e.subject)}{detail}"
            )

    @audit_app.command("export", help=t("cli.audit_export_help"))
    def audit_export(
        ctx: typer.Context,
        out: Path = typer.Option(..., "--out", help=t("cli.audit_opt_out")),
        db: Path | None = db_option(),
        lang: str | None = lang_option(),
    ) -> None:
        from guardpost import audit

        s = settings(ctx, db=db, lang=lang)
        with open_db(s) as conn:
            count = audit.export(conn, out)
        typer.echo(t("audit.exported", count=count, path=str(out)))
