"""F7 inside now (在内人员): visitors, couriers and workers inside, the longest there first, overstays
marked; Enter signs the highlighted one out (after a Y). The same list as ``guardpost inside``
(``visits.inside``), read in a worker and refreshed every 30 s while open. The vehicles inside
(``vehicles.inside``, as ``guardpost vehicles inside``) follow the people, each plate once, trucks
past their limit marked; Enter on one opens its exit on ⇧F6 (where the fee and the permit are
settled)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable

from guardpost import visits
from guardpost.booth import Booth
from guardpost.domain import Lane
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.text import printable

from . import keys
from .live import tell
from .modals.confirm import ConfirmScreen
from .widgets.keybar import KeyBar
from .widgets.text import Plain

if TYPE_CHECKING:
    from guardpost.vehicles import InsideVehicle

REFRESH_S = 30.0


class InsideScreen(ModalScreen[None]):
    BINDINGS = keys.bindings(keys.INSIDE_KEYS, only=("sign_out", "muster", "close"))

    def __init__(self, booth: Booth) -> None:
        super().__init__()
        self.booth = booth
        self.rows: list[visits.Inside] = []
        self.vehicles: list[InsideVehicle] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="inside-box", classes="box"):
            yield Plain(t("inside.title", count="…"), classes="title", id="inside-title")
            table: DataTable[Text] = DataTable(id="inside-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Plain("", id="inside-note", classes="error")
            yield KeyBar(keys.bar(keys.INSIDE_KEYS, keys.APP_KEYS), classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#inside-table", DataTable)
        for key in ("pass", "entered", "minutes", "category", "who", "unit", "state"):
            table.add_column(t(f"inside.col.{key}"), key=key)
        table.focus()
        self._load()
        self.set_interval(REFRESH_S, self._load)

    @work(thread=True, group="inside-load", exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        rows = self.booth.inside()
        tell(self, self._show, rows, self.booth.vehicles_inside())

    def _show(self, rows: list[visits.Inside], cars: list[InsideVehicle] | None = None) -> None:
        self.rows = rows
        self.vehicles = cars if cars is not None else self.vehicles
        table = self.query_one("#inside-table", DataTable)
        at = table.cursor_row
        table.clear()
        for r in rows:
            style = "bold red" if r.overstay else ""
            table.add_row(
                Text(r.pass_no),
                Text(f"{r.entered_at:%H:%M}"),
                Text(f"{r.minutes}", justify="right"),
                Text(t(f"category.{r.category}")),
                Text(printable(r.name or r.company or "-")),
                Text(r.unit or "-"),
                Text(t("inside.overstay") if r.overstay else "", style=style),
                key=str(r.visit_id),
            )
        for v in self.vehicles:
            style = "bold red" if v.overstay else ""
            table.add_row(
                Text(t("vehicle.board_permit", number=v.permit_no) if v.permit_no is not None else ""),
                Text(f"{v.entered_at:%H:%M}"),
                Text(f"{v.minutes}", justify="right"),
                Text(t(f"vehicle.category.{v.category}")),
                Text(printable(" ".join(x for x in (v.plate or t("vehicle.no_plate"), v.driver) if x))),
                Text(v.unit or "-"),
                Text(t("vehicle.board_overstay", minutes=v.over_min) if v.overstay else "", style=style),
                key=f"vehicle-{v.entry_id}",
            )
        shown = len(rows) + len(self.vehicles)
        if shown:
            table.move_cursor(row=min(at, shown - 1))
        overstays = sum(r.overstay for r in rows)
        title = t("inside.title", count=len(rows))
        if self.vehicles:  # each plate once: a plate in twice closed its earlier stay
            title += t("vehicle.board_count", count=len(self.vehicles))
        self.query_one("#inside-title", Plain).show(title)
        late = sum(v.overstay for v in self.vehicles)
        note = (
            t("inside.overstays", count=overstays) if overstays else (t("inside.nobody") if not rows else "")
        )
        if late:
            note = t("text.sentence_gap").join(
                x for x in (note, t("vehicle.board_overstays", count=late)) if x
            )
        self._note(note)

    def _note(self, text: str) -> None:
        self.query_one("#inside-note", Plain).show(text)

    @on(DataTable.RowSelected, "#inside-table")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        self.action_sign_out()

    def action_sign_out(self) -> None:
        table = self.query_one("#inside-table", DataTable)
        if not (self.rows or self.vehicles) or self.booth.viewer:
            return
        if table.cursor_row >= len(self.rows):
            self._vehicle_out(self.vehicles[table.cursor_row - len(self.rows)])
            return
        r = self.rows[table.cursor_row]

        def answered(yes: bool | None) -> None:
            if yes:
                self._sign_out(r.visit_id)

        who = printable(r.name or r.company or "-")
        self.app.push_screen(
            ConfirmScreen(t("inside.sign_out_question", who=who, number=r.pass_no)), answered
        )

    def _vehicle_out(self, v: InsideVehicle) -> None:
        """A vehicle leaves on ⇧F6, its plate (or its stay) filled in: the fee and the permit are
        asked there."""
        from .vehicles import VehiclesScreen

        app, booth = self.app, self.booth
        self.dismiss(None)
        app.call_later(app.push_screen, VehiclesScreen(booth, v.plate, Lane.OUT, entry_id=v.entry_id))

    @work(thread=True, group="inside-sign-out", exit_on_error=False)
    def _sign_out(self, visit_id: int) -> None:
        try:
            self.booth.sign_out(visit_id)
        except GuardpostError as exc:
            tell(self, self._note, exc.message())
            return
        rows = self.booth.inside()
        tell(self, self._show, rows, self.booth.vehicles_inside())

    def action_muster(self) -> None:
        self._note(t("inside.writing_muster"))
        self._write_muster()

    @work(thread=True, group="inside-muster", exclusive=True, exit_on_error=False)
    def _write_muster(self) -> None:
        try:
            path, count = self.booth.write_muster()
        except GuardpostError as exc:
            tell(self, self._note, exc.message())
            return
        tell(self, self._note, t("muster.written", path=printable(str(path)), count=count))

    def action_close(self) -> None:
        self.dismiss(None)
