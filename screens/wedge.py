"""Keyboard-wedge capture: every key passes through the core's ``WedgeReader`` before any widget.

A key that could start a reader's burst is held back; the reader says when held keys are typing
(given back to the focused widget, in order, unchanged) and when they were a card (consumed: the
booth decides it). This runs ahead of every screen, forms and questions included, so a card is never
typed into a field, and a field never loses what the guard typed.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from textual import events
from textual.app import App

from guardpost.readers.wedge import WedgeReader

Deliver = Callable[[events.Key], Awaitable[None]]


class WedgeCapture:
    def __init__(self, app: App[None], reader: WedgeReader | None, deliver: Deliver) -> None:
        self.app = app
        self.reader = reader
        self.deliver = deliver
        self.held: list[events.Key] = []

    async def key(self, event: events.Key) -> bool:
        """True when the key was taken (held or consumed); False: deliver it as usual."""
        if self.reader is None:
            return False
        # the key's arrival time, stamped by the input thread, not when the screen got round to it:
        # a busy screen must not split a reader's burst into "typing"
        verdict = self.reader.key(event.character, event.key, int(event.time * 1e9))
        if verdict.read is not None:
            self.held.clear()
            return True
        await self._release(verdict.release)
        if verdict.hold:
            self.held.append(event)
            self.app.set_timer(self.reader.hold_s + 0.01, self._expire)
            return True
        return False

    async def _expire(self) -> None:
        if self.reader is not None:
            await self._release(self.reader.expire(time.monotonic_ns()))

    async def _release(self, count: int) -> None:
        if count <= 0:
            return
        keys, self.held = self.held[:count], self.held[count:]
        for key in keys:
            await self.deliver(key)
