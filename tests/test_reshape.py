"""The reshape keeps every rule in one place: the simulator and the engine agree, the feed's queries
walk indexes, every event carries the guard on duty, packaging collides with nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import booth_app, make_settings

from guardpost import events
from guardpost.access import Gatekeeper, exact
from guardpost.booth import Booth
from guardpost.domain import CardRead, Lane, LockdownLevel
from guardpost.events import Filter
from guardpost.migrations import LATEST
from guardpost.policy import decide
from guardpost.readers.sim import POOL_OF_REASON, SimReader
from guardpost.storage import connect

ROOT = Path(__file__).resolve().parent.parent


def test_the_simulator_and_the_engine_agree_on_every_demo_card(demo_db: Path) -> None:
    """Every card of the demo compound is put in the simulator's mix exactly where the swipe path's
    decision (at the east gate, on the way in, at the normal level) says it belongs."""
    pools = SimReader(demo_db, "east")._pools()
    placed = {uid: pool for pool, uids in pools.items() for uid in uids}
    conn = connect(demo_db)
    try:
        total = conn.execute("SELECT count(*) FROM card").fetchone()[0]
        assert total < 5000, "the simulator samples 5,000 cards: the demo must fit"
        keeper = Gatekeeper(conn, "east")
        checked = 0
        for (uid,) in conn.execute("SELECT uid FROM card").fetchall():
            swiped = keeper.swipe(
                exact(uid), Lane.IN, now=datetime.combine(date.today(), datetime.min.time())
            )
            assert placed.get(uid) == POOL_OF_REASON.get(swiped.reason), (uid, swiped.reason, placed.get(uid))
            checked += 1
        assert checked == total > 1000
        assert {pool for pool, uids in pools.items() if uids} == {
            "valid",
            "expired",
            "wrong_gate",
            "lost",
            "blacklisted",
        }
    finally:
        conn.close()


def test_decide_is_what_the_simulator_calls() -> None:
    """No second copy of the rule: the simulator's module holds no decision table of its own."""
    source = (ROOT / "guardpost" / "readers" / "sim.py").read_text(encoding="utf-8")
    assert "decide(" in source and "CARD_KINDS_BY_GATE" not in source
    assert decide(None, "pedestrian", Lane.IN, date.today(), LockdownLevel.NORMAL).reason == "unknown_card"


# --- the feed's queries use indexes ---------------------------------------------------------------


