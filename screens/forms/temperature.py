"""F8 temperature (测体温): one field and Enter, bound to the swipe under the feed's cursor (the
newest, unless the guard moved to another). ``365`` is 36.5; ``Lo``/``HI``/``Er`` asks to measure
again; 34.0-43.0 or refused with the reason. F7 toggles the mask. A fever rings, says not to admit
and to take their details, and stays on the form until Enter or Esc; a normal reading closes the
form at once (a note on the feed says it was stored)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen

from guardpost import validate
from guardpost.booth import Booth
from guardpost.domain import Swipe
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.temperature import Reading
from guardpost.text import printable

from .. import keys
from ..live import tell
from ..widgets.keybar import KeyBar
from ..widgets.text import Plain, SafeInput


class TemperatureScreen(ModalScreen[Reading | None]):
    BINDINGS = keys.bindings(keys.TEMPERATURE_KEYS, only=("cancel", "toggle_mask"))

    def __init__(self, booth: Booth, swipe: Swipe | None) -> None:
        super().__init__()
        self.booth = booth
        self.swipe = swipe
        self.mask: bool | None = True
        self.reading: Reading | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="temperature-box", classes="box"):
            yield Plain(t("temperature.title"), classes="title")
            yield Plain(self._bound(), id="temperature-for")
            yield SafeInput(placeholder=t("temperature.placeholder"), id="temperature-value", max_length=20)
            yield Plain("", id="temperature-mask")
            yield Plain("", id="temperature-error", classes="error")
            yield KeyBar(keys.bar(keys.TEMPERATURE_KEYS, keys.APP_KEYS), classes="hint")

    def _bound(self) -> str:
        s = self.swipe
        if s is None:
            return t("temperature.for_nobody")
        who = printable(s.person) if s.person else t("temperature.unknown_person")
        return t(
            "temperature.for_swipe", event=s.event_id, at=f"{s.at:%H:%M:%S}", who=who, unit=s.unit or "-"
        )

    def on_mount(self) -> None:
        self._show_mask()
        self.query_one("#temperature-value").focus()

    def _show_mask(self) -> None:
        self.query_one("#temperature-mask", Plain).show(
            t("temperature.mask_yes" if self.mask else "temperature.mask_no")
        )

    def action_toggle_mask(self) -> None:
        self.mask = not self.mask
        self._show_mask()

    def action_cancel(self) -> None:
        self.dismiss(self.reading)

    @on(SafeInput.Submitted, "#temperature-value")
    def _entered(self, event: SafeInput.Submitted) -> None:
        if self.reading is not None and self.reading.fever:
            self.dismiss(self.reading)  # the fever was seen: Enter closes
            return
        try:
            validate.temperature(event.value)
        except validate.Invalid as exc:
            self._error(exc.message())
            if exc.key == "validate.temperature.measure_again":
                event.input.value = ""  # the thermometer's "Lo" is not a reading to correct
            else:
                event.input.select_all()  # kept, and the next reading typed replaces it
            return
        self._store(event.value)

    @work(thread=True, group="temperature", exclusive=True, exit_on_error=False)
    def _store(self, text: str) -> None:
        try:
            reading = self.booth.record_temperature(
                text, event_id=self.swipe.event_id if self.swipe else None, mask=self.mask
            )
        except (GuardpostError, validate.Invalid) as exc:
            tell(self, self._error, exc.message())
            return
        tell(self, self._stored, reading)

    def _error(self, text: str) -> None:
        self.query_one("#temperature-error", Plain).show(text)

    def _stored(self, reading: Reading) -> None:
        self.reading = reading
        if not reading.fever:
            self.app.notify(
                t("temperature.stored", celsius=f"{reading.celsius:.1f}"), markup=False, timeout=5
            )
            self.dismiss(reading)
            return
        self.app.bell()
        box = self.query_one("#temperature-error", Plain)
        box.show(t("temperature.fever", celsius=f"{reading.celsius:.1f}"))
