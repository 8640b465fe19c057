"""The one interface every card reader implements.

A reader runs its blocking loop on a worker thread (``run``), and hands each card read and each
change of its state to callbacks; it never touches the UI. ``run`` returns when ``stop`` is set,
and never raises: a failure becomes a ``ReaderStatus`` with state ``error``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol

LaneName = Literal["in", "out"]
ReaderState = Literal["connected", "no_reader", "error", "stopped"]


@dataclass(frozen=True, slots=True)
class CardRead:
    """One card presented to a reader.

    ``uid`` is the canonical UID (raw UID bytes in read order as upper-case hex) when the reader
    knows the bytes (PC/SC, simulator); ``typed`` is the raw text a keyboard-wedge reader typed,
    still to be normalised with that reader's settings (``guardpost.uid``).
    """

    reader: str
    lane: LaneName
    uid: str | None = None
    typed: str | None = None
    read_ns: int = field(default_factory=time.monotonic_ns)


@dataclass(frozen=True, slots=True)
class ReaderStatus:
    reader: str
    state: ReaderState
    detail: str = ""  # a reason for no_reader / error, for the header and the log


OnRead = Callable[[CardRead], None]
OnStatus = Callable[[ReaderStatus], None]


class Reader(Protocol):
    name: str

    def run(self, on_read: OnRead, on_status: OnStatus, stop: threading.Event) -> None:
        """Read cards until ``stop`` is set. Blocking; call it on a worker thread."""
        ...