def _plan(conn: sqlite3.Connection, sql: str, params: list[object] | tuple[object, ...]) -> list[str]:
    return [str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


@pytest.mark.parametrize("mode", list(Filter))
@pytest.mark.parametrize("search", ["", "张", "3-2", "3-2-1201", "36DA", "0924209704"])
def test_every_feed_query_walks_an_index(demo_db: Path, mode: Filter, search: str) -> None:
    conn = connect(demo_db)
    try:
        sql, params = events.page_sql(before_id=1000, mode=mode, search=search)
        plan = _plan(conn, sql, params)
    finally:
        conn.close()
    scans = [line for line in plan if line.startswith("SCAN e") or line.startswith("SCAN access_event")]
    assert not scans, plan
    if mode == Filter.REFUSED and not search:
        assert any("ix_event_refused" in line for line in plan), plan
    if mode == Filter.ALARMS and not search:
        assert any("ix_event_refused" in line for line in plan), plan
    if search:
        assert any(line.startswith("SEARCH ec USING PRIMARY KEY") for line in plan), plan  # event_card
        assert any("ix_event_manual" in line for line in plan), plan


def test_open_alarms_read_the_alarm_index_from_a_row_id(demo_db: Path) -> None:
    conn = connect(demo_db)
    try:
        plan = _plan(conn, events.OPEN_ALARMS_SQL, (1, "G01", 50))
        bounds = _plan(conn, events.BOUNDS_SQL, ())
    finally:
        conn.close()
    assert any("ix_event_refused" in line for line in plan) and not any(
        line.startswith("SCAN e") for line in plan
    )
    # the first and last row ids come from the ends of the B-tree, not from reading every row
    assert not any(line.startswith("SCAN access_event") for line in bounds), bounds


def test_an_allowed_swipe_writes_its_row_and_nothing_else(demo_db: Path) -> None:
    conn = connect(demo_db)
    try:
        indexes = {
            name: sql
            for name, sql in conn.execute(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'access_event'"
            )
        }
        triggers = [r[0] for r in conn.execute("SELECT sql FROM sqlite_schema WHERE type = 'trigger'")]
    finally:
        conn.close()
    assert set(indexes) == {"ix_event_refused", "ix_event_manual", "ix_event_visit"}
    # each is partial, over rows an allowed card swipe never is: refused, without a card, a visit's
    assert all(
        " WHERE " in sql
        and ("decision <> 'allow'" in sql or "card_id IS NULL" in sql or "visit_id IS NOT NULL" in sql)
        for sql in indexes.values()
    )
    assert not any("INSERT ON access_event" in (sql or "").upper() for sql in triggers)


def test_a_cards_events_are_found_before_and_after_they_are_indexed(demo_db: Path) -> None:
    conn = connect(demo_db)
    uid, name = conn.execute(
        "SELECT c.uid, p.name FROM card c JOIN person p ON p.id = c.person_id"
        " WHERE c.status = 'active' AND c.kind = 'owner' AND c.valid_until IS NULL LIMIT 1"
    ).fetchone()
    keeper = Gatekeeper(conn, "east")
    start = datetime(2026, 11, 26, 6, 0)
    for i in range(30):
        keeper.swipe(exact(uid), Lane.IN, now=start + timedelta(minutes=i))
        keeper.swipe(exact("0BADCAFE"), Lane.IN, now=start + timedelta(minutes=i, seconds=30))
    assert len(events.page(conn, search=name)) == 30  # none indexed yet: the table's end answers
    assert events.index_cards(conn, batch=25) == 25  # half of them indexed
    assert len(events.page(conn, search=name)) == 30
    assert [s.uid for s in events.page(conn, search=uid[:6])] == [uid] * 30
    while events.index_cards(conn):
        pass
    found = events.page(conn, search=name)
    assert len(found) == 30 and [s.event_id for s in found] == sorted(
        (s.event_id for s in found), reverse=True
    )
    assert len(events.page(conn, search=name, before_id=found[9].event_id)) == 20
    assert conn.execute("SELECT count(*) FROM event_card").fetchone()[0] == 30  # unknown cards have none
    assert events.index_cards(conn) == 0  # up to date: nothing written
    conn.close()


def test_the_writer_indexes_cards_when_idle(demo_db: Path) -> None:
    booth = Booth(make_settings(demo_db))

    class Quiet:
        def __getattr__(self, what: str):  # noqa: ANN204
            return lambda *args: None

    booth.open(Quiet())  # type: ignore[arg-type]
    try:
        uid = (
            sqlite3.connect(demo_db)
            .execute("SELECT uid FROM card WHERE status = 'active' LIMIT 1")
            .fetchone()[0]
        )
        booth.submit(CardRead(reader="test", lane=Lane.IN, uid=uid))
        import time

        end = time.monotonic() + 5
        while time.monotonic() < end:
            got = sqlite3.connect(demo_db).execute("SELECT count(*) FROM event_card").fetchone()[0]
            if got == 1:
                break
            time.sleep(0.1)
        assert got == 1
    finally:
        booth.close()


def test_first_id_since_finds_the_boundary_by_the_row_id(demo_db: Path) -> None:
    conn = connect(demo_db)
    keeper = Gatekeeper(conn, "east")
    start = datetime(2026, 11, 26, 6, 0)
    for i in range(50):
        keeper.swipe(exact("0BADCAFE"), Lane.IN, now=start + timedelta(minutes=i))
    assert events.first_id_since(conn, start + timedelta(minutes=20)) == 21
    assert events.first_id_since(conn, start - timedelta(days=1)) == 1
    assert events.first_id_since(conn, start + timedelta(days=1)) == 51
    conn.close()


# --- the guard on duty --------------------------------------------------------------------------


def test_every_event_and_acknowledgement_carries_the_guard_on_duty(demo_db: Path) -> None:
    import threading

    guard_id, name = (
        sqlite3.connect(demo_db).execute("SELECT id, name FROM guard WHERE code = 'G02'").fetchone()
    )
    settings = make_settings(demo_db, booth__guard="G02")
    booth = Booth(settings)
    seen: list[object] = []
    done = threading.Event()

    class Listener:
        def __getattr__(self, what: str):  # noqa: ANN204
            def told(*args: object) -> None:
                seen.append((what, args))
                if what == "acknowledged":
                    done.set()

            return told

    opening = booth.open(Listener())  # type: ignore[arg-type]
    try:
        assert opening.state.guard is not None and opening.state.guard.name == name
        lost = (
            sqlite3.connect(demo_db)
            .execute("SELECT uid FROM card WHERE status = 'lost' LIMIT 1")
            .fetchone()[0]
        )
        booth.submit(CardRead(reader="test", lane=Lane.IN, uid=lost))
        for _ in range(100):
            if booth.board.open():
                break
            threading.Event().wait(0.05)
        alarm = booth.board.open()[0]
        assert booth.acknowledge(alarm.event_id)
        assert done.wait(5)
    finally:
        booth.close()
    conn = sqlite3.connect(demo_db)
    assert conn.execute("SELECT DISTINCT guard_id FROM access_event").fetchall() == [(guard_id,)]
    assert conn.execute("SELECT guard_id, guard_name FROM alarm_ack").fetchall() == [(guard_id, name)]
    conn.close()


async def test_an_acknowledgement_that_fails_to_store_leaves_the_alarm_with_the_reason(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guardpost import storage

    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 50)
    lost = (
        sqlite3.connect(demo_db).execute("SELECT uid FROM card WHERE status = 'lost' LIMIT 1").fetchone()[0]
    )
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.booth_open:
            await pilot.pause(0.02)
        app.booth.submit(CardRead(reader="test", lane=Lane.IN, uid=lost))
        while not app.booth_screen.alarms:
            await pilot.pause(0.02)
        locker = sqlite3.connect(demo_db, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            await pilot.press("f5")
            for _ in range(100):
                if any("not saved" in n.message for n in app._notifications):
                    break
                await pilot.pause(0.05)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert any("not saved" in n.message and "locked" in n.message for n in app._notifications)
        assert len(app.booth_screen.alarms) == 1  # the alarm stays until an acknowledgement is stored
        assert app.booth_screen.query_one("#alarm-banner").display


# --- packaging and the version ----------------------------------------------------------------------


@pytest.mark.slow
def test_the_wheel_installs_nothing_that_can_collide(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    [wheel] = tmp_path.glob("guardpost-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"guardpost", "guardpost_screens", "guardpost_data"}
    assert "guardpost/defaults.toml" in names and "guardpost_screens/app.tcss" in names
    assert "guardpost_data/demo/cards.csv" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "guardpost = guardpost_screens.launch:main" in text
    assert "open = guardpost_screens.launch:open_booth" in text


def test_version_names_what_support_asks_for(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("guardpost")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run([str(script), "--version", "--lang", "en"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    import platform

    import textual

    from guardpost import __version__

    for part in (
        __version__,
        f"schema {LATEST}",
        sqlite3.sqlite_version,
        textual.__version__,
        platform.python_version(),
    ):
        assert part in done.stdout


def test_python_m_guardpost_finds_the_screen_by_its_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "guardpost", "run", "--db", str(tmp_path / "none.db"), "--lang", "en"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 3 and "needs a terminal" in done.stderr  # it reached the launcher
