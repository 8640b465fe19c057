"""Shift+F8 the quarantine ledger (居家隔离台账) of the closed level: the households under home
quarantine and each person's two readings of today, morning and afternoon; a reading due now is
highlighted, one overdue is red, a fever red and marked.

↑↓ choose a person; a digit starts their reading in the field under the table (the field takes
``36.5``, ``365``, ``Lo`` like F8), Enter records it and moves on to the next person, Esc leaves
the field. A puts a household on the ledger: the unit, then its residents (by their numbers) and
the names of others, the days and a note, with a squad leader's or supervisor's code and PIN; E
ends the highlighted household's quarantine the same way. A fever rings in the banner as one at the
gate does. At a level other than closed the ledger works all the same and says it is the closed
level's. Every rule is the core's (``quarantine``), read and written in workers; the forms take
this screen's place over the booth screen (lists.py: two windows over it stop its repainting).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable

from guardpost import validate
from guardpost.booth import Booth
from guardpost.domain import LockdownLevel
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.text import cut, printable

from . import keys
from .forms.entry import Entry, EntryForm
from .live import close_once, tell
from .widgets.keybar import KeyBar
from .widgets.text import Plain, SafeInput

if TYPE_CHECKING:
    from guardpost import quarantine

REFRESH_S = 30.0  # a reading due becomes overdue while the screen is open
NAME_SHOWN = 12
COLUMNS = {
    "household": "quarantine.col.household",
    "unit": "quarantine.col.unit",
    "name": "quarantine.col.name",
    "morning": "quarantine.morning",
    "afternoon": "quarantine.afternoon",
    "days": "quarantine.col.days",
}
STATES = {
    "due": ("quarantine.state.due", "bold black on yellow"),
    "overdue": ("quarantine.state.overdue", "bold red"),
    "later": ("quarantine.state.later", "dim"),
    "none": ("quarantine.state.none", "dim"),
}
# Who may put a household on the ledger or end it (quarantine.MAY_ORDER): a squad leader's code
ORDER_ENTRIES = (
    Entry("by", "quarantine.field.by", required=True, max_length=16),
    Entry("pin", "login.pin", required=True, max_length=8, password=True),
)
ADD_FIELDS = {
    "quarantine.nobody": "residents",
    "quarantine.not_resident": "residents",
    "quarantine.name_twice_here": "others",
    "quarantine.ends_before": "ends",
    "quarantine.too_long": "ends",
    "quarantine.over_already": "ends",
    "quarantine.note_too_long": "note",
    "guards.unknown": "by",
}


@dataclass(frozen=True)
class Then:
    """What a form leads to: another form (and what that one leads to)."""

    form: EntryForm
    done: Callable[[Any], str | Then]


def _open_form(app: App[Any], booth: Booth, form: EntryForm, done: Callable[[Any], str | Then]) -> None:
    """``form`` over the booth screen alone, then the next form, or the ledger again with a note."""

    def back(result: Any) -> None:
        after = done(result) if result is not None else ""
        if isinstance(after, Then):
            _open_form(app, booth, after.form, after.done)
        else:
            app.push_screen(QuarantineScreen(booth, after))

    app.push_screen(form, back)


def slot_cell(view: quarantine.SlotView) -> Text:
    """A reading as the table shows it: the temperature and when, or what is owed."""
    if view.celsius is not None:
        at = f" {view.at:%H:%M}" if view.at else ""
        if view.fever:
            return Text(f"{view.celsius:.1f} {t('quarantine.fever_mark')}", style="bold white on red")
        return Text(f"{view.celsius:.1f}{at}")
    key, style = STATES[view.state]
    return Text(t(key), style=style)


class QuarantineScreen(ModalScreen[None]):
    CSS_PATH = "quarantine.tcss"
    BINDINGS = keys.bindings(keys.QUARANTINE_KEYS, only=("close",))

    def __init__(self, booth: Booth, note: str = "") -> None:
        super().__init__()
        self.booth = booth
        self.first_note = note
        self.days: list[quarantine.HouseholdDay] = []
        self.rows: list[tuple[quarantine.Household, quarantine.PersonDay]] = []
        self.recording = False

    def compose(self) -> ComposeResult:
        with Vertical(id="quarantine-box", classes="box"):
            yield Plain(
                t("quarantine.title", households="…", people="…"), classes="title", id="quarantine-title"
            )
            yield Plain("", id="quarantine-level", classes="advice")
            table: DataTable[Text] = DataTable(id="quarantine-table", cursor_type="row", zebra_stripes=True)
            yield table
            with Horizontal(id="quarantine-entry", classes="entry-row"):
                yield Plain(t("quarantine.field.temperature"), classes="entry-label")
                yield SafeInput(
                    placeholder=t("temperature.placeholder"),
                    id="quarantine-value",
                    compact=True,
                    max_length=20,
                    select_on_focus=False,
                )
            yield Plain("", id="quarantine-note", classes="advice")
            yield KeyBar(
                keys.bar(keys.QUARANTINE_KEYS, keys.APP_KEYS, viewer=self.booth.viewer), classes="hint"
            )

    def on_mount(self) -> None:
        table = self.query_one("#quarantine-table", DataTable)
        for key, label in COLUMNS.items():
            table.add_column(t(label), key=key)
        if self.booth.viewer:
            self.query_one("#quarantine-entry").display = False
        table.focus()
        self._load(self.first_note)
        self.set_interval(REFRESH_S, self._refresh)

    # --- reading ----------------------------------------------------------------------------------
    @work(thread=True, group="quarantine-load", exclusive=True, exit_on_error=False)
    def _load(self, note: str | None = "", advance: bool = False, error: bool = False) -> None:
        """Read the ledger again; ``note`` to say under it (None: what it says stays)."""
        days = self.booth.quarantine_ledger()
        tell(self, self._show, days, note, advance, error)

    def _refresh(self) -> None:
        self._load(None)

    def _show(
        self, days: list[quarantine.HouseholdDay], note: str | None, advance: bool, error: bool
    ) -> None:
        from guardpost import quarantine

        table = self.query_one("#quarantine-table", DataTable)
        at = table.cursor_row
        self.days = days
        self.rows = [(d.household, p) for d in days for p in d.people]
        people = len(self.rows)
        self.query_one("#quarantine-title", Plain).show(
            t("quarantine.title", households=len(days), people=people)
            + "   "
            + t("quarantine.due_count", due=self._count("due"), overdue=self._count("overdue"))
        )
        state = self.booth.state
        level = state.level if state is not None else LockdownLevel.NORMAL
        level_text = (
            "" if quarantine.for_level(level) else t("quarantine.not_closed", level=t(f"lockdown.{level}"))
        )
        level_line = self.query_one("#quarantine-level", Plain)
        level_line.show(level_text)
        if level_line.display != bool(level_text):  # at the closed level the line takes no room
            level_line.display = bool(level_text)
        table.clear()
        today = self.booth.now().date()
        for d in days:
            h = d.household
            for n, person in enumerate(d.people):
                first = n == 0  # the household's own columns on its first person's row
                table.add_row(
                    Text(f"#{h.household_id}" if first else ""),
                    Text(h.unit if first else ""),
                    Text(cut(printable(person.member.name), NAME_SHOWN)),
                    slot_cell(person.morning),
                    slot_cell(person.afternoon),
                    Text(_days(h.starts_on, h.ends_on, today) if first else ""),
                    key=str(person.member.member_id),
                )
        if self.rows:
            table.move_cursor(row=min(at + (1 if advance else 0), people - 1))
        if note is not None:
            self._note(note or ("" if self.rows else t("quarantine.none_on_screen")), error=error)

    def _count(self, state: str) -> int:
        return sum(1 for _, p in self.rows for v in p.slots if v.state == state)

    def _note(self, text: str, *, error: bool = False) -> None:
        note = self.query_one("#quarantine-note", Plain)
        note.set_class(error, "error")
        note.set_class(not error, "advice")
        note.show(text)

    def _highlighted(self) -> tuple[quarantine.Household, quarantine.PersonDay] | None:
        if not self.rows:
            return None
        return self.rows[self.query_one("#quarantine-table", DataTable).cursor_row]

    # --- keys (read in on_key, as in lists.py: wedge-held keys keep their order) --------------------
    def on_key(self, event: events.Key) -> None:
        field = self.query_one("#quarantine-value", SafeInput)
        if self.focused is field:
            moves: dict[str, Callable[[], None]] = {
                "up": self._table().action_cursor_up,
                "down": self._table().action_cursor_down,
                "pageup": self._table().action_page_up,
                "pagedown": self._table().action_page_down,
            }
            if event.key in moves:  # the person is chosen while the reading is typed
                event.stop()
                moves[event.key]()
            elif event.key == "escape" and field.value:
                event.stop()
                field.value = ""
                self._table().focus()
            return
        if self.booth.viewer:
            return
        char = event.character or ""
        if char.isascii() and char.isdigit() and self.rows:
            event.stop()
            field.focus()
            field.insert_text_at_cursor(char)
        elif char in ("a", "A"):
            event.stop()
            self.action_add()
        elif char in ("e", "E"):
            event.stop()
            self.action_end()

    def _table(self) -> DataTable[Text]:
        return self.query_one("#quarantine-table", DataTable)

    @on(DataTable.RowSelected, "#quarantine-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if not self.booth.viewer:
            self.query_one("#quarantine-value", SafeInput).focus()

    # --- a reading ----------------------------------------------------------------------------------
    @on(SafeInput.Submitted, "#quarantine-value")
    def _entered(self, event: SafeInput.Submitted) -> None:
        event.stop()
        chosen = self._highlighted()
        if chosen is None or self.recording or self.booth.viewer:
            return
        try:
            validate.temperature(event.value)
        except validate.Invalid as exc:
            self._note(exc.message(), error=True)
            if exc.key == "validate.temperature.measure_again":
                event.input.value = ""  # the thermometer's "Lo" is not a reading to correct
            else:
                event.input.select_all()
            return
        self.recording = True
        self._record(chosen[1].member.member_id, event.value)

    @work(thread=True, group="quarantine-record", exclusive=True, exit_on_error=False)
    def _record(self, member_id: int, text: str) -> None:
        try:
            done = self.booth.record_quarantine(member_id, text)
        except (GuardpostError, validate.Invalid) as exc:
            tell(self, self._refused, exc.message())
            return
        tell(self, self._recorded, done)

    def _refused(self, text: str) -> None:
        self.recording = False
        self._note(text, error=True)

    def _recorded(self, done: quarantine.Recorded) -> None:
        self.recording = False
        self.query_one("#quarantine-value", SafeInput).value = ""
        r = done.reading
        fields = {
            "celsius": f"{r.celsius:.1f}",
            "name": done.member.name,
            "unit": done.unit,
            "slot": t(COLUMNS[done.slot.value]),
        }
        if r.fever:  # said here as well as rung in the banner: the person stays chosen
            self.app.bell()
            self._load(t("quarantine.recorded_fever", **fields), error=True)
            return
        self._load(t("quarantine.recorded", **fields), advance=True)

    # --- a household on the ledger, and off it --------------------------------------------------
    def _form(self, form: EntryForm, done: Callable[[Any], str | Then]) -> None:
        app, booth = self.app, self.booth
        if not close_once(self):
            return  # a second key: the form is on its way already
        # pushed from the App: a screen's result goes to the one that asked, and this one is gone
        app.call_later(_open_form, app, booth, form, done)

    def action_add(self) -> None:
        if self.booth.viewer:
            return
        entries = [Entry("unit", "quarantine.field.unit", required=True, max_length=20)]
        form = EntryForm(
            t("quarantine.add_title"),
            entries,
            lambda v: self.booth.quarantine_residents(v["unit"]),
            fields_of={
                "quarantine.bad_unit": "unit",
                "quarantine.no_unit": "unit",
                "quarantine.already": "unit",
            },
            form_id="quarantine-unit",
        )
        self._form(form, lambda found: Then(_people_form(self.booth, found), _added))

    def action_end(self) -> None:
        chosen = self._highlighted()
        if chosen is None or self.booth.viewer:
            return
        household = chosen[0]
        booth = self.booth

        def store(v: dict[str, str]) -> quarantine.Household:
            return booth.end_quarantine(household.household_id, code=v["by"], pin=v["pin"])

        title = t("quarantine.end_title", household=household.household_id, unit=household.unit)
        form = EntryForm(
            title, list(ORDER_ENTRIES), store, fields_of={"guards.unknown": "by"}, form_id="quarantine-end"
        )
        self._form(form, lambda h: t("quarantine.ended", household=h.household_id, unit=h.unit))

    def action_close(self) -> None:
        close_once(self)


def _people_form(booth: Booth, found: quarantine.UnitResidents) -> EntryForm:
    """The second step of A: whom, how long, why, and who orders it."""
    from guardpost import quarantine
    from guardpost.visits import FieldProblem, FormRefused

    today = booth.now().date()
    listed = "  ".join(
        f"{i} {printable(r.name)}({t(f'role.{r.role}')})" for i, r in enumerate(found.residents, 1)
    )
    title = t("quarantine.people_title", unit=found.unit) + "\n" + (listed or t("quarantine.no_residents"))
    entries = [
        Entry(
            "residents",
            "quarantine.field.residents",
            value=" ".join(str(i) for i in range(1, len(found.residents) + 1)),
            max_length=60,
        ),
        Entry("others", "quarantine.field.others", max_length=120),
        Entry("starts", "quarantine.field.starts", required=True, value=today.isoformat(), max_length=20),
        Entry(
            "ends",
            "quarantine.field.ends",
            required=True,
            value=(today + timedelta(days=quarantine.DEFAULT_DAYS - 1)).isoformat(),
            max_length=20,
        ),
        Entry("note", "quarantine.field.note", max_length=quarantine.NOTE_MAX),
        *ORDER_ENTRIES,
    ]

    def store(v: dict[str, str]) -> int:
        problems = []
        residents: tuple[int, ...] = ()
        others: tuple[str, ...] = ()
        starts_on = ends_on = today
        try:
            residents = quarantine.pick(found.residents, v["residents"])
        except validate.Invalid as exc:
            problems.append(FieldProblem("residents", exc.key, **exc.params))
        try:
            others = quarantine.split_names(v["others"])
        except validate.Invalid as exc:
            problems.append(FieldProblem("others", exc.key, **exc.params))
        try:
            starts_on = quarantine.parse_day(v["starts"], today)
        except validate.Invalid as exc:
            problems.append(FieldProblem("starts", exc.key, **exc.params))
        try:
            ends_on = quarantine.parse_end(v["ends"], starts_on, today)
        except validate.Invalid as exc:
            problems.append(FieldProblem("ends", exc.key, **exc.params))
        if problems:
            raise FormRefused(problems)
        return booth.add_quarantine(
            found.unit,
            residents=residents,
            others=others,
            starts_on=starts_on,
            ends_on=ends_on,
            note=v["note"],
            code=v["by"],
            pin=v["pin"],
        )

    return EntryForm(title, entries, store, fields_of=ADD_FIELDS, form_id="quarantine-people")


def _added(household_id: int) -> str:
    return t("quarantine.added_here", household=household_id)


def _days(starts_on: date, ends_on: date, today: date) -> str:
    """The quarantine's days, and which of them today is (``11-20~12-03 7/14``)."""
    total = (ends_on - starts_on).days + 1
    span = f"{starts_on:%m-%d}~{ends_on:%m-%d}"
    if starts_on <= today <= ends_on:
        return f"{span} {(today - starts_on).days + 1}/{total}"
    return span
