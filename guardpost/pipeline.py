"""The booth's single writer: card reads in, decided and durable swipes out.

Readers (any thread) and the UI hand reads to ``submit``; one thread owns the writer connection
and the ``Gatekeeper``, decides and commits each read in order, and only then calls
``on_swipe(swipe, read_ns)`` (the feed shows it). A read that cannot be stored is kept,
reported through ``on_not_saved``, and retried until it is stored: nothing is silently dropped.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from guardpost.access import ExactUid, Gatekeeper, NotSaved, Swipe, stamp
from guardpost.readers.base import CardRead
from guardpost.storage import connect
from guardpost.uid import UidError, WedgeFormat, normalise

RETRY_SECONDS = 1.0
CHECKPOINT_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class _Pending:
    read: CardRead
    at: datetime


@dataclass(frozen=True, slots=True)
class _Ack:
    event_id: int
    guard_id: int | None
    guard_name: str


@dataclass(frozen=True, slots=True)
class _Manual:
    person_id: int
    lane: str
    at: datetime


_STOP = object()


class SwipePipeline:
    def __init__(
        self,
        db_path: Path,
        gate_id: str,
        on_swipe: Callable[[Swipe, int], None],
        on_not_saved: Callable[[CardRead, NotSaved, int], None],
        *,
        debounce_ms: int = 1500,
        wedge_format: WedgeFormat | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.db_path = db_path
        self.gate_id = gate_id
        self.on_swipe = on_swipe
        self.on_not_saved = on_not_saved
        self.on_error = on_error
        self.debounce_ms = debounce_ms
        self.wedge_format = wedge_format or WedgeFormat.parse("hex")
        self._jobs: queue.Queue[object] = queue.Queue()
        self._unsaved: list[_Pending] = []
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._stopping = threading.Event()

    # --- called from any thread -------------------------------------------------------------
    def submit(self, read: CardRead) -> None:
        self._jobs.put(_Pending(read, datetime.now()))

    def acknowledge(self, event_id: int, guard_id: int | None, guard_name: str) -> None:
        self._jobs.put(_Ack(event_id, guard_id, guard_name))

    def admit_by_hand(self, person_id: int, lane: str) -> None:
        self._jobs.put(_Manual(person_id, lane, datetime.now()))

    @property
    def unsaved(self) -> int:
        return len(self._unsaved)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="swipe-writer", daemon=True)
        self._thread.start()
        self._ready.wait(10)
        if self._startup_error is not None:
            raise self._startup_error

    def stop(self, timeout: float = 5.0) -> None:
        self._jobs.put(_STOP)
        if self._thread is not None:
            self._thread.join(timeout)

    # --- the writer thread ------------------------------------------------------------------
    def _run(self) -> None:
        try:
            conn = connect(self.db_path)
            keeper = Gatekeeper(conn, self.gate_id, debounce_ms=self.debounce_ms)
        except BaseException as exc:  # reported to start()
            self._startup_error = exc
            self._ready.set()
            return
        # A WAL checkpoint copies pages into the main file and fsyncs it: hundreds of ms on a slow
        # disk. Done by the committing thread (SQLite's default) it would stall a swipe now and
        # then, so the writer never checkpoints and a helper thread does it beside the writer.
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        checkpointer = threading.Thread(target=self._checkpoint_loop, name="wal-checkpoint", daemon=True)
        checkpointer.start()
        self._ready.set()
        try:
            while True:
                try:
                    job = self._jobs.get(timeout=RETRY_SECONDS if self._unsaved else None)
                except queue.Empty:
                    job = None
                if job is _STOP:
                    break
                self._retry_unsaved(keeper)
                if job is not None:
                    self._do(keeper, job)
        finally:
            self._stopping.set()
            checkpointer.join(5)
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()

    def _checkpoint_loop(self) -> None:
        """Checkpoint the WAL every few seconds from a connection of its own (never blocks the writer)."""
        try:
            conn = connect(self.db_path)
        except Exception:
            return
        try:
            while not self._stopping.wait(CHECKPOINT_SECONDS):
                with contextlib.suppress(sqlite3.Error):  # busy or locked: try again next time
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()

    def _do(self, keeper: Gatekeeper, job: object) -> None:
        try:
            if isinstance(job, _Pending):
                self._decide(keeper, job)
            elif isinstance(job, _Ack):
                self._write_ack(keeper.conn, job)
            elif isinstance(job, _Manual):
                self.on_swipe(keeper.admit_by_hand(job.person_id, job.lane, now=job.at), 0)
        except Exception as exc:  # a bug must not stop the booth's writer
            if self.on_error is not None:
                self.on_error(exc)

    def _decide(self, keeper: Gatekeeper, job: _Pending, *, retry: bool = False) -> bool:
        read = job.read
        if not retry and self._unsaved:
            self._unsaved.append(job)  # keep order: older unsaved reads first
            self.on_not_saved(
                read,
                NotSaved("storage.not_saved", "storage.not_saved_hint", error="queued"),
                len(self._unsaved),
            )
            return False
        try:
            swipe: Swipe | None
            if read.uid is not None:
                if not retry and keeper.is_repeat(read.uid, read.lane, read.read_ns):
                    return True
                swipe = keeper.swipe(
                    ExactUid(read.uid), read.lane, uid=read.uid, source=read.reader, now=job.at
                )
            else:
                swipe = self._decide_typed(keeper, job, retry)
                if swipe is None:
                    return True
        except NotSaved as exc:
            if not retry:
                self._unsaved.append(job)
            self.on_not_saved(read, exc, len(self._unsaved))
            return False
        self.on_swipe(swipe, read.read_ns)
        return True

    def _decide_typed(self, keeper: Gatekeeper, job: _Pending, retry: bool) -> Swipe | None:
        read = job.read
        typed = read.typed or ""
        try:
            key = normalise(typed, self.wedge_format)
        except UidError as exc:
            return keeper.refuse_bad_read(typed, read.lane, exc.message(), source=read.reader, now=job.at)
        ident = key.exact or typed
        if not retry and keeper.is_repeat(ident, read.lane, read.read_ns):
            return None
        return keeper.swipe(
            key, read.lane, uid=key.exact or typed.strip()[:20], source=read.reader, now=job.at
        )

    def _retry_unsaved(self, keeper: Gatekeeper) -> None:
        while self._unsaved:
            if not self._decide(keeper, self._unsaved[0], retry=True):
                return
            self._unsaved.pop(0)

    @staticmethod
    def _write_ack(conn: sqlite3.Connection, ack: _Ack) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO alarm_ack (event_id, guard_id, guard_name, at) VALUES (?, ?, ?, ?)",
            (ack.event_id, ack.guard_id, ack.guard_name, stamp(datetime.now())),
        )
