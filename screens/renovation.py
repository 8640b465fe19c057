"""⇧F9 renovation workers (装修工人出入): a worker's pass typed or scanned, looked up, admitted.

The keys a guard presses: the pass number, Enter (the worker, the unit, the permitted hours and
area, the restricted materials and the pass's photo are shown, with what the gate will do), Enter
again admits: two keys after the number. Digits 1-4 toggle the restricted materials seen at entry
before that (recorded against the permit); where the lockdown level asks for a temperature, its
field comes first. A refused pass shows its reason; Enter then records the refusal. F4: a worker
without a pass whom the owner announced by phoning the front desk (a consent step, as the people
issue records one); a one-time worker needs no pass and is registered as a visitor with F6.

Every rule is the core's (``guardpost.renovation``), read and written in workers through the booth;
the feed and its alarms go on behind the screen.

The photo: where the launcher prepared ``textual-image`` before Textual took the terminal
(``prepare_images``: it asks the terminal once whether it speaks Kitty's graphics or Sixel, else
half blocks), the pass's photo is drawn beside it; otherwise, or without a photo, the screen says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget

from guardpost.booth import Booth
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.policy.renovation import MATERIALS, Material
from guardpost.renovation import Admission, PassCheck, materials_said, said, weekdays_said
from guardpost.text import printable

from . import keys
from .forms.entry import Entry, EntryForm
from .live import close_once, tell
from .widgets.keybar import KeyBar
from .widgets.text import Fields, Plain, SafeInput

MATERIAL_KEYS = {str(i): m for i, m in enumerate(MATERIALS, 1)}

# The image widget of ``textual-image`` (its class takes a path), once ``prepare_images`` asked the
# terminal which protocol it speaks.
_image_widget: Callable[..., Widget] | None = None


def prepare_images() -> bool:
    """For the launcher, before the App runs: ``textual-image`` asks the terminal which graphics
    it speaks (it cannot once Textual reads the keyboard). False when it is not installed."""
    global _image_widget
    try:
        from textual_image.widget import Image
    except Exception:  # not installed, or no terminal to ask: the screen says it cannot show photos
        return False
    _image_widget = Image
    return True


def photo(path: Path | None, photo_ref: str | None) -> Widget:
    """The pass's photo where the terminal can show it; otherwise a line saying why not."""
    if path is None:
        key = "renovation.photo_missing" if photo_ref else "renovation.no_photo"
        return Plain(t(key, file=photo_ref or ""), classes="renovation-photo-note")
    if _image_widget is None:
        return Plain(t("renovation.photo_not_here", file=path.name), classes="renovation-photo-note")
    try:
        return _image_widget(path, classes="renovation-photo-image")
    except Exception:  # a damaged file: said, never a crash
        return Plain(t("renovation.photo_unreadable", file=path.name), classes="renovation-photo-note")


