"""The one place command-line options become settings, and the options' shared spellings.

The fast launcher (``screens.launch``) and every Typer command apply ``--db``, ``--gate``,
``--lang`` and ``--reader`` through ``apply``; the language is settled before any text is printed.
"""

from __future__ import annotations

import os
from pathlib import Path

from guardpost import i18n
from guardpost.config import Settings, load_settings

OPTION_KEYS = {
    "--db": "storage.db",
    "--gate": "booth.gate",
    "--lang": "booth.language",
    "--reader": "reader.kind",
}


def apply(settings: Settings, **options: object) -> Settings:
    """``apply(settings, db=..., gate=..., lang=..., reader=...)``: each given option overrides its
    key (validated, its source shown by ``config show`` as the option); None leaves a key alone."""
    for name, value in options.items():
        if value is not None:
            settings.override(OPTION_KEYS[f"--{name}"], str(value), f"--{name}")
    i18n.set_language(settings.language)
    return settings


def peek(argv: list[str], name: str) -> str | None:
    """The value of ``name`` in ``argv`` (``--lang en`` or ``--lang=en``), before any parsing."""
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def settings_for(argv: list[str]) -> Settings:
    """The settings from the config file named in ``argv`` (or the usual places) and the
    environment, with the language of ``--lang`` already in force."""
    # a bad config file is explained in the language asked for, before the file says its own
    asked = peek(argv, "--lang") or os.environ.get("GUARDPOST_LANG") or ""
    i18n.set_language(i18n.normalise_language(asked) or i18n.language_from_locale())
    config = peek(argv, "--config")
    settings = load_settings(Path(config) if config else None)
    i18n.set_language(settings.language)
    return apply(settings, lang=peek(argv, "--lang"))
