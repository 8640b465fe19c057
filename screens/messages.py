"""Every message that crosses from a worker thread to the screen: small dataclasses in one place."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from guardpost.domain import ReaderStatus, Swipe


@dataclass
class ReaderChanged(Message):
    """A reader connected, lost its reader, or failed. Coalesced: only the latest matters."""

    status: ReaderStatus

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ReaderChanged) and message.status.reader == self.status.reader


@dataclass
class PageLoaded(Message):
    """A page of events for the feed (``generation`` drops pages of a filter no longer shown)."""

    swipes: list[Swipe]
    generation: int
    replace: bool
