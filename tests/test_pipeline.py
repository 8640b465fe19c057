"""The booth's single writer: durable first, then shown; nothing dropped when the disk says no."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from guardpost import pipeline as pipeline_module
from guardpost import storage
from guardpost.access import NotSaved, stamp
from guardpost.domain import CardRead, Guard, Swipe
from guardpost.errors import GuardpostError
from guardpost.pipeline import SwipePipeline
from guardpost.uid import WedgeFormat

WAIT = 10.0
ACTIVE = (
    "c.kind = 'owner' AND c.status = 'active' AND c.valid_from IS NULL AND c.valid_until IS NULL"
    " AND p.special_care IS NULL"
)
UNKNOWN = "0123ABCD"


def _uid(db: Path, where: str, offset: int = 0) -> str:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(
            f"SELECT c.uid FROM card c LEFT JOIN person p ON p.id = c.person_id WHERE {where}"
            " ORDER BY c.id LIMIT 1 OFFSET ?",
            (offset,),
        ).fetchone()
    finally:
        conn.close()
    assert row is not None
    return str(row[0])


def _event(db: Path, event_id: int) -> tuple[object, ...] | None:
    """Read an event through a connection of our own: what is there is on disk, not in the writer's hands."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT at, uid, decision, reason, lane, source, as_read, detail, guard_id FROM access_event"
            " WHERE id = ?",
            (event_id,),
        ).fetchone()
    finally:
        conn.close()


def _count(db: Path, table: str = "access_event") -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


@dataclass
class Booth:
    """The pipeline's listener here: every swipe (with what was on disk at that moment), every
    failure, every acknowledgement and every "all held swipes stored"."""

    db: Path
    swipes: list[Swipe] = field(default_factory=list)
    on_disk: list[tuple[object, ...] | None] = field(default_factory=list)
    read_ns: list[int] = field(default_factory=list)
    not_saved: list[tuple[CardRead, NotSaved, int]] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    acks: list[tuple[int, str | None]] = field(default_factory=list)
    all_saved: list[int] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def on_swipe(self, swipe: Swipe, read_ns: int) -> None:
        row = _event(self.db, swipe.event_id)
        with self.changed:
            self.on_disk.append(row)
            self.swipes.append(swipe)
            self.read_ns.append(read_ns)
            self.changed.notify_all()

    def on_not_saved(self, read: CardRead, error: NotSaved, waiting: int) -> None:
        with self.changed:
            self.not_saved.append((read, error, waiting))
            self.changed.notify_all()

    def on_error(self, exc: BaseException) -> None:
        with self.changed:
            self.errors.append(exc)
            self.changed.notify_all()

    def on_acknowledged(self, event_id: int, error: str | None) -> None:
        with self.changed:
            self.acks.append((event_id, error))
            self.changed.notify_all()

    def on_all_saved(self, stored: int) -> None:
        with self.changed:
            self.all_saved.append(stored)
            self.changed.notify_all()

    def wait(self, done: Callable[[], bool]) -> None:
        with self.changed:
            assert self.changed.wait_for(done, timeout=WAIT), (self.swipes, self.not_saved, self.errors)


@pytest.fixture
def booth(demo_db: Path) -> Booth:
    return Booth(demo_db)


@pytest.fixture
def start(booth: Booth) -> Iterator[Callable[..., SwipePipeline]]:
    started: list[SwipePipeline] = []

    def _start(**kw: object) -> SwipePipeline:
        p = SwipePipeline(
            booth.db,
            "east",
            booth,
            wedge_format=WedgeFormat.parse("hex"),
            **kw,  # type: ignore[arg-type]
        )
        p.start()
        started.append(p)
        return p

    yield _start
    for p in started:
        p.stop()


def _read(
    uid: str | None = None, *, typed: str | None = None, lane: str = "in", ns: int | None = None
) -> CardRead:
    kw = {} if ns is None else {"read_ns": ns}
    return CardRead(reader="test" if typed is None else "wedge", lane=lane, uid=uid, typed=typed, **kw)  # type: ignore[arg-type]


def test_each_swipe_is_on_disk_before_it_is_shown(booth: Booth, start: Callable[..., SwipePipeline]) -> None:
    active, lost = _uid(booth.db, ACTIVE), _uid(booth.db, "c.status = 'lost' AND c.kind = 'owner'")
    p = start()
    reads = [_read(active), _read(lost), _read(UNKNOWN)]
    for r in reads:
        p.submit(r)
    booth.wait(lambda: len(booth.swipes) == 3)

    assert [s.uid for s in booth.swipes] == [active, lost, UNKNOWN]
    assert [(s.decision, s.reason) for s in booth.swipes] == [
        ("allow", "ok"),
        ("alarm", "lost"),
        ("deny", "unknown_card"),
    ]
    assert booth.read_ns == [r.read_ns for r in reads]
    ids = [s.event_id for s in booth.swipes]
    assert ids == sorted(ids)
    for swipe, row in zip(booth.swipes, booth.on_disk, strict=True):
        assert row == (
            stamp(swipe.at),
            swipe.uid,
            swipe.decision,
            swipe.reason,
            "in",
            "test",
            None,
            None,
            None,
        )
    assert booth.not_saved == [] and booth.errors == []


