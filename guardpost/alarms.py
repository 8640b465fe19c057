"""The alarms the guard has not acknowledged yet (lost and blacklisted cards, blacklisted people).

One board per booth, fed by this booth's writer and by what other processes write to the file, and
emptied only by stored acknowledgements (this booth's or another's). Thread-safe: the writer, the
file follower and the screen all touch it.
"""

from __future__ import annotations

import threading

from guardpost.domain import Decision, Swipe


class AlarmBoard:
    def __init__(self, alarms: list[Swipe] | None = None) -> None:
        self._lock = threading.Lock()
        self._open: dict[int, Swipe] = {}
        self._pending: set[int] = set()  # acknowledgements sent to the writer, not yet stored
        for alarm in alarms or []:
            self._open[alarm.event_id] = alarm

    def add(self, swipe: Swipe) -> bool:
        """A new alarm event; False when it is not an alarm or is on the board already."""
        if swipe.decision != Decision.ALARM:
            return False
        with self._lock:
            if swipe.event_id in self._open:
                return False
            self._open[swipe.event_id] = swipe
            return True

    def open(self) -> list[Swipe]:
        """The open alarms, newest first (the banner shows the first)."""
        with self._lock:
            return sorted(self._open.values(), key=lambda s: s.event_id, reverse=True)

    def ids(self) -> list[int]:
        with self._lock:
            return list(self._open)

    def get(self, event_id: int) -> Swipe | None:
        with self._lock:
            return self._open.get(event_id)

    def begin_ack(self, event_id: int) -> bool:
        """Mark an acknowledgement as sent; False if the alarm is not open or one is on its way."""
        with self._lock:
            if event_id not in self._open or event_id in self._pending:
                return False
            self._pending.add(event_id)
            return True

    def pending(self, event_id: int) -> bool:
        with self._lock:
            return event_id in self._pending

    def end_ack(self, event_id: int, stored: bool) -> Swipe | None:
        """The writer answered: a stored acknowledgement takes the alarm off the board (returned)."""
        with self._lock:
            self._pending.discard(event_id)
            return self._open.pop(event_id, None) if stored else None

    def remove(self, event_ids: set[int]) -> bool:
        """Acknowledged elsewhere (another process): off the board. True if anything changed."""
        with self._lock:
            gone = event_ids & set(self._open)
            for event_id in gone:
                del self._open[event_id]
                self._pending.discard(event_id)
            return bool(gone)
