"""The live feed: one line per event, newest on top, a cursor the guard moves to open a row.

A Line API widget (TEXTUAL.md: 1.8 ms a repaint where a DataTable takes 20): each row is rendered
once to a ``Strip`` per width and cached; a new swipe inserts one row. The columns fit the width:
the name column takes the room that is free, the card-kind column is left out below 100 columns
(the detail view has it), and anything cut is marked with …. Text from the database is made
printable before it is drawn: a resident's record can never paint over the screen.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from guardpost import crash
from guardpost.domain import Decision, Reason, Source, Swipe
from guardpost.i18n import t
from guardpost.text import printable

WINDOW = 1000  # rows held in memory (five screens' worth at 80x24 and more); the rest is read back
STRIPS_KEPT = 300  # rendered rows kept: a few screens' worth (the rest are drawn again when scrolled to)
PAGE = 200
STEP = 100  # the scrollable height grows in steps of this many rows
NARROW = 100  # below this width the card-kind column is left out


@dataclass(frozen=True)
class Column:
    key: str  # catalogue key of the title
    width: int


def columns(width: int) -> list[Column]:
    """The columns at ``width`` cells (a scrollbar's cell is already taken off)."""
    narrow = width < NARROW
    fixed = [
        Column("feed.col_event", 9),
        Column("feed.col_time", 9),
        Column("feed.col_lane", 5),
        Column("feed.col_decision", 7),
    ]
    after = [Column("feed.col_unit", 11)] + ([] if narrow else [Column("feed.col_kind", 11)])
    used = sum(c.width for c in fixed + after)
    reason_room = 22 if narrow else 40
    name = max(10, min(22, width - used - reason_room))
    reason = max(8, width - used - name)
    return [*fixed, Column("feed.col_name", name), *after, Column("feed.col_reason", reason)]


def fit(text: str, width: int, *, last: bool = False) -> str:
    """``text`` in ``width`` cells (CJK characters take two), one space kept between columns; a cut
    is marked with …."""
    room = width if last else width - 1
    if cell_len(text) > room:
        text = set_cell_size(text, max(0, room - 1)) + "…"
    return text if last else set_cell_size(text, room) + " "


def header_line(width: int) -> str:
    cols = columns(width)
    return "".join(fit(t(c.key), c.width, last=i == len(cols) - 1) for i, c in enumerate(cols))


def reason_text(s: Swipe) -> str:
    """What the reason column says: the engine's reason, with the note or setting that goes with it."""
    reason = t(f"reason.{s.reason}")
    if s.reason == Reason.SPECIAL_CARE and s.special_care:
        return t("feed.reason_with_note", reason=reason, note=s.special_care)
    if s.reason == Reason.BAD_READ and s.detail:
        return t("feed.reason_with_setting", reason=reason, setting=s.detail)
    return reason


def row_cells(s: Swipe, width: int) -> list[str]:
    """The cells of one row, printable, for the columns at ``width``."""
    who, unit = s.person, s.unit
    if s.person_id is None and s.shown_number:  # an unknown card or a bad read: the number as read
        who, unit = t("feed.card_number", number=s.shown_number), ""
    elif s.source in (Source.VEHICLE, Source.TEMPERATURE) and s.detail:  # a plate; a name typed by hand
        who = s.detail
    cells = {
        "feed.col_event": f"#{s.event_id:07d}",
        "feed.col_time": s.at.strftime("%H:%M:%S"),
        "feed.col_lane": t(f"lane.{s.lane}"),
        "feed.col_decision": t(f"decision.{s.decision}"),
        "feed.col_name": printable(who or "-"),
        "feed.col_unit": printable(unit if unit is not None else "-"),
        "feed.col_kind": t(f"kind.{s.card_kind}") if s.card_kind else "-",
        "feed.col_reason": reason_text(s),
    }
    return [cells[c.key] for c in columns(width)]


def row_text(s: Swipe, width: int) -> str:
    cols = columns(width)
    cells = row_cells(s, width)
    widths = [c.width for c in cols]
    if s.person_id is None and s.shown_number:  # the card number takes the name and unit columns
        name = next(i for i, c in enumerate(cols) if c.key == "feed.col_name")
        widths[name] += widths.pop(name + 1)
        cells.pop(name + 1)
    last = len(cells) - 1
    return "".join(
        fit(cell, w, last=i == last) for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
    )


class FeedColumns(Widget):
    """The column titles, laid out for the same width as the rows below."""

    def render(self) -> str:
        return header_line(self.size.width - 1)


class FeedView(ScrollView, can_focus=True):
    """Newest first. ``add`` a live swipe; ``extend_older`` with a page from the database.

    The cursor follows the newest row until the guard moves it; then it stays on its event while
    new rows come in above. Enter asks to open the row (``Selected``).
    """

    BINDINGS = [
        Binding("up", "cursor(-1)", show=False),
        Binding("down", "cursor(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "screen.newest", show=False),  # back to the newest, read again (the screen's)
        Binding("end", "oldest", show=False),
        Binding("enter", "open", show=False),
    ]
    COMPONENT_CLASSES = {"feed--allow", "feed--deny", "feed--alarm", "feed--cursor", "feed--broken"}

    class Selected(Message):
        def __init__(self, swipe: Swipe) -> None:
            super().__init__()
            self.swipe = swipe

    class CursorMoved(Message):
        def __init__(self, swipe: Swipe | None, following: bool) -> None:
            super().__init__()
            self.swipe = swipe
            self.following = following

    def __init__(self, load_older: Callable[[int | None], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[Swipe] = []
        self.ids: set[int] = set()
        self._strips: dict[int, Strip] = {}  # event id -> rendered strip at _width
        self._width = 0
        self.load_older = load_older
        self.exhausted = False  # no older rows in the database for this view
        self.loading = False
        self.cursor = 0
        self.following = True  # the cursor stays on the newest row
        self._broken_logged = False
        self.empty_note = ""  # what the empty feed says ("no events yet", "nothing matches")

    # --- data ----------------------------------------------------------------------------
    def add(self, swipe: Swipe) -> bool:
        """A new event on top; False if it is on screen already (this booth's or another's)."""
        if swipe.event_id in self.ids:
            return False
        # newest first by id: a swipe another process stored a moment earlier goes below this one's
        at = bisect.bisect_left(self.rows, -swipe.event_id, key=_newest_first)
        if at == len(self.rows) and len(self.rows) >= WINDOW:
            return False  # older than every row held: it is read back with its page
        self.rows.insert(at, swipe)
        self.ids.add(swipe.event_id)
        if len(self.rows) > WINDOW:
            dropped = self.rows.pop()
            self.ids.discard(dropped.event_id)
            self._strips.pop(dropped.event_id, None)
            self.exhausted = False
        if not self.following and at <= self.cursor:
            self.cursor = min(self.cursor + 1, len(self.rows) - 1)
        self._resize()
        if self.scroll_y > 0 and at <= self.scroll_y:  # keep the rows the guard is reading where they are
            self.scroll_to(y=self.scroll_y + 1, animate=False, immediate=True)
        self.refresh()
        return True

    def replace(self, swipes: list[Swipe], empty_note: str = "") -> None:
        self.empty_note = empty_note
        self.rows = list(swipes)
        self.ids = {s.event_id for s in swipes}
        self._strips.clear()
        self.exhausted = len(swipes) < PAGE
        self.cursor = 0
        self.following = True
        self._resize()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.CursorMoved(self.selected, True))

    def extend_older(self, swipes: list[Swipe]) -> None:
        self.loading = False
        self.exhausted = len(swipes) < PAGE
        fresh = [s for s in swipes if s.event_id not in self.ids]
        self.rows.extend(fresh)
        self.ids.update(s.event_id for s in fresh)
        if len(self.rows) > WINDOW:  # scrolling back: drop the newest rows, stay in the window
            cut = len(self.rows) - WINDOW
            for row in self.rows[:cut]:
                self._strips.pop(row.event_id, None)
                self.ids.discard(row.event_id)
            self.rows = self.rows[cut:]
            self.cursor = max(0, self.cursor - cut)
            self.following = False
            self.scroll_to(y=max(0, self.scroll_y - cut), animate=False, immediate=True)
        self._resize()
        self.refresh()

    @property
    def selected(self) -> Swipe | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def oldest_id(self) -> int | None:
        return self.rows[-1].event_id if self.rows else None

    # --- keys ----------------------------------------------------------------------------
    def _move_to(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        self.cursor = index
        self.following = False  # the row the guard went to stays under the cursor; Home follows again
        # after the next refresh: the scrollable height may have just grown (``_resize``)
        self.call_after_refresh(self._show_rows, index, 1)
        self.refresh()
        self.post_message(self.CursorMoved(self.selected, self.following))

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        """A page down (older) or up (newer): the view and the cursor move together."""
        page = max(1, self.size.height - 1)
        target = max(0, self.scroll_y + direction * page)
        self.call_after_refresh(self.scroll_to, y=target, animate=False, immediate=True)
        self._move_to(self.cursor + direction * page)

    def action_oldest(self) -> None:
        """To the last row held, with the line under it in view (which reads the next page)."""
        self._move_to(len(self.rows) - 1)
        self.call_after_refresh(self._show_rows, len(self.rows) - 1, 2)

    def _show_rows(self, index: int, count: int) -> None:
        self.scroll_to_region(Region(0, index, 1, count), animate=False, immediate=True)

    def action_open(self) -> None:
        if self.selected is not None:
            self.post_message(self.Selected(self.selected))

    # --- layout --------------------------------------------------------------------------
    def _resize(self) -> None:
        """Keep the scrollable height a step ahead of the rows.

        Changing ``virtual_size`` re-lays out the whole screen (milliseconds), so it grows in steps
        of ``STEP`` lines rather than on every swipe; the line after the last row says "reading
        older events" (and loads them) or marks the end.
        """
        needed = len(self.rows) + 1
        height = min(-(-needed // STEP) * STEP, WINDOW + 1) if not self.exhausted else needed
        if self.virtual_size.height != height or self.virtual_size.width != self.size.width:
            self.virtual_size = Size(self.size.width, height)

    def on_resize(self) -> None:
        self._strips.clear()
        self._resize()

    # --- painting --------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.size.width
        try:
            return self._line(int(self.scroll_y) + y, width)
        except Exception as exc:  # one row that cannot be drawn must not take the booth down
            if not self._broken_logged:
                self._broken_logged = True
                crash.write_note(exc, "feed row")
            style = self.get_component_rich_style("feed--broken")
            return Strip([Segment(t("feed.row_broken"), style)]).crop_extend(0, width, style)

    def _line(self, index: int, width: int) -> Strip:
        if width != self._width:
            self._strips.clear()
            self._width = width
        if index >= len(self.rows):
            if index == 0 and self.exhausted and self.empty_note:
                return self._note(self.empty_note, width)
            if index == len(self.rows) and not self.exhausted and self.rows:
                if not self.loading:
                    self.loading = True
                    self.call_later(self.load_older, self.oldest_id())
                return self._note(t("feed.loading_older"), width)
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        if index == self.cursor and self.rows:
            return self._render_row(row, width, cursor=True)
        strip = self._strips.get(row.event_id)
        if strip is None:
            strip = self._strips[row.event_id] = self._render_row(row, width)
            if len(self._strips) > STRIPS_KEPT:
                del self._strips[next(iter(self._strips))]  # the longest-kept (dicts keep order)
        return strip

    def _note(self, text: str, width: int) -> Strip:
        return Strip([Segment(text, self.rich_style)]).crop_extend(0, width, self.rich_style)

    def _render_row(self, swipe: Swipe, width: int, cursor: bool = False) -> Strip:
        style: Style = self.get_component_rich_style(f"feed--{swipe.decision}")
        if cursor:
            style = style + self.get_component_rich_style("feed--cursor")
        text = row_text(swipe, width)
        return Strip([Segment(text, style)], cell_len(text)).crop_extend(0, width, style)


def refused(swipe: Swipe) -> bool:
    return swipe.decision != Decision.ALLOW


def _newest_first(swipe: Swipe) -> int:
    return -swipe.event_id
