"""The booth screen: header, alarm banner, NOT SAVED banner, the feed, the advice for the row in
question, the search bar, the status line and the key bar.

It only displays: every event, alarm and state comes from the core's ``Booth`` through the App, and
every page of history is read by a worker calling the booth.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate, ParamSpec

from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen

from guardpost.advice import advice, who
from guardpost.booth import BoothState
from guardpost.domain import Decision, ReaderStatus, Reason, Swipe
from guardpost.events import Filter, matches
from guardpost.i18n import t
from guardpost.text import cut

from . import keys
from .live import showing
from .messages import PageLoaded
from .modals.detail import DetailScreen
from .widgets.banner import AdviceLine, AlarmBanner
from .widgets.feed import FeedColumns, FeedView
from .widgets.header import BoothHeader
from .widgets.keybar import KeyBar
from .widgets.text import Plain, SafeInput

if TYPE_CHECKING:
    from .app import GuardpostApp

P = ParamSpec("P")

FILTER_ORDER = (Filter.ALL, Filter.REFUSED, Filter.ALARMS)
SEARCH_SHOWN = 24  # cells of the search term in the status line (the box shows it all)
ACK_PAUSE_S = 0.6  # a held-down F5 (key repeat) acknowledges one alarm, not a screenful


def _while_shown(
    method: Callable[Concatenate[BoothScreen, P], None],
) -> Callable[Concatenate[BoothScreen, P], None]:
    """What the booth tells reaches the screen through the App's queue, and may arrive while the
    app is closing: the event is stored already, and a screen being taken down only drops it."""

    def shown(screen: BoothScreen, /, *args: P.args, **kwargs: P.kwargs) -> None:
        if showing(screen):
            method(screen, *args, **kwargs)

    return shown


class BoothScreen(Screen[None]):
    BINDINGS = keys.bindings(
        keys.BOOTH_KEYS,
        only=(
            "forgot_card",
            "visit",
            "inside",
            "lists",
            "temperature",
            "handover",
            "logs",
            "vehicles",
            "renovation",
            "release_slips",
            "quarantine",
            "lockdown",
            "lock",
            "cycle_filter",
            "search",
            "newest",
        ),  # fmt: skip
    )

    def __init__(self) -> None:
        super().__init__()
        self.mode = Filter.ALL
        self.search_term = ""
        self.generation = 0
        self.unseen = 0  # new swipes while the guard reads older rows or a filter hides them
        self.alarms: list[Swipe] = []
        self.acknowledging: int | None = None  # the alarm whose acknowledgement is being stored
        self._last_ack = 0.0
        self._picked: Swipe | None = None  # the row the guard moved the cursor to
        self._noted: Swipe | None = None  # the newest row that calls for advice (refused, special care)

    @property
    def gp(self) -> GuardpostApp:
        return self.app  # type: ignore[return-value]

    # --- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield BoothHeader(self.gp.now, id="booth-header")
        banner = AlarmBanner(id="alarm-banner")
        banner.viewer = self.gp.booth.viewer
        yield banner
        yield Plain("", id="not-saved")
        yield FeedColumns(id="feed-columns")
        yield FeedView(self._load_older, id="feed")
        yield AdviceLine(id="advice")
        yield SafeInput(placeholder=t("feed.search_placeholder"), id="search", max_length=100)
        yield Plain("", id="status-line")
        viewer = self.gp.booth.viewer
        yield KeyBar(
            keys.bar(keys.APP_KEYS[:1], keys.BOOTH_KEYS, keys.APP_KEYS[1:], viewer=viewer), id="keybar"
        )

    def on_mount(self) -> None:
        booth = self.gp.booth
        # the header at once, from the settings; the file fills in the rest when it is open
        state = BoothState.provisional(booth.settings, booth.readers.kind, booth.viewer)
        self.query_one(BoothHeader).state = state
        self._update_status()
        self.query_one(FeedView).focus()

    @property
    def feed(self) -> FeedView:
        return self.query_one(FeedView)

    # --- what the booth tells (on the UI thread, through the App) --------------------------------
    @_while_shown
    def opened(self, state: BoothState, first: list[Swipe], alarms: list[Swipe]) -> None:
        self.query_one(BoothHeader).state = state
        self._replace(first)
        self.show_alarms(alarms)

    def _replace(self, swipes: list[Swipe]) -> None:
        self._noted = next((s for s in swipes if _needs_advice(s)), None)
        narrowed = self.mode != Filter.ALL or bool(self.search_term)
        self.feed.replace(swipes, t("feed.no_match") if narrowed else t("feed.no_events"))

    @_while_shown
    def show_state(self, state: BoothState) -> None:
        self.query_one(BoothHeader).state = state

    @_while_shown
    def show_reader(self, status: ReaderStatus) -> None:
        self.query_one(BoothHeader).reader = status

    @_while_shown
    def show_swipe(self, swipe: Swipe) -> None:
        shown = matches(swipe, self.mode, self.search_term) and self.feed.add(swipe)
        if shown and self.feed.scroll_y > 0:
            self.unseen += 1  # the guard is reading older rows: tell them something new came
            self._update_status()
        if shown and _needs_advice(swipe):
            self._noted = swipe
            if self._picked is None:
                self._paint_advice()

    @_while_shown
    def show_alarms(self, alarms: list[Swipe]) -> None:
        self.alarms = alarms
        if self.acknowledging is not None and all(a.event_id != self.acknowledging for a in alarms):
            self.acknowledging = None
        self._paint_banner()

    def _paint_banner(self) -> None:
        gate_kind = self.gp.booth.state.gate_kind if self.gp.booth.state else None
        self.query_one(AlarmBanner).show(self.alarms, gate_kind, pending=self.acknowledging is not None)

    @_while_shown
    def show_not_saved(self, waiting: int, error: str, decided: list[Swipe]) -> None:
        """The swipes the file does not take yet, with what was decided for them: an alarm among
        them is named at once (the file may stay locked for minutes)."""
        lines = [t("feed.not_saved_banner", count=waiting, error=error)]
        alarm = next((s for s in reversed(decided) if s.decision == Decision.ALARM), None)
        shown = alarm or (decided[-1] if decided else None)
        if shown is not None:
            key = "feed.not_saved_alarm" if shown.decision == Decision.ALARM else "feed.not_saved_last"
            lines.append(
                t(
                    key,
                    time=shown.at.strftime("%H:%M:%S"),
                    decision=t(f"decision.{shown.decision}"),
                    reason=t(f"reason.{shown.reason}"),
                    who=who(shown),
                    advice=advice(
                        shown, self.gp.booth.state.gate_kind if self.gp.booth.state else None
                    ).text(),
                )
            )
        banner = self.query_one("#not-saved", Plain)
        banner.show("\n".join(lines))
        banner.display = True

    @_while_shown
    def show_all_saved(self) -> None:
        self.query_one("#not-saved", Plain).display = False

    # --- the alarm: F5 (an App key, so it works over any form) ------------------------------------
    def acknowledge(self) -> None:
        if not self.alarms:
            self.gp.notify(t("alarm.none"), markup=False)
            return
        now = time.monotonic()
        if self.acknowledging is not None or now - self._last_ack < ACK_PAUSE_S:
            return  # one press, one alarm: key repeat and a second press mid-store do nothing
        alarm = self.alarms[0]
        if self.gp.booth.acknowledge(alarm.event_id):
            self.acknowledging = alarm.event_id
            self._last_ack = now
            self._paint_banner()
        elif self.gp.booth.viewer:
            self.gp.notify(t("alarm.viewer"), markup=False)

    @_while_shown
    def acknowledged(self, alarm: Swipe) -> None:
        self._last_ack = time.monotonic()
        self.gp.notify(
            t("alarm.acknowledged", event=alarm.event_id, reason=t(f"reason.{alarm.reason}"), who=who(alarm)),
            markup=False,
            timeout=4,
        )

    @_while_shown
    def acknowledge_failed(self, alarm: Swipe, error: str) -> None:
        self.acknowledging = None
        self._paint_banner()
        self.gp.notify(
            t("alarm.ack_failed", event=alarm.event_id, error=error),
            severity="error",
            markup=False,
            timeout=15,
        )

    # --- the advice line: the row the cursor is on, else the newest refused or noted row ---------
    @on(FeedView.CursorMoved)
    def _cursor_moved(self, event: FeedView.CursorMoved) -> None:
        if event.following:
            self._picked = None
            if event.swipe is not None and _needs_advice(event.swipe):
                self._noted = event.swipe
        else:
            self._picked = event.swipe
        self._paint_advice()

    def _paint_advice(self) -> None:
        row = self._picked or self._noted
        if row is None:
            self.query_one(AdviceLine).show("")
            return
        gate_kind = self.gp.booth.state.gate_kind if self.gp.booth.state else None
        self.query_one(AdviceLine).show(
            t(
                "feed.advice",
                time=row.at.strftime("%H:%M:%S"),
                who=who(row),
                advice=advice(row, gate_kind).text(),
            )
        )

    @on(FeedView.Selected)
    def _open_row(self, event: FeedView.Selected) -> None:
        self.app.push_screen(DetailScreen(self.gp.booth, event.swipe))

    # --- keys ------------------------------------------------------------------------------------
    def action_forgot_card(self) -> None:
        self.gp.open_forgot_card()

    def action_visit(self) -> None:
        self.gp.open_visit()

    def action_inside(self) -> None:
        self.gp.open_inside()

    def action_lists(self) -> None:
        self.gp.open_lists()

    def action_temperature(self) -> None:
        self.gp.open_temperature(self.feed.selected)

    def action_handover(self) -> None:
        self.gp.open_handover()

    def action_logs(self) -> None:
        self.gp.open_logs()

    def action_vehicles(self) -> None:
        self.gp.open_vehicles()

    def action_renovation(self) -> None:
        self.gp.open_renovation()

    def action_release_slips(self) -> None:
        self.gp.open_release_slips()

    def action_quarantine(self) -> None:
        self.gp.open_quarantine()

    def action_lockdown(self) -> None:
        self.gp.open_lockdown()

    def action_lock(self) -> None:
        self.gp.lock()

    def show_reminders(self, lines: list[str]) -> None:
        self.query_one(BoothHeader).reminders = tuple(lines)

    def action_cycle_filter(self) -> None:
        self.mode = FILTER_ORDER[(FILTER_ORDER.index(self.mode) + 1) % len(FILTER_ORDER)]
        self._reload()

    def action_search(self) -> None:
        box = self.query_one("#search", SafeInput)
        box.display = True
        box.value = self.search_term  # the term in force, to change or clear
        box.cursor_position = len(box.value)
        box.focus()

    @on(SafeInput.Submitted, "#search")
    def _search_done(self, event: SafeInput.Submitted) -> None:
        self.search_term = event.value.strip()
        self._close_search()
        self._reload()

    def key_escape(self) -> None:
        if self.query_one("#search").display:
            self._close_search()

    def _close_search(self) -> None:
        self.query_one("#search").display = False
        self.feed.focus()  # PgUp / PgDn / Home belong to the feed again

    def action_newest(self) -> None:
        self._reload()

    def _reload(self) -> None:
        self.generation += 1
        self.unseen = 0
        self._update_status()
        self._load_page(None, self.generation, True)

    def _load_older(self, before_id: int | None) -> None:
        self._load_page(before_id, self.generation, False)

    @work(thread=True, group="feed-page", exit_on_error=False)
    def _load_page(self, before_id: int | None, generation: int, replace: bool) -> None:
        swipes = self.gp.booth.page(before_id, self.mode, self.search_term)
        self.post_message(PageLoaded(swipes, generation, replace))

    def on_page_loaded(self, message: PageLoaded) -> None:
        if message.generation != self.generation:
            return
        if message.replace:
            self._replace(message.swipes)
        else:
            self.feed.extend_older(message.swipes)

    def _update_status(self) -> None:
        status = t(
            "feed.status",
            filter=t(f"filter.{self.mode}"),
            search=cut(self.search_term, SEARCH_SHOWN) if self.search_term else t("feed.no_search"),
        )
        if self.unseen:
            status += t("feed.status_gap") + t("feed.unseen", count=self.unseen)
        self.query_one("#status-line", Plain).show(status, layout=False)  # one line, always


def _needs_advice(swipe: Swipe) -> bool:
    """Refused, special care, or in again without an exit (the guard checks a missed exit)."""
    return (
        swipe.decision != Decision.ALLOW or swipe.special_care is not None or swipe.reason == Reason.PASSBACK
    )
