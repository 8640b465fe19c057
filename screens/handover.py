"""F11 handover (交接班): the shift's summary, the equipment counted, the notes, and the incoming
guard's code and PIN.

The summary is the core's (``shifts.summary``), shown as the shift report's text
(``reports.shift``), read in a worker: swipes allowed / denied / alarmed, overrides with their
reasons, callers in and out, fevers, who is still inside, open incidents and alarms, the patrol
rounds. Enter goes from field to field; on the PIN it hands over: the shift closes (read-only from
then on), the incoming guard is on duty, and the report of the closed shift is written to
``prints/`` (and printed when a printer is configured). Ctrl+P prints the summary as it stands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen

from guardpost.booth import Booth
from guardpost.errors import GuardpostError
from guardpost.guards import PinRefused
from guardpost.i18n import t
from guardpost.shifts import item_name
from guardpost.text import printable

from . import keys
from .live import tell
from .widgets.keybar import KeyBar
from .widgets.text import Plain, SafeInput

if TYPE_CHECKING:
    from guardpost import shifts


WIDE = 110  # columns from which every line of the report fits in the box unwrapped


class HandoverScreen(Screen["shifts.Login | None"]):
    BINDINGS = keys.bindings(keys.HANDOVER_KEYS, only=("print", "close", "scroll", "scroll_up"))

    def __init__(self, booth: Booth, summary: shifts.Summary | None, text: str) -> None:
        """``summary`` and its ``text`` are read before the screen opens (``load``): the screen is
        laid out once, with them, not again when a worker brings them."""
        super().__init__(id="handover-screen")
        self.booth = booth
        self.summary = summary
        self.text = text
        self.saving = False

    @staticmethod
    def load(booth: Booth) -> tuple[shifts.Summary | None, str]:
        """The summary of the open shift and its report text (off the screen's thread)."""
        summary = booth.shift_summary()
        return summary, booth.shift_text(summary) if summary is not None else ""

    def compose(self) -> ComposeResult:
        with Vertical(id="handover-box", classes="box"):
            yield Plain(self._title(), classes="title", id="handover-title")
            with VerticalScroll(id="handover-summary"):
                # on a wide terminal every line of the report fits: it need not be wrapped
                fits = self.app.size.width >= WIDE
                text = self.text if self.summary else t("handover.no_shift_hint")
                yield Plain(text, id="handover-text", classes="-fits" if fits else "")
            with Horizontal(id="handover-fields"):
                # the parking permits in cars inside are not in the booth: what should be there is
                # offered (the report lists those out, so a short count is explained or is a loss)
                out = len(self.summary.permits_out) if self.summary else 0
                for item, expected in self.booth.settings.shifts.equipment:
                    here = max(0, expected - out) if item == "parking_permits" and out else expected
                    label = (
                        t("handover.item_out", item=item_name(item), expected=expected, out=out)
                        if here != expected
                        else t("handover.item", item=item_name(item), expected=expected)
                    )
                    yield Plain(label, classes="entry-label")
                    yield SafeInput(
                        str(here), id=f"count-{item}", compact=True, max_length=3, classes="count"
                    )
            yield Horizontal(
                Plain(t("handover.notes"), classes="entry-label"),
                SafeInput("", id="handover-notes", compact=True, max_length=500, select_on_focus=False),
                classes="entry-row",
            )
            yield Horizontal(
                Plain(t("handover.incoming"), classes="entry-label"),
                SafeInput("", id="handover-code", compact=True, max_length=16, select_on_focus=False),
                Plain(t("login.pin"), classes="entry-label"),
                SafeInput("", id="handover-pin", compact=True, max_length=8, password=True),
                classes="entry-row",
            )
            yield Plain("", id="handover-error", classes="error")
            yield KeyBar(keys.bar(keys.HANDOVER_KEYS, keys.APP_KEYS), classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self._fields()[0])

    def _title(self) -> str:
        if self.summary is None:
            return t("handover.no_shift")
        s = self.summary.shift
        since = f"{s.started_at:%m-%d %H:%M}"
        return t("handover.title", shift=s.id, name=printable(s.guard_name), since=since)

    def _fields(self) -> list[SafeInput]:
        return list(self.query(SafeInput).results(SafeInput))

    # --- fields ---------------------------------------------------------------------------------
    def key_up(self) -> None:
        self.focus_previous(SafeInput)

    def key_down(self) -> None:
        self.focus_next(SafeInput)

    @on(SafeInput.Changed, ".count")
    def _digits_only(self, event: SafeInput.Changed) -> None:
        """A count is digits: anything else typed or pasted is dropped as it comes."""
        digits = "".join(ch for ch in event.value if ch.isascii() and ch.isdigit())
        if digits != event.value:
            event.input.value = digits

    @on(SafeInput.Submitted)
    def _next(self, event: SafeInput.Submitted) -> None:
        event.stop()
        fields = self._fields()
        at = next(i for i, f in enumerate(fields) if f is event.input)
        if event.input.id != "handover-pin":
            self.set_focus(fields[at + 1])
            return
        self._accept()

    def _accept(self) -> None:
        if self.summary is None or self.saving:
            return
        counts: dict[str, int] = {}
        for item, _expected in self.booth.settings.shifts.equipment:
            box = self.query_one(f"#count-{item}", SafeInput)
            if not box.value.strip().isdigit():
                self._refused(t("shifts.bad_count", item=item_name(item)), box.id)
                return
            counts[item] = int(box.value.strip())
        code = self.query_one("#handover-code", SafeInput).value.strip()
        if not code:
            self._refused(t("handover.who"), "handover-code")
            return
        self.saving = True
        self.query_one("#handover-error", Plain).show(t("login.checking"))
        notes = self.query_one("#handover-notes", SafeInput).value
        pin = self.query_one("#handover-pin", SafeInput).value
        self._hand_over(self.summary.shift.id, code, pin, notes, counts)

    @work(thread=True, group="handover-store", exclusive=True, exit_on_error=False)
    def _hand_over(self, shift_id: int, code: str, pin: str, notes: str, counts: dict[str, int]) -> None:
        try:
            done = self.booth.handover(shift_id, code, pin, notes, counts)
        except PinRefused as exc:
            tell(self, self._refused, exc.message(), "handover-pin")
            return
        except GuardpostError as exc:
            field = (
                "handover-notes"
                if exc.key.startswith("shifts.") and "field" in exc.params
                else "handover-code"
            )
            tell(self, self._refused, exc.message(), field)
            return
        try:
            self.booth.file_shift_report(shift_id)  # the report of record, printed when configured
        except GuardpostError as exc:
            self.app.call_from_thread(
                self.app.notify, exc.message(), severity="warning", timeout=20, markup=False
            )
        tell(self, self.dismiss, done)

    def _refused(self, text: str, field_id: str | None) -> None:
        self.saving = False
        self.query_one("#handover-error", Plain).show(text)
        if field_id == "handover-pin":
            self.query_one("#handover-pin", SafeInput).value = ""
        elif field_id == "handover-code":  # another guard types their own code, not after this one
            self.query_one("#handover-code", SafeInput).value = ""
            self.query_one("#handover-pin", SafeInput).value = ""
        if field_id:
            self.set_focus(self.query_one(f"#{field_id}", SafeInput))

    # --- keys -----------------------------------------------------------------------------------
    def action_scroll(self) -> None:
        self.query_one("#handover-summary", VerticalScroll).scroll_page_down()

    def action_scroll_up(self) -> None:
        self.query_one("#handover-summary", VerticalScroll).scroll_page_up()

    def action_print(self) -> None:
        if self.summary is not None:
            self._print(self.summary.shift.id)

    @work(thread=True, group="handover-print", exclusive=True, exit_on_error=False)
    def _print(self, shift_id: int) -> None:
        try:
            note = self.booth.file_shift_report(shift_id, always_print=True)
        except GuardpostError as exc:
            tell(self, self._say, exc.message())
            return
        tell(self, self._say, note)

    def _say(self, text: str) -> None:
        self.query_one("#handover-error", Plain).show(text)

    def action_close(self) -> None:
        self.dismiss(None)
