"""The live feed: newest swipe on top, coloured by decision, scrolling back into the database.

A Line API widget: each row is rendered once into a ``Strip`` and painted from the cache, so a
row costs about a millisecond at rush hour (a DataTable re-renders every visible cell per change).
It holds a bounded window of rows; older ones are read from the database page by page.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from guardpost.access import Swipe
from guardpost.i18n import t

WINDOW = 2000  # rows held in memory; the rest stays in the database
PAGE = 200
STEP = 100  # the scrollable height grows in steps of this many rows

# (catalogue key of the column title, width in terminal cells)
COLUMNS = (
    ("feed.col_event", 9),
    ("feed.col_time", 9),
    ("feed.col_lane", 5),
    ("feed.col_decision", 7),
    ("feed.col_name", 10),
    ("feed.col_unit", 11),
    ("feed.col_kind", 11),
    ("feed.col_reason", 0),
)


def _fit(text: str, width: int) -> str:
    """Pad or cut to ``width`` terminal cells (CJK characters take two), keeping one space between columns."""
    return set_cell_size(text, width - 1) + " " if width else text


def header_text() -> str:
    return "".join(_fit(t(key), width) for key, width in COLUMNS)


def row_cells(s: Swipe, unsaved: bool = False) -> list[str]:
    reason = t(f"reason.{s.reason}")
    if s.reason == "special_care" and s.special_care:
        reason += f"：{s.special_care}" if t("lang.code") == "zh-CN" else f": {s.special_care}"
    if unsaved:
        reason = t("feed.not_saved") + " " + reason
    return [
        f"#{s.event_id:07d}" if s.event_id else "#-------",
        s.at.strftime("%H:%M:%S"),
        t(f"lane.{s.lane}"),
        t(f"decision.{s.decision}"),
        s.person or "-",
        s.unit or "-",
        t(f"kind.{s.card_kind}") if s.card_kind else "-",
        reason,
    ]


class FeedView(ScrollView, can_focus=True):
    """Newest first. ``add`` a live swipe; ``extend_older`` with a page from the database."""

    COMPONENT_CLASSES = {"feed--allow", "feed--deny", "feed--alarm", "feed--unsaved", "feed--cursor"}

    def __init__(self, load_older: Callable[[int | None], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[tuple[Swipe, bool]] = []  # (swipe, unsaved)
        self._strips: dict[int, Strip] = {}  # id(row) -> rendered strip at _width
        self._width = 0
        self.load_older = load_older
        self.exhausted = False  # no older rows in the database for this view
        self.loading = False
        self.held_back = 0  # live swipes not inserted while the guard reads old history

    # --- data ----------------------------------------------------------------------------
    def add(self, swipe: Swipe, unsaved: bool = False) -> None:
        if self.scroll_y > 0 and len(self.rows) >= WINDOW:
            self.held_back += 1  # the guard is deep in history: keep the view still
            return
        self.rows.insert(0, (swipe, unsaved))
        if len(self.rows) > WINDOW:
            dropped = self.rows.pop()
            self._strips.pop(id(dropped), None)
            self.exhausted = False
        self._resize()
        if self.scroll_y > 0:  # keep the rows the guard is reading where they are
            self.scroll_to(y=self.scroll_y + 1, animate=False, immediate=True)
        self.refresh()

    def replace(self, swipes: list[Swipe]) -> None:
        self.rows = [(s, False) for s in swipes]
        self._strips.clear()
        self.exhausted = len(swipes) < PAGE
        self.held_back = 0
        self._resize()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def extend_older(self, swipes: list[Swipe]) -> None:
        self.loading = False
        self.exhausted = len(swipes) < PAGE
        self.rows.extend((s, False) for s in swipes)
        if len(self.rows) > WINDOW:  # scrolling back: drop the newest rows, stay in the window
            cut = len(self.rows) - WINDOW
            for row in self.rows[:cut]:
                self._strips.pop(id(row), None)
            self.rows = self.rows[cut:]
            self.scroll_to(y=max(0, self.scroll_y - cut), animate=False, immediate=True)
            self.held_back += cut
        self._resize()
        self.refresh()

    def action_scroll_home(self) -> None:
        """Home: back to the newest swipe, re-read from the database (the view may have moved on)."""
        self.app.action_newest()  # type: ignore[attr-defined]

    def oldest_id(self) -> int | None:
        ids = [s.event_id for s, _ in self.rows if s.event_id]
        return min(ids) if ids else None

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

    # --- painting --------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._strips.clear()
        self._resize()

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.size.width
        if width != self._width:
            self._strips.clear()
            self._width = width
        if index >= len(self.rows):
            if index == len(self.rows) and not self.exhausted and self.rows:
                if not self.loading:
                    self.loading = True
                    self.call_later(self.load_older, self.oldest_id())
                return self._note(t("feed.loading_older"), width)
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        strip = self._strips.get(id(row))
        if strip is None:
            strip = self._render_row(row, width)
            self._strips[id(row)] = strip
        return strip

    def _note(self, text: str, width: int) -> Strip:
        return Strip([Segment(text, self.rich_style)]).crop_extend(0, width, self.rich_style)

    def _render_row(self, row: tuple[Swipe, bool], width: int) -> Strip:
        swipe, unsaved = row
        style: Style = self.get_component_rich_style(
            "feed--unsaved" if unsaved else f"feed--{swipe.decision}"
        )
        text = "".join(_fit(cell, w) for cell, (_, w) in zip(row_cells(swipe, unsaved), COLUMNS, strict=True))
        return Strip([Segment(text, style)], cell_len(text)).crop_extend(0, width, style)
