"""F1: every key of the main screen and what it does, in the UI language."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from guardpost.i18n import t


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", show=False)]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        lines = [f"  {key:<8} {desc}" for key, desc in self.keys]
        with Vertical(id="help-box"):
            yield Static(t("help.title"), classes="title")
            yield Static("\n".join(lines))
            yield Static(t("help.close"), classes="hint")
