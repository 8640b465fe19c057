"""Click's own words, in the user's language: help pages and usage errors from the catalogue.

Typer's built-in Click writes its headings, its help-option text and its errors in English (some
through gettext, most as plain f-strings). Help goes through ``TranslatedFormatter`` (set as the
formatter of every command's context); a usage error is shown by ``show_usage_error``, which
recognises each kind of error Click raises and says it with a catalogue message. A message we do
not recognise is still shown, inside the translated frame, rather than hidden.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from typing import Any

from typer._click import exceptions as click_errors
from typer._click.core import Context
from typer._click.formatting import HelpFormatter

from guardpost.i18n import t
from guardpost.text import printable

_SECTIONS = {"Options": "usage.options", "Commands": "usage.commands", "Arguments": "usage.arguments"}
_HELP_OPTION = "Show this message and exit."
_DEFAULT = re.compile(r"\[default: (.*?)\]")
_EXTRA = re.compile(r"Got unexpected extra arguments? \((.*)\)")
_NO_COMMAND = re.compile(r"No such command '(.*?)'\.(?: Did you mean '(.*)'\?| \(Possible commands: (.*)\))?")
_REQUIRES = re.compile(r"Option '(.*)' requires (an argument|\d+ arguments)\.?")
_NO_VALUE = re.compile(r"Option '(.*)' does not take a value\.")


class TranslatedFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, t("usage.prefix") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{t('usage.heading', heading=heading)}\n")

    @contextmanager
    def section(self, name: str) -> Generator[None]:
        with super().section(t(_SECTIONS[name]) if name in _SECTIONS else name):
            yield

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _help_text(text)) for term, text in rows], col_max, col_spacing)


def _help_text(text: str) -> str:
    if text == _HELP_OPTION:
        return t("usage.help_option")
    text = _DEFAULT.sub(lambda m: t("usage.default", value=m.group(1)), text)
    return text.replace("[required]", t("usage.required"))


def install() -> None:
    """Every command context formats its help with ``TranslatedFormatter``."""
    Context.formatter_class = TranslatedFormatter


def describe(exc: click_errors.UsageError) -> str:
    """The error, in the user's language."""
    if isinstance(exc, click_errors.NoSuchOption):
        possible = ", ".join(sorted(exc.possibilities or []))
        text = t("usage.no_such_option", option=exc.option_name)
        return text + (t("usage.possible", options=possible) if possible else "")
    if isinstance(exc, click_errors.MissingParameter):
        param = exc.param.get_error_hint() if exc.param is not None else "-"
        return t("usage.missing", param=param)
    if isinstance(exc, click_errors.BadParameter):
        param = exc.param.get_error_hint() if exc.param is not None else "-"
        return t("usage.bad_value", param=param, detail=exc.message)
    message = exc.message
    unknown = _NO_COMMAND.fullmatch(message)
    if unknown:
        text = t("usage.no_such_command", command=unknown.group(1))
        guess = unknown.group(2) or unknown.group(3)
        return text + (t("usage.did_you_mean", commands=guess) if guess else "")
    for pattern, key, field in (
        (_EXTRA, "usage.extra", "args"),
        (_REQUIRES, "usage.requires_value", "option"),
        (_NO_VALUE, "usage.takes_no_value", "option"),
    ):
        match = pattern.fullmatch(message)
        if match:
            return t(key, **{field: match.group(1)})
    if message == "Missing command.":
        return t("usage.missing_command")
    return t("usage.other", message=message)


def show_usage_error(exc: click_errors.UsageError, file: Any = None) -> None:
    out = file or sys.stderr
    ctx = exc.ctx
    if ctx is not None:
        print(printable(ctx.get_usage()), file=out)
        if ctx.command.get_help_option(ctx) is not None:
            print(t("usage.try_help", command=f"{ctx.command_path} {ctx.help_option_names[0]}"), file=out)
        print(file=out)
    print(t("usage.error", message=describe(exc)), file=out)