def test_a_repeat_within_the_debounce_window_is_one_swipe(
    booth: Booth, start: Callable[..., SwipePipeline]
) -> None:
    active = _uid(booth.db, ACTIVE)
    other = _uid(booth.db, ACTIVE, offset=1)
    p = start(debounce_ms=1500)
    t0 = time.monotonic_ns()
    second = 1_000_000_000
    p.submit(_read(active, ns=t0))
    p.submit(_read(active, ns=t0 + second // 5))  # the card held on the reader: dropped
    p.submit(_read(active, lane="out", ns=t0 + second // 4))  # the other lane is another swipe
    p.submit(_read(active, ns=t0 + 2 * second))  # outside the window: a new swipe
    p.submit(_read(other, ns=t0 + 2 * second))  # marks the end
    booth.wait(lambda: any(s.uid == other for s in booth.swipes))
    assert [(s.uid, s.lane) for s in booth.swipes] == [
        (active, "in"),
        (active, "out"),
        (active, "in"),
        (other, "in"),
    ]
    assert _count(booth.db) == 4


def test_a_locked_database_loses_nothing(
    booth: Booth, start: Callable[..., SwipePipeline], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(pipeline_module, "RETRY_SECONDS", 0.1)
    active, lost = _uid(booth.db, ACTIVE), _uid(booth.db, "c.status = 'lost' AND c.kind = 'owner'")
    p = start()

    locker = sqlite3.connect(booth.db, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        before = datetime.now()
        p.submit(_read(active))
        p.submit(_read(lost))
        submitted = datetime.now()
        booth.wait(lambda: any(n == 2 for _, _, n in booth.not_saved))
        time.sleep(0.3)  # several retries fail while the lock is held
        assert booth.swipes == []
        assert p.unsaved == 2
        assert booth.not_saved[0][0].uid == active and booth.not_saved[0][2] == 1
        assert {r.uid for r, _, _ in booth.not_saved} == {active, lost}
        assert len(booth.not_saved) >= 3  # each failed retry is reported too
        assert all(isinstance(e, NotSaved) and e.message("en") for _, e, _ in booth.not_saved)
        # what was decided is known before the file takes it: the lost card rings now
        decided = {r.uid: e.swipe for r, e, _ in booth.not_saved if e.swipe is not None}
        assert decided[active].decision == "allow" and decided[lost].decision == "alarm"
        assert all(s.event_id == 0 for s in decided.values())
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    released = datetime.now()

    booth.wait(lambda: len(booth.swipes) == 2)
    assert [s.uid for s in booth.swipes] == [active, lost]
    assert [s.decision for s in booth.swipes] == ["allow", "alarm"]
    for swipe, row in zip(booth.swipes, booth.on_disk, strict=True):
        assert before <= swipe.at <= submitted < released  # the time of the read, not of the retry
        assert row is not None and row[0] == stamp(swipe.at)
    assert p.unsaved == 0
    assert _count(booth.db) == 2
    assert booth.errors == []
    booth.wait(lambda: booth.all_saved == [2])  # the screen is told that nothing is held any more


def test_garbage_typed_by_a_wedge_reader_is_a_recorded_bad_read(
    booth: Booth, start: Callable[..., SwipePipeline]
) -> None:
    active = _uid(booth.db, ACTIVE)
    p = start()
    p.submit(_read(typed="ZZ-not-a-card-number-at-all"))
    p.submit(_read(typed=active.lower()))
    booth.wait(lambda: len(booth.swipes) == 2)
    bad, good = booth.swipes
    assert (bad.decision, bad.reason, bad.source) == ("deny", "bad_read", "wedge")
    assert (bad.as_read, bad.detail) == ("ZZ-not-a-card-number-at-all", "hex")  # what came, and the setting
    row = booth.on_disk[0]
    assert row is not None and (row[1], row[2], row[3], row[6], row[7]) == (
        None,
        "deny",
        "bad_read",
        "ZZ-not-a-card-number-at-all",
        "hex",
    )
    assert (good.uid, good.decision, good.as_read) == (active, "allow", None)


def _guard(db: Path, code: str = "G01") -> Guard:
    conn = sqlite3.connect(db)
    try:
        guard_id, name = conn.execute("SELECT id, name FROM guard WHERE code = ?", (code,)).fetchone()
    finally:
        conn.close()
    return Guard(guard_id, name)


def test_acknowledge_writes_an_alarm_ack_by_the_guard_on_duty(
    booth: Booth, start: Callable[..., SwipePipeline]
) -> None:
    lost = _uid(booth.db, "c.status = 'lost'")
    guard = _guard(booth.db)
    p = start(guard=guard)
    p.submit(_read(lost))
    booth.wait(lambda: len(booth.swipes) == 1)
    alarm = booth.swipes[0]
    assert (alarm.decision, alarm.guard_id) == ("alarm", guard.id)
    assert booth.on_disk[0] is not None and booth.on_disk[0][8] == guard.id
    p.acknowledge(alarm.event_id)
    p.set_guard(_guard(booth.db, "G02"))
    p.acknowledge(alarm.event_id)  # a second press changes nothing
    p.stop()  # the writer finishes the queue first
    conn = sqlite3.connect(booth.db)
    try:
        rows = conn.execute("SELECT event_id, guard_id, guard_name FROM alarm_ack").fetchall()
    finally:
        conn.close()
    assert rows == [(alarm.event_id, guard.id, guard.name)]
    assert booth.acks == [(alarm.event_id, None), (alarm.event_id, None)]  # stored: the screen may drop it
    assert booth.errors == []


def test_an_acknowledgement_that_cannot_be_stored_says_so(
    booth: Booth, start: Callable[..., SwipePipeline], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 50)
    lost = _uid(booth.db, "c.status = 'lost'")
    p = start()
    p.submit(_read(lost))
    booth.wait(lambda: len(booth.swipes) == 1)
    locker = sqlite3.connect(booth.db, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        p.acknowledge(booth.swipes[0].event_id)
        booth.wait(lambda: bool(booth.acks))
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    [(event_id, error)] = booth.acks
    assert event_id == booth.swipes[0].event_id and error and "locked" in error


def test_admit_by_hand_is_recorded(booth: Booth, start: Callable[..., SwipePipeline]) -> None:
    conn = sqlite3.connect(booth.db)
    person_id, name = conn.execute(
        "SELECT id, name FROM person WHERE role = 'owner' ORDER BY id LIMIT 1"
    ).fetchone()
    conn.close()
    p = start()
    p.admit_by_hand(person_id, "in")
    booth.wait(lambda: len(booth.swipes) == 1)
    swipe = booth.swipes[0]
    assert (swipe.decision, swipe.reason, swipe.person, swipe.source) == (
        "allow",
        "forgot_card",
        name,
        "manual",
    )
    assert booth.on_disk[0] is not None


def test_an_unknown_gate_stops_the_start(demo_db: Path) -> None:
    p = SwipePipeline(demo_db, "moon", Booth(demo_db), wedge_format=WedgeFormat.parse("hex"))
    with pytest.raises(GuardpostError) as caught:
        p.start()
    assert caught.value.key == "gate.unknown"


def test_a_stop_while_the_file_is_locked_keeps_the_swipes_for_the_next_start(
    booth: Booth, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(pipeline_module, "RETRY_SECONDS", 0.1)
    monkeypatch.setattr(pipeline_module, "STOP_RETRY_SECONDS", 0.3)
    lost = _uid(booth.db, "c.status = 'lost' AND c.kind = 'owner'")
    spill = pipeline_module.spill_path(booth.db, "east")
    first = SwipePipeline(booth.db, "east", booth, wedge_format=WedgeFormat.parse("hex"))
    first.start()
    locker = sqlite3.connect(booth.db, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        before = datetime.now()
        first.submit(_read(lost))
        first.submit(_read(UNKNOWN))
        booth.wait(lambda: any(n == 2 for _, _, n in booth.not_saved))
        first.stop()
        assert first.spilled == spill and spill.exists()
        assert len(spill.read_text(encoding="utf-8").splitlines()) == 2
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert _count(booth.db) == 0

    second = SwipePipeline(booth.db, "east", booth, wedge_format=WedgeFormat.parse("hex"))
    second.start()
    try:
        booth.wait(lambda: len(booth.swipes) == 2)
    finally:
        second.stop()
    assert [(s.uid, s.decision) for s in booth.swipes] == [(lost, "alarm"), (UNKNOWN, "deny")]
    assert all(before <= s.at for s in booth.swipes)  # the time of the read, kept through the stop
    assert _count(booth.db) == 2 and not spill.exists()
