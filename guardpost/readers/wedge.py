"""Keyboard-wedge readers: telling a reader's burst of keys from a guard's typing.

A wedge reader (or QR scanner) "types" the card number and Enter with keys a few ms apart; a
person types ~100 ms apart. The app holds each candidate key back for a moment: if a burst of
at least ``min_len`` characters with gaps under ``gap_s`` ends in Enter, it is a card read and
never reaches the focused widget; otherwise the held keys are released to it unchanged.
(PCSC.md: "8+ digits with gaps under ~30 ms" — a heuristic, so both numbers are settings.)
"""

from __future__ import annotations

import string
from dataclasses import dataclass

_CANDIDATES = frozenset(string.hexdigits + ",")


@dataclass(frozen=True, slots=True)
class WedgeVerdict:
    hold: bool  # keep the key from the focused widget for now
    read: str | None = None  # a complete card read (the typed text, without Enter)


class WedgeDetector:
    def __init__(
        self, gap_s: float = 0.030, min_len: int = 8, max_len: int = 24, hold_s: float = 0.150
    ) -> None:
        self.gap_s = gap_s
        self.hold_s = hold_s  # how long a burst without Enter is held before it is given back as typing
        self.min_len = min_len
        self.max_len = max_len
        self._buffer: list[str] = []
        self._last_ns = 0

    def feed(self, character: str | None, key: str, now_ns: int) -> WedgeVerdict:
        """One key event that arrived at ``now_ns`` (monotonic). ``hold``: keep it back (see ``expire``)."""
        gap_ok = bool(self._buffer) and now_ns - self._last_ns <= self.gap_s * 1e9
        if key == "enter" and gap_ok and len(self._buffer) >= self.min_len:
            read = "".join(self._buffer)
            self._buffer.clear()
            return WedgeVerdict(hold=True, read=read)
        if character is not None and character in _CANDIDATES and len(character) == 1:
            if self._buffer and not gap_ok:
                self._buffer.clear()  # too slow: a person typing; the caller releases the held keys
                return WedgeVerdict(hold=False)
            if len(self._buffer) >= self.max_len:
                self._buffer.clear()
                return WedgeVerdict(hold=False)
            self._buffer.append(character)
            self._last_ns = now_ns
            return WedgeVerdict(hold=True)
        self._buffer.clear()
        return WedgeVerdict(hold=False)

    def expire(self, now_ns: int) -> bool:
        """True when the held burst has gone quiet without Enter: release the held keys.

        Generous (``hold_s``, not ``gap_s``): keys still queued behind a busy UI must not be cut off.
        """
        if self._buffer and now_ns - self._last_ns > self.hold_s * 1e9:
            self._buffer.clear()
            return True
        return False
