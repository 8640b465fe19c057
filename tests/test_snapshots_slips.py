"""Snapshot tests of ⇧F2 items leaving: both languages at 120x40 and 80x24; a good slip shown
before it is taken in, a used slip refused, and after hours a tenant refused until the service
centre reopens (the owner card swiped on the reader, shown beside the form)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW, booth_app, type_fields

from guardpost import release_slips, storage
from guardpost.domain import CardRead
from guardpost_screens.release_slips import ReleaseSlipScreen

LANGS = ["zh-CN", "en"]
SIZES = [(120, 40), (80, 24)]
SIZE_IDS = ["120x40", "80x24"]
EVENING = datetime(2026, 11, 26, 19, 30)


def issued(db: Path, *, collected: bool = False) -> str:
    conn = storage.connect(db)
    try:
        form = release_slips.SlipForm(
            "1-1-101", "三人沙发一张、冰箱一台", "顺心搬家 张师傅", FIXED_NOW + timedelta(hours=9)
        )
        slip = release_slips.issue(
            conn, form, by="guard:G07 (cli:desk)", retention_years=2, now=FIXED_NOW - timedelta(hours=1)
        )
        if collected:
            release_slips.collect(
                conn,
                slip.number,
                gate="east",
                guard=None,
                retention_years=2,
                now=FIXED_NOW - timedelta(minutes=20),
            )
        return slip.number
    finally:
        conn.close()


def tenant_card(db: Path) -> tuple[str, str, str]:
    conn = storage.connect(db)
    try:
        row = conn.execute(
            "SELECT u.code, p.id_last4, c.uid FROM person p JOIN unit u ON u.id = p.unit_id JOIN card c ON"
            " c.person_id = p.id AND c.kind = 'owner' AND c.status = 'active' WHERE p.name = '罗峰'"
        ).fetchone()
    finally:
        conn.close()
    return str(row[0]), str(row[1]), str(row[2])


def shown(*typed: str, keys: tuple[str, ...] = (), card: str | None = None, wait: float = 0.5):  # noqa: ANN201
    """A run_before: the booth open, the screen over it, ``keys``, a card swiped, then ``typed``
    fields (each + Enter)."""

    async def run(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        end = time.monotonic() + 8
        while not app.booth_open:
            assert time.monotonic() < end, "booth did not open"
            await pilot.pause(0.02)
        app.open_release_slips()  # what ⇧F2 does
        while not (isinstance(app.screen, ReleaseSlipScreen) and app.screen.focused is not None):
            assert time.monotonic() < end, "the screen did not open"
            await pilot.pause(0.02)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.2)
        if card is not None:
            app.booth.submit(CardRead(reader="test", lane="out", uid=card))
            while not app.booth_screen.query_one("#feed").rows:
                assert time.monotonic() < end, "the swipe was not shown"
                await pilot.pause(0.02)
        if typed:
            await type_fields(pilot, *typed)
        await pilot.pause(wait)

    return run


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestReleaseSlips:
    def test_a_good_slip_shown(self, snap_compare, demo_db: Path, lang: str, size: tuple[int, int]) -> None:
        number = issued(demo_db)
        assert snap_compare(booth_app(demo_db, lang), terminal_size=size, run_before=shown(number))

    def test_a_used_slip_refused(self, snap_compare, demo_db: Path, lang: str, size: tuple[int, int]) -> None:
        number = issued(demo_db, collected=True)
        assert snap_compare(booth_app(demo_db, lang), terminal_size=size, run_before=shown(number))

    def test_after_hours_a_tenant_refused(
        self, snap_compare, demo_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        unit, last4, uid = tenant_card(demo_db)
        app = booth_app(demo_db, lang, now=lambda: EVENING)
        run = shown(unit, last4, "冰箱一台", keys=("f6",), card=uid)
        assert snap_compare(app, terminal_size=size, run_before=run)
