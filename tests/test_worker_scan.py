"""A renovation worker's pass QR (``GPW1.<pass>``) scanned through the keyboard-wedge scanner from
the booth screen opens the renovation screen with the worker looked up: Enter admits him. Never
the card path: no card event is stored for it."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from conftest import booth_app, until
from test_app import reader_types

from guardpost.renovation import qr_text

WORK = datetime(2026, 11, 26, 10, 0)  # a Thursday, inside the demo permit's hours


def _pass_no(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(
            "SELECT pass_no FROM worker_pass WHERE valid_until >= '2026-11-26' ORDER BY id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return str(row[0])


async def test_a_scanned_worker_pass_opens_the_screen_and_enter_admits(demo_db: Path) -> None:
    from guardpost_screens.renovation import RenovationScreen

    pass_no = _pass_no(demo_db)
    app = booth_app(demo_db, "en", now=lambda: WORK)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        reader_types(app, qr_text(pass_no))  # a scanner's burst, as a terminal delivers it
        await until(pilot, lambda: isinstance(app.screen, RenovationScreen))
        screen = app.screen
        assert isinstance(screen, RenovationScreen)
        await until(pilot, lambda: screen.step == "shown")
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "typing" and screen.found is None)  # ready for the next
    conn = sqlite3.connect(demo_db)
    try:
        visits = conn.execute("SELECT category, status FROM visit").fetchall()
        cards = conn.execute("SELECT count(*) FROM access_event").fetchone()[0]
    finally:
        conn.close()
    assert visits == [("worker", "inside")]
    assert cards == 0  # the scan never reached the card path
