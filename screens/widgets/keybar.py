"""The key bar at the foot of a screen: its keys and what they do, in the UI language, fitted to
the width (a key never loses its label; keys that do not fit move to a second line)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from guardpost.i18n import t

GAP = 1


def keybar_lines(keys: list[tuple[str, str]], width: int) -> list[list[tuple[str, str]]]:
    """``keys``: (key as shown, catalogue key of its label) -> lines of (key, label)."""
    lines: list[list[tuple[str, str]]] = []
    line: list[tuple[str, str]] = []
    used = 0
    for key, label_key in keys:
        label = t(label_key)
        size = cell_len(key) + 3 + cell_len(label) + GAP
        if line and used + size > width:
            lines.append(line)
            line, used = [], 0
        line.append((key, label))
        used += size
    return [*lines, line] if line else lines


class KeyBar(Widget):
    def __init__(self, keys: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.keys = keys

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(keybar_lines(self.keys, width)))

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop", end="")
        for n, line in enumerate(keybar_lines(self.keys, self.size.width)):
            if n:
                text.append("\n")
            for key, label in line:
                text.append(f" {key} ", style="bold reverse")
                text.append(f" {label}" + " " * GAP)
        return text
