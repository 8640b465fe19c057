"""Every card read, whatever the reader, becomes a card key in one place, before the pipeline.

PC/SC and the simulator know the UID's bytes; a keyboard-wedge reader types text in the format its
setting names (``reader.wedge_format``). ``key_read`` turns either into a ``Keyed`` read (a key that
finds the card, what the reader sent, and the identity the debounce compares) or an ``Unreadable``
one (recorded as a ``bad_read`` event with what was typed and the setting to check).
"""

from __future__ import annotations

from dataclasses import dataclass

from guardpost.domain import CardRead
from guardpost.uid import UidError, UidKey, WedgeFormat, canonical_hex, normalise


@dataclass(frozen=True, slots=True)
class Keyed:
    read: CardRead
    key: UidKey
    as_read: str | None  # the reader's text, when it typed one (shown on unknown cards)

    @property
    def ident(self) -> str:
        """What "the same card" means to the debounce: the key as found, not as typed."""
        return str(self.key)


@dataclass(frozen=True, slots=True)
class Unreadable:
    read: CardRead
    typed: str
    problem: UidError

    @property
    def ident(self) -> str:
        return self.typed.strip()


Intake = Keyed | Unreadable


def key_read(read: CardRead, wedge_format: WedgeFormat) -> Intake:
    """The card key of one read. Never raises: what cannot be read is an ``Unreadable``."""
    if read.uid is not None:
        try:
            return Keyed(read, UidKey(exact=canonical_hex(read.uid)), None)
        except UidError as exc:  # a reader that handed over a malformed UID: recorded, not dropped
            return Unreadable(read, read.uid, exc)
    typed = read.typed or ""
    try:
        return Keyed(read, normalise(typed, wedge_format), typed)
    except UidError as exc:
        return Unreadable(read, typed, exc)
