"""⇧F2 items leaving (物品出区): a release slip checked and taken in at the gate, or, while the
service centre is closed, the owner's after-hours release on owner card and ID.

On a slip: the guard types or scans the slip number (a scanner's seven characters and Enter reach
the field as typing: ``guardpost.release_slips``), Enter looks it up and shows what it allows (the
unit, the items, who carries them, until when); when it is good a second Enter takes it in and
lets the items out. A slip that allows nothing (unknown, used, expired, not yet valid) is
registered as refused at once and the reason said. F6, after hours: the unit, the last four of
the ID and what is taken out, Enter after each; meanwhile the owner swipes the owner card on the
reader, and the screen shows whose card it was (the swipe is read back from the file, whichever
reader it came from). Released or refused (a tenant: not until the office reopens), it is
registered. Every rule is the core's (``policy.items``), every read and write a worker's: the
feed and its alarms go on beneath.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen

from guardpost import release_slips, validate
from guardpost.booth import Booth
from guardpost.errors import GuardpostError, InvalidValue
from guardpost.i18n import t
from guardpost.text import printable

from . import keys
from .live import close_once, tell
from .widgets.keybar import KeyBar
from .widgets.text import Fields, Plain, SafeInput

if TYPE_CHECKING:
    from guardpost.release_slips import AfterHours, CardSeen, Checked, Slip

SLIP, AFTER_HOURS = "slip", "after_hours"
CARD_POLL_S = 1.0  # how soon the owner's swipe shows
OFFICE_REFRESH_S = 30.0
FIELDS = {  # the after-hours fields: name -> (label, longest)
    release_slips.UNIT: ("slips.field.unit", 40),
    release_slips.ID_LAST4: ("slips.field.id_last4", 20),
    release_slips.ITEMS: ("slips.field.items", release_slips.ITEMS_MAX),
}


def _row(label: str, field: SafeInput) -> Horizontal:
    return Horizontal(Plain(t(label), classes="slips-label"), field, classes="slips-row")


class ReleaseSlipScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ReleaseSlipScreen {
        align: center middle;
    }
    ReleaseSlipScreen #slips-box {
        width: 96;
    }
    ReleaseSlipScreen .slips-row {
        height: 1;
    }
    ReleaseSlipScreen .slips-label {
        width: 16;
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ReleaseSlipScreen .slips-row SafeInput, ReleaseSlipScreen .slips-row #slips-card {
        width: 1fr;
    }
    ReleaseSlipScreen #slips-slip, ReleaseSlipScreen #slips-after {
        height: auto;
        margin-top: 1;
    }
    ReleaseSlipScreen #slips-fields {
        height: auto;
        margin-top: 1;
    }
    ReleaseSlipScreen #slips-result {
        height: auto;
        margin-top: 1;
    }
    ReleaseSlipScreen #slips-result.allowed {
        color: $success-lighten-1;
        text-style: bold;
    }
    ReleaseSlipScreen #slips-result.refused {
        color: $error-lighten-1;
        text-style: bold;
    }
    """
    BINDINGS = keys.bindings(keys.RELEASE_SLIP_KEYS, only=("switch_mode", "close"))

    def __init__(self, booth: Booth) -> None:
        super().__init__()
        self.booth = booth
        self.rules = booth.item_rules()
        self.mode = SLIP
        self.checked: Checked | None = None  # the slip looked up, while the field still names it
        self.busy = False  # a look-up or a write is on its way: Enter waits for its answer
        self.unit = ""  # the after-hours unit, checked: its owner cards are watched for
        self.card: CardSeen | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="slips-box", classes="box"):
            yield Plain(t("slips.title"), classes="title")
            yield Plain("", id="slips-office", classes="advice")
            yield Plain("", id="slips-mode")
            with Vertical(id="slips-slip"):
                yield _row("slips.field.number", SafeInput(id="slips-number", max_length=40, compact=True))
            with Vertical(id="slips-after"):
                for name, (label, longest) in FIELDS.items():
                    yield _row(label, SafeInput(id=f"slips-{name}", max_length=longest, compact=True))
                yield Horizontal(
                    Plain(t("slips.field.card"), classes="slips-label"),
                    Plain("", id="slips-card"),
                    classes="slips-row",
                )
            yield Fields(id="slips-fields")
            yield Plain("", id="slips-result")
            yield KeyBar(keys.bar(keys.RELEASE_SLIP_KEYS, keys.APP_KEYS), classes="hint")

    def on_mount(self) -> None:
        self._show_office()
        self._show_mode()
        self.set_interval(OFFICE_REFRESH_S, self._show_office)
        self.set_interval(CARD_POLL_S, self._poll_card)

    # --- what the screen says -------------------------------------------------------------------
    def _show_office(self) -> None:
        self.query_one("#slips-office", Plain).show(
            release_slips.office_note(self.rules, self.booth.now()).text()
        )

    def _show_mode(self) -> None:
        mode = t(f"slips.mode.{self.mode}")
        self.query_one("#slips-mode", Plain).show(t("slips.mode_line", mode=mode))
        self.query_one("#slips-slip").display = self.mode == SLIP
        self.query_one("#slips-after").display = self.mode == AFTER_HOURS
        self._show_slip(None)
        if self.mode == SLIP:
            self._say(t("slips.type_number"))
            self.query_one("#slips-number").focus()
        else:
            self._say(t("slips.after_hours_help"))
            self._show_card()
            self.query_one(f"#slips-{release_slips.UNIT}").focus()

    def _say(self, text: str, *, allowed: bool | None = None) -> None:
        box = self.query_one("#slips-result", Plain)
        box.set_class(allowed is True, "allowed")
        box.set_class(allowed is False, "refused")
        box.show(text)

    def _show_slip(self, slip: Slip | None) -> None:
        rows = [] if slip is None else [(t(label), value) for label, value in release_slips.describe(slip)]
        fields = self.query_one("#slips-fields", Fields)
        fields.show(rows)
        fields.display = bool(rows)

    # --- on a slip ----------------------------------------------------------------------------------
    @on(SafeInput.Changed, "#slips-number")
    def _number_changed(self, event: SafeInput.Changed) -> None:
        if self.checked is not None and not self._names_checked(event.value):
            self.checked = None  # another number now: what was shown is no answer to it
            self._show_slip(None)
            self._say(t("slips.type_number"))

    def _names_checked(self, text: str) -> bool:
        try:
            return self.checked is not None and release_slips.normalise_number(text) == self.checked.number
        except GuardpostError:
            return False

    @on(SafeInput.Submitted, "#slips-number")
    def _number_done(self, event: SafeInput.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        text = event.value
        if not text.strip():
            self._say(t("slips.type_number"))
            return
        if self.checked is not None and self.checked.ok and self._names_checked(text):
            self.busy = True
            self._collect(self.checked.number)
            return
        try:
            release_slips.normalise_number(text)  # a mistyped number is said at once, never registered
        except GuardpostError as exc:
            self._show_slip(None)
            self._say(exc.message(), allowed=False)
            return
        self.busy = True
        self._say(t("slips.checking"))
        self._check(text)

    @work(thread=True, group="slips-check", exclusive=True, exit_on_error=False)
    def _check(self, text: str) -> None:
        try:
            checked = self.booth.present_slip(text)  # a refusal is registered before it is said
        except GuardpostError as exc:
            slip = self._slip_named(text)
            tell(self, self._refused, slip, exc)
            return
        tell(self, self._checked, checked)

    def _slip_named(self, text: str) -> Slip | None:
        """The slip a refused number names, to show beside the reason (used when, at which gate)."""
        try:
            return self.booth.check_slip(text).slip
        except GuardpostError:
            return None

    def _checked(self, checked: Checked) -> None:
        self.busy = False
        self.checked = checked
        self._show_slip(checked.slip)
        self._say(t("slips.check_ok"), allowed=True)

    def _refused(self, slip: Slip | None, refusal: GuardpostError) -> None:
        self.busy = False
        self.checked = None
        self.app.bell()
        self._show_slip(slip)
        self._say(refusal.message(), allowed=False)

    @work(thread=True, group="slips-collect", exclusive=True, exit_on_error=False)
    def _collect(self, number: str) -> None:
        try:
            slip = self.booth.collect_slip(number)
        except GuardpostError as exc:  # taken in at another gate meanwhile, or it just ran out
            tell(self, self._refused, self._slip_named(number), exc)
            return
        tell(self, self._collected, slip)

    def _collected(self, slip: Slip) -> None:
        self.busy = False
        self.checked = None
        field = self.query_one("#slips-number", SafeInput)
        field.value = ""  # ready for the next slip
        self._show_slip(slip)
        self._say(t("slips.collected", number=slip.number, unit=slip.unit), allowed=True)
        field.focus()

    # --- after office hours --------------------------------------------------------------------------
    def _field(self, name: str) -> SafeInput:
        return self.query_one(f"#slips-{name}", SafeInput)

    @on(SafeInput.Changed, f"#slips-{release_slips.UNIT}")
    def _unit_changed(self, event: SafeInput.Changed) -> None:
        if event.value != self.unit and self.unit:
            self.unit = ""  # to be checked again; the card watched for was that unit's
            self.card = None
            self._show_card()

    @on(SafeInput.Submitted, f"#slips-{release_slips.UNIT}")
    def _unit_done(self, event: SafeInput.Submitted) -> None:
        event.stop()
        self._take_unit(event.value)

    def _take_unit(self, value: str) -> bool:
        try:
            unit = validate.unit_code(value)
        except InvalidValue as exc:
            self._refuse_field(release_slips.UNIT, exc.message())
            return False
        self.unit = unit
        field = self._field(release_slips.UNIT)
        if field.value != unit:
            field.value = unit  # as the register writes it
        self._say(t("slips.after_hours_help"))
        self._field(release_slips.ID_LAST4).focus()
        self._poll_card()
        return True

    @on(SafeInput.Submitted, f"#slips-{release_slips.ID_LAST4}")
    def _last4_done(self, event: SafeInput.Submitted) -> None:
        event.stop()
        if event.value.strip():
            try:
                validate.id_last4(event.value)
            except InvalidValue as exc:
                self._refuse_field(release_slips.ID_LAST4, exc.message())
                return
        self._field(release_slips.ITEMS).focus()

    @on(SafeInput.Submitted, f"#slips-{release_slips.ITEMS}")
    def _items_done(self, event: SafeInput.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        if not self.unit and not self._take_unit(self._field(release_slips.UNIT).value):
            return
        self.busy = True
        values = {name: self._field(name).value for name in FIELDS}
        self._release(self.unit, values[release_slips.ID_LAST4], values[release_slips.ITEMS])

    @work(thread=True, group="slips-release", exclusive=True, exit_on_error=False)
    def _release(self, unit: str, last4: str, items: str) -> None:
        try:
            done = self.booth.release_after_hours(unit, last4, items)
        except release_slips.SlipFormRefused as exc:
            tell(self, self._form_refused, exc)
            return
        except GuardpostError as exc:
            tell(self, self._release_failed, exc)
            return
        tell(self, self._decided, done)

    def _form_refused(self, exc: release_slips.SlipFormRefused) -> None:
        self.busy = False
        first = next((p.field for p in exc.problems if p.field in FIELDS), None)
        lines = [f"{t(f'slips.field.{p.field}')}: {p.message()}" for p in exc.problems]
        self._refuse_field(first, "\n".join(lines))

    def _release_failed(self, exc: GuardpostError) -> None:
        self.busy = False
        self._say(exc.message(), allowed=False)

    def _decided(self, done: AfterHours) -> None:
        self.busy = False
        refusal = done.refusal()
        if refusal is not None:
            self.app.bell()
            self._say(refusal.message(), allowed=False)  # the fields stay: a card swiped, Enter again
            return
        self._say(
            t(
                "slips.released",
                name=printable(done.name or "-"),
                role=t(f"role.{done.role}") if done.role else "-",
                unit=done.unit,
                items=printable(done.items),
            ),
            allowed=True,
        )
        for name in FIELDS:
            self._field(name).value = ""  # ready for the next owner
        self.unit, self.card = "", None
        self._show_card()
        self._field(release_slips.UNIT).focus()

    def _refuse_field(self, name: str | None, text: str) -> None:
        self._say(text, allowed=False)
        if name is not None:
            self._field(name).focus()

    # --- the owner's card, as the reader stored it --------------------------------------------------
    def _poll_card(self) -> None:
        if self.mode == AFTER_HOURS and self.unit:
            self._watch_card(self.unit)

    @work(thread=True, group="slips-card", exclusive=True, exit_on_error=False)
    def _watch_card(self, unit: str) -> None:
        seen = self.booth.card_seen(unit)
        tell(self, self._card_seen, unit, seen)

    def _card_seen(self, unit: str, seen: CardSeen | None) -> None:
        if unit != self.unit or seen == self.card:
            return  # another unit now, or nothing new: no repaint
        self.card = seen
        self._show_card()

    def _show_card(self) -> None:
        c = self.card
        if c is None:
            text = t("slips.card_none")
        else:
            role = t(f"role.{c.role}")
            name = printable(c.name)
            if c.status == "active":
                text = t("slips.card_seen", name=name, role=role, at=f"{c.at:%H:%M:%S}")
            else:
                text = t("slips.card_bad", name=name, role=role, status=t(f"status.{c.status}"))
        self.query_one("#slips-card", Plain).show(text, layout=False)

    # --- keys ------------------------------------------------------------------------------------------
    def action_switch_mode(self) -> None:
        if self.busy:
            return
        self.mode = AFTER_HOURS if self.mode == SLIP else SLIP
        self.checked = None
        self._show_office()
        self._show_mode()

    def action_close(self) -> None:
        close_once(self)
