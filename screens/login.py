"""The login and lock screen: the guard's code and PIN.

The booth opens on it (``booth.login``), and the screen locks to it after ``shifts.lock_idle_min``
without a key. It covers the booth screen (what residents did is not for whoever walks up), but
the booth goes on underneath: the readers decide and store every swipe, with no guard stamped
before anyone has signed in, and an alarm rings and is named here. A wrong PIN is audited by the
core and slows the next try down; the wait is counted down here.

Locked, the guard on duty unlocks with their own PIN; another guard's code and PIN sign them in
instead, and the shift that was open is closed as taken over (the report says nobody handed it
over). The PIN is checked in a worker (argon2 takes ~70 ms) and never leaves the core.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen

from guardpost.booth import BoothState
from guardpost.domain import ReaderStatus, Swipe
from guardpost.errors import GuardpostError
from guardpost.guards import GuardRow, PinRefused
from guardpost.i18n import t
from guardpost.text import printable

from . import keys
from .live import tell
from .widgets.header import BoothHeader
from .widgets.keybar import KeyBar
from .widgets.text import Plain, SafeInput

if TYPE_CHECKING:
    from .app import GuardpostApp


class LoginScreen(Screen[GuardRow]):
    """Dismissed with the guard who signed in or unlocked."""

    BINDINGS = keys.bindings(keys.LOGIN_KEYS, only=("clear",))

    def __init__(self, *, locked_by: GuardRow | None = None) -> None:
        super().__init__(id="login-screen")
        self.locked_by = locked_by
        self.checking = False
        self.wait_until = 0.0

    @property
    def gp(self) -> GuardpostApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield BoothHeader(self.gp.now, id="login-header")
        yield Plain("", id="login-alarm", classes="login-alarm")
        with Center(id="login-center"), Vertical(id="login-box", classes="box"):
            if self.locked_by is not None:
                title = t("login.locked_title", name=printable(self.locked_by.name))
            else:
                title = t("login.title")
            yield Plain(title, classes="title", id="login-title")
            yield Plain(t("login.locked_hint") if self.locked_by else t("login.hint"), id="login-hint")
            code = self.locked_by.code if self.locked_by else ""
            yield Horizontal(
                Plain(t("login.code"), classes="entry-label"),
                SafeInput(code, id="login-code", compact=True, max_length=16, select_on_focus=False),
                classes="entry-row",
            )
            yield Horizontal(
                Plain(t("login.pin"), classes="entry-label"),
                SafeInput(
                    "", id="login-pin", compact=True, max_length=8, password=True, select_on_focus=False
                ),
                classes="entry-row",
            )
            yield Plain("", id="login-error", classes="error")
            yield Plain(t("login.running"), id="login-running")
        # F5 is not offered: an alarm is acknowledged by a guard who signed in
        yield KeyBar(keys.bar(keys.LOGIN_KEYS, (keys.APP_KEYS[0], keys.APP_KEYS[2])), classes="hint")

    def on_mount(self) -> None:
        header = self.query_one(BoothHeader)
        header.state = self.gp.booth.state
        header.reader = self.gp.booth_screen.query_one(BoothHeader).reader
        self.set_focus(self.query_one("#login-pin" if self.locked_by else "#login-code", SafeInput))
        self.show_alarms(self.gp.booth_screen.alarms)
        self.set_interval(1.0, self._count_down)

    # --- what the booth tells while this screen is up ----------------------------------------------
    def show_state(self, state: BoothState) -> None:
        self.query_one(BoothHeader).state = state

    def show_reader(self, status: ReaderStatus) -> None:
        self.query_one(BoothHeader).reader = status

    def show_alarms(self, alarms: list[Swipe]) -> None:
        line = self.query_one("#login-alarm", Plain)
        if not alarms:
            line.show("")
            line.remove_class("-alarm")
            return
        a = alarms[0]
        who = printable(a.person or a.shown_number or "-")
        line.show(t("login.alarm", count=len(alarms), reason=t(f"reason.{a.reason}"), who=who))
        line.add_class("-alarm")

    # --- keys -------------------------------------------------------------------------------------
    @on(SafeInput.Submitted, "#login-code")
    def _to_pin(self, event: SafeInput.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.set_focus(self.query_one("#login-pin", SafeInput))

    @on(SafeInput.Submitted, "#login-pin")
    def _submit(self, event: SafeInput.Submitted) -> None:
        event.stop()
        code = self.query_one("#login-code", SafeInput).value.strip()
        pin = event.value
        if not code:
            self.set_focus(self.query_one("#login-code", SafeInput))
            return
        if self.checking or time.monotonic() < self.wait_until:
            return
        self.checking = True
        self.query_one("#login-error", Plain).show(t("login.checking"))
        self._check(code, pin)

    @work(thread=True, group="login", exclusive=True, exit_on_error=False)
    def _check(self, code: str, pin: str) -> None:
        booth = self.gp.booth
        try:
            same = self.locked_by is not None and code.casefold() == self.locked_by.code.casefold()
            guard = booth.unlock(code, pin) if same else booth.login(code, pin).guard
        except PinRefused as exc:
            tell(self, self._refused, exc.message(), exc.wait_s)
            return
        except GuardpostError as exc:
            tell(self, self._refused, exc.message(), 0.0)
            return
        tell(self, self.dismiss, guard)

    def _refused(self, text: str, wait_s: float) -> None:
        self.checking = False
        self.wait_until = time.monotonic() + wait_s if wait_s > 0 else 0.0  # 0: the message stays
        self.query_one("#login-error", Plain).show(text)
        pin = self.query_one("#login-pin", SafeInput)
        pin.value = ""
        self.set_focus(pin)

    def _count_down(self) -> None:
        left = self.wait_until - time.monotonic()
        if left > 0:
            self.query_one("#login-error", Plain).show(t("guards.too_soon", seconds=int(left + 0.999)))
        elif self.wait_until:
            self.wait_until = 0.0
            self.query_one("#login-error", Plain).show("")

    def action_clear(self) -> None:
        """Esc: start again, the code too (on the lock screen: another guard types their own)."""
        self.query_one("#login-pin", SafeInput).value = ""
        self.query_one("#login-code", SafeInput).value = ""
        self.query_one("#login-error", Plain).show("")
        self.set_focus(self.query_one("#login-code", SafeInput))
