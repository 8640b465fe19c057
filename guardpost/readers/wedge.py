"""Keyboard-wedge readers: telling a reader's burst of keys from a guard's typing.

A wedge reader (or QR scanner) "types" the card number and Enter with keys a few ms apart; a person
types ~100 ms or more apart, and never eight keys in a row at reader speed. The screen holds back
every key that could start a burst (printable ASCII) and asks the detector about each one:

- a burst is at least ``min_len`` characters (printable ASCII; spaces too, after the first)
  ending in Enter whose keys came on average no more than
  ``gap_s`` apart and never more than ``max_gap_s`` apart. The average, not each gap, decides: under
  load the terminal's bytes reach the program in chunks, so one gap inside a burst can be tens of
  ms (the hardening issue lost 2 swipes in 25 to a 30 ms limit per gap);
- a key after a longer pause starts a new candidate burst; the keys held before it are given back
  to the focused widget unchanged, as typing. Likewise keys that go quiet for ``hold_s`` without an
  Enter, any key that cannot be part of a card number, and an Enter that ends no burst;
- a key typed less than ``max_gap_s`` before a burst joins it (the read then records what was
  typed, digit included): at reader speed nothing tells it apart from a burst split by the system.

A burst that looks like a reader is always a read, whatever its text: the pipeline decides it, or
records it as an unreadable card number (``bad_read``) with what was typed. It never reaches a form.

The timing rules are a heuristic, so every number is a setting-like attribute (PCSC.md: "8+
characters with gaps under ~30 ms").
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from guardpost.domain import CardRead, Lane, ReaderState, ReaderStatus, Said, Source
from guardpost.readers.base import OnRead, OnStatus

PASS_PREFIX = "GP1."  # guardpost.passes.PREFIX: what a scanner types for a visitor pass
CHECKPOINT_PREFIX = "GPC1."  # a patrol checkpoint's QR (``GPC1.P1``): ticks it on the open round
WORKER_PASS_PREFIX = "GPW1."  # guardpost.renovation.QR_PREFIX: a renovation worker's pass


def is_candidate(character: str | None) -> bool:
    """Could this key be part of what a reader types? (Printable ASCII, no space.)"""
    return character is not None and len(character) == 1 and "!" <= character <= "~"


@dataclass(frozen=True, slots=True)
class WedgeVerdict:
    """What to do with the key just fed, and with the keys held before it.

    ``release``: give back this many of the oldest held keys to the focused widget, in order, now.
    ``hold``: keep the key just fed (else it goes to the widget after the released ones).
    ``read``: a complete card read (the typed text, without Enter); the held keys that made it are
    consumed (they never reach a widget).
    """

    hold: bool
    release: int = 0
    read: str | None = None


class WedgeDetector:
    def __init__(
        self,
        gap_s: float = 0.030,
        max_gap_s: float = 0.090,
        min_len: int = 8,
        max_len: int = 160,
        hold_s: float = 0.120,
    ) -> None:
        self.gap_s = gap_s
        self.max_gap_s = max_gap_s
        self.min_len = min_len
        self.max_len = max_len  # a QR pass token is ~100 characters
        self.hold_s = hold_s  # quiet this long without Enter: the held keys were typing
        self._chars: list[str] = []
        self._times: list[int] = []

    @property
    def held(self) -> int:
        return len(self._chars)

    def _give_back(self, hold: bool) -> WedgeVerdict:
        count = len(self._chars)
        self._chars.clear()
        self._times.clear()
        return WedgeVerdict(hold=hold, release=count)

    def feed(self, character: str | None, key: str, now_ns: int) -> WedgeVerdict:
        """One key event that arrived at ``now_ns`` (monotonic ns)."""
        if key == "enter":
            text = self._burst(now_ns)
            if text is None:
                return self._give_back(hold=False)
            self._chars.clear()
            self._times.clear()
            return WedgeVerdict(hold=True, read=text)
        inside = character == " " and bool(self._chars)  # "DF EE FA A0": a reader may space the bytes
        if not (is_candidate(character) or inside):
            return self._give_back(hold=False)
        assert character is not None
        if self._times and now_ns - self._times[-1] > self.max_gap_s * 1e9:
            verdict = self._give_back(hold=True)  # a pause: what came before was typing
        elif len(self._chars) >= self.max_len:
            return self._give_back(hold=False)
        else:
            verdict = WedgeVerdict(hold=True)
        self._chars.append(character)
        self._times.append(now_ns)
        return verdict

    def _burst(self, enter_ns: int) -> str | None:
        """The read, if the held keys and this Enter are a reader's burst."""
        times = [*self._times, enter_ns]
        chars = self._chars
        short = len(chars) < self.min_len and "".join(chars[:5]).upper() != CHECKPOINT_PREFIX
        if short or enter_ns - times[-2] > self.max_gap_s * 1e9:  # a checkpoint's code may be short
            return None
        if (times[-1] - times[0]) / len(chars) > self.gap_s * 1e9:
            return None
        return "".join(chars)

    def expire(self, now_ns: int) -> int:
        """How many held keys to give back because they went quiet without Enter (0: keep waiting).

        Generous (``hold_s``): keys still queued behind a busy screen must not be cut off.
        """
        if self._times and now_ns - self._times[-1] > self.hold_s * 1e9:
            return self._give_back(hold=False).release
        return 0


