"""Keyboard-wedge capture: every key passes through the core's ``WedgeReader`` before any widget.

A key that could start a reader's burst is held back; the reader says when held keys are typing
(given back to the focused widget, in order, unchanged) and when they were a card (consumed: the
booth decides it). This runs ahead of every screen, forms and questions included, so a field never
loses what the guard typed, and a card never stays in a field.

Optimistic echo: when a text field has the focus, the first ``ECHO_KEYS`` keys of a run are shown
in it at once instead of after the hold (up to 90 ms a key), so the host completion answers as the
guard types. Should the run turn out to be a card, the field is put back as it was before the run
(its value and cursor), in the field's own queue after the keys it was given; what the guard typed
before the run is never touched. A longer run is held as before (a person does not type seven
keys 30 ms apart; a reader does, and a scanned pass would only fill and empty the field).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from textual import events
from textual.app import App
from textual.widgets import Input

from guardpost.readers.wedge import WedgeReader

Deliver = Callable[[events.Key], Awaitable[None]]

ECHO_KEYS = 6


@dataclass
class _Held:
    key: events.Key
    echoed: bool  # already given to the focused field (optimistic echo)


@dataclass
class _Before:
    """The focused field as it was before the run's first echoed key."""

    field: Input
    value: str = ""
    cursor: int = 0
    taken: bool = False


class WedgeCapture:
    def __init__(self, app: App[None], reader: WedgeReader | None, deliver: Deliver) -> None:
        self.app = app
        self.reader = reader
        self.deliver = deliver
        self.held: list[_Held] = []
        self._before: _Before | None = None

    async def key(self, event: events.Key) -> bool:
        """True when the key was taken (held or consumed); False: deliver it as usual."""
        if self.reader is None:
            return False
        # the key's arrival time, stamped by the input thread, not when the screen got round to it:
        # a busy screen must not split a reader's burst into "typing"
        verdict = self.reader.key(event.character, event.key, int(event.time * 1e9))
        if verdict.read is not None:
            self._undo_echo()
            self.held.clear()
            return True
        await self._release(verdict.release)
        if verdict.hold:
            echo = self._echo_into() if len(self.held) < ECHO_KEYS else None
            self.held.append(_Held(event, echoed=echo is not None))
            if echo is not None:
                await self.deliver(event)
            self.app.set_timer(self.reader.hold_s + 0.01, self._expire)
            return True
        return False

    def _echo_into(self) -> Input | None:
        """The field to echo the key in now (None: hold it). The first echoed key of a run notes the
        field as it was, in the field's own queue (after any keys it still has to take)."""
        focused = self.app.focused
        if not isinstance(focused, Input):
            return None
        before = self._before
        if before is not None and before.field is not focused:
            return None  # the focus moved during the run: hold the rest
        if before is None:
            noted = self._before = _Before(focused)

            def note() -> None:
                noted.value, noted.cursor, noted.taken = focused.value, focused.cursor_position, True

            focused.call_later(note)
        return focused

    def _undo_echo(self) -> None:
        """The run was a card: its keys leave the field (after the field has taken them)."""
        before, self._before = self._before, None
        if before is None or not any(h.echoed for h in self.held):
            return
        field = before.field

        def restore() -> None:
            if before.taken and field.is_mounted:
                field.value = before.value
                field.cursor_position = before.cursor

        field.call_later(restore)

    async def _expire(self) -> None:
        if self.reader is not None:
            await self._release(self.reader.expire(time.monotonic_ns()))

    async def _release(self, count: int) -> None:
        """The oldest ``count`` held keys were typing: give them to the focused widget (those
        echoed already are there)."""
        if count <= 0:
            return
        keys, self.held = self.held[:count], self.held[count:]
        if not self.held:
            self._before = None  # the run is over: the next one notes the field again
        for held in keys:
            if not held.echoed:
                await self.deliver(held.key)
