"""⇧F6 vehicles (车辆出入登记): a plate typed (completed from the plates inside and the registered
ones), its category by a digit, Enter; F6 turns the lane between in and out; an exit shows the fee
and its receipt number; the vehicles inside are listed below, trucks past their limit in red.

The keys a guard presses, in: the plate, Enter (what the register knows of it is shown and its
category suggested), a digit 1-8, or Enter for the suggestion; an emergency vehicle's service by
its digit (Enter: later); Y or N for the host's answer (restricted level) or the disinfection
(closed level). Out: the plate, Enter, and Y or N for whether the temporary parking permit came
back. ↓ from the plate goes to its completions. F2 lets an emergency vehicle in at once, with the
plate typed or none, and F3 completes its details afterwards; Enter on a row of the list lets that
vehicle out. Every decision is the core's (``guardpost.vehicles`` through the booth), read and
written in workers; the feed and its alarms go on behind the screen.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList
from textual.widgets.option_list import Option

from guardpost import validate
from guardpost.booth import Booth
from guardpost.domain import ConsentOutcome, Lane, LockdownLevel
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.policy.vehicles import Service, VehicleCategory, needs_consent, needs_disinfection
from guardpost.text import printable

from . import keys
from .forms.entry import Entry, EntryForm
from .live import close_once, tell
from .widgets.keybar import KeyBar
from .widgets.text import Plain, SafeInput, plain

if TYPE_CHECKING:  # the register itself loads in the first worker (the list): the screen opens at once
    from guardpost.vehicles import Entered, InsideVehicle, Leaving, Left, PlateInfo, VehicleForm

# the register's field names (``guardpost.vehicles``), the ones a refusal names
PLATE, UNIT, DRIVER, NOTE = "plate", "unit", "driver", "note"
CATEGORIES = list(VehicleCategory)
SERVICES = list(Service)
FIELDS = (PLATE, UNIT, DRIVER, NOTE)
MAX_LENGTH = {PLATE: 16, UNIT: 20, DRIVER: 30, NOTE: 60}
COLUMNS = ("plate", "category", "entered", "minutes", "who", "permit", "state")
REFRESH_S = 30.0
ASKING = ("consent", "disinfection", "permit")


def choices(items: list[str]) -> str:
    """``1.业主  2.访客 ...``: what each digit picks (a digit never wraps apart from its name)."""
    return "  ".join(f"{i}.{item}" for i, item in enumerate(items, 1))


EMERGENCY_AGAIN_S = 3  # F2 again within this long, with no plate typed, is the same vehicle


class VehiclesScreen(ModalScreen[None]):
    AUTO_FOCUS = None  # the screen moves the focus itself
    BINDINGS = keys.bindings(keys.VEHICLE_KEYS, only=("toggle_lane", "emergency", "details", "close"))
    CSS = """
    VehiclesScreen { align: center middle; }
    VehiclesScreen #vehicles-box { width: 110; height: 100%; }
    VehiclesScreen .vehicles-row { height: 1; }
    VehiclesScreen .vehicles-label {
        width: 10; height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    VehiclesScreen .vehicles-row SafeInput { width: 1fr; }
    VehiclesScreen #vehicles-complete { height: auto; max-height: 5; }
    VehiclesScreen #vehicles-said { height: auto; margin-top: 1; }
    VehiclesScreen #vehicles-choice { height: auto; }
    VehiclesScreen #vehicles-result { height: auto; }
    VehiclesScreen #vehicles-result.allowed { color: $success-lighten-1; text-style: bold; }
    VehiclesScreen #vehicles-result.refused { color: $error-lighten-1; text-style: bold; }
    VehiclesScreen #vehicles-table { height: 1fr; min-height: 3; margin-top: 1; }
    VehiclesScreen #vehicles-count { height: 1; color: $text-muted; }
    """

    def __init__(
        self,
        booth: Booth,
        plate: str | None = None,
        lane: Lane = Lane.IN,
        note: str = "",
        *,
        entry_id: int | None = None,
    ) -> None:
        super().__init__()
        self.booth = booth
        self.lane = lane
        self.emergency_at = 0.0  # when F2 last let an emergency vehicle in (a double press is one)
        self.first_plate = plate
        self.first_entry = entry_id  # a stay picked on the inside-now board: its exit
        self.first_note = note
        # plate | looking | category | service | checking | consent | disinfection | permit | saving
        self.step = "plate"
        self.info: PlateInfo | None = None  # what the register knows of the plate typed (in)
        self.leaving: Leaving | None = None  # what its exit would do (out)
        self.category: VehicleCategory | None = None
        self.service: Service | None = None
        self.exit_entry: int | None = None  # a stay picked on the list (the way out without a plate)
        self.rows: list[InsideVehicle] = []
        self.completions: list[str] = []

    # --- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="vehicles-box", classes="box"):
            yield Plain("", classes="title", id="vehicles-title")
            for name in FIELDS:
                with Horizontal(classes="vehicles-row"):
                    mark = "*" if name == PLATE else ""
                    yield Plain(t(f"vehicle.field.{name}") + mark, classes="vehicles-label")
                    yield SafeInput(
                        id=f"vehicles-{name}",
                        compact=True,
                        max_length=MAX_LENGTH[name],
                        select_on_focus=False,
                    )
            yield OptionList(id="vehicles-complete", markup=False)
            with Vertical(id="vehicles-said"):
                yield Plain("", id="vehicles-choice", classes="advice")
                yield Plain("", id="vehicles-result")
            table: DataTable[Text] = DataTable(
                id="vehicles-table", cursor_type="row", zebra_stripes=True, show_cursor=False
            )
            yield table
            yield Plain("", id="vehicles-count")
            yield KeyBar(keys.bar(keys.VEHICLE_KEYS, keys.APP_KEYS), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#vehicles-complete").display = False
        table = self.query_one("#vehicles-table", DataTable)
        for key in COLUMNS:
            table.add_column(t(f"vehicles.col.{key}"), key=key)
        self._show_title()
        self._choice(t("vehicles.how"))
        if self.first_note:
            self._say(self.first_note, True)
        field = self.field(PLATE)
        self.set_focus(field)
        if self.first_plate or self.first_entry is not None:
            field.value = self.first_plate or ""
            self.exit_entry = self.first_entry
            self._go()
        self._load()
        self.set_interval(REFRESH_S, self._load)

    def field(self, name: str) -> SafeInput:
        return self.query_one(f"#vehicles-{name}", SafeInput)

    def value(self, name: str) -> str:
        return self.field(name).value

    def _level(self) -> LockdownLevel:
        state = self.booth.state
        return state.level if state is not None else LockdownLevel.NORMAL

    def _show_title(self) -> None:
        state = self.booth.state
        from guardpost.i18n import current_language

        gate = state.gate_name(current_language()) if state is not None else self.booth.settings.gate
        self.query_one("#vehicles-title", Plain).show(
            t("vehicle.title", gate=gate, lane=t(f"vehicles.lane.{self.lane}"))
        )

    def _choice(self, text: str) -> None:
        """The question of the step (the digits, Y or N), or nothing: then it takes no room."""
        box = self.query_one("#vehicles-choice", Plain)
        box.show(text)
        box.display = bool(text)

    def _say(self, text: str, allowed: bool | None) -> None:
        box = self.query_one("#vehicles-result", Plain)
        box.show(text)
        box.set_class(bool(text) and allowed is True, "allowed")
        box.set_class(bool(text) and allowed is False, "refused")

    # --- the vehicles inside ---------------------------------------------------------------------------
    @work(thread=True, group="vehicles-load", exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        rows = self.booth.vehicles_inside()
        free = self.booth.permits_free()
        tell(self, self._show_rows, rows, free)

    def _show_rows(self, rows: list[InsideVehicle], free: int) -> None:
        self.rows = rows
        table = self.query_one("#vehicles-table", DataTable)
        at = table.cursor_row
        table.clear()
        for r in rows:
            if r.overstay:
                state = Text(t("vehicle.board_overstay", minutes=r.over_min), style="bold red")
            elif r.pending:
                state = Text(t("vehicle.board_pending"), style="bold yellow")
            else:
                state = Text("")
            who = (
                r.unit
                or r.driver
                or r.note
                or ("" if r.service is None else t(f"vehicle.service.{r.service}"))
            )
            table.add_row(
                Text(printable(r.plate or t("vehicle.no_plate")), style="bold red" if r.overstay else ""),
                Text(t(f"vehicle.short.{r.category}")),
                Text(f"{r.entered_at:%H:%M}"),
                Text(str(r.minutes), justify="right"),
                Text(printable(who or "-")),
                Text(str(r.permit_no) if r.permit_no is not None else ""),
                state,
                key=str(r.entry_id),
            )
        if rows:
            table.move_cursor(row=min(at, len(rows) - 1))
        overstays = sum(r.overstay for r in rows)
        stock = self.booth.vehicle_rules().permit_stock
        self.query_one("#vehicles-count", Plain).show(
            t("vehicles.count", count=len(rows), overstays=overstays, free=free, stock=stock), layout=False
        )

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # the list's cursor only while the list has the focus: a red overstay is never hidden under it
        self.query_one("#vehicles-table", DataTable).show_cursor = isinstance(event.widget, DataTable)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, DataTable):
            event.widget.show_cursor = False

    @on(DataTable.RowSelected, "#vehicles-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on a vehicle of the list: its exit, by its stay (one let in without a plate has
        only that)."""
        if not self.rows or self.step != "plate":
            return
        r = self.rows[event.cursor_row]
        self.lane = Lane.OUT
        self._show_title()
        self._reset_answers()
        self.field(PLATE).value = r.plate or ""
        self.exit_entry = r.entry_id
        self._go()

    # --- the plate and its completions ---------------------------------------------------------------
    @on(SafeInput.Changed, "#vehicles-plate")
    def _plate_typed(self, event: SafeInput.Changed) -> None:
        if self.step != "plate":
            return
        self.exit_entry = None  # typed: the plate says which vehicle
        text = event.value.strip()
        if len(text) >= 2:
            self._complete(text)
        else:
            self._show_completions(text, [])

    @work(thread=True, group="vehicles-complete", exclusive=True, exit_on_error=False)
    def _complete(self, text: str) -> None:
        found = self.booth.vehicle_completions(text)
        tell(self, self._show_completions, text, found)

    def _show_completions(self, text: str, found: list[str]) -> None:
        if self.value(PLATE).strip() != text:
            return  # typed on meanwhile
        if len(found) == 1 and _plate_or_none(text) == found[0]:
            found = []  # typed in full: nothing to complete
        self.completions = found
        box = self.query_one("#vehicles-complete", OptionList)
        box.clear_options()
        box.add_options([Option(plain(p), id=p) for p in found])
        box.display = bool(found)

    @on(OptionList.OptionSelected, "#vehicles-complete")
    def _completion_chosen(self, event: OptionList.OptionSelected) -> None:
        self.field(PLATE).value = event.option.id or ""
        self._go()

    def _hide_completions(self) -> None:
        self.completions = []
        self.query_one("#vehicles-complete").display = False

    # --- Enter -----------------------------------------------------------------------------------------
    @on(SafeInput.Submitted)
    def _submitted(self, event: SafeInput.Submitted) -> None:
        event.stop()
        if self.step == "plate":
            self._go()

    def _go(self) -> None:
        """Enter with the fields filled: the plate looked up (in), or its exit looked at (out); a
        category chosen already for this plate goes straight on to its check."""
        text = self.value(PLATE).strip()
        if not text and self.exit_entry is None:
            self._say(t("vehicles.plate_needed"), False)
            self.set_focus(self.field(PLATE))
            return
        if self.completions and _plate_or_none(text) is None and len(self.completions) == 1:
            text = self.completions[0]  # the one plate that starts so
            self.field(PLATE).value = text
        self._hide_completions()
        self.step = "looking"
        if self.lane == Lane.OUT:
            self._look_leaving(text, self.exit_entry, self.category)
        elif self.category is not None and self.info is not None and self.info.plate == _plate_or_none(text):
            self._chosen(self.category)
        else:
            self._look_up(text)

    @work(thread=True, group="vehicles-look", exclusive=True, exit_on_error=False)
    def _look_up(self, text: str) -> None:
        try:
            info = self.booth.vehicle_lookup(text)
        except GuardpostError as exc:
            tell(self, self._refused, exc)
            return
        tell(self, self._looked_up, info)

    def _looked_up(self, info: PlateInfo) -> None:
        if self.step != "looking":
            return
        self.info = info
        self.field(PLATE).value = info.plate  # as the register writes it
        lines = []
        if info.registered is not None:
            owner = printable(info.owner or "-")
            lines.append(t("vehicles.registered", owner=owner, unit=info.unit or "-"))
        if info.inside is not None:
            lines.append(t("vehicles.inside_already", at=f"{info.inside.entered_at:%H:%M}"))
        for hit in info.blocked:
            lines.append(t("vehicles.blocked_warning", reason=printable(hit.reason)))
        if info.blocked:
            self.app.bell()
        self._say("\n".join(lines), None if not info.blocked else False)
        self._ask_category()

    def _ask_category(self, for_exit: bool = False) -> None:
        self.step = "category"
        self.set_focus(None)  # the digits choose now
        names = choices([t(f"vehicle.short.{c}") for c in CATEGORIES])
        suggested = self.info.suggested if self.info is not None and not for_exit else None
        if for_exit:
            self._choice(t("vehicles.choose_category_exit", choices=names))
        elif suggested is not None:
            self._choice(
                t("vehicles.choose_category", choices=names, suggested=t(f"vehicle.short.{suggested}"))
            )
        else:
            self._choice(t("vehicles.choose_category_none", choices=names))

    def _chosen(self, category: VehicleCategory) -> None:
        self.category = category
        if self.lane == Lane.OUT:
            self.step = "looking"
            self._look_leaving(self.value(PLATE), self.exit_entry, category)
            return
        if category == VehicleCategory.EMERGENCY and self.service is None:
            self.step = "service"
            self.set_focus(None)
            self._choice(
                t("vehicles.choose_service", choices=choices([t(f"vehicle.service.{s}") for s in SERVICES]))
            )
            return
        self.step = "checking"
        self._choice(t("vehicles.checking"))
        self._precheck(self.form())

    @work(thread=True, group="vehicles-check", exclusive=True, exit_on_error=False)
    def _precheck(self, form: VehicleForm) -> None:
        """The fields before the host is asked or the truck disinfected: a missing unit first."""
        try:
            self.booth.vehicle_precheck(form)
        except GuardpostError as exc:
            tell(self, self._refused, exc)
            return
        tell(self, self._checked)

    def _checked(self) -> None:
        if self.step != "checking" or self.category is None:
            return
        level = self._level()
        if needs_consent(self.category, level):
            self.step = "consent"
            self._choice(t("vehicles.ask_host", unit=self.value(UNIT).strip() or "-"))
        elif needs_disinfection(self.category, level):
            self.step = "disinfection"
            self._choice(t("vehicles.ask_disinfection"))
        else:
            self._store_in(self.form())

    def form(self, consent: ConsentOutcome | None = None, disinfected: bool = False) -> VehicleForm:
        from guardpost.vehicles import VehicleForm

        assert self.category is not None
        return VehicleForm(
            self.value(PLATE),
            self.category,
            unit=self.value(UNIT),
            driver=self.value(DRIVER),
            note=self.value(NOTE),
            service=self.service,
            consent=consent,
            disinfected=disinfected,
        )

    # --- storing an entry ------------------------------------------------------------------------------
    def _store_in(self, form: VehicleForm) -> None:
        self.step = "saving"
        self._choice(t("vehicles.saving"))
        self._save_in(form)

    @work(thread=True, group="vehicles-save", exclusive=True, exit_on_error=False)
    def _save_in(self, form: VehicleForm) -> None:
        try:
            done = self.booth.vehicle_in(form)
        except GuardpostError as exc:
            tell(self, self._refused, exc)
            return
        tell(self, self._entered, done)

    def _entered(self, done: Entered) -> None:
        from guardpost.vehicles import said_entry

        self._say(said_entry(done), done.verdict.admits)
        if not done.verdict.admits:
            self.app.bell()
        self._next_vehicle()

    # --- an exit ---------------------------------------------------------------------------------------
    @work(thread=True, group="vehicles-look", exclusive=True, exit_on_error=False)
    def _look_leaving(self, text: str, entry_id: int | None, category: VehicleCategory | None) -> None:
        try:
            found = self.booth.vehicle_leaving(text, entry_id=entry_id, category=category)
        except GuardpostError as exc:
            tell(self, self._refused, exc)
            return
        tell(self, self._leaving_found, found)

    def _leaving_found(self, found: Leaving) -> None:
        from guardpost.vehicles import said_fee

        if self.step != "looking":
            return
        self.leaving = found
        if found.plate:
            self.field(PLATE).value = found.plate
        if found.category is None:
            self._say(t("vehicle.category_needed"), None)
            self._ask_category(for_exit=True)
            return
        stay = found.stay
        if (
            stay is not None
            and stay.permit_no is not None
            and found.verdict is not None
            and found.verdict.admits
        ):
            self.step = "permit"
            self.set_focus(None)
            self._say(said_fee(found.fee), None)
            self._choice(t("vehicles.ask_permit", number=stay.permit_no))
            return
        self._store_out(True)

    def _store_out(self, returned: bool) -> None:
        self.step = "saving"
        self._choice(t("vehicles.saving"))
        self._save_out(self.value(PLATE), self.exit_entry, self.category, returned)

    @work(thread=True, group="vehicles-save", exclusive=True, exit_on_error=False)
    def _save_out(
        self, text: str, entry_id: int | None, category: VehicleCategory | None, returned: bool
    ) -> None:
        try:
            done = self.booth.vehicle_out(
                text, entry_id=entry_id, permit_returned=returned, category=category
            )
        except GuardpostError as exc:
            tell(self, self._refused, exc)
            return
        tell(self, self._left, done)

    def _left(self, done: Left) -> None:
        from guardpost.vehicles import said_exit

        self._say(said_exit(done), done.verdict.admits and not done.permit_missing)
        if not done.verdict.admits or done.permit_missing or (done.fee is not None and done.fee.backwards):
            self.app.bell()
        self._next_vehicle()

    # --- refusals and the next vehicle -------------------------------------------------------------------
    def _refused(self, exc: GuardpostError) -> None:
        """A field refused (named, focused, everything typed kept) or the booth could not do it."""
        from guardpost.vehicles import VehicleRefused

        self.step = "plate"
        self._choice("")
        self._say(exc.message(), False)
        self.app.bell()
        if isinstance(exc, VehicleRefused):
            bad = [p.field for p in exc.problems if p.field in FIELDS]
            if any(p.field == "category" for p in exc.problems):
                self.step = "looking"
                self._ask_category(for_exit=self.lane == Lane.OUT)
                return
            self.set_focus(self.field(bad[0] if bad else PLATE))
            return
        self.category = None
        self.set_focus(self.field(PLATE))

    def _reset_answers(self) -> None:
        self.step = "plate"
        self.info = None
        self.leaving = None
        self.category = None
        self.service = None
        self.exit_entry = None
        self._hide_completions()

    def _next_vehicle(self) -> None:
        """Stored: the fields empty for the next vehicle at once; what was said stays until then."""
        self._reset_answers()
        for name in FIELDS:
            self.field(name).value = ""
        self._hide_completions()
        self._choice("")
        self.set_focus(self.field(PLATE))
        self._load()

    # --- keys ------------------------------------------------------------------------------------------
    # Read here, not as bindings (lists.py): the card-reader check may hold keys back and release them
    # together, and a digit must choose after the Enter typed before it.
    def on_key(self, event: events.Key) -> None:
        char = event.character or ""
        if self.step == "category":
            if char.isdigit() and 1 <= int(char) <= len(CATEGORIES):
                event.stop()
                self._chosen(CATEGORIES[int(char) - 1])
            elif event.key == "enter" and self.info is not None and self.info.suggested is not None:
                event.stop()
                self._chosen(self.info.suggested)
        elif self.step == "service":
            if char.isdigit() and 1 <= int(char) <= len(SERVICES):
                event.stop()
                self.service = SERVICES[int(char) - 1]
                self._chosen(VehicleCategory.EMERGENCY)
            elif event.key == "enter":
                event.stop()  # later, with F3
                self.step = "checking"
                self._choice(t("vehicles.checking"))
                self._precheck(self.form())
        elif self.step in ASKING and char.lower() in ("y", "n"):
            event.stop()
            self._answer(char.lower() == "y")
        elif event.key == "down" and self.completions and self.focused is self.field(PLATE):
            event.stop()
            box = self.query_one("#vehicles-complete", OptionList)
            box.highlighted = 0
            self.set_focus(box)
        elif self.query_one("#vehicles-complete").has_focus and char.isprintable() and char:
            event.stop()  # typing on: the plate takes it, the list follows
            plate = self.field(PLATE)
            self.set_focus(plate)
            plate.insert_text_at_cursor(char)

    def _answer(self, yes: bool) -> None:
        if self.step == "permit":
            self._store_out(yes)
        elif self.step == "consent":
            self._store_in(self.form(consent=ConsentOutcome.GIVEN if yes else ConsentOutcome.REFUSED))
        elif self.step == "disinfection":
            self._store_in(self.form(disinfected=yes))

    def action_toggle_lane(self) -> None:
        self.lane = Lane.OUT if self.lane == Lane.IN else Lane.IN
        self._reset_answers()
        self._choice(t("vehicles.how"))
        self._show_title()
        self.set_focus(self.field(PLATE))

    def action_emergency(self) -> None:
        """F2: an emergency vehicle in at once, with the plate typed if it is one, else none."""
        if self.booth.viewer or self.step == "saving":
            return
        plate = _plate_or_none(self.value(PLATE)) or ""
        if not plate and time.monotonic() - self.emergency_at < EMERGENCY_AGAIN_S:
            self._say(t("vehicles.emergency_again", seconds=EMERGENCY_AGAIN_S), None)
            return  # a double press: one vehicle (a second one in a moment is F2 again after this)
        self.emergency_at = time.monotonic()
        self.step = "saving"
        self._choice(t("vehicles.saving"))
        self._save_emergency(plate)

    @work(thread=True, group="vehicles-save", exclusive=True, exit_on_error=False)
    def _save_emergency(self, plate: str) -> None:
        try:
            done = self.booth.vehicle_emergency(plate)
        except GuardpostError as exc:
            tell(self, self._refused, exc)
            return
        tell(self, self._entered, done)

    def action_details(self) -> None:
        """F3: an emergency vehicle's details, on a form in this screen's place (lists.py)."""
        if self.booth.viewer:
            return
        table = self.query_one("#vehicles-table", DataTable)
        picked = self.rows[table.cursor_row] if self.rows and table.has_focus else None
        pending = [r for r in self.rows if r.pending]
        stay = picked if picked is not None and picked.pending else (pending[-1] if pending else None)
        if stay is None:
            self._say(t("vehicles.no_pending"), False)
            return
        app, booth, entry_id = self.app, self.booth, stay.entry_id
        entries = [
            Entry(PLATE, "vehicle.field.plate", required=True, max_length=16, value=stay.plate or ""),
            Entry("service", "vehicles.field.service_hint", required=True, max_length=20),
            Entry(DRIVER, "vehicle.field.driver", max_length=30, value=stay.driver or ""),
            Entry(NOTE, "vehicle.field.note", max_length=60, value=stay.note or ""),
        ]

        def store(v: dict[str, str]) -> int:
            from guardpost.vehicles import Details

            booth.complete_emergency(entry_id, Details(v[PLATE], v["service"], v[DRIVER], v[NOTE]))
            return entry_id

        def back(result: Any) -> None:
            note = t("vehicles.details_done", entry=result) if result is not None else ""
            app.push_screen(VehiclesScreen(booth, note=note))

        if not close_once(self):
            return  # a second key: the form is on its way already
        title = t("vehicles.details_title", entry=entry_id)
        form = EntryForm(
            title, entries, store, fields_of={"vehicle.bad_service": "service"}, form_id="vehicle"
        )
        app.call_later(app.push_screen, form, back)

    def action_close(self) -> None:
        """Esc: a question or a half-typed vehicle cleared; with nothing typed, closed."""
        if self.step != "plate" or any(self.value(n) for n in FIELDS) or self.completions:
            self._say("", None)
            self._next_vehicle()
            self._choice(t("vehicles.how"))
            return
        close_once(self)


def _plate_or_none(text: str) -> str | None:
    try:
        return validate.plate(text)
    except validate.Invalid:
        return None


__all__ = ["VehiclesScreen", "choices"]
