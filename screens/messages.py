"""Every message that crosses from a worker thread to the UI: small dataclasses in one place."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from guardpost.access import Swipe
from guardpost.readers.base import ReaderStatus


@dataclass
class ReaderChanged(Message):
    """A reader connected, lost its reader, or failed. Coalesced: only the latest matters."""

    status: ReaderStatus

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ReaderChanged) and message.status.reader == self.status.reader


@dataclass
class OlderLoaded(Message):
    """A page of older events for the feed's scrollback (``generation`` drops stale pages)."""

    swipes: list[Swipe]
    generation: int
    replace: bool
