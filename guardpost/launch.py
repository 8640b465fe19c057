"""The ``guardpost`` console script. ``guardpost run`` opens the booth screen straight away;
everything else (and ``run --help`` or a malformed ``run``) goes to the Typer CLI in ``cli``.

Why: the booth screen must be up fast after a power cut (the issue asks <= 0.4 s to the first
frame), and building the whole command tree costs about a sixth of that. The options accepted
here are exactly ``run``'s (``RUN_OPTIONS``), applied by the same ``open_booth`` the CLI uses.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RUN_OPTIONS = ("--db", "--gate", "--lang", "--reader", "--config")


def _parse_run(argv: list[str]) -> dict[str, str] | None:
    """``run --db X --gate=Y ...`` -> ``{"--db": "X", "--gate": "Y"}``; None if anything else is there."""
    if not argv or argv[0] != "run":
        return None
    options: dict[str, str] = {}
    rest = argv[1:]
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name not in RUN_OPTIONS or name in options:
            return None
        if not eq:
            if not rest:
                return None
            value = rest.pop(0)
        options[name] = value
    return options


def open_booth(
    config: str | None, db: str | None, gate: str | None, lang: str | None, reader: str | None
) -> None:
    """Settings from the config file, the environment and these options; then the booth screen."""
    from guardpost import i18n
    from guardpost.config import load_settings

    settings = load_settings(Path(config) if config else None)
    i18n.set_language(settings.language)
    for key, value, source in (
        ("storage.db", db, "--db"),
        ("booth.gate", gate, "--gate"),
        ("booth.language", lang, "--lang"),
        ("reader.kind", reader, "--reader"),
    ):
        if value is not None:
            settings.override(key, value, source)
    i18n.set_language(settings.language)
    # 120 frames/s: a row that arrives just after a frame waits ~8 ms instead of ~17 (TEXTUAL.md)
    os.environ.setdefault("TEXTUAL_FPS", "120")
    from screens.app import run_app

    run_app(settings)


def main() -> None:
    argv = sys.argv[1:]
    options = _parse_run(argv)
    if options is None:
        from guardpost.cli import main as cli_main

        cli_main(argv)
        return
    from guardpost.errors import GuardpostError

    try:
        open_booth(
            options.get("--config"),
            options.get("--db"),
            options.get("--gate"),
            options.get("--lang"),
            options.get("--reader"),
        )
    except GuardpostError as exc:
        print(exc.message(), file=sys.stderr)
        sys.exit(exc.exit_code)
