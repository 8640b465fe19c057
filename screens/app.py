"""The booth app: the header strip, the live feed, the alarm banner and the function keys.

Threads: each reader runs in a thread worker and hands reads to the ``SwipePipeline`` (the single
writer); the pipeline commits each swipe and only then shows it, through ``call_from_thread``
(which waits until the row is in the feed: a rush hour cannot flood the UI's queue).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from guardpost import events
from guardpost.access import NotSaved, Swipe
from guardpost.config import Settings
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.pipeline import SwipePipeline
from guardpost.readers.base import CardRead, LaneName, Reader, ReaderStatus
from guardpost.readers.wedge import WedgeDetector
from guardpost.uid import WedgeFormat
from screens.confirm import ConfirmScreen
from screens.feed import FeedView, header_text
from screens.header import BoothHeader
from screens.help import HelpScreen
from screens.messages import OlderLoaded, ReaderChanged

# key, action, catalogue key of the footer label. The footer and F1 help both come from here.
KEYS: tuple[tuple[str, str, str], ...] = (
    ("f1", "help", "keys.help"),
    ("f2", "forgot_card", "keys.forgot_card"),
    ("f3", "cycle_filter", "keys.filter"),
    ("f4", "search", "keys.search"),
    ("f5", "acknowledge", "keys.acknowledge"),
    ("home", "newest", "keys.newest"),
    ("f10", "quit_booth", "keys.quit"),
)
FILTER_ORDER = ("all", "refused", "alarms")


def key_bindings() -> BindingsMap:
    return BindingsMap(
        [
            Binding(key, action, t(label), key_display=key.upper() if key.startswith("f") else None)
            for key, action, label in KEYS
        ]
    )


class GuardpostApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "guardpost"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        settings: Settings,
        reader: Reader | None = None,
        *,
        start_readers: bool = True,
        trace_path: Path | None = None,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self._bindings = key_bindings()
        self.settings = settings
        self.reader = reader
        self.start_readers = start_readers
        self.mode_filter = "all"
        self.search_term = ""
        self.generation = 0
        self.alarms: list[Swipe] = []
        self.pipeline: SwipePipeline | None = None
        self.booth_open = False  # the database is open, the feed filled and the writer running
        self.unseen = 0  # swipes since the guard scrolled away or filtered them out
        self._stop_readers = threading.Event()
        self.wedge = WedgeDetector()
        self._held_keys: list[Any] = []
        self._trace: dict[int, int] | None = {} if trace_path else None
        self._trace_path = trace_path
        self.now = now  # the clock (tests pin it)

    # --- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield BoothHeader(self.now, id="booth-header")
        yield Static("", id="alarm-banner")
        yield Static("", id="not-saved")
        yield Static(header_text(), id="feed-columns")
        yield FeedView(self._load_older, id="feed")
        yield Input(placeholder=t("feed.search_placeholder"), id="search")
        yield Static("", id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        header = self.query_one(BoothHeader)
        header.compound = str(self.settings["compound.name"])
        header.gate = self.settings.gate
        header.reader = "no_reader" if self.reader is not None else "wedge"
        self._update_status()
        self.query_one(FeedView).focus()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not on Windows / in tests
            # a shutdown (systemd stop, kill) ends the booth cleanly: writer drained, WAL checkpointed
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)
        self._open_booth()

    @work(thread=True, group="open-booth", exit_on_error=False)
    def _open_booth(self) -> None:
        """Off the UI thread: open the database, start the writer and the readers, fill the feed."""
        from guardpost.storage import connect

        conn = connect(self.settings.db_path)
        try:
            gate = conn.execute(
                "SELECT name_zh, name_en FROM gate WHERE id = ?", (self.settings.gate,)
            ).fetchone()
            level = conn.execute("SELECT level FROM lockdown ORDER BY id DESC LIMIT 1").fetchone()
            guard = conn.execute(
                "SELECT g.name FROM shift s JOIN guard g ON g.id = s.guard_id"
                " WHERE s.gate_id = ? AND s.ended_at IS NULL ORDER BY s.id DESC LIMIT 1",
                (self.settings.gate,),
            ).fetchone()
            first = events.page(conn, limit=200)
            alarms = events.open_alarms(conn, self.now() - timedelta(hours=24))
        finally:
            conn.close()
        pipeline = SwipePipeline(
            self.settings.db_path,
            self.settings.gate,
            self._on_swipe,
            self._on_not_saved,
            debounce_ms=int(self.settings["reader.debounce_ms"]),
            wedge_format=WedgeFormat.parse(str(self.settings["reader.wedge_format"])),
            on_error=self._on_error,
        )
        pipeline.start()
        self.pipeline = pipeline
        self.call_from_thread(
            self._booth_ready, gate, level[0] if level else "normal", guard[0] if guard else "", first, alarms
        )
        if self.start_readers and self.reader is not None:
            self._run_reader(self.reader)

    def _booth_ready(
        self, gate: tuple[str, str] | None, level: str, guard: str, first: list[Swipe], alarms: list[Swipe]
    ) -> None:
        header = self.query_one(BoothHeader)
        if gate:
            header.gate = gate[0] if t("lang.code") == "zh-CN" else gate[1]
        header.lockdown = level
        header.guard = guard
        self.query_one(FeedView).replace(first)
        self.alarms = alarms
        self._show_banner()
        self.booth_open = True
        # What start-up built lives as long as the app: keep it out of the collector's full passes,
        # which otherwise pause the feed ~12 ms every second or so at rush hour (TEXTUAL.md).
        gc.freeze()

    def _run_reader(self, reader: Reader) -> None:
        def on_read(read: CardRead) -> None:
            if self.pipeline is not None:
                self.pipeline.submit(read)

        def on_status(status: ReaderStatus) -> None:
            self.post_message(ReaderChanged(status))

        reader.run(on_read, on_status, self._stop_readers)

    # --- from the writer thread ---------------------------------------------------------------
    def _to_ui(self, callback: Any, *args: Any, **kwargs: Any) -> None:
        """Run ``callback`` on the UI thread and wait for it (back-pressure for the writer thread)."""
        with contextlib.suppress(RuntimeError):  # the app is closing: the event is stored, not shown
            self.call_from_thread(callback, *args, **kwargs)

    def _on_swipe(self, swipe: Swipe, read_ns: int) -> None:
        if self._trace is not None and read_ns:
            self._trace[swipe.event_id] = read_ns
        self._to_ui(self.show_swipe, swipe)

    def _on_not_saved(self, read: CardRead, error: NotSaved, waiting: int) -> None:
        self._to_ui(self._show_not_saved, read, error, waiting)

    def _on_error(self, exc: BaseException) -> None:
        self._to_ui(self.notify, str(exc), severity="error")

    # --- on the UI thread ---------------------------------------------------------------------
    def show_swipe(self, swipe: Swipe) -> None:
        feed = self.query_one(FeedView)
        if events.matches(swipe, self.mode_filter, self.search_term):
            feed.add(swipe)
            if feed.scroll_y > 0:  # the guard is reading older rows: tell them something new came
                self.unseen += 1
                self._update_status()
        if swipe.decision == "alarm":
            self.alarms.insert(0, swipe)
            self.bell()
            self._show_banner()
            if self.screen is not self.screen_stack[0]:  # a form is open over the banner
                who = " ".join(x for x in (swipe.person, swipe.unit) if x) or (swipe.uid or "-")
                self.notify(
                    f"{t('reason.' + swipe.reason)}: {who}",
                    title=t("decision.alarm"),
                    severity="error",
                    timeout=15,
                )
        if self.pipeline is not None and self.pipeline.unsaved == 0:
            not_saved = self.query_one("#not-saved")
            if not_saved.display:
                not_saved.display = False

    def _show_not_saved(self, read: CardRead, error: NotSaved, waiting: int) -> None:
        banner = self.query_one("#not-saved", Static)
        banner.update(t("feed.not_saved_banner", count=waiting, error=error.params.get("error", "")))
        banner.display = True
        self.bell()

    def _show_banner(self) -> None:
        banner = self.query_one("#alarm-banner", Static)
        if not self.alarms:
            banner.display = False
            return
        a = self.alarms[0]
        who = " ".join(x for x in (a.person, a.unit) if x) or (a.uid or "-")
        more = t("alarm.more", count=len(self.alarms) - 1) if len(self.alarms) > 1 else ""
        banner.update(
            t(
                "alarm.banner",
                time=a.at.strftime("%H:%M:%S"),
                lane=t(f"lane.{a.lane}"),
                reason=t(f"reason.{a.reason}"),
                who=who,
                hint=t(f"hint.{a.reason}"),
                more=more,
            )
        )
        banner.display = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker (the database went away, a reader crashed) is told, never silent."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            text = (
                error.message() if isinstance(error, GuardpostError) else f"{type(error).__name__}: {error}"
            )
            self.log.error(text)
            self.notify(text, severity="error", timeout=30)

    def on_reader_changed(self, message: ReaderChanged) -> None:
        header = self.query_one(BoothHeader)
        header.reader = message.status.state
        header.reader_detail = message.status.detail

    def _update_status(self) -> None:
        status = t(
            "feed.status",
            filter=t(f"filter.{self.mode_filter}"),
            search=self.search_term or t("feed.no_search"),
        )
        if self.unseen:
            status += "　" + t("feed.unseen", count=self.unseen)
        self.query_one("#status-line", Static).update(status)

    # --- actions --------------------------------------------------------------------------------
    def action_help(self) -> None:
        keys = [(k.upper() if k.startswith("f") else k.title(), t(label)) for k, _, label in KEYS]
        keys += [("PgUp PgDn", t("keys.scroll")), ("End", t("keys.oldest"))]
        self.push_screen(HelpScreen(keys))

    def action_cycle_filter(self) -> None:
        self.mode_filter = FILTER_ORDER[(FILTER_ORDER.index(self.mode_filter) + 1) % len(FILTER_ORDER)]
        self._reload()

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.value = ""  # the current search is on the status line; empty Enter shows everything
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.search_term = event.value.strip()
            event.input.display = False
            self.query_one(FeedView).focus()
            self._reload()

    def action_newest(self) -> None:
        self._reload()

    def action_acknowledge(self) -> None:
        if not self.alarms or self.pipeline is None:
            self.notify(t("alarm.none"))
            return
        alarm = self.alarms.pop(0)
        # who: the guard signed in ("" until guard sign-in exists), never the UI's "nobody" text
        self.pipeline.acknowledge(alarm.event_id, None, self.query_one(BoothHeader).guard)
        self._show_banner()

    def action_forgot_card(self) -> None:
        from screens.forgot_card import ForgotCardScreen

        if self.pipeline is None:
            return
        pipeline = self.pipeline
        self.push_screen(
            ForgotCardScreen(self.settings.db_path),
            lambda chosen: pipeline.admit_by_hand(*chosen) if chosen else None,
        )

    def action_quit_booth(self) -> None:
        self.push_screen(ConfirmScreen(t("confirm.quit")), lambda yes: self.exit() if yes else None)

    def _reload(self) -> None:
        self.generation += 1
        self.unseen = 0
        self._update_status()
        self._load_page(None, self.generation, True)

    def _load_older(self, before_id: int | None) -> None:
        self._load_page(before_id, self.generation, False)

    @work(thread=True, group="feed-page", exit_on_error=False)
    def _load_page(self, before_id: int | None, generation: int, replace: bool) -> None:
        from guardpost.storage import connect

        conn = connect(self.settings.db_path)
        try:
            swipes = events.page(conn, before_id=before_id, mode=self.mode_filter, search=self.search_term)
        finally:
            conn.close()
        self.post_message(OlderLoaded(swipes, generation, replace))

    def on_older_loaded(self, message: OlderLoaded) -> None:
        if message.generation != self.generation:
            return
        feed = self.query_one(FeedView)
        if message.replace:
            feed.replace(message.swipes)
        else:
            feed.extend_older(message.swipes)

    # --- keyboard-wedge readers -----------------------------------------------------------------
    async def on_event(self, event: Any) -> None:
        from textual import events as tev

        if (
            isinstance(event, tev.Key)
            and not event.is_forwarded
            and not isinstance(self.screen, ConfirmScreen)
        ):
            # the key's arrival time (stamped by the input thread), not when the UI got round to it:
            # a busy UI must not split a reader's burst into "typing"
            verdict = self.wedge.feed(event.character, event.key, int(event.time * 1e9))
            if verdict.hold:
                self._held_keys.append(event)
                self.set_timer(self.wedge.hold_s, self._flush_wedge)
                if verdict.read is not None:
                    self._held_keys.clear()
                    if self.pipeline is not None:
                        lane: LaneName = "out" if self.settings["reader.wedge_lane"] == "out" else "in"
                        self.pipeline.submit(CardRead(reader="wedge", lane=lane, typed=verdict.read))
                return
            await self._release_held()
        await super().on_event(event)

    async def _flush_wedge(self) -> None:
        if self.wedge.expire(time.monotonic_ns()):
            await self._release_held()

    async def _release_held(self) -> None:
        held, self._held_keys = self._held_keys, []
        for key in held:
            await super().on_event(key)

    async def action_quit(self) -> None:
        self.action_quit_booth()

    def on_unmount(self) -> None:
        self._stop_readers.set()
        if self.pipeline is not None:
            self.pipeline.stop()
        if self._trace is not None and self._trace_path is not None:
            self._trace_path.write_text(json.dumps(self._trace))


def reader_for(settings: Settings) -> Reader | None:
    """The reader thread for ``reader.kind``; None for wedge only (the keyboard is always listened to).

    ``auto`` is PC/SC when pyscard is installed, else keyboard wedge only.
    """
    kind = str(settings["reader.kind"])
    if kind == "sim":
        from guardpost.readers.sim import SimReader

        return SimReader(settings.db_path, settings.gate, float(settings["reader.sim_rate_per_min"]))
    if kind == "auto":
        import importlib.util

        kind = "pcsc" if importlib.util.find_spec("smartcard") is not None else "wedge"
    if kind == "pcsc":
        from guardpost.readers.pcsc import PcscReader

        lanes: dict[str, LaneName] = {}
        if "reader.pcsc_in" in settings.values:
            lanes[str(settings.values["reader.pcsc_in"])] = "in"
        if "reader.pcsc_out" in settings.values:
            lanes[str(settings.values["reader.pcsc_out"])] = "out"
        return PcscReader(lanes or None, retap_gap_ms=int(settings["reader.debounce_ms"]))
    return None


def run_app(settings: Settings) -> None:
    from guardpost.access import Gatekeeper
    from guardpost.storage import connect

    conn = connect(settings.db_path)  # refuse a bad file or an unknown gate before the screen opens
    try:
        Gatekeeper(conn, settings.gate)
    finally:
        conn.close()
    # A read crosses three threads (reader, writer, UI) before it is painted; with the default
    # 5 ms GIL switch interval each hand-over can wait that long behind a busy thread.
    sys.setswitchinterval(0.0005)
    trace = os.environ.get("GUARDPOST_TRACE")
    GuardpostApp(settings, reader_for(settings), trace_path=Path(trace) if trace else None).run()
