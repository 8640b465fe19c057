"""The header: compound, gate, reader, lockdown level, guard on duty, clock. Always all of it.

At any width every part is shown whole: first in full, then with the clock's date and the longer
labels dropped, and when that is still too wide the parts wrap onto a second line (the header grows
by one line). Nothing is overwritten or cut, except a part wider than the whole line (cut with …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from guardpost.booth import BoothState
from guardpost.domain import LockdownLevel, ReaderState, ReaderStatus
from guardpost.i18n import current_language, t
from guardpost.text import printable

from .text import drawn

SEPARATOR = " │ "


@dataclass(frozen=True)
class Part:
    full: str
    short: str


def fit_line(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, with … marking the cut."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""


def layout(parts: list[Part], clock_full: str, clock_short: str, width: int) -> list[str]:
    """The header's lines: one if it fits, else two (parts whole, the clock at the first line's end)."""
    for use_short, clock in ((False, clock_full), (False, clock_short), (True, clock_short)):
        texts = [p.short if use_short else p.full for p in parts]
        line = " " + SEPARATOR.join(texts)
        room = width - cell_len(clock) - 1
        if cell_len(line) <= room:
            return [set_cell_size(line, room) + " " + clock]
    first = " "
    room = width - cell_len(clock_short) - 1
    rest: list[str] = []
    for i, part in enumerate(parts):
        candidate = first + (SEPARATOR if first.strip() else "") + part.short
        if cell_len(candidate) <= room:
            first = candidate
        else:  # the second line has the room for the parts in full
            rest = [p.full for p in parts[i:]]
            break
    second = " " + SEPARATOR.join(rest)
    return [set_cell_size(fit_line(first, room), room) + " " + clock_short, fit_line(second, width)]


class BoothHeader(Widget):
    """The app sets ``state`` and ``reader``; the clock ticks by itself."""

    state: reactive[BoothState | None] = reactive(None, layout=True)
    reader: reactive[ReaderStatus | None] = reactive(None, layout=True)
    clock: reactive[datetime | None] = reactive(None)
    reminders: reactive[tuple[str, ...]] = reactive((), layout=True)  # patrol due, a missed checkpoint

    def __init__(self, now: Callable[[], datetime] = datetime.now, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.now = now

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        self.clock = self.now().replace(microsecond=0)

    def watch_state(self, state: BoothState | None) -> None:
        self.set_class(state is not None and state.level != LockdownLevel.NORMAL, "-lockdown")
        self.set_class(state is not None and state.level == LockdownLevel.CLOSED, "-closed")

    def watch_reader(self, status: ReaderStatus | None) -> None:
        bad = status is not None and status.state in (ReaderState.ERROR, ReaderState.NO_READER)
        self.set_class(bad, "-reader-down")

    def parts(self) -> list[Part]:
        state = self.state
        if state is None:
            return [Part(t("header.opening"), t("header.opening"))]
        lang = current_language()
        gate = printable(state.gate_name(lang))
        guard = printable(state.guard.name) if state.guard else t("header.no_guard")
        level = t(f"lockdown.{state.level}")
        if state.shut:
            level = f"{level}·{t('lockdown.shut_here')}"
        return [
            Part(printable(state.compound), printable(state.compound)),
            Part(t("header.gate", gate=gate), gate),
            self._reader_part(state),
            Part(t("header.lockdown", level=level), t("header.lockdown_short", level=level)),
            Part(t("header.guard", guard=guard), t("header.guard_short", guard=guard)),
            *(Part(t("header.reminder", text=r), r) for r in self.reminders),
        ]

    def _reader_part(self, state: BoothState) -> Part:
        status = self.reader
        if state.viewer:
            text = t("header.viewer")
            return Part(text, text)
        the_state = status.state if status is not None else ReaderState.NO_READER
        if state.reader_kind == "wedge" and the_state == ReaderState.CONNECTED:
            label = t("reader.keyboard")
        else:
            label = t(f"reader.{the_state}")
        full = t("header.reader", state=label)
        troubled = the_state in (ReaderState.ERROR, ReaderState.NO_READER)
        if status is not None and status.detail is not None and troubled:
            detail = status.detail.text()
            return Part(t("header.reader_detail", state=label, detail=detail), full)
        return Part(full, t("header.reader_short", state=label))

    def lines(self, width: int) -> list[str]:
        clock = self.clock or self.now()
        return layout(self.parts(), clock.strftime("%m-%d %H:%M:%S"), clock.strftime("%H:%M:%S"), width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        return drawn(self, lambda: Text("\n".join(self.lines(self.size.width)), no_wrap=True, end=""))
