"""F2 forgot card (忘带卡): the unit and the last four of the ID card find the person; the engine
says at once whether they may be admitted by hand, and only then is the front desk's word asked.

The unit is checked as soon as it is entered (format, then whether it exists); the last four when
Enter is pressed. A person the engine refuses (a blacklisted holder, a non-resident, leaving during
closed management) is shown with the refusal and what to do, never with an invitation to admit;
Enter on them records the refusal (a blacklisted holder raises the alarm). Every look-up runs in a
worker: the feed keeps moving and alarms keep ringing while the form is open.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from guardpost import validate
from guardpost.booth import Booth
from guardpost.domain import CardStatus, Lane
from guardpost.errors import Explained, GuardpostError
from guardpost.forgot_card import Candidate
from guardpost.i18n import t
from guardpost.text import printable

from .. import keys
from ..live import tell
from ..modals.confirm import ConfirmScreen
from ..widgets.keybar import KeyBar
from ..widgets.text import Plain, SafeInput, plain


@dataclass(frozen=True)
class ByHand:
    """What the form hands back: record this person's admission (or refusal) by hand at ``lane``."""

    person_id: int
    lane: Lane


def candidate_line(c: Candidate, unit: str) -> str:
    p = c.person
    verdict = t("forgot.can_admit") if c.verdict.admits else t(f"forgot.refused.{c.verdict.reason}")
    return f"{printable(p.name)}  {t('role.' + p.role)}  {unit}  {verdict}"


def _notes(c: Candidate) -> list[str]:
    """What the guard should know before admitting this person: special care, a lost card."""
    p = c.person
    notes = []
    if p.special_care:
        notes.append(t("forgot.special_care", note=printable(p.special_care)))
    lost = [kind for kind, status in p.cards if status == CardStatus.LOST]
    if lost:
        notes.append(t("forgot.has_lost_card", kind=t(f"kind.{lost[0]}")))
    return notes


