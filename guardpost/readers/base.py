"""The one interface every card reader implements.

A reader runs its blocking loop on a thread of its own (``run``), and hands each card read and each
change of its state to callbacks; it never touches the UI. ``run`` returns when ``stop`` is set,
and never raises: a failure becomes a ``ReaderStatus`` with state ``error``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from guardpost.domain import CardRead, ReaderStatus

OnRead = Callable[[CardRead], None]
OnStatus = Callable[[ReaderStatus], None]


class Reader(Protocol):
    name: str

    def run(self, on_read: OnRead, on_status: OnStatus, stop: threading.Event) -> None:
        """Read cards until ``stop`` is set. Blocking; call it on a thread of its own."""
        ...


__all__ = ["CardRead", "OnRead", "OnStatus", "Reader", "ReaderStatus"]
