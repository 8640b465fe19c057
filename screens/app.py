"""The booth app: thin. It builds the booth screen, opens the core's ``Booth`` off its thread, passes
what the booth tells on to the screen, and passes every key through the wedge capture first.

``make_app`` is the one factory: the launcher and the tests build the App the same way.

Threads: the booth's writer calls ``swipe`` through ``call_from_thread``, which waits until the row
is on the feed (back-pressure: a rush hour cannot flood the screen's queue); the readers, the file
follower and the workers never touch a widget.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import signal
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App
from textual.worker import Worker, WorkerState

from guardpost import crash
from guardpost.access import NotSaved
from guardpost.advice import who
from guardpost.booth import Booth, BoothState, Opening
from guardpost.config import Settings
from guardpost.domain import CardRead, Lane, LockdownLevel, ReaderStatus, Said, Swipe
from guardpost.errors import GuardpostError
from guardpost.i18n import t

from . import keys
from .booth import BoothScreen
from .forms.forgot_card import ByHand, ForgotCardScreen
from .messages import ReaderChanged
from .modals.confirm import ConfirmScreen
from .modals.help import HelpScreen
from .wedge import WedgeCapture
from .widgets.text import SafeInput

if TYPE_CHECKING:
    from guardpost import shifts, visits
    from guardpost.guards import GuardRow

    from .login import LoginScreen

IDLE_CHECK_S = 15.0
REMINDER_S = 60.0


class GuardpostApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "guardpost"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = keys.bindings(keys.APP_KEYS, everywhere=True)

    def __init__(
        self,
        settings: Settings,
        booth: Booth,
        *,
        start_readers: bool = True,
        trace_path: Path | None = None,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.booth = booth
        self.start_readers = start_readers
        self.now = now
        self.booth_open = False  # the database is open, the feed filled and the writer running
        self._level_shown: tuple[LockdownLevel, bool] | None = None  # to ring when the level changes
        self.opening_error: GuardpostError | None = None
        self.crash_note: Path | None = None
        self.crash_line = ""
        self.bridge = ScreenBridge(self)
        self.wedge = WedgeCapture(self, None if booth.viewer else booth.readers.wedge, self._deliver)
        self._trace: dict[int, int] | None = {} if trace_path else None
        self._trace_path = trace_path
        self.booth_screen = BoothScreen()
        self.unsaved: dict[int, Swipe | None] = {}  # reads the file has not taken yet, by read time
        self.last_key = time.monotonic()  # for the idle lock

    # --- life -----------------------------------------------------------------------------------
    def get_default_screen(self) -> BoothScreen:
        return self.booth_screen  # the bottom of the stack: forms and questions open over it

    def on_mount(self) -> None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not on Windows / in tests
            # a shutdown (systemd stop, kill) ends the booth cleanly: writer drained, WAL checkpointed
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)
        self._open_booth()

    @work(thread=True, group="open-booth", exit_on_error=False)
    def _open_booth(self) -> None:
        """Off the screen's thread: lock the gate, open the file, start the writer, fill the feed."""
        try:
            opening = self.booth.open(self.bridge)
        except GuardpostError as exc:
            self.call_from_thread(self._cannot_open, exc)
            return
        self.call_from_thread(self._opened, opening)
        if self.start_readers:
            self.booth.start_readers()

    def _opened(self, opening: Opening) -> None:
        self.booth_screen.opened(opening.state, opening.first_page, opening.alarms)
        self._level_shown = (opening.state.level, opening.state.shut)
        self.booth_open = True
        if self.settings.shifts.login and not self.booth.viewer:
            self._push_login(None)
        self.set_interval(IDLE_CHECK_S, self._idle_check)
        self.set_interval(REMINDER_S, self._load_reminders)
        # What start-up built lives as long as the app: keep it out of the collector's full passes,
        # which otherwise pause the feed ~12 ms every second or so at rush hour (TEXTUAL.md).
        gc.freeze()

    def _cannot_open(self, exc: GuardpostError) -> None:
        self.opening_error = exc  # the launcher says why, on the terminal the booth leaves
        self.exit(return_code=exc.exit_code)

    async def on_unmount(self) -> None:
        self.bridge.closing = True
        await asyncio.to_thread(self.booth.close)  # the loop stays free for the writer's last calls
        if self._trace is not None and self._trace_path is not None:
            self._trace_path.write_text(json.dumps(self._trace))

    # --- a crash: a note, one line, status 70 ------------------------------------------------------
    def _handle_exception(self, error: Exception) -> None:
        self.crash_note = crash.write_note(error, "booth screen")
        self.crash_line = crash.one_line(error, self.crash_note)
        super()._handle_exception(error)
        self._return_code = crash.EXIT_CRASH

    def _fatal_error(self) -> None:
        """Textual would print its traceback; the details are in the crash note instead."""
        self.bell()
        self._close_messages_no_wait()

    # --- what the booth tells, on the screen's thread ------------------------------------------
    def show_swipe(self, swipe: Swipe, read_ns: int) -> None:
        if self._trace is not None and read_ns:
            self._trace[swipe.event_id] = read_ns
        if read_ns:
            self.unsaved.pop(read_ns, None)  # a held swipe, stored at last
        self.booth_screen.show_swipe(swipe)

    def show_not_saved(self, read: CardRead, error: NotSaved, waiting: int) -> None:
        new = read.read_ns not in self.unsaved
        if error.swipe is not None or new:
            self.unsaved[read.read_ns] = error.swipe
        decided = [s for s in self.unsaved.values() if s is not None]
        why = error.params.get("error")
        self.booth_screen.show_not_saved(
            waiting, why.text() if isinstance(why, Said) else str(why or ""), decided
        )
        if new:  # once a swipe, not at every retry
            self.bell()

    def show_all_saved(self) -> None:
        self.unsaved.clear()
        self.booth_screen.show_all_saved()

    def show_state(self, state: BoothState) -> None:
        before = self._level_shown
        self._level_shown = (state.level, state.shut)
        self.booth_screen.show_state(state)
        if before is not None and before != self._level_shown:
            self._level_changed(state)
        login = self._login_screen()
        if login is not None:
            login.show_state(state)

    def _level_changed(self, state: BoothState) -> None:
        """A new lockdown level rings like an alarm over whatever screen is open, and the rules of
        the new level apply from the next decision (each reads the level in force)."""
        self.bell()
        level = t(f"lockdown.{state.level}")
        if state.shut:
            level = f"{level}·{t('lockdown.shut_here')}"
        self.notify(
            t("lockdown.rang", level=level),
            title=t("header.lockdown", level=level),
            severity="error" if state.level != LockdownLevel.NORMAL else "information",
            timeout=30,
            markup=False,
        )

    def show_alarms(self, alarms: list[Swipe]) -> None:
        before = {a.event_id for a in self.booth_screen.alarms}
        fresh = [a for a in alarms if a.event_id not in before]
        self.booth_screen.show_alarms(alarms)
        login = self._login_screen()
        if login is not None:
            login.show_alarms(alarms)
        if fresh:
            self.bell()
            if self.screen is not self.booth_screen and login is None:  # a form is open over the banner
                a = fresh[0]
                self.notify(
                    t("alarm.toast", reason=t(f"reason.{a.reason}"), who=who(a)),
                    title=t("decision.alarm"),
                    severity="error",
                    timeout=15,
                    markup=False,
                )

    def on_reader_changed(self, message: ReaderChanged) -> None:
        status = message.status
        if self.booth.readers.kind == "wedge" or status.reader != self.booth.readers.wedge.name:
            self.booth_screen.show_reader(status)
            login = self._login_screen()
            if login is not None:
                login.show_reader(status)

    def show_failure(self, exc: BaseException) -> None:
        """A worker or a booth thread failed: told, with a crash note, never silent."""
        if isinstance(exc, GuardpostError):
            text = exc.message()
        else:
            text = crash.one_line(exc, crash.write_note(exc, "booth worker"))
        self.notify(text, severity="error", timeout=30, markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.show_failure(event.worker.error)

    def on_safe_input_refused(self, message: SafeInput.Refused) -> None:
        """Whatever field it was: say what was not taken, and why."""
        self.notify(t(message.key, count=message.count), severity="warning", timeout=6, markup=False)

    # --- keys ------------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self.last_key = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded and await self.wedge.key(event):
            return
        await super().on_event(event)

    async def _deliver(self, key: events.Key) -> None:
        await super().on_event(key)

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss()
            return
        from .forms.temperature import TemperatureScreen
        from .forms.visit import VisitScreen
        from .handover import HandoverScreen
        from .inside import InsideScreen
        from .lists import ListsScreen
        from .lockdown import LockdownScreen
        from .login import LoginScreen
        from .logs import LogsScreen
        from .quarantine import QuarantineScreen
        from .release_slips import ReleaseSlipScreen
        from .renovation import RenovationScreen
        from .vehicles import VehiclesScreen

        tables = {
            VehiclesScreen: keys.VEHICLE_KEYS,
            RenovationScreen: keys.RENOVATION_KEYS,
            ReleaseSlipScreen: keys.RELEASE_SLIP_KEYS,
            QuarantineScreen: keys.QUARANTINE_KEYS,
            LockdownScreen: keys.LOCKDOWN_KEYS,
            LoginScreen: keys.LOGIN_KEYS,
            HandoverScreen: keys.HANDOVER_KEYS,
            LogsScreen: keys.LOGS_KEYS,
            ListsScreen: keys.LISTS_KEYS,
            TemperatureScreen: keys.TEMPERATURE_KEYS,
            ForgotCardScreen: keys.FORGOT_KEYS,
            VisitScreen: keys.VISIT_KEYS,
            InsideScreen: keys.INSIDE_KEYS,
        }
        table = tables.get(type(screen), keys.BOOTH_KEYS)
        self.push_screen(
            HelpScreen(keys.help_rows(keys.APP_KEYS[:1], table, keys.APP_KEYS[1:], viewer=self.booth.viewer))
        )

    def action_acknowledge(self) -> None:
        if self._login_screen() is not None:
            self.notify(t("login.sign_in_first"), markup=False, timeout=4)
            return
        self.booth_screen.acknowledge()

    def action_quit_booth(self) -> None:
        if self._login_screen() is not None:
            # the booth stops recording swipes when it quits: only a guard who signed in may
            self.notify(t("login.quit_needs_sign_in"), markup=False, timeout=6)
            return
        if isinstance(self.screen, ConfirmScreen):
            if self.screen.purpose == "quit":
                return
            self.screen.dismiss(False)  # another question is open: it is answered no, and quitting asked
        pipeline = self.booth.pipeline
        waiting = pipeline.unsaved if pipeline is not None else 0
        question = t("confirm.quit_unsaved", count=waiting) if waiting else t("confirm.quit")
        self.push_screen(ConfirmScreen(question, purpose="quit"), self._quit_answered)

    def _quit_answered(self, yes: bool | None) -> None:
        if yes:
            self.booth.quitting()  # audited: the booth stopped recording, and who stopped it
            self.exit()

    async def action_quit(self) -> None:
        self.action_quit_booth()

    def action_help_quit(self) -> None:
        """Ctrl+C (Textual's "press Ctrl+Q to quit", in English only): the same question as F10."""
        self.action_quit_booth()

    def open_visit(self) -> None:
        if not self.booth_open or self.booth.viewer:
            if self.booth.viewer:
                self.notify(t("visit.viewer"), markup=False)
            return
        from .forms.visit import VisitScreen

        state = self.booth.state
        level = state.level if state else LockdownLevel.NORMAL
        self.push_screen(VisitScreen(self.booth, level))

    def open_lists(self) -> None:
        if not self.booth_open:
            return
        from .lists import ListsScreen

        self.push_screen(ListsScreen(self.booth))

    def open_inside(self) -> None:
        if not self.booth_open:
            return
        from .inside import InsideScreen

        self.push_screen(InsideScreen(self.booth))

    # --- issue 12: one key each from the booth screen (the screens are their registers' own) ---
    def open_vehicles(self) -> None:
        if not self.booth_open or self.booth.viewer:
            return
        from .vehicles import VehiclesScreen

        self.push_screen(VehiclesScreen(self.booth))

    def open_renovation(self, pass_no: str | None = None) -> None:
        if not self.booth_open or self.booth.viewer:
            return
        from .renovation import RenovationScreen

        self.push_screen(RenovationScreen(self.booth, pass_no))

    def open_release_slips(self) -> None:
        if not self.booth_open or self.booth.viewer:
            return
        from .release_slips import ReleaseSlipScreen

        self.push_screen(ReleaseSlipScreen(self.booth))

    def open_quarantine(self) -> None:
        if not self.booth_open or self.booth.viewer:
            return
        from .quarantine import QuarantineScreen

        self.push_screen(QuarantineScreen(self.booth))

    def open_lockdown(self) -> None:
        if not self.booth_open or self.booth.viewer:
            return
        from .lockdown import LockdownScreen

        self.push_screen(LockdownScreen(self.booth))

    def open_temperature(self, swipe: Swipe | None) -> None:
        if not self.booth_open or self.booth.viewer:
            return
        from .forms.temperature import TemperatureScreen

        self.push_screen(TemperatureScreen(self.booth, swipe))

    def show_pass_used(self, use: visits.PassUse) -> None:
        who = use.name or t(f"category.{use.category}")
        self.notify(
            t(f"visit.pass_scanned.{use.lane}", who=who, unit=use.unit or "-"), markup=False, timeout=8
        )

    def show_worker_pass(self, text: str) -> None:
        """A worker's pass QR scanned from any screen: the renovation screen looks it up (Enter
        then admits); one already open takes it in place of what it showed."""
        from .renovation import RenovationScreen

        if isinstance(self.screen, RenovationScreen):
            self.screen.take_pass(text)
        else:
            self.open_renovation(text)

    def show_checkpoint(self, code: str | None, refusal: GuardpostError | None) -> None:
        """A checkpoint's QR or tag scanned: ticked on the open round (the logs screen shows it)."""
        from .logs import LogsScreen

        if refusal is not None:
            self.bell()
            self.notify(refusal.message(), markup=False, severity="warning", timeout=8)
            return
        self.notify(t("logs.scanned", checkpoint=code or "-"), markup=False, timeout=5)
        if isinstance(self.screen, LogsScreen):
            self.screen.reload()

    def show_pass_refused(self, refusal: GuardpostError, lane: Lane) -> None:
        self.bell()
        self.notify(
            t("visit.pass_scan_refused", why=refusal.message()), markup=False, severity="error", timeout=12
        )

    # --- sign-in, the lock, the handover and the logs ----------------------------------------------
    def _login_screen(self) -> LoginScreen | None:
        from .login import LoginScreen

        return next((s for s in self.screen_stack if isinstance(s, LoginScreen)), None)

    def _push_login(self, locked_by: GuardRow | None) -> None:
        from .login import LoginScreen

        if self._login_screen() is None:
            self.push_screen(LoginScreen(locked_by=locked_by), self._signed_in)

    def _signed_in(self, guard: GuardRow | None) -> None:
        self.last_key = time.monotonic()
        self._load_reminders()

    def lock(self) -> None:
        """Ctrl+L, or ``shifts.lock_idle_min`` without a key: the lock screen, the booth running on."""
        if not self.booth_open or self.booth.viewer or not self.settings.shifts.login:
            return
        self._lock_worker()

    @work(thread=True, group="lock", exclusive=True, exit_on_error=False)
    def _lock_worker(self) -> None:
        guard = self.booth.guard_row()
        self.call_from_thread(self._push_login, guard)

    def _idle_check(self) -> None:
        limit = self.settings.shifts.lock_idle_min
        if limit and self._login_screen() is None and time.monotonic() - self.last_key > limit * 60:
            self.lock()

    def refresh_reminders(self) -> None:
        """Read the header's reminders again now (a round was started or ended)."""
        self._load_reminders()

    @work(thread=True, group="reminders", exclusive=True, exit_on_error=False)
    def _load_reminders(self) -> None:
        if not self.booth_open:
            return
        lines = [r.text() for r in self.booth.reminders()]
        self.call_from_thread(self.booth_screen.show_reminders, lines)

    def open_handover(self) -> None:
        if not self.booth_open or self.booth.viewer:
            return
        self._open_handover()

    @work(thread=True, group="handover-open", exclusive=True, exit_on_error=False)
    def _open_handover(self) -> None:
        from .handover import HandoverScreen

        summary, text = HandoverScreen.load(self.booth)
        self.call_from_thread(self.push_screen, HandoverScreen(self.booth, summary, text), self._handed_over)

    def _handed_over(self, done: shifts.Login | None) -> None:
        if done is not None:
            self.notify(
                t("handover.done", name=done.guard.name, shift=done.shift.id), markup=False, timeout=10
            )
            self._load_reminders()

    def open_logs(self) -> None:
        if not self.booth_open or self.booth.viewer:
            return
        from .logs import LogsScreen

        self.push_screen(LogsScreen(self.booth))

    def open_forgot_card(self) -> None:
        if not self.booth_open or self.booth.viewer:
            if self.booth.viewer:
                self.notify(t("forgot.viewer"), markup=False)
            return

        def chosen(choice: ByHand | None) -> None:
            if choice is not None:
                self.booth.admit_by_hand(choice.person_id, choice.lane)

        self.push_screen(ForgotCardScreen(self.booth), chosen)


class ScreenBridge:
    """The booth's listener: hands what its threads say to the screen's thread."""

    def __init__(self, app: GuardpostApp) -> None:
        self.app = app
        self.closing = False

    def _ui(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if self.closing:
            return  # the app is closing: the event is stored, not shown
        try:
            self.app.call_from_thread(callback, *args, **kwargs)
        except RuntimeError:
            pass  # the app is not running (any more)
        except Exception as exc:  # a screen that failed to show it must not stop the writer
            crash.write_note(exc, "showing a booth event")

    def swipe(self, swipe: Swipe, read_ns: int) -> None:
        self._ui(self.app.show_swipe, swipe, read_ns)

    def pass_used(self, use: visits.PassUse) -> None:
        self._ui(self.app.show_pass_used, use)

    def pass_refused(self, refusal: GuardpostError, lane: Lane) -> None:
        self._ui(self.app.show_pass_refused, refusal, lane)

    def checkpoint(self, code: str | None, refusal: GuardpostError | None) -> None:
        self._ui(self.app.show_checkpoint, code, refusal)

    def worker_pass(self, text: str) -> None:
        # told by the wedge reader, which the screen's own key handling feeds: on the UI thread
        if not self.closing:
            self.app.call_later(self.app.show_worker_pass, text)

    def not_saved(self, read: CardRead, error: NotSaved, waiting: int) -> None:
        self._ui(self.app.show_not_saved, read, error, waiting)

    def all_saved(self, stored: int) -> None:
        self._ui(self.app.show_all_saved)
        self._ui(self.app.notify, t("feed.all_saved", count=stored), markup=False, timeout=8)

    def alarms(self, open_alarms: list[Swipe]) -> None:
        self._ui(self.app.show_alarms, open_alarms)

    def acknowledged(self, alarm: Swipe) -> None:
        self._ui(self.app.booth_screen.acknowledged, alarm)

    def acknowledge_failed(self, alarm: Swipe, error: str) -> None:
        self._ui(self.app.booth_screen.acknowledge_failed, alarm, error)

    def state(self, state: BoothState) -> None:
        self._ui(self.app.show_state, state)

    def reader(self, status: ReaderStatus) -> None:
        if not self.closing:
            self.app.post_message(ReaderChanged(status))

    def failed(self, exc: BaseException) -> None:
        self._ui(self.app.show_failure, exc)


def make_app(
    settings: Settings,
    *,
    viewer: bool = False,
    start_readers: bool = True,
    trace_path: Path | None = None,
    now: Callable[[], datetime] = datetime.now,
) -> GuardpostApp:
    """The one way to build the booth app (the launcher and the tests)."""
    booth = Booth(settings, viewer=viewer, now=now)
    return GuardpostApp(settings, booth, start_readers=start_readers, trace_path=trace_path, now=now)
