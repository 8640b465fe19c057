"""The card path end to end: emulated cards on a real pcscd (vpcd) → PcscReader → swipe → feed + DB."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import booth_app
from pcscd_fixture import Pcscd, pcscd  # noqa: F401  (session fixture)
from vpcd_card import VirtualCard

from guardpost_screens.app import GuardpostApp
from guardpost_screens.widgets.feed import FeedView
from guardpost_screens.widgets.header import BoothHeader

pytestmark = pytest.mark.pcsc
SLOT0, SLOT1 = 35963, 35964


def uid_where(db: Path, where: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT uid FROM card WHERE {where} ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def stored(db: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT uid, lane, decision FROM access_event ORDER BY id").fetchall()
    finally:
        conn.close()


async def wait_until(pilot, condition, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not reached in time"
        await pilot.pause(0.05)


def booth_with_pcsc(db: Path) -> GuardpostApp:
    """The booth as the settings build it: the core chooses the PC/SC reader and maps the lanes."""
    from datetime import datetime

    return booth_app(
        db,
        "en",
        now=datetime.now,
        reader="pcsc",
        reader__pcsc_in="Virtual PCD 00 00",
        reader__pcsc_out="Virtual PCD 00 01",
    )


def state(header: BoothHeader) -> str | None:
    return header.reader.state if header.reader is not None else None


ACTIVE = "kind = 'owner' AND status = 'active' AND valid_until IS NULL AND length(uid) = 8"


async def test_three_taps_three_rows(pcscd: Pcscd, demo_db: Path) -> None:
    uids = [uid_where(demo_db, ACTIVE), uid_where(demo_db, "status = 'lost' AND length(uid) = 8"), "0A0B0C0D"]
    app = booth_with_pcsc(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        header = app.query_one(BoothHeader)
        await wait_until(pilot, lambda: state(header) == "connected")
        for uid in uids:
            await asyncio.to_thread(VirtualCard(bytes.fromhex(uid), SLOT0).tap, 0.8)
        feed = app.query_one(FeedView)
        await wait_until(pilot, lambda: len(feed.rows) == 3)
        assert [(s.uid, s.decision) for s in reversed(feed.rows)] == [
            (uids[0], "allow"),
            (uids[1], "alarm"),
            (uids[2], "deny"),
        ]
    assert stored(demo_db) == [(uids[0], "in", "allow"), (uids[1], "in", "alarm"), (uids[2], "in", "deny")]


async def test_two_slots_are_the_in_and_out_lanes(pcscd: Pcscd, demo_db: Path) -> None:
    conn = sqlite3.connect(demo_db)
    a, b = (r[0] for r in conn.execute(f"SELECT uid FROM card WHERE {ACTIVE} ORDER BY id LIMIT 2"))
    conn.close()
    app = booth_with_pcsc(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        header = app.query_one(BoothHeader)
        await wait_until(pilot, lambda: state(header) == "connected")
        with VirtualCard(bytes.fromhex(a), SLOT0), VirtualCard(bytes.fromhex(b), SLOT1):
            await wait_until(pilot, lambda: len(app.query_one(FeedView).rows) == 2)
    assert sorted(stored(demo_db)) == sorted([(a, "in", "allow"), (b, "out", "allow")])


async def test_header_shows_no_reader_while_pcscd_is_down(pcscd: Pcscd, demo_db: Path) -> None:
    uid = uid_where(demo_db, ACTIVE)
    app = booth_with_pcsc(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        header = app.query_one(BoothHeader)
        await wait_until(pilot, lambda: state(header) == "connected")
        await asyncio.to_thread(pcscd.stop)
        try:
            await wait_until(pilot, lambda: state(header) == "no_reader")
            assert "no reader" in str(header.render())
        finally:
            await asyncio.to_thread(pcscd.start)
        await wait_until(pilot, lambda: state(header) == "connected")
        await asyncio.to_thread(VirtualCard(bytes.fromhex(uid), SLOT0).tap, 0.8)
        await wait_until(pilot, lambda: len(app.query_one(FeedView).rows) == 1)
    assert stored(demo_db) == [(uid, "in", "allow")]