class RenovationScreen(ModalScreen[None]):
    AUTO_FOCUS = None
    BINDINGS = keys.bindings(keys.RENOVATION_KEYS, only=("close", "without_pass"))
    CSS = """
    RenovationScreen { align: center middle; }
    RenovationScreen #renovation-box { width: 100; }
    RenovationScreen .renovation-row { height: 1; }
    RenovationScreen .renovation-label { width: 14; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    RenovationScreen .renovation-row SafeInput { width: 1fr; }
    RenovationScreen #renovation-main { height: auto; margin-top: 1; }
    RenovationScreen #renovation-fields { width: 1fr; height: auto; }
    RenovationScreen #renovation-photo { width: 18; height: 8; margin-left: 1; }
    RenovationScreen .renovation-photo-image { width: 16; height: 8; }
    RenovationScreen .renovation-photo-note { color: $text-muted; }
    RenovationScreen #renovation-materials { height: auto; }
    RenovationScreen #renovation-verdict { margin-top: 1; height: auto; text-style: bold; }
    RenovationScreen #renovation-verdict.allowed { color: $success; }
    RenovationScreen #renovation-verdict.refused { color: $error-lighten-1; }
    """

    def __init__(self, booth: Booth, pass_no: str | None = None, note: str = "") -> None:
        super().__init__()
        self.booth = booth
        self.first_pass = pass_no
        self.first_note = note
        self.step = "typing"  # typing | checking | shown | saving
        self.found: PassCheck | None = None
        self.materials: set[Material] = set()
        self.admit_when_shown = False

    def compose(self) -> ComposeResult:
        with Vertical(id="renovation-box", classes="box"):
            yield Plain(t("renovation.title"), classes="title")
            with Horizontal(classes="renovation-row"):
                yield Plain(t("renovation.field.pass"), classes="renovation-label")
                yield SafeInput(id="renovation-pass", compact=True, max_length=60, select_on_focus=False)
            with Horizontal(id="renovation-main"):
                yield Fields(id="renovation-fields")
                yield Vertical(id="renovation-photo")
            yield Plain("", id="renovation-materials")
            with Horizontal(classes="renovation-row", id="renovation-row-temperature"):
                yield Plain(t("renovation.field.temperature"), classes="renovation-label")
                yield SafeInput(
                    id="renovation-temperature", compact=True, max_length=10, select_on_focus=False
                )
            yield Plain("", id="renovation-verdict")
            yield Plain("", id="renovation-note", classes="advice")
            yield KeyBar(keys.bar(keys.RENOVATION_KEYS, keys.APP_KEYS), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#renovation-row-temperature").display = False
        self.query_one("#renovation-main").display = False
        self.query_one("#renovation-materials").display = False
        self._note(self.first_note or t("renovation.how"))
        field = self.query_one("#renovation-pass", SafeInput)
        self.set_focus(field)
        if self.first_pass:
            field.value = self.first_pass
            self._look_up(self.first_pass)

    # --- looking up ---------------------------------------------------------------------------------
    @on(SafeInput.Submitted, "#renovation-pass")
    def _pass_typed(self, event: SafeInput.Submitted) -> None:
        event.stop()
        if self.step == "checking":
            self.admit_when_shown = True  # Enter again before the answer: admit a good pass then
            return
        if event.value.strip():
            self._look_up(event.value)

    def take_pass(self, text: str) -> None:
        """A pass scanned while the screen is open: looked up as if typed."""
        field = self.query_one("#renovation-pass", SafeInput)
        field.value = text
        self.set_focus(field)
        self._look_up(text)

    def _look_up(self, text: str) -> None:
        self.step = "checking"
        self.admit_when_shown = False
        self.materials = set()
        self._check(text)

    @work(thread=True, group="renovation-check", exclusive=True, exit_on_error=False)
    def _check(self, text: str) -> None:
        try:
            found = self.booth.worker_pass(text)
        except GuardpostError as exc:
            tell(self, self._failed, exc.message())
            return
        path = self.booth.photo_file(found.worker.photo_ref) if found.worker else None
        tell(self, self._show, found, path)

    def _show(self, found: PassCheck, path: Path | None) -> None:
        self.found = found
        self.step = "shown"
        self.query_one("#renovation-note").display = False  # the verdict line says what comes next
        main = self.query_one("#renovation-main")
        main.display = found.worker is not None
        self.query_one("#renovation-materials").display = found.worker is not None
        if found.worker is not None and found.permit is not None:
            w, p = found.worker, found.permit
            self.query_one("#renovation-fields", Fields).show(
                [
                    (t("renovation.field.name"), f"{w.name}  {w.phone or ''}".rstrip()),
                    (t("renovation.field.unit"), p.unit),
                    (t("renovation.field.company"), p.company),
                    (t("renovation.field.hours"), f"{p.hours}  {weekdays_said(p.work_days)}"),
                    (t("renovation.field.area"), p.area),
                    (t("renovation.field.restricted"), materials_said(p.restricted)),
                    (t("renovation.field.valid_until"), f"{w.valid_until}  ({w.pass_no})"),
                    (t("renovation.field.permit"), f"#{p.permit_id}  {p.starts_on} .. {p.ends_on}"),
                ]
            )
            holder = self.query_one("#renovation-photo", Vertical)
            holder.remove_children()
            holder.mount(photo(path, w.photo_ref))
        self._show_materials()
        temperature = self.query_one("#renovation-row-temperature")
        asks = found.needs_temperature and found.reason.value == "valid"
        temperature.display = asks
        self._verdict(found)
        if asks:
            self.set_focus(self.query_one("#renovation-temperature"))
        else:
            self.set_focus(None)  # the digit keys toggle materials, Enter admits
        if self.admit_when_shown and found.verdict.admits:
            self._admit()

    def _verdict(self, found: PassCheck) -> None:
        if found.verdict.admits:
            line, allowed = t("renovation.ready", verdict=said(found.verdict)), True
        elif found.needs_temperature and found.verdict.reason == "needs_temperature":
            line, allowed = t("renovation.take_temperature"), True
        else:
            line, allowed = t("renovation.refused_enter", verdict=said(found.verdict)), False
            self.app.bell()
        self._say(line, allowed)

    def _show_materials(self) -> None:
        marks = [
            f"{key} [{'x' if m in self.materials else ' '}] {t(f'renovation.material.{m}')}"
            for key, m in MATERIAL_KEYS.items()
        ]
        self.query_one("#renovation-materials", Plain).show(
            t("renovation.materials_line", marks="  ".join(marks))
        )

    def _failed(self, text: str) -> None:
        self.step = "typing"
        self._say(text, False)
        self.set_focus(self.query_one("#renovation-pass"))

    # --- admitting ----------------------------------------------------------------------------------
    def _admit(self) -> None:
        if self.found is None or self.step != "shown":
            return
        self.step = "saving"
        temperature = self.query_one("#renovation-temperature", SafeInput).value
        self._store(self.found.typed, sorted(self.materials, key=MATERIALS.index), temperature)

    @work(thread=True, group="renovation-admit", exclusive=True, exit_on_error=False)
    def _store(self, text: str, materials: list[Material], temperature: str) -> None:
        try:
            done = self.booth.admit_worker(text, materials, temperature)
        except GuardpostError as exc:
            tell(self, self._refused_field, exc.message())
            return
        tell(self, self._stored, done)

    def _refused_field(self, text: str) -> None:
        self.step = "shown"
        self._say(text, False)
        self.set_focus(self.query_one("#renovation-temperature"))

    def _stored(self, done: Admission) -> None:
        self._say(_result(done), done.verdict.admits)
        if not done.verdict.admits:
            self.app.bell()
        self._ready_for_next()

    def _ready_for_next(self) -> None:
        """The next worker's pass can be typed at once; the last one stays on screen until then."""
        self.step = "typing"
        self.found = None
        self.materials = set()
        self.query_one("#renovation-row-temperature").display = False
        self.query_one("#renovation-temperature", SafeInput).value = ""
        field = self.query_one("#renovation-pass", SafeInput)
        field.value = ""
        self.set_focus(field)

    # --- keys -----------------------------------------------------------------------------------------
    # Read here, not as bindings (lists.py): the wedge check may hold keys back and release them together.
    def on_key(self, event: events.Key) -> None:
        if self.step != "shown" or isinstance(self.focused, SafeInput):
            return
        material = MATERIAL_KEYS.get(event.character or "")
        if material is not None:
            event.stop()
            self.materials ^= {material}
            self._show_materials()
        elif event.key == "enter":
            event.stop()
            self._admit()

    @on(SafeInput.Submitted, "#renovation-temperature")
    def _temperature_typed(self, event: SafeInput.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self._admit()

    def action_without_pass(self) -> None:
        """F4: the owner phoned the front desk; the form takes this screen's place (lists.py)."""
        if self.booth.viewer:
            return
        app, booth = self.app, self.booth
        unit = self.found.permit.unit if self.found is not None and self.found.permit is not None else ""
        materials = sorted(self.materials, key=MATERIALS.index)
        needs = self.booth.state is not None and self.booth.state.level.value != "normal"
        entries = [
            Entry("name", "renovation.field.name", required=True, max_length=30),
            Entry("phone", "renovation.field.phone", required=True, max_length=20),
            Entry("unit", "renovation.field.unit", required=True, max_length=20, value=unit),
            Entry("front_desk", "renovation.field.front_desk", required=True, max_length=60),
        ]
        if needs:
            entries.append(Entry("temperature", "renovation.field.temperature", required=True, max_length=10))

        def store(v: dict[str, str]) -> Admission:
            return booth.admit_worker_without_pass(
                name=v["name"],
                phone=v["phone"],
                unit=v["unit"],
                front_desk_by=v["front_desk"],
                materials=materials,
                temperature=v.get("temperature", ""),
            )

        def back(result: Any) -> None:
            app.push_screen(RenovationScreen(booth, None, _result(result) if result is not None else ""))

        if not close_once(self):
            return  # a second key: the form is on its way already
        form = EntryForm(t("renovation.without_pass_title"), entries, store, form_id="renovation-nopass")
        app.call_later(app.push_screen, form, back)

    def action_close(self) -> None:
        """Esc: back to an empty pass number; on an empty one, close."""
        field = self.query_one("#renovation-pass", SafeInput)
        if self.step in ("shown", "checking") or field.value:
            self._say("", True)
            self.query_one("#renovation-main").display = False
            self.query_one("#renovation-materials").display = False
            self._ready_for_next()
            return
        close_once(self)

    def _say(self, text: str, allowed: bool) -> None:
        box = self.query_one("#renovation-verdict", Plain)
        box.show(text)
        box.set_class(bool(text) and allowed, "allowed")
        box.set_class(bool(text) and not allowed, "refused")

    def _note(self, text: str) -> None:
        self.query_one("#renovation-note", Plain).show(text)


def _result(done: Admission) -> str:
    """What the screen says once an entry is stored."""
    if done.verdict.admits:
        key = "renovation.admitted_front_desk" if done.pass_no is None else "renovation.admitted"
        line = t(
            "renovation.done_in", verdict=t(key), who=printable(done.worker or "-"), unit=done.unit or "-"
        )
    else:
        line = t("renovation.done_refused", verdict=said(done.verdict), who=printable(done.worker or "-"))
    if done.materials:
        line += "\n" + t("renovation.materials_recorded", materials=materials_said(done.materials))
    return line
