"""A yes/no question answered by keys: Y for yes, N or Esc for no (never Enter: a stray Enter, or
a card reader's, must not say yes)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen

from guardpost.i18n import t

from ..widgets.text import Plain


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,Y", "answer(True)", show=False),  # Caps Lock or Shift held: the same answer
        Binding("n,N,escape", "answer(False)", show=False),
    ]

    def __init__(self, question: str, *, purpose: str = "") -> None:
        super().__init__()
        self.question = question
        self.purpose = purpose

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="box"):
            yield Plain(self.question, classes="title")
            yield Plain(t("confirm.keys"), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
