"""Text from outside is data: what a person typed, a file held or a reader sent never becomes
markup or a terminal control sequence.

One rule for the whole program: the characters below are refused where text comes in (CSV import,
forms, the command line) and shown as visible escapes (``\\x1b``, ``\\u202e``) wherever text
already stored is rendered. ``guardpost.i18n.t`` passes every parameter through ``printable``,
so a catalogue message quoting a guard's input is safe to print; the screens add the other half
(never parse it as Rich markup) with ``screens.widgets.plain``.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size

# C0 controls, DEL and C1 controls (terminal escapes, bell, backspace, carriage return), the line and
# paragraph separators, and the bidirectional marks, embeddings, overrides and isolates (which can
# make "1-1-502" read as "205-1-1" on screen: Unicode TR36 / CVE-2021-42574), and the zero-width
# space, joiners, word joiner and BOM (which make two different strings look alike); and lone
# surrogates (a command-line argument of bytes that are not UTF-8 decodes to them), which no file,
# database or terminal can take.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every unsafe character replaced by a visible escape (``\\x1b``); linear time."""
    if UNSAFE.search(text) is None:  # the usual case: nothing to do, no copy
        return text
    return UNSAFE.sub(_escape, text)


def first_unsafe(text: str) -> tuple[int, str] | None:
    """``(1-based position, "U+001B")`` of the first unsafe character, or None when there is none."""
    match = UNSAFE.search(text)
    if match is None:
        return None
    return match.start() + 1, f"U+{ord(match.group()):04X}"


def strip_unsafe(text: str) -> str:
    """``text`` without its unsafe characters (for what a guard pastes into a field)."""
    return UNSAFE.sub("", text)


def cut(text: str, cells: int) -> str:
    """``text`` in at most ``cells`` terminal cells, the cut marked with …"""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, cells - 1).rstrip() + "…"
