"""The booth screen driven by keys, as a guard would; assertions on the database, not only widgets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import FIXED_NOW, ONLY_BLACKLISTED, booth_app, type_fields
from textual import events

from guardpost.domain import CardRead
from guardpost_screens.app import GuardpostApp
from guardpost_screens.widgets.feed import FeedView


async def wait_until(pilot, condition, timeout: float = 5.0) -> None:
    import time

    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)


def card_uid(db: Path, where: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT uid FROM card WHERE {where} ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def db_rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def booth(db: Path, lang: str = "zh-CN") -> GuardpostApp:
    return booth_app(db, lang)


def reader_types(app: GuardpostApp, text: str) -> None:
    """A wedge reader's burst: the keys arrive back to back, as a terminal delivers them.

    (``pilot.press`` waits for the app to go idle after every key, ~40 ms: a person's pace.)
    """
    for ch in [*text, "enter"]:
        app.post_message(events.Key(ch, ch if len(ch) == 1 else "\r"))


ACTIVE_OWNER = "kind = 'owner' AND status = 'active' AND valid_until IS NULL"


async def test_boots_and_shows_the_header(demo_db: Path) -> None:
    app = booth(demo_db, "en")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        header = str(app.screen.query_one("#booth-header").render())
        assert "翠湖花园" in header and "East gate" in header and "normal" in header


async def test_swipes_are_stored_before_they_are_shown(demo_db: Path) -> None:
    app = booth(demo_db)
    uids = [card_uid(demo_db, ACTIVE_OWNER), card_uid(demo_db, "status = 'lost'"), "DEADBEEF"]
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        for uid in uids:
            app.booth.submit(CardRead(reader="test", lane="in", uid=uid))
        feed = app.query_one(FeedView)
        await wait_until(pilot, lambda: len(feed.rows) == 3)
        shown = [(s.uid, s.decision) for s in feed.rows]
        assert shown == [("DEADBEEF", "deny"), (uids[1], "alarm"), (uids[0], "allow")]
        stored = db_rows(demo_db, "SELECT uid, decision FROM access_event ORDER BY id DESC")
        assert stored == shown
        # the lost card raised the alarm banner, and F5 acknowledges it, recorded in the database
        assert app.screen.query_one("#alarm-banner").display
        await pilot.press("f5")
        await wait_until(pilot, lambda: db_rows(demo_db, "SELECT count(*) FROM alarm_ack")[0][0] == 1)
        await wait_until(pilot, lambda: not app.screen.query_one("#alarm-banner").display)


async def test_filter_shows_only_refused(demo_db: Path) -> None:
    app = booth(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        app.booth.submit(CardRead(reader="test", lane="in", uid=card_uid(demo_db, ACTIVE_OWNER)))
        app.booth.submit(CardRead(reader="test", lane="in", uid="0BADCAFE"))
        feed = app.query_one(FeedView)
        await wait_until(pilot, lambda: len(feed.rows) == 2)
        await pilot.press("f3")
        await wait_until(pilot, lambda: [s.decision for s in feed.rows] == ["deny"])
        await pilot.press("f3", "f3")  # alarms only, then all again
        await wait_until(pilot, lambda: len(feed.rows) == 2)


async def test_search_by_unit(demo_db: Path) -> None:
    app = booth(demo_db)
    conn = sqlite3.connect(demo_db)
    uid, unit = conn.execute(
        "SELECT c.uid, u.code FROM card c JOIN person p ON p.id = c.person_id JOIN unit u ON u.id = p.unit_id"
        f" WHERE c.{ACTIVE_OWNER.replace(' AND ', ' AND c.')} LIMIT 1"
    ).fetchone()
    conn.close()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        app.booth.submit(CardRead(reader="test", lane="in", uid=uid))
        app.booth.submit(CardRead(reader="test", lane="in", uid="0BADCAFE"))
        feed = app.query_one(FeedView)
        await wait_until(pilot, lambda: len(feed.rows) == 2)
        await pilot.press("f4")
        for ch in unit:
            await pilot.press(ch)
            await pilot.pause(0.05)  # a person types slowly: the keys land in the search box
        await pilot.press("enter")
        await wait_until(pilot, lambda: [s.uid for s in feed.rows] == [uid])


async def test_forgot_card_is_logged_as_manual_admission(demo_db: Path) -> None:
    person_id, name, unit, last4 = db_rows(
        demo_db,
        "SELECT p.id, p.name, u.code, p.id_last4 FROM person p JOIN unit u ON u.id = p.unit_id"
        " WHERE p.id_last4 IS NOT NULL AND p.role = 'owner' LIMIT 1",
    )[0]
    app = booth(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        await pilot.press("f2")
        await type_fields(pilot, unit, last4)
        await pilot.press("enter")  # pick the highlighted resident ...
        await pilot.pause(0.1)
        await pilot.press("y")  # ... and say the front desk confirmed them
        await wait_until(pilot, lambda: db_rows(demo_db, "SELECT count(*) FROM access_event")[0][0] == 1)
    row = db_rows(demo_db, "SELECT person_id, decision, reason, source FROM access_event")[0]
    assert row == (person_id, "allow", "forgot_card", "manual")


async def test_forgot_card_refuses_bad_last_four(demo_db: Path) -> None:
    app = booth(demo_db, "en")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        await pilot.press("f2")
        await type_fields(pilot, "3-2-1201", "12a4")
        error = str(app.screen.query_one("#forgot-error").render())
        assert error.strip(), "the guard is told what is wrong"
        await pilot.press("escape")
    assert db_rows(demo_db, "SELECT count(*) FROM access_event")[0][0] == 0


async def test_wedge_burst_is_a_card_read_not_text(demo_db: Path) -> None:
    """A reader typing 8 hex digits + Enter fast is a swipe, even with the search box focused."""
    uid = card_uid(demo_db, ACTIVE_OWNER)
    app = booth(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        await pilot.press("f4")
        reader_types(app, uid.lower())
        await wait_until(pilot, lambda: db_rows(demo_db, "SELECT count(*) FROM access_event")[0][0] == 1)
        assert app.query_one("#search").value == ""
    assert db_rows(demo_db, "SELECT uid, source, decision FROM access_event") == [(uid, "wedge", "allow")]


async def test_quit_asks_first(demo_db: Path) -> None:
    app = booth(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        await pilot.press("f10")
        await pilot.press("n")
        assert app.is_running
        await pilot.press("f10")
        await pilot.press("y")
        await pilot.pause(0.1)
    assert not app.is_running


async def test_scrollback_reads_older_pages_from_the_database(demo_db: Path) -> None:
    from datetime import timedelta

    from guardpost.access import Gatekeeper, exact
    from guardpost.storage import connect

    conn = connect(demo_db)
    keeper = Gatekeeper(conn, "east")
    uid = card_uid(demo_db, ACTIVE_OWNER)
    with conn:
        for i in range(450):
            keeper.swipe(exact(uid), "in", now=FIXED_NOW - timedelta(seconds=450 - i))
    conn.close()
    app = booth(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        feed = app.query_one(FeedView)
        await wait_until(pilot, lambda: len(feed.rows) == 200)  # the first page only
        for expected in (400, 450):
            await pilot.press("end")
            await wait_until(pilot, lambda n=expected: len(feed.rows) == n)
        assert feed.exhausted
        ids = [s.event_id for s in feed.rows]
        assert ids == sorted(ids, reverse=True) and ids[-1] == 1  # newest first, down to the first event
        await pilot.press("home")
        assert feed.scroll_y == 0


async def test_forgot_card_does_not_admit_a_blacklisted_resident(demo_db: Path) -> None:
    person_id, unit, last4 = db_rows(
        demo_db,
        "SELECT p.id, u.code, p.id_last4 FROM person p JOIN unit u ON u.id = p.unit_id"
        " JOIN card c ON c.person_id = p.id"
        " WHERE c.status = 'blacklisted' AND p.id_last4 IS NOT NULL"
        " AND " + ONLY_BLACKLISTED + " LIMIT 1",
    )[0]
    app = booth(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        await pilot.press("f2")
        await type_fields(pilot, unit, last4)
        await pilot.press("enter")  # on the refused person: the refusal is recorded, no question asked
        await wait_until(pilot, lambda: db_rows(demo_db, "SELECT count(*) FROM access_event")[0][0] == 1)
        await wait_until(pilot, lambda: bool(app.booth_screen.alarms))
    row = db_rows(demo_db, "SELECT person_id, decision, reason, source FROM access_event")[0]
    assert row == (person_id, "alarm", "blacklisted_person", "manual")


async def test_scrolling_away_counts_new_swipes(demo_db: Path) -> None:
    from datetime import timedelta

    from guardpost.access import Gatekeeper, exact
    from guardpost.storage import connect

    uid = card_uid(demo_db, ACTIVE_OWNER)
    conn = connect(demo_db)
    keeper = Gatekeeper(conn, "east")
    for i in range(80):
        keeper.swipe(exact(uid), "in", now=FIXED_NOW - timedelta(seconds=100 - i))
    conn.close()
    app = booth(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        feed = app.query_one(FeedView)
        await wait_until(pilot, lambda: len(feed.rows) == 80)
        await pilot.press("pagedown")
        await pilot.pause(0.1)
        app.booth.submit(CardRead(reader="test", lane="in", uid="0BADCAFE"))
        await wait_until(pilot, lambda: app.booth_screen.unseen == 1)
        assert "Home" in str(app.query_one("#status-line").render())
        await pilot.press("home")
        await wait_until(pilot, lambda: app.booth_screen.unseen == 0 and feed.rows[0].uid == "0BADCAFE")


async def test_forgot_card_forgets_the_people_found_when_a_field_changes(demo_db: Path) -> None:
    _, _, unit, last4 = db_rows(
        demo_db,
        "SELECT p.id, p.name, u.code, p.id_last4 FROM person p JOIN unit u ON u.id = p.unit_id"
        " WHERE p.id_last4 IS NOT NULL AND p.role = 'owner' LIMIT 1",
    )[0]
    app = booth(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        await pilot.press("f2")
        await type_fields(pilot, unit, last4)
        matches = app.screen.query_one("#forgot-matches")
        await wait_until(pilot, lambda: matches.display and app.screen.found)
        app.screen.query_one("#forgot-last4").focus()
        await pilot.press("backspace")
        await pilot.pause(0.1)
        assert not matches.display and app.screen.found == {}  # no stale answer left to pick
        await pilot.press("enter")  # three digits: refused, nothing admitted
        await pilot.pause(0.2)
        assert str(app.screen.query_one("#forgot-error").render()).strip()
    assert db_rows(demo_db, "SELECT count(*) FROM access_event")[0][0] == 0


async def test_what_arrives_for_a_screen_being_taken_down_is_dropped(demo_db: Path) -> None:
    """The booth's news and a worker's answer come through a queue, and can land while the app
    stops (a test's end, F10): the event is stored already, so it is dropped, never a crash."""
    import threading

    from guardpost.domain import ReaderState, ReaderStatus
    from guardpost_screens.booth import BoothScreen
    from guardpost_screens.live import showing, tell

    # a booth screen not (or no longer) mounted takes the reader's state without failing
    gone = BoothScreen()
    gone.show_reader(ReaderStatus("test", ReaderState.CONNECTED))
    assert not showing(gone)

    app = booth(demo_db, "en")
    told: list[str] = []
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        await pilot.press("f7")  # the inside-now board: a screen with workers
        board = app.screen
        assert showing(board)
        thread = threading.Thread(target=tell, args=(board, told.append, "while open"))
        thread.start()
        await wait_until(pilot, lambda: told == ["while open"])
        thread.join()
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.booth_screen)
        assert not showing(board)
        thread = threading.Thread(target=tell, args=(board, told.append, "after it closed"))
        thread.start()
        while thread.is_alive():
            await pilot.pause(0.02)
    assert told == ["while open"]
    # and after the app stopped, a late answer does not raise in the worker either
    tell(board, told.append, "after the app stopped")
    assert told == ["while open"]


async def test_keys_show_in_the_field_at_once_and_a_card_leaves_it_as_it_was(demo_db: Path) -> None:
    """Optimistic echo: the first keys of a fast run are in the field at once (not after the wedge
    check's hold); the run turning out to be a card puts the field back as the guard left it."""
    uid = card_uid(demo_db, ACTIVE_OWNER)
    app = booth(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: app.booth_open)
        await pilot.press("f4")
        box = app.query_one("#search")
        for ch in "3-2":
            app.post_message(events.Key(ch, ch))
        await pilot.pause(0.05)  # well inside the hold (120 ms): echoed, not waiting for it
        assert box.value == "3-2"  # type: ignore[attr-defined]
        await pilot.pause(0.3)
        reader_types(app, uid.lower())
        await wait_until(pilot, lambda: db_rows(demo_db, "SELECT count(*) FROM access_event")[0][0] == 1)
        await wait_until(pilot, lambda: box.value == "3-2")  # type: ignore[attr-defined]
        await pilot.pause(0.2)
        assert box.value == "3-2"  # type: ignore[attr-defined]
