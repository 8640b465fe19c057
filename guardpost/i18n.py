"""One catalogue of every string a guard or supervisor sees, in zh-CN and en.

The catalogue lives in ``guardpost/catalogue/*.toml`` (one file per area, so areas grow without
editing one big file); each key appears once across all files and carries both languages.
"""

from __future__ import annotations

import os
import string
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from guardpost.text import printable

LANGUAGES = ("zh-CN", "en")
_CATALOGUE_DIR = Path(__file__).parent / "catalogue"
_current = "zh-CN"


class CatalogueError(Exception):
    """The catalogue itself is broken (a developer error, caught by the tests)."""


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All messages, ``{key: {"zh-CN": ..., "en": ...}}``, merged from every catalogue file."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(_CATALOGUE_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            table: dict[str, Any] = tomllib.load(fh)
        for key, entry in _flatten(table):
            if key in merged:
                raise CatalogueError(f"{path.name}: key {key!r} is defined twice")
            if set(entry) != {"zh", "en"}:
                raise CatalogueError(f"{path.name}: key {key!r} needs exactly zh and en")
            merged[key] = {"zh-CN": entry["zh"], "en": entry["en"]}
    return merged


def _flatten(table: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and "zh" in value and isinstance(value["zh"], str):
            out.append((key, value))
        elif isinstance(value, dict):
            out.extend(_flatten(value, key + "."))
        else:
            raise CatalogueError(f"catalogue key {key!r} is not a message table")
    return out


def normalise_language(value: str) -> str | None:
    """Map ``zh``, ``zh_CN.UTF-8``, ``en-US`` ... onto a supported language, or None."""
    v = value.strip().replace("_", "-").split(".")[0].lower()
    if v.startswith("zh"):
        return "zh-CN"
    if v.startswith("en"):
        return "en"
    return None


def language_from_locale() -> str:
    """The UI language the environment asks for; Chinese unless the locale says English.

    The plain C/POSIX locale says nothing about the guard, so it gives the booth default, Chinese.
    """
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return normalise_language(value) or "zh-CN"
    return "zh-CN"  # nothing set (LC_CTYPE alone is the character set, not the guard's language)


def set_language(lang: str) -> None:
    global _current
    norm = normalise_language(lang)
    if norm is None:
        raise ValueError(lang)
    _current = norm


def current_language() -> str:
    return _current


class _Template(string.Formatter):
    """``str.format`` whose every filled-in field is made printable (``guardpost.text``).

    A catalogue message is a template; its parameters are data (a guard's input, a file's cell, a
    reader's text) and may hold terminal escapes or bidi overrides: they are shown, never obeyed.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        return printable(format(value, format_spec))


_TEMPLATE = _Template()


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message ``key`` in ``lang`` (default: the current language), with ``{params}`` filled."""
    entry = catalogue().get(key)
    if entry is None:
        raise KeyError(f"no catalogue entry {key!r}")
    text = entry[lang or _current]
    return _TEMPLATE.vformat(text, (), params) if params else text