class WedgeReader:
    """The keyboard itself as a reader: the screen feeds it every key (``key``), it tells the screen
    which keys to hold back or give back, and hands each burst to the booth as a ``CardRead`` at the
    configured lane (``reader.wedge_lane``)."""

    def __init__(self, lane: Lane, detector: WedgeDetector | None = None) -> None:
        self.name = Source.WEDGE.value
        self.lane = lane
        self.detector = detector or WedgeDetector()
        self._on_read: OnRead | None = None
        # a scanned visitor pass (``GP1.`` ...) goes here, not to the card path (``Booth`` sets it)
        self.on_pass: Callable[[str, Lane], None] | None = None
        # a scanned patrol checkpoint (``GPC1.`` ...): the patrol round, not the card path either
        self.on_checkpoint: Callable[[str], None] | None = None
        # a scanned renovation worker's pass (``GPW1.`` ...): the renovation screen, with the pass
        self.on_worker_pass: Callable[[str], None] | None = None
        self._lock = threading.Lock()

    @property
    def hold_s(self) -> float:
        return self.detector.hold_s

    def key(self, character: str | None, key: str, at_ns: int) -> WedgeVerdict:
        """Called by the screen for every key, with the time the key arrived (monotonic ns)."""
        with self._lock:
            verdict = self.detector.feed(character, key, at_ns)
            on_read = self._on_read
        if verdict.read is not None:
            on_pass, on_checkpoint = self.on_pass, self.on_checkpoint
            scanned = verdict.read.upper()
            if on_pass is not None and scanned.startswith(PASS_PREFIX):
                on_pass(verdict.read, self.lane)
            elif on_checkpoint is not None and scanned.startswith(CHECKPOINT_PREFIX):
                on_checkpoint(verdict.read)
            elif self.on_worker_pass is not None and scanned.startswith(WORKER_PASS_PREFIX):
                self.on_worker_pass(verdict.read)
            elif on_read is not None:
                on_read(CardRead(reader=self.name, lane=self.lane, typed=verdict.read, read_ns=at_ns))
        return verdict

    def expire(self, now_ns: int) -> int:
        with self._lock:
            return self.detector.expire(now_ns)

    def run(self, on_read: OnRead, on_status: OnStatus, stop: threading.Event) -> None:
        """Listen until ``stop``: the reads come from the keys the screen feeds in."""
        with self._lock:
            self._on_read = on_read
        on_status(ReaderStatus(self.name, ReaderState.CONNECTED, Said("readers.wedge.listening")))
        stop.wait()
        with self._lock:
            self._on_read = None
        on_status(ReaderStatus(self.name, ReaderState.STOPPED))
