"""F2 forgot card (忘带卡): room number + ID last four find the resident; the front desk confirms."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from guardpost import validate
from guardpost.access import Resident, find_forgot_card
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.storage import connect
from screens.confirm import ConfirmScreen


class ForgotCardScreen(ModalScreen[tuple[int, str] | None]):
    """Returns ``(person_id, lane)`` once the guard confirms the front desk said yes, else None."""

    BINDINGS = [Binding("escape", "cancel", show=False), Binding("f6", "toggle_lane", show=False)]

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.lane = "in"
        self.unit = ""
        self.found: dict[str, Resident] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="forgot-box"):
            yield Static(t("forgot.title"), classes="title")
            yield Input(placeholder=t("forgot.unit"), id="forgot-unit")
            yield Input(placeholder=t("forgot.last4"), id="forgot-last4", max_length=4)
            yield Static("", id="forgot-error", classes="error")
            yield OptionList(id="forgot-matches")
            yield Static(t("forgot.keys"), id="forgot-keys", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#forgot-matches").display = False
        self._show_keys()
        self.query_one("#forgot-unit").focus()

    @on(Input.Submitted, "#forgot-unit")
    def _unit_done(self) -> None:
        self.query_one("#forgot-last4").focus()

    @on(Input.Submitted, "#forgot-last4")
    def _find(self) -> None:
        error = self.query_one("#forgot-error", Static)
        try:
            unit = validate.unit_code(self.query_one("#forgot-unit", Input).value)
            last4 = validate.id_last4(self.query_one("#forgot-last4", Input).value)
        except validate.Invalid as exc:
            error.update(exc.message())
            return
        conn = connect(self.db_path)
        try:
            found = find_forgot_card(conn, unit, last4)
        except GuardpostError as exc:
            error.update(exc.message())
            return
        finally:
            conn.close()
        self.unit = unit
        self.found = {str(r.person_id): r for r in found}
        error.update(t("forgot.confirm_desk"))
        matches = self.query_one("#forgot-matches", OptionList)
        matches.clear_options()
        matches.add_options(
            [
                Option(
                    f"{r.name}  {t('role.' + r.role)}  {unit}"
                    + (f"  {t('forgot.blacklisted')}" if r.blacklisted else ""),
                    id=str(r.person_id),
                )
                for r in found
            ]
        )
        matches.display = True
        matches.highlighted = 0
        matches.focus()

    @on(OptionList.OptionSelected, "#forgot-matches")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        resident = self.found[event.option.id]
        question = t("forgot.desk_question", name=resident.name, unit=self.unit)

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss((resident.person_id, self.lane))

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_toggle_lane(self) -> None:
        self.lane = "out" if self.lane == "in" else "in"
        self._show_keys()

    def _show_keys(self) -> None:
        self.query_one("#forgot-keys", Static).update(t("forgot.keys") + f"  [{t('lane.' + self.lane)}]")

    def action_cancel(self) -> None:
        self.dismiss(None)
