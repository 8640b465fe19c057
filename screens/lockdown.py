"""Shift+F12 lockdown levels (封闭等级): the level in force at this booth's gate, in its colour, since
when, who ordered it, its scope and, in the closed level, the one entrance left open; below it the
levels ordered, newest first.

1, 2 and 3 order normal, restricted or closed: a short form asks the scope (empty: the whole
compound; else gate ids or names), the entrance left open (closed only; this booth's gate unless
changed), a note, and the supervisor's code and PIN; a refusal says why and the PIN is typed again.
Every rule is the core's (``lockdown``: what a scope may be, who may order, the audit), read and
written in workers; the form takes this screen's place over the booth screen (lists.py). The header
and the ring at every screen when the level changes are the App's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable

from guardpost.booth import Booth
from guardpost.domain import LockdownLevel
from guardpost.i18n import current_language, t
from guardpost.text import cut, printable

from . import keys
from .forms.entry import Entry, EntryForm
from .live import close_once, tell
from .widgets.keybar import KeyBar
from .widgets.text import Fields, Plain

if TYPE_CHECKING:
    from guardpost import lockdown

LEVEL_KEYS = {"1": LockdownLevel.NORMAL, "2": LockdownLevel.RESTRICTED, "3": LockdownLevel.CLOSED}
LEVEL_STYLE = {
    LockdownLevel.NORMAL: "",
    LockdownLevel.RESTRICTED: "bold yellow",
    LockdownLevel.CLOSED: "bold red",
}
HISTORY = 50
NOTE_SHOWN = 20
COLUMNS = {
    "id": "lockdown_screen.col.id",
    "level": "lockdown_screen.col.level",
    "scope": "lockdown_screen.col.scope",
    "entrance": "lockdown_screen.col.entrance",
    "since": "lockdown_screen.col.since",
    "by": "lockdown_screen.col.by",
    "note": "lockdown_screen.col.note",
}
_SEPARATORS = re.compile(r"[\s,，、;；]+")
# The core's refusals of an order, by the field they are about (an unknown gate: the one it names).
_ENTRANCE_KEYS = ("lockdown.entrance_needed", "lockdown.entrance_outside", "lockdown.entrance_not_closed")


class Gates:
    """The compound's gates as the booth has them: ids, and names in the guard's language."""

    def __init__(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.rows = rows

    def name(self, gate: str) -> str:
        for gate_id, zh, en, _ in self.rows:
            if gate_id == gate:
                return zh if current_language() == "zh-CN" else en
        return gate

    def scope(self, scope: tuple[str, ...]) -> str:
        return "、".join(self.name(g) for g in scope) if scope else t("lockdown.whole_compound")

    def id_of(self, typed: str) -> str:
        """A gate as typed: its id, or its name in either language; else as typed (the core says)."""
        for gate_id, zh, en, _ in self.rows:
            if typed.casefold() in (gate_id.casefold(), zh.casefold(), en.casefold()):
                return gate_id
        return typed

    def listed(self) -> str:
        return "  ".join(f"{gate_id} {self.name(gate_id)}" for gate_id, *_ in self.rows)


class LockdownScreen(ModalScreen[None]):
    CSS_PATH = "lockdown.tcss"
    BINDINGS = keys.bindings(keys.LOCKDOWN_KEYS, only=("close",))

    def __init__(self, booth: Booth, note: str = "") -> None:
        super().__init__()
        self.booth = booth
        self.first_note = note
        self.gates = Gates([])
        self.in_force: lockdown.InForce | None = None
        self.history: list[lockdown.InForce] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="lockdown-box", classes="box"):
            yield Plain(t("lockdown_screen.title"), classes="title", id="lockdown-title")
            yield Plain("…", id="lockdown-now")
            yield Fields(id="lockdown-facts")
            yield Plain(t("lockdown_screen.history_title"), id="lockdown-history-title")
            table: DataTable[Text] = DataTable(id="lockdown-history", cursor_type="row", zebra_stripes=True)
            yield table
            yield Plain("", id="lockdown-note", classes="advice")
            yield KeyBar(
                keys.bar(keys.LOCKDOWN_KEYS, keys.APP_KEYS, viewer=self.booth.viewer), classes="hint"
            )

    def on_mount(self) -> None:
        table = self.query_one("#lockdown-history", DataTable)
        for key, label in COLUMNS.items():
            table.add_column(t(label), key=key)
        table.focus()
        self._load(self.first_note)

    # --- reading ----------------------------------------------------------------------------------
    @work(thread=True, group="lockdown-load", exclusive=True, exit_on_error=False)
    def _load(self, note: str = "") -> None:
        here = self.booth.lockdown_in_force()
        history = self.booth.lockdown_history(HISTORY)
        gates = Gates(self.booth.gates())
        ordered_by = {r.ordered_by for r in [here, *history] if r.id is not None}
        who = {o: self.booth.lockdown_who(o) for o in ordered_by}  # a few people order levels
        tell(self, self._show, here, history, gates, who, note)

    def _show(
        self,
        here: lockdown.InForce,
        history: list[lockdown.InForce],
        gates: Gates,
        who: dict[str, str],
        note: str,
    ) -> None:
        self.in_force, self.history, self.gates = here, history, gates
        gate = self.booth.settings.gate
        self.query_one("#lockdown-title", Plain).show(t("lockdown_screen.title_at", gate=gates.name(gate)))
        level = t(f"lockdown.{here.level}")
        if here.shut:
            level = f"{level}·{t('lockdown.shut_here')}"
        now = self.query_one("#lockdown-now", Plain)
        now.show(t("lockdown_screen.now", level=level))
        for value in LockdownLevel:
            now.set_class(here.level == value, f"-{value}")
        facts: list[tuple[str, str]] = []
        if here.id is None:
            facts.append((t("lockdown_screen.since"), t("lockdown.none_ordered")))
        else:
            since = f"{here.started_at:%Y-%m-%d %H:%M}" if here.started_at else "-"
            facts += [
                (t("lockdown_screen.since"), since),
                (t("lockdown_screen.ordered_by"), printable(who.get(here.ordered_by, here.ordered_by))),
                (t("lockdown_screen.scope"), gates.scope(here.scope)),
            ]
            if here.entrance:
                entrance = gates.name(here.entrance)
                if here.shut:
                    entrance = t("lockdown_screen.go_to", gate=entrance)
                facts.append((t("lockdown_screen.entrance"), entrance))
            if here.note:
                facts.append((t("lockdown_screen.note"), printable(here.note)))
        self.query_one("#lockdown-facts", Fields).show(facts)
        table = self.query_one("#lockdown-history", DataTable)
        table.clear()
        for r in history:
            table.add_row(
                Text(str(r.id), justify="right"),
                Text(t(f"lockdown.{r.level}"), style=LEVEL_STYLE[r.level]),
                Text(cut(gates.scope(r.scope), 16)),
                Text(gates.name(r.entrance) if r.entrance else "-"),
                Text(f"{r.started_at:%m-%d %H:%M}" if r.started_at else "-"),
                Text(cut(printable(who.get(r.ordered_by, r.ordered_by)), 16)),
                Text(cut(printable(r.note or ""), NOTE_SHOWN)),
                key=str(r.id),
            )
        if not note and not self.booth.viewer:
            note = t("lockdown_screen.choose")
        self.query_one("#lockdown-note", Plain).show(note)

    # --- keys (read in on_key, as in lists.py: wedge-held keys keep their order) --------------------
    def on_key(self, event: events.Key) -> None:
        level = LEVEL_KEYS.get(event.character or "")
        if level is not None:
            event.stop()
            self.order(level)

    def order(self, level: LockdownLevel) -> None:
        """The form that orders ``level`` here, in this screen's place over the booth screen."""
        if self.booth.viewer:
            return
        from guardpost import lockdown
        from guardpost.visits import FieldProblem, FormRefused

        booth, gates = self.booth, self.gates
        closing = level == LockdownLevel.CLOSED
        entries = [Entry("scope", "lockdown_screen.field.scope", max_length=120)]
        if closing:
            entries.append(
                Entry("entrance", "lockdown_screen.field.entrance", required=True, value=booth.settings.gate)
            )
        entries += [
            Entry("note", "lockdown_screen.field.note", max_length=lockdown.NOTE_MAX),
            Entry("by", "lists.field.supervisor", required=True, max_length=16),
            Entry("pin", "login.pin", required=True, max_length=8, password=True),
        ]

        def store(v: dict[str, str]) -> int:
            scope = tuple(gates.id_of(g) for g in _SEPARATORS.split(v["scope"].strip()) if g)
            entrance = gates.id_of(v["entrance"].strip()) if closing and v["entrance"].strip() else None
            try:
                return booth.set_lockdown(
                    level, scope=scope, entrance=entrance, note=v["note"], code=v["by"], pin=v["pin"]
                )
            except lockdown.BadLevel as exc:
                about_entrance = exc.key in _ENTRANCE_KEYS or (
                    exc.key == "lockdown.unknown_gate" and exc.params.get("gate") == entrance
                )
                field = "entrance" if about_entrance and closing else "scope"
                if exc.key == "lockdown.note_too_long":
                    field = "note"
                raise FormRefused([FieldProblem(field, exc.key, **exc.params)]) from None

        title = t("lockdown_screen.order_title", level=t(f"lockdown.{level}"))
        title += "\n" + t("lockdown_screen.gates", gates=gates.listed())
        form = EntryForm(title, entries, store, fields_of={"guards.unknown": "by"}, form_id="lockdown-order")
        app = self.app

        def back(result: Any) -> None:
            note = t("lockdown_screen.ordered", level=t(f"lockdown.{level}"), number=result) if result else ""
            app.push_screen(LockdownScreen(booth, note))

        if not close_once(self):
            return  # a second key: the form is on its way already
        # pushed from the App: a screen's result goes to the one that asked, and this one is gone
        app.call_later(app.push_screen, form, back)

    def action_close(self) -> None:
        close_once(self)
