"""F9 lists (名单): the visitors registered ahead who have not come yet, and the block list.

1 and 2 switch between them. Expected visitors: Enter lets the highlighted one in on their pass
(after a Y: the same as F6 then 0 and the number), A registers one ahead (as ``guardpost visitors
expect``). Block list: A adds a person, a phone or a plate (1/2/3, then the form), Delete removes
the highlighted entry; both with a supervisor's code and PIN (as ``guardpost blocklist add|remove
--as``). Every rule is the core's (``visits``, ``blocklist``), read and written in workers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable

from guardpost.booth import Booth
from guardpost.domain import BlockKind, Lane, VisitCategory
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.text import cut, printable

from . import keys
from .forms.entry import Entry, EntryForm
from .live import tell
from .modals.confirm import ConfirmScreen
from .widgets.keybar import KeyBar
from .widgets.text import Plain

if TYPE_CHECKING:
    from guardpost import blocklist, visits

EXPECTED, BLOCKED = "expected", "blocked"
# The block list is a supervisor's (the shifts issue): their code and PIN, checked by the core.
SUPERVISOR_ENTRIES = (
    Entry("by", "lists.field.supervisor", required=True, max_length=16),
    Entry("pin", "login.pin", required=True, max_length=8, password=True),
)
REASON_SHOWN = 36  # cells of a block-list reason in the table: the columns after it stay in view
KIND_KEYS = {"1": BlockKind.PERSON, "2": BlockKind.PHONE, "3": BlockKind.PLATE}
COLUMNS = {
    EXPECTED: ("pass", "name", "unit", "category", "from", "until"),
    BLOCKED: ("entry", "kind", "value", "last4", "reason", "by", "at"),
}


class ListsScreen(ModalScreen[None]):
    BINDINGS = keys.bindings(keys.LISTS_KEYS, only=("close",))

    def __init__(self, booth: Booth, shown: str = EXPECTED, note: str = "") -> None:
        super().__init__()
        self.booth = booth
        self.shown = shown
        self.first_note = note
        self.expected: list[visits.VisitRow] = []
        self.blocked: list[blocklist.BlockEntry] = []
        self.choosing_kind = False

    def compose(self) -> ComposeResult:
        with Vertical(id="lists-box", classes="box"):
            yield Plain("", classes="title", id="lists-title")
            table: DataTable[Text] = DataTable(id="lists-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Plain("", id="lists-note", classes="advice")
            yield KeyBar(keys.bar(keys.LISTS_KEYS, keys.APP_KEYS, viewer=self.booth.viewer), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#lists-table").focus()
        self._load(self.first_note)

    def _form(self, form: EntryForm, done: Callable[[Any], tuple[str, str] | None]) -> None:
        """A form in place of the lists, over the booth screen alone, then the lists again.

        Not over the lists: with two windows over it, Textual stops repainting the booth screen
        (its clock, the feed and a new alarm in the banner stay as they were until the form closes).
        ``done`` gives the list to show and a note for it, or None for the list as it was."""
        app, booth, shown = self.app, self.booth, self.shown

        def back(result: Any) -> None:
            after = done(result) if result is not None else None
            tab, note = after if after is not None else (shown, "")
            app.push_screen(ListsScreen(booth, tab, note))

        self.dismiss(None)
        # pushed from the App: a screen's result goes to the one that asked, and the lists are gone
        app.call_later(app.push_screen, form, back)

    # --- reading ----------------------------------------------------------------------------------
    @work(thread=True, group="lists-load", exclusive=True, exit_on_error=False)
    def _load(self, note: str = "") -> None:
        expected = sorted(self.booth.expected(), key=lambda r: r.valid_from or r.created_at)
        blocked = self.booth.block_entries()
        tell(self, self._show, expected, blocked, note)

    def _show(self, expected: list[visits.VisitRow], blocked: list[blocklist.BlockEntry], note: str) -> None:
        self.expected, self.blocked = expected, blocked
        self._fill()
        self._note(note)

    def _fill(self) -> None:
        title = t("lists.title", expected=len(self.expected), blocked=len(self.blocked))
        which = t("lists.showing_expected") if self.shown == EXPECTED else t("lists.showing_blocked")
        self.query_one("#lists-title", Plain).show(f"{title}   {which}")
        table = self.query_one("#lists-table", DataTable)
        at = table.cursor_row
        table.clear(columns=True)
        for key in COLUMNS[self.shown]:
            table.add_column(t(f"lists.col.{key}"), key=key)
        now = self.booth.now()
        if self.shown == EXPECTED:
            for r in self.expected:
                late = r.valid_until is not None and r.valid_until < now
                table.add_row(
                    Text(r.pass_no),
                    Text(printable(r.name or r.company or "-")),
                    Text(r.unit or "-"),
                    Text(t(f"category.{r.category}")),
                    Text(_when(r.valid_from)),
                    Text(
                        _when(r.valid_until) + (" " + t("lists.expired") if late else ""),
                        style="red" if late else "",
                    ),
                    key=str(r.visit_id),
                )
        else:
            for b in self.blocked:
                table.add_row(
                    Text(str(b.entry_id), justify="right"),
                    Text(t(f"block.kind.{b.kind}")),
                    Text(printable(b.value)),
                    Text(b.id_last4 or ""),
                    Text(cut(printable(b.reason), REASON_SHOWN)),  # whole in the file
                    Text(printable(b.added_by)),
                    Text(f"{b.added_at:%Y-%m-%d %H:%M}"),
                    key=str(b.entry_id),
                )
        rows = len(self.expected if self.shown == EXPECTED else self.blocked)
        if rows:
            table.move_cursor(row=min(at, rows - 1))

    def _note(self, text: str) -> None:
        empty = self.shown == EXPECTED and not self.expected or self.shown == BLOCKED and not self.blocked
        if not text and empty:
            text = t("lists.none_expected") if self.shown == EXPECTED else t("lists.none_blocked")
        self.query_one("#lists-note", Plain).show(text)

    # --- keys -------------------------------------------------------------------------------------
    # Read here, not as bindings: Textual runs a screen's bindings only when the key has bubbled on
    # to the App, so a key held back by the wedge check and released with the next one (A then 2,
    # typed quickly) would be seen after it. Here they come in the order they were typed.
    def on_key(self, event: events.Key) -> None:
        if self.choosing_kind:
            event.stop()
            self.choosing_kind = False
            kind = KIND_KEYS.get(event.character or "")
            if kind is None:
                self._note("")
                return
            self._add_block(kind)
            return
        if event.character in ("1", "2"):
            event.stop()
            self.shown = EXPECTED if event.character == "1" else BLOCKED
            self._fill()
            self._note("")
        elif event.character in ("a", "A"):
            event.stop()
            self.action_add()
        elif event.key == "delete":
            event.stop()
            self.action_remove()

    def action_add(self) -> None:
        if self.booth.viewer:
            return
        if self.shown == EXPECTED:
            self._add_expected()
        else:
            self.choosing_kind = True
            self._note(t("lists.which_kind"))

    def _add_expected(self) -> None:
        from guardpost import visits

        def store(v: dict[str, str]) -> visits.VisitResult:
            until = None
            if v["until"].strip():
                try:
                    now = self.booth.now()
                    until = visits.parse_when(v["until"], now, after=now)
                except ValueError:
                    raise visits.FormRefused([visits.FieldProblem("until", "lists.bad_until")]) from None
            form = visits.VisitForm(VisitCategory.RELATIVE, name=v["name"], phone=v["phone"], unit=v["unit"])
            return self.booth.expect_visit(form, asked_by=v["asked_by"], until=until)

        def done(result: visits.VisitResult) -> tuple[str, str]:
            return EXPECTED, t("lists.expected_added", number=result.pass_no or "-")

        entries = [
            Entry("name", "visit.field.name", required=True),
            Entry("phone", "visit.field.phone"),
            Entry("unit", "visit.field.unit", required=True),
            Entry("until", "lists.field.until"),
            Entry("asked_by", "lists.field.asked_by", required=True),
        ]
        self._form(EntryForm(t("lists.expect_title"), entries, store, form_id="expect"), done)

    def _add_block(self, kind: BlockKind) -> None:
        value_label = {BlockKind.PERSON: "visit.field.name", BlockKind.PHONE: "visit.field.phone"}
        entries = [Entry("value", value_label.get(kind, "visit.field.plate"), required=True)]
        if kind == BlockKind.PERSON:
            entries.append(Entry("last4", "lists.field.last4"))
        entries += [Entry("reason", "lists.field.reason", required=True, max_length=200), *SUPERVISOR_ENTRIES]

        def store(v: dict[str, str]) -> int:
            from guardpost import blocklist, validate
            from guardpost.visits import FieldProblem, FormRefused

            problems = []
            for name, check in (
                ("value", lambda s: blocklist.normalise(kind, s)),
                ("last4", validate.id_last4),
            ):
                if v.get(name, "").strip():
                    try:
                        check(v[name])
                    except validate.Invalid as exc:
                        problems.append(FieldProblem(name, exc.key, **exc.params))
            if problems:
                raise FormRefused(problems)
            supervisor = self.booth.authorise(v["by"], v["pin"], blocklist.AUDIT_ADD)
            return self.booth.block(
                kind, v["value"], reason=v["reason"], by=supervisor.actor(), id_last4=v.get("last4") or None
            )

        def done(entry: int) -> tuple[str, str]:
            return BLOCKED, t("lists.blocked_added", entry=entry)

        fields_of = {
            "block.needs_reason": "reason",
            "block.bad_reason": "reason",
            "block.needs_who": "by",
            "guards.unknown": "by",
            "block.already": "value",
        }
        title = t("lists.block_title", kind=t(f"block.kind.{kind}"))
        self._form(EntryForm(title, entries, store, fields_of=fields_of, form_id="block"), done)

    @on(DataTable.RowSelected, "#lists-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if self.shown != EXPECTED or not self.expected or self.booth.viewer:
            return
        r = self.expected[event.cursor_row]

        def answered(yes: bool | None) -> None:
            if yes:
                self._admit(r.pass_no)

        who = printable(r.name or "-")
        self.app.push_screen(ConfirmScreen(t("lists.admit_question", who=who, number=r.pass_no)), answered)

    @work(thread=True, group="lists-admit", exit_on_error=False)
    def _admit(self, number: str) -> None:
        try:
            use = self.booth.use_pass(number, Lane.IN)
        except GuardpostError as exc:
            tell(self, self._load, exc.message())
            return
        who = printable(use.name or t(f"category.{use.category}"))
        tell(self, self._load, t("visit.pass_scanned.in", who=who, unit=use.unit or "-"))

    def action_remove(self) -> None:
        if self.shown != BLOCKED or not self.blocked or self.booth.viewer:
            return
        b = self.blocked[self.query_one("#lists-table", DataTable).cursor_row]

        def store(v: dict[str, str]) -> int:
            from guardpost import blocklist

            supervisor = self.booth.authorise(v["by"], v["pin"], blocklist.AUDIT_REMOVE)
            self.booth.unblock(b.entry_id, by=supervisor.actor())
            return b.entry_id

        def done(entry: int) -> tuple[str, str]:
            return BLOCKED, t("lists.blocked_removed", entry=entry)

        title = t("lists.unblock_title", entry=b.entry_id, value=printable(b.value))
        form = EntryForm(
            title,
            list(SUPERVISOR_ENTRIES),
            store,
            fields_of={"block.needs_who": "by", "guards.unknown": "by"},
            form_id="unblock",
        )
        self._form(form, done)

    def action_close(self) -> None:
        self.dismiss(None)


def _when(moment: datetime | None) -> str:
    return f"{moment:%m-%d %H:%M}" if moment else "-"
