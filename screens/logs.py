"""F12 logs (日志): the duty log of this shift, the open incidents, and the patrol round.

1, 2 and 3 switch between them. A adds a duty-log line (1) or an incident (2: its kind by number,
the place, what happened, who handled it, whom it was reported to, the USB stick the video went
to); C closes the highlighted incident (after a Y). 3 shows the configured checkpoints of the round
under way: S starts a round, T ticks the highlighted checkpoint (a checkpoint's QR, ``GPC1.P1``,
or its NFC tag on the reader ticks it as scanned), E ends the round with the findings. Every rule
is the core's (``shifts``), read and written in workers; forms take this screen's place over the
booth screen, as in F9 (two windows over it stop Textual repainting the booth).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable

from guardpost.booth import Booth
from guardpost.domain import LogKind
from guardpost.errors import GuardpostError
from guardpost.i18n import current_language, t
from guardpost.shifts import INCIDENT_KINDS
from guardpost.text import cut, printable

from . import keys
from .forms.entry import Entry, EntryForm
from .live import tell
from .modals.confirm import ConfirmScreen
from .widgets.keybar import KeyBar
from .widgets.text import Plain

if TYPE_CHECKING:
    from guardpost import shifts

DUTY, INCIDENTS, PATROL = "duty", "incidents", "patrol"
TABS = {"1": DUTY, "2": INCIDENTS, "3": PATROL}
TEXT_SHOWN = 44
COLUMNS = {
    DUTY: ("at", "kind", "text", "guard"),
    INCIDENTS: ("entry", "at", "kind", "place", "text", "handled_by", "usb"),
    PATROL: ("checkpoint", "name", "state"),
}


class LogsScreen(ModalScreen[None]):
    BINDINGS = keys.bindings(keys.LOGS_KEYS, only=("close",))

    def __init__(self, booth: Booth, shown: str = DUTY, note: str = "") -> None:
        super().__init__()
        self.booth = booth
        self.shown = shown
        self.first_note = note
        self.duty: list[shifts.LogRow] = []
        self.incidents: list[shifts.LogRow] = []
        self.round: shifts.Round | None = None
        self.advance = False

    def compose(self) -> ComposeResult:
        with Vertical(id="logs-box", classes="box"):
            yield Plain("", classes="title", id="logs-title")
            table: DataTable[Text] = DataTable(id="logs-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Plain("", id="logs-note", classes="advice")
            yield KeyBar(keys.bar(keys.LOGS_KEYS, keys.APP_KEYS), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#logs-table").focus()
        self._load(self.first_note)

    def _form(self, form: EntryForm, done: Callable[[Any], str]) -> None:
        """A form in this screen's place over the booth screen, then this screen again (lists.py)."""
        app, booth, shown = self.app, self.booth, self.shown

        def back(result: Any) -> None:
            app.push_screen(LogsScreen(booth, shown, done(result) if result is not None else ""))
            if result is not None:
                app.refresh_reminders()  # type: ignore[attr-defined]

        self.dismiss(None)
        app.call_later(app.push_screen, form, back)

    # --- reading ----------------------------------------------------------------------------------
    @work(thread=True, group="logs-load", exclusive=True, exit_on_error=False)
    def _load(self, note: str = "") -> None:
        duty = self.booth.shift_logs()
        incidents = self.booth.open_incidents()
        current = self.booth.current_round()
        tell(self, self._show, duty, incidents, current, note)

    def _show(
        self,
        duty: list[shifts.LogRow],
        incidents: list[shifts.LogRow],
        current: shifts.Round | None,
        note: str,
    ) -> None:
        self.duty, self.incidents, self.round = duty, incidents, current
        self._fill()
        self._note(note)

    def _fill(self) -> None:
        title = t("logs.title", duty=len(self.duty), incidents=len(self.incidents))
        self.query_one("#logs-title", Plain).show(f"{title}   {t(f'logs.showing.{self.shown}')}")
        table = self.query_one("#logs-table", DataTable)
        at = table.cursor_row
        table.clear(columns=True)
        for key in COLUMNS[self.shown]:
            table.add_column(t(f"logs.col.{key}"), key=key)
        if self.shown == DUTY:
            for r in self.duty:
                kind = t(f"shifts.incident.{r.category}") if r.category else t(f"logs.kind.{r.kind}")
                table.add_row(
                    Text(f"{r.at:%H:%M}"),
                    Text(kind),
                    Text(cut(printable(r.text), TEXT_SHOWN)),
                    Text(printable(r.guard or "-")),
                    key=str(r.id),
                )
        elif self.shown == INCIDENTS:
            for r in self.incidents:
                table.add_row(
                    Text(str(r.id), justify="right"),
                    Text(f"{r.at:%m-%d %H:%M}"),
                    Text(t(f"shifts.incident.{r.category or 'other'}")),
                    Text(printable(r.place or "-")),
                    Text(cut(printable(r.text), TEXT_SHOWN)),
                    Text(printable(r.handled_by or "-")),
                    Text(printable(r.usb_label or "-")),
                    key=str(r.id),
                )
        else:
            lang = current_language()
            checked = self.round.checked if self.round else {}
            for c in self.booth.settings.shifts.checkpoints:
                how = checked.get(c.code)
                state = (
                    t(f"logs.checked.{how}") if how else ("-" if self.round is None else t("logs.not_yet"))
                )
                table.add_row(
                    Text(c.code),
                    Text(printable(c.name(lang))),
                    Text(state, style="green" if how else ""),
                    key=c.code,
                )
        rows = table.row_count
        if rows:
            table.move_cursor(row=min(at + (1 if self.advance else 0), rows - 1))
        self.advance = False

    def reload(self) -> None:
        """Read the logs again (a checkpoint was scanned while the screen is open)."""
        self._load("")

    def _note(self, text: str) -> None:
        if not text:
            if self.shown == DUTY and not self.duty:
                text = t("logs.none_duty")
            elif self.shown == INCIDENTS and not self.incidents:
                text = t("logs.none_open")
            elif self.shown == PATROL:
                if self.round is None:
                    text = t("logs.no_round")
                else:
                    text = t("logs.round_since", at=f"{self.round.started_at:%H:%M}")
        self.query_one("#logs-note", Plain).show(text)

    # --- keys (read in on_key, as in lists.py: wedge-held keys keep their order) --------------------
    def on_key(self, event: events.Key) -> None:
        char = (event.character or "").lower()
        action: Callable[[], None] | None = {
            "a": self.action_add,
            "c": self.action_close_incident,
            "s": self.action_start_round,
            "t": self.action_tick,
            "e": self.action_end_round,
        }.get(char)
        if event.character in TABS:
            event.stop()
            self.shown = TABS[event.character]
            self._fill()
            self._note("")
        elif action is not None:
            event.stop()
            action()

    def _highlighted(self) -> str | None:
        table = self.query_one("#logs-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def action_add(self) -> None:
        if self.shown == INCIDENTS:
            self._add_incident()
        else:
            self._add_duty()

    def _add_duty(self) -> None:
        def store(v: dict[str, str]) -> int:
            return self.booth.write_log(LogKind.DUTY, v["text"])

        entries = [Entry("text", "logs.field.text", required=True, max_length=500)]
        form = EntryForm(
            t("logs.duty_title"),
            entries,
            store,
            form_id="duty",
            fields_of={"shifts.empty": "text", "shifts.too_long": "text", "shifts.bad_char": "text"},
        )
        self._form(form, lambda entry: t("logs.duty_added", entry=entry))
        self.shown = DUTY

    def _add_incident(self) -> None:
        kinds = "  ".join(f"{i}{t(f'shifts.incident.{k}')}" for i, k in enumerate(INCIDENT_KINDS, 1))

        def store(v: dict[str, str]) -> int:
            from guardpost.visits import FieldProblem, FormRefused

            typed = v["kind"].strip()
            kind = INCIDENT_KINDS[int(typed) - 1] if typed.isdigit() and 1 <= int(typed) <= 6 else typed
            if kind not in INCIDENT_KINDS:
                raise FormRefused([FieldProblem("kind", "logs.bad_kind", kinds=kinds)])
            return self.booth.write_log(
                LogKind.INCIDENT,
                v["text"],
                category=kind,
                place=v["place"],
                handled_by=v["handled_by"],
                reported_to=v["reported_to"],
                usb_label=v["usb"],
            )

        entries = [
            Entry("kind", "logs.field.kind", required=True, max_length=12),
            Entry("place", "logs.field.place", max_length=40),
            Entry("text", "logs.field.what", required=True, max_length=500),
            Entry("handled_by", "logs.field.handled_by", max_length=40),
            Entry("reported_to", "logs.field.reported_to", max_length=40),
            Entry("usb", "logs.field.usb", max_length=40),
        ]
        form = EntryForm(
            f"{t('logs.incident_title')}   {kinds}",
            entries,
            store,
            form_id="incident",
            fields_of={"shifts.empty": "text"},
        )
        self._form(form, lambda entry: t("logs.incident_added", entry=entry))

    def action_close_incident(self) -> None:
        if self.shown != INCIDENTS:
            return
        key = self._highlighted()
        if key is None:
            return
        entry = int(key)

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(lambda: self.booth.close_incident(entry), t("logs.incident_closed", entry=entry))

        self.app.push_screen(ConfirmScreen(t("logs.close_question", entry=entry)), answered)

    def action_start_round(self) -> None:
        self.shown = PATROL
        self._run(self.booth.start_round, t("logs.round_started"))

    def action_tick(self) -> None:
        if self.shown != PATROL:
            return
        code = self._highlighted()
        if code is not None:
            self._run(lambda: self.booth.check_point(code), t("logs.ticked", checkpoint=code), move=True)

    def action_end_round(self) -> None:
        if self.round is None:
            self._note(t("shifts.no_round"))
            return

        def store(v: dict[str, str]) -> shifts.Round:
            return self.booth.end_round(v["findings"])

        def done(r: shifts.Round) -> str:
            return (
                t("logs.round_missed", missed=", ".join(r.missed)) if r.missed else t("logs.round_complete")
            )

        entries = [Entry("findings", "logs.field.findings", max_length=500)]
        self.shown = PATROL
        self._form(EntryForm(t("logs.end_title"), entries, store, form_id="round"), done)

    @work(thread=True, group="logs-write", exit_on_error=False)
    def _run(self, write: Callable[[], object], note: str, move: bool = False) -> None:
        try:
            write()
        except GuardpostError as exc:
            tell(self, self._load, exc.message())
            return
        tell(self, self._reload_after, note, move)

    def _reload_after(self, note: str, move: bool) -> None:
        self.advance = move  # a tick moves on to the next checkpoint
        self._load(note)
        self.app.refresh_reminders()  # type: ignore[attr-defined]

    @on(DataTable.RowSelected, "#logs-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if self.shown == PATROL:
            self.action_tick()

    def action_close(self) -> None:
        self.dismiss(None)
