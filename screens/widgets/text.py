"""Text from outside, on screen: never Rich markup, never a terminal control sequence.

``plain`` is the one helper every widget uses for what a person typed, a file held or a reader
sent (and for catalogue messages, whose parameters are such text): a ``rich.text.Text``, which
Textual never parses as markup, over ``guardpost.text.printable``, which shows control and bidi
characters as visible escapes. ``Plain`` is a Static that only shows such text; ``SafeInput`` is
an Input that drops control and bidi characters from whatever is typed or pasted into it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.message import Message
from textual.widgets import Input, Static

from guardpost import crash
from guardpost.i18n import t
from guardpost.text import printable, strip_unsafe

INPUT_MAX = 200  # a pasted novel is refused as a whole (Textual keeps the field as it was)


def plain(*parts: str, style: str = "") -> Text:
    """``parts`` joined, as literal text: markup stays text, escapes become visible. Line breaks
    are the caller's layout and stay; text from outside that may hold one is made printable first
    (``t()`` does it for every parameter)."""
    lines = "".join(parts).split("\n")
    return Text("\n".join(printable(line) for line in lines), style=style, end="")


_noted: set[str] = set()


def drawn(widget: object, draw: Callable[[], Text]) -> Text:
    """``draw()``, or, if drawing fails, a line saying so (the details in a crash note, once per
    kind of widget): one widget that cannot be drawn must not take the booth, and its swipes, down."""
    try:
        return draw()
    except Exception as exc:
        name = type(widget).__name__
        if name not in _noted:
            _noted.add(name)
            crash.write_note(exc, f"drawing {name}")
        return Text(t("widget.broken"), style="italic", end="")


class Plain(Static):
    """A Static for literal text: markup is never parsed, whatever it is given."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(plain(text), markup=False, **kwargs)

    def show(self, text: str, *, layout: bool = True) -> None:
        """``layout=False`` where the widget's height cannot change (a one-line status): a new
        layout of the screen costs milliseconds, a repaint of one line next to nothing."""
        self.update(plain(text), layout=layout)


class Fields(Static):
    """Labels and values in two columns; a long value wraps under itself, never under the labels.
    Values are text from outside (``plain``); ``text`` is what the widget shows, as one string."""

    def __init__(self, rows: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self.rows: list[tuple[str, str]] = []
        self.show(rows or [])

    @property
    def text(self) -> str:
        return "\n".join(f"{label}  {value}" for label, value in self.rows)

    def show(self, rows: list[tuple[str, str]]) -> None:
        self.rows = rows
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        for label, value in rows:
            grid.add_row(plain(label), plain(value))
        self.update(grid)


REFUSED_QUIET_S = 6.0  # as long as the note stays on screen


class SafeInput(Input):
    """An Input whose value never holds a control or bidi character (typed, pasted or set)."""

    class Refused(Message):
        """Part or all of what was typed or pasted was not taken: ``key`` says why (catalogue)."""

        def __init__(self, field: SafeInput, key: str, count: int) -> None:
            super().__init__()
            self.field = field
            self.key = key
            self.count = count

    def __init__(self, *args: Any, max_length: int = INPUT_MAX, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        # a steady cursor: no repaint twice a second beside the live feed, and the same screen each time
        self.cursor_blink = False
        self._last_refused: dict[str, float] = {}

    def validate_value(self, value: str) -> str:
        return strip_unsafe(value)

    def replace(self, text: str, start: int, end: int) -> None:
        clean = strip_unsafe(text)
        if clean != text:
            self._refuse("input.dropped_controls", len(text) - len(clean))
        if self.max_length and len(self.value) - (end - start) + len(clean) > self.max_length:
            self._refuse("input.too_long", self.max_length)  # the field is kept
        super().replace(clean, start, end)

    def _refuse(self, key: str, count: int) -> None:
        """Told once, not once a key: a guard holding a key down at a full field gets one note
        until the note would have gone (``REFUSED_QUIET_S``)."""
        now = time.monotonic()
        if self._last_refused.get(key, -REFUSED_QUIET_S) > now - REFUSED_QUIET_S:
            return
        self._last_refused[key] = now
        self.post_message(self.Refused(self, key, count))
