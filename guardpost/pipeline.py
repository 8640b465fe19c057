"""The booth's single writer: card reads in, decided and durable events out.

Readers (any thread) and the screen hand reads to ``submit``, which turns each into a card key
(``readers.intake``, the one place reads are normalised). One thread owns the writer connection and
the ``Gatekeeper``: it drops repeats (the one debounce, ``reader.debounce_ms``), decides and commits
each read in order, and only then tells the listener (``on_swipe``: the feed shows it). A read that
cannot be stored is kept, reported (``on_not_saved``) and retried until it is stored
(``on_all_saved`` when the last one is in): nothing is silently dropped.

Acknowledgements and manual admissions go through the same thread; an acknowledgement reports
back whether it was stored (``on_acknowledged``), so an alarm leaves the screen only once it is.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from guardpost import events
from guardpost.access import Gatekeeper, NotSaved, stamp
from guardpost.domain import CardRead, Guard, Lane, Said, Swipe
from guardpost.readers.intake import Intake, Keyed, key_read
from guardpost.storage import connect
from guardpost.uid import WedgeFormat

RETRY_SECONDS = 1.0
STOP_RETRY_SECONDS = 3.0  # at a stop, unsaved swipes are tried this long, then kept in a file
CHECKPOINT_SECONDS = 2.0
IDLE_SECONDS = 0.5  # nothing to do this long: bring event_card up to date (events.index_cards)
MINE_KEPT = 4096  # ids this writer stored, remembered so that the file follower does not show them twice


class Listener(Protocol):
    """What the pipeline tells (from its own thread). Every method must return quickly."""

    def on_swipe(self, swipe: Swipe, read_ns: int) -> None: ...

    def on_not_saved(self, read: CardRead, error: NotSaved, waiting: int) -> None: ...

    def on_all_saved(self, stored: int) -> None: ...

    def on_acknowledged(self, event_id: int, error: str | None) -> None: ...

    def on_error(self, exc: BaseException) -> None: ...


@dataclass(frozen=True, slots=True)
class _Pending:
    intake: Intake
    at: datetime


@dataclass(frozen=True, slots=True)
class _Ack:
    event_id: int


@dataclass(frozen=True, slots=True)
class _Manual:
    person_id: int
    lane: Lane
    at: datetime


@dataclass(frozen=True, slots=True)
class _SetGuard:
    guard: Guard | None


_STOP = object()


class Debounce:
    """The same card on the same lane again within the window is one swipe; every presentation
    (counted or not) restarts the window, so a card flickering at the edge of a field is one read."""

    def __init__(self, window_ms: int) -> None:
        self.window_ns = window_ms * 1_000_000
        self._last: dict[tuple[str, str], int] = {}

    def is_repeat(self, ident: str, lane: str, read_ns: int) -> bool:
        last = self._last.get((ident, lane))
        self._last[(ident, lane)] = read_ns
        if len(self._last) > 512:  # keep the window's memory small
            cutoff = read_ns - self.window_ns
            self._last = {k: v for k, v in self._last.items() if v >= cutoff}
        return last is not None and read_ns - last < self.window_ns


class SwipePipeline:
    def __init__(
        self,
        db_path: Path,
        gate_id: str,
        listener: Listener,
        *,
        wedge_format: WedgeFormat,
        debounce_ms: int = 1500,
        guard: Guard | None = None,
        now: Callable[[], datetime] = datetime.now,
        passback_gate_kinds: tuple[str, ...] = (),
    ) -> None:
        self.passback_gate_kinds = passback_gate_kinds
        self.db_path = db_path
        self.gate_id = gate_id
        self.listener = listener
        self.wedge_format = wedge_format
        self.debounce = Debounce(debounce_ms)
        self.guard = guard
        self.now = now
        self._jobs: queue.Queue[object] = queue.Queue()
        self._unsaved: list[_Pending] = []
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._stopping = threading.Event()
        self._mine: dict[int, None] = {}
        self._mine_lock = threading.Lock()
        self.spilled: Path | None = None  # where unsaved swipes were kept at the stop

    # --- called from any thread -------------------------------------------------------------
    def submit(self, read: CardRead) -> None:
        self._jobs.put(_Pending(key_read(read, self.wedge_format), self.now()))

    def acknowledge(self, event_id: int) -> None:
        self._jobs.put(_Ack(event_id))

    def admit_by_hand(self, person_id: int, lane: Lane) -> None:
        self._jobs.put(_Manual(person_id, lane, self.now()))

    def set_guard(self, guard: Guard | None) -> None:
        self._jobs.put(_SetGuard(guard))

    def is_mine(self, event_id: int) -> bool:
        """Did this writer store that event? (It has shown it already.)"""
        with self._mine_lock:
            return event_id in self._mine

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
        """Finish every job already submitted, then stop."""
        self._jobs.put(_STOP)
        if self._thread is not None:
            self._thread.join(timeout)

    # --- the writer thread ------------------------------------------------------------------
    def _run(self) -> None:
        try:
            conn = connect(self.db_path)
            keeper = Gatekeeper(conn, self.gate_id, guard=self.guard)
            keeper.passback = keeper.gate_kind in self.passback_gate_kinds
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
        self._load_spilled()  # swipes a stop could not store: first in line
        self._ready.set()
        try:
            while True:
                try:
                    job = self._jobs.get(timeout=RETRY_SECONDS if self._unsaved else IDLE_SECONDS)
                except queue.Empty:
                    job = None
                if job is _STOP:
                    break
                self._retry_unsaved(keeper)
                if job is not None:
                    self._do(keeper, job)
                elif not self._unsaved:
                    self._index_cards(keeper.conn)
        finally:
            self._finish_unsaved(keeper)
            self._stopping.set()
            checkpointer.join(5)
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()

    def _index_cards(self, conn: sqlite3.Connection) -> None:
        """While idle: each card's events into event_card, a batch at a time, yielding to any read
        that comes in (the swipe path itself writes only the event's row)."""
        try:
            while events.index_cards(conn) == events.INDEX_BATCH and self._jobs.empty():
                pass
        except sqlite3.Error:  # busy or read-only for now: the next idle moment catches up
            pass
        except Exception as exc:
            self.listener.on_error(exc)

    def _checkpoint_loop(self) -> None:
        """Checkpoint the WAL every few seconds from a connection of its own (never blocks the writer)."""
        try:
            conn = connect(self.db_path)
            conn.execute("PRAGMA cache_size = -128")  # it copies pages; it looks nothing up
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
                self._write_ack(keeper, job)
            elif isinstance(job, _Manual):
                self._shown(keeper.admit_by_hand(job.person_id, job.lane, now=job.at), 0)
            elif isinstance(job, _SetGuard):
                keeper.guard = self.guard = job.guard
        except Exception as exc:  # a bug must not stop the booth's writer
            self.listener.on_error(exc)

    def _shown(self, swipe: Swipe, read_ns: int) -> None:
        with self._mine_lock:
            self._mine[swipe.event_id] = None
            if len(self._mine) > MINE_KEPT:
                del self._mine[next(iter(self._mine))]
        self.listener.on_swipe(swipe, read_ns)

    def _apply(self, keeper: Gatekeeper, job: _Pending, *, store: bool) -> Swipe:
        intake = job.intake
        read = intake.read
        fmt = str(self.wedge_format) if read.typed is not None else ""
        if isinstance(intake, Keyed):
            return keeper.swipe(
                intake.key,
                read.lane,
                as_read=intake.as_read,
                source=read.reader,
                now=job.at,
                store=store,
                reader_format=fmt or None,
            )
        return keeper.refuse_bad_read(
            intake.typed, read.lane, fmt, source=read.reader, now=job.at, store=store
        )

    def _decide(self, keeper: Gatekeeper, job: _Pending, *, retry: bool = False) -> bool:
        intake = job.intake
        read = intake.read
        if not retry and self.debounce.is_repeat(intake.ident, read.lane, read.read_ns):
            return True
        if not retry and self._unsaved:
            self._unsaved.append(job)  # keep order: older unsaved reads first
            error = NotSaved(
                "storage.not_saved", "storage.not_saved_hint", error=Said("storage.error_queued")
            )
            with contextlib.suppress(sqlite3.Error):  # decided all the same, to show the guard
                error.swipe = self._apply(keeper, job, store=False)
            self.listener.on_not_saved(read, error, len(self._unsaved))
            return False
        try:
            swipe = self._apply(keeper, job, store=True)
        except NotSaved as exc:
            if not retry:
                self._unsaved.append(job)
            self.listener.on_not_saved(read, exc, len(self._unsaved))
            return False
        self._shown(swipe, read.read_ns)
        return True

    def _retry_unsaved(self, keeper: Gatekeeper) -> None:
        if not self._unsaved:
            return
        stored = 0
        while self._unsaved:
            if not self._decide(keeper, self._unsaved[0], retry=True):
                return
            self._unsaved.pop(0)
            stored += 1
        spill = spill_path(self.db_path, self.gate_id)
        with contextlib.suppress(OSError):
            spill.unlink(missing_ok=True)  # all of it is in the file now
        self.listener.on_all_saved(stored)

    # --- what could not be stored when the booth stops ---------------------------------------
    def _finish_unsaved(self, keeper: Gatekeeper) -> None:
        """At a stop: keep trying for a few seconds, then write what is left beside the file
        (``spill_path``); the next start stores it first. Nothing read is dropped."""
        deadline = time.monotonic() + STOP_RETRY_SECONDS
        while self._unsaved and time.monotonic() < deadline:
            self._retry_unsaved(keeper)
            if self._unsaved:
                time.sleep(0.2)
        if self._unsaved:
            self._spill()

    def _spill(self) -> None:
        """Every unsaved swipe (those loaded from an earlier stop included), written whole to a
        temporary name, fsynced and renamed: the file is always one complete list."""
        lines = "".join(json.dumps(_spilled(job), ensure_ascii=False) + "\n" for job in self._unsaved)
        for path in (spill_path(self.db_path, self.gate_id), _fallback_spill(self.db_path, self.gate_id)):
            tmp = path.with_name(path.name + ".tmp")
            try:
                with tmp.open("w", encoding="utf-8") as fh:
                    fh.write(lines)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
            except OSError:
                with contextlib.suppress(OSError):
                    tmp.unlink(missing_ok=True)
                continue
            self.spilled = path
            return
        self.listener.on_error(
            RuntimeError(f"{len(self._unsaved)} unsaved swipes could not be kept:\n{lines}")
        )

    def _load_spilled(self) -> None:
        for path in (spill_path(self.db_path, self.gate_id), _fallback_spill(self.db_path, self.gate_id)):
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                continue
            for line in text.splitlines():
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    read, at = _unspilled(json.loads(line))
                    self._unsaved.append(_Pending(key_read(read, self.wedge_format), at))
            if path != spill_path(self.db_path, self.gate_id):
                with contextlib.suppress(OSError):
                    path.unlink()  # now held here; if not stored, spilled again beside the file

    def _write_ack(self, keeper: Gatekeeper, ack: _Ack) -> None:
        guard = keeper.guard
        try:
            keeper.conn.execute(
                "INSERT OR IGNORE INTO alarm_ack (event_id, guard_id, guard_name, at) VALUES (?, ?, ?, ?)",
                (ack.event_id, guard.id if guard else None, guard.name if guard else "", stamp(self.now())),
            )
        except sqlite3.Error as exc:
            self.listener.on_acknowledged(ack.event_id, str(exc))
            return
        self.listener.on_acknowledged(ack.event_id, None)


def spill_path(db_path: Path, gate_id: str) -> Path:
    """Where a stop keeps the swipes it could not store (JSON lines), beside the database."""
    return db_path.with_name(f"{db_path.name}.{gate_id}.unsaved.jsonl")


def _fallback_spill(db_path: Path, gate_id: str) -> Path:
    from guardpost.config import user_data_dir

    folder = user_data_dir()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder / spill_path(db_path, gate_id).name


def _spilled(job: _Pending) -> dict[str, object]:
    read = job.intake.read
    return {
        "at": job.at.isoformat(),
        "reader": read.reader,
        "lane": str(read.lane),
        "uid": read.uid,
        "typed": read.typed,
    }


def _unspilled(entry: dict[str, object]) -> tuple[CardRead, datetime]:
    read = CardRead(
        reader=str(entry["reader"]),
        lane=Lane(str(entry["lane"])),
        uid=entry["uid"] if isinstance(entry["uid"], str) else None,
        typed=entry["typed"] if isinstance(entry["typed"], str) else None,
        read_ns=0,
    )
    return read, datetime.fromisoformat(str(entry["at"]))