class ForgotCardScreen(ModalScreen[ByHand | None]):
    BINDINGS = keys.bindings(keys.FORGOT_KEYS, only=("toggle_lane", "cancel"))

    def __init__(self, booth: Booth) -> None:
        super().__init__()
        self.booth = booth
        self.lane = Lane.IN
        self.unit = ""
        self.found: dict[str, Candidate] = {}
        self.last4 = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="forgot-box", classes="box"):
            yield Plain(t("forgot.title"), classes="title")
            yield SafeInput(placeholder=t("forgot.unit"), id="forgot-unit", max_length=40)
            yield SafeInput(placeholder=t("forgot.last4"), id="forgot-last4", max_length=20)
            yield Plain("", id="forgot-lane")
            yield Plain("", id="forgot-error", classes="error")
            yield OptionList(id="forgot-matches", markup=False)
            yield Plain("", id="forgot-advice", classes="advice")
            yield KeyBar(keys.bar(keys.FORGOT_KEYS, keys.APP_KEYS), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#forgot-matches").display = False
        self.query_one("#forgot-advice").display = False
        self._show_lane()
        self.query_one("#forgot-unit").focus()

    def _say(self, text: str) -> None:
        self.query_one("#forgot-error", Plain).show(text)

    def _refuse(self, refusal: Explained) -> None:
        self._say(refusal.message())

    # --- the unit: checked when entered -----------------------------------------------------------
    @on(SafeInput.Changed, "#forgot-unit")
    def _unit_changed(self, event: SafeInput.Changed) -> None:
        if event.value != self.unit:
            self.unit = ""  # to be checked again
            self._forget()

    @on(SafeInput.Changed, "#forgot-last4")
    def _last4_changed(self, event: SafeInput.Changed) -> None:
        if event.value != self.last4:
            self._forget()

    def _forget(self) -> None:
        """A field changed: the people found for the old values are no answer any more."""
        if self.found:
            self.found = {}
            self.query_one("#forgot-matches", OptionList).clear_options()
            self.query_one("#forgot-matches").display = False
            self.query_one("#forgot-advice").display = False
            self._say("")

    @on(SafeInput.Submitted, "#forgot-unit")
    def _unit_done(self, event: SafeInput.Submitted) -> None:
        self._take_unit(event.value)

    def _take_unit(self, value: str) -> None:
        try:
            unit = validate.unit_code(value)
        except validate.Invalid as exc:
            self._refuse(exc)
            return
        # on to the last four at once (the guard is already typing it); the unit's existence is
        # checked meanwhile and, if it does not exist, the form says so and goes back to it
        self.unit = unit
        self._say("")
        field = self.query_one("#forgot-unit", SafeInput)
        if field.value != unit:
            field.value = unit  # as the register writes it
        self.query_one("#forgot-last4").focus()
        self._check_unit(unit)

    @work(thread=True, group="forgot-unit", exclusive=True, exit_on_error=False)
    def _check_unit(self, unit: str) -> None:
        try:
            self.booth.check_unit(unit)
        except GuardpostError as exc:
            tell(self, self._unit_refused, exc)
            return
        tell(self, self._unit_found, unit)

    def _unit_refused(self, exc: GuardpostError) -> None:
        self.unit = ""
        self._refuse(exc)
        self.query_one("#forgot-unit").focus()

    def _unit_found(self, unit: str) -> None:
        pass  # nothing to say: the guard is on the last four already

    # --- the last four: then the people ------------------------------------------------------------
    @on(SafeInput.Submitted, "#forgot-last4")
    def _last4_done(self, event: SafeInput.Submitted) -> None:
        if not self.unit:
            self._take_unit(self.query_one("#forgot-unit", SafeInput).value)
            return
        try:
            self.last4 = validate.id_last4(event.value)
        except validate.Invalid as exc:
            self._refuse(exc)
            return
        self._find(self.unit, self.last4, self.lane)

    @work(thread=True, group="forgot-find", exclusive=True, exit_on_error=False)
    def _find(self, unit: str, last4: str, lane: Lane) -> None:
        try:
            found = self.booth.forgot_card(unit, last4, lane)
        except GuardpostError as exc:
            tell(self, self._unit_refused_late, exc)
            return
        tell(self, self._show_found, unit, found)

    def _unit_refused_late(self, exc: GuardpostError) -> None:
        self._refuse(exc)

    def _show_found(self, unit: str, found: list[Candidate]) -> None:
        if unit != self.unit:
            return  # the guard changed the unit meanwhile: this answer is for another question
        self.found = {str(c.person.person_id): c for c in found}
        any_admits = any(c.verdict.admits for c in found)
        self._say(t("forgot.confirm_desk") if any_admits else t("forgot.none_admitted"))
        matches = self.query_one("#forgot-matches", OptionList)
        matches.clear_options()
        matches.add_options(
            [Option(plain(candidate_line(c, unit)), id=str(c.person.person_id)) for c in found]
        )
        matches.display = True
        matches.highlighted = 0
        matches.focus()
        self._advise(found[0] if found else None)

    @on(OptionList.OptionHighlighted, "#forgot-matches")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._advise(self.found.get(event.option.id or ""))

    def _advise(self, candidate: Candidate | None) -> None:
        box = self.query_one("#forgot-advice", Plain)
        notes = [] if candidate is None else _notes(candidate)
        if candidate is None or (candidate.verdict.admits and not notes):
            box.display = False
            return
        if not candidate.verdict.admits:
            notes = [t(f"hint.{candidate.verdict.reason}"), t("forgot.enter_records")]
        box.show(t("text.sentence_gap").join(notes))
        box.display = True

    @on(OptionList.OptionSelected, "#forgot-matches")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        candidate = self.found.get(event.option.id or "")
        if candidate is None:
            return
        choice = ByHand(candidate.person.person_id, self.lane)
        if not candidate.verdict.admits:  # the refusal is recorded as it is: nothing to confirm
            self.dismiss(choice)
            return
        question = t(
            "forgot.desk_question", name=candidate.person.name, unit=self.unit, lane=t(f"lane.{self.lane}")
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(choice)

        self.app.push_screen(ConfirmScreen(question), answered)

    # --- keys ------------------------------------------------------------------------------------
    def action_toggle_lane(self) -> None:
        self.lane = Lane.OUT if self.lane == Lane.IN else Lane.IN
        self._show_lane()
        if self.found:  # the verdicts depend on the lane (closed management: nobody out)
            self._find(self.unit, self.last4, self.lane)

    def _show_lane(self) -> None:
        self.query_one("#forgot-lane", Plain).show(t("forgot.lane", lane=t(f"lane.{self.lane}")))

    def action_cancel(self) -> None:
        self.dismiss(None)
