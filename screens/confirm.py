"""A yes/no question answered by keys: Y / Enter for yes, N / Esc for no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from guardpost.i18n import t


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", show=False),  # not Enter: a stray Enter must not say yes
        Binding("n,escape", "answer(False)", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, classes="title")
            yield Static(t("confirm.keys"), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
