"""F1: every key of the screen in front and what it does, in the UI language."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen

from guardpost.i18n import t

from ..widgets.text import Plain


def help_text(rows: list[tuple[str, str]]) -> str:
    """One line per key: the keys in a column as wide as the widest, then what they do."""
    width = max((cell_len(key) for key, _ in rows), default=0) + 2
    return "\n".join(f"  {set_cell_size(key, width)}{t(label)}" for key, label in rows)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", show=False)]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="box"):
            yield Plain(t("help.title"), classes="title")
            yield Plain(help_text(self.rows))
            yield Plain(t("help.close"), classes="hint")
