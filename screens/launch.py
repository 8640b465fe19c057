"""The ``guardpost`` console script: ``guardpost run`` opens the booth screen straight away; every
other command (and ``run --help`` or a malformed ``run``) goes to the core's Typer CLI, which is
handed ``open_booth`` so that it can open the screen without the core importing the UI.

Why the fast path: after a power cut the booth screen must be up quickly, and building the whole
command tree costs about a sixth of a bare Textual app's start. The options accepted here are
exactly ``run``'s, applied by the same ``guardpost.cli.options.apply`` the CLI uses.
"""

from __future__ import annotations

import os
import sys

from guardpost import crash, exits
from guardpost.config import Settings
from guardpost.errors import GuardpostError

VALUED = ("--db", "--gate", "--lang", "--reader", "--config")
FLAGS = ("--viewer",)


def parse_run(argv: list[str]) -> dict[str, str] | None:
    """``run --db X --gate=Y --viewer`` -> ``{"--db": "X", "--gate": "Y", "--viewer": ""}``;
    None when anything else is there (the CLI then parses it, and explains what is wrong)."""
    if not argv or argv[0] != "run":
        return None
    options: dict[str, str] = {}
    rest = argv[1:]
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name in options or name not in VALUED + FLAGS:
            return None
        if name in FLAGS:
            if eq:
                return None
            options[name] = ""
            continue
        if not eq:
            if not rest:
                return None
            value = rest.pop(0)
        options[name] = value
    return options


def open_booth(settings: Settings, viewer: bool) -> int:
    """The booth screen on a terminal, until the guard quits; returns the exit status.

    Refused before any screen is drawn: no terminal, a bad file, an unknown gate or guard, the gate
    already run by another booth. A crash ends with ``exits.CRASH``, a note and one line.
    """
    from guardpost.i18n import t

    # Textual reads keys from stdin and draws on stderr (so that stdout may be piped)
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise GuardpostError("booth.no_terminal", "booth.no_terminal_hint")
    # 120 frames/s: a row that arrives just after a frame waits ~8 ms instead of ~17 (TEXTUAL.md)
    os.environ.setdefault("TEXTUAL_FPS", "120")
    from pathlib import Path

    from .app import make_app

    trace = os.environ.get("GUARDPOST_TRACE")
    app = make_app(settings, viewer=viewer, trace_path=Path(trace) if trace else None)
    app.booth.prepare()  # lock the gate and check the file before the screen takes the terminal
    if settings.booth.photos and app.booth.has_worker_photos():
        from .renovation import prepare_images

        prepare_images()  # asks the terminal which graphics it shows: before Textual reads keys
    # A read crosses three threads (reader, writer, UI) before it is painted; with the default
    # 5 ms GIL switch interval each hand-over can wait that long behind a busy thread.
    sys.setswitchinterval(0.0005)
    try:
        app.run()
    finally:
        app.booth.close()
    if app.crash_note is not None:
        print(app.crash_line, file=sys.stderr)
        return exits.CRASH
    if app.opening_error is not None:
        print(app.opening_error.message(), file=sys.stderr)
        return app.opening_error.exit_code
    if app.return_code not in (None, 0):
        print(t("booth.ended_badly", code=app.return_code), file=sys.stderr)
        return exits.CRASH
    return exits.ALLOW


def main() -> None:
    argv = sys.argv[1:]
    options = parse_run(argv)
    if options is None:
        from guardpost.cli import main as cli_main

        cli_main(argv, open_booth)
        return
    try:
        from guardpost.cli.options import apply, settings_for

        settings = apply(
            settings_for(argv),
            db=options.get("--db"),
            gate=options.get("--gate"),
            reader=options.get("--reader"),
        )
        sys.exit(open_booth(settings, "--viewer" in options))
    except GuardpostError as exc:
        print(exc.message(), file=sys.stderr)
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug before the screen: a note, one line, status 70
        print(crash.one_line(exc, crash.write_note(exc)), file=sys.stderr)
        sys.exit(exits.CRASH)
