"""The header strip: compound, gate, guard on duty, lockdown level, reader status, clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from guardpost.i18n import t


class BoothHeader(Widget):
    """One line, always visible. The app sets the reactives; the clock ticks by itself."""

    compound: reactive[str] = reactive("")
    gate: reactive[str] = reactive("")
    guard: reactive[str] = reactive("")
    lockdown: reactive[str] = reactive("normal")
    reader: reactive[str] = reactive("no_reader")
    reader_detail: reactive[str] = reactive("")
    clock: reactive[str] = reactive("")

    def __init__(self, now: Callable[[], datetime] = datetime.now, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.now = now

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        self.clock = self.now().strftime("%m-%d %H:%M:%S")

    def watch_lockdown(self, level: str) -> None:
        self.set_class(level != "normal", "-lockdown")

    def watch_reader(self, state: str) -> None:
        self.set_class(state != "connected", "-reader-down")

    def render(self) -> Text:
        reader = t(f"reader.{self.reader}")
        if self.reader_detail and self.reader != "connected":
            reader = (
                f"{reader}（{self.reader_detail}）"
                if t("lang.code") == "zh-CN"
                else f"{reader} ({self.reader_detail})"
            )
        parts = [
            f" {self.compound}",
            f"{t('header.gate')}: {self.gate}",
            f"{t('header.reader')}: {reader}",
            f"{t('header.lockdown')}: {t('lockdown.' + self.lockdown)}",
            f"{t('header.guard')}: {self.guard or t('header.no_guard')}",
        ]
        # the clock keeps its place at the right edge; the rest is cut short if the terminal is narrow
        clock = f" {self.clock} "
        room = max(0, self.size.width - cell_len(clock))
        left = set_cell_size(" │ ".join(parts), room)
        return Text(left + clock, no_wrap=True)
