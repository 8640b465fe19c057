"""Snapshot tests: each screen pinned in both languages, refusals included (tests/__snapshots__/)."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW, make_settings, type_fields

from guardpost.access import ExactUid, Gatekeeper
from guardpost.storage import connect
from screens.app import GuardpostApp

LANGS = ["zh-CN", "en"]
SIZE = (120, 30)


def seed_swipes(db: Path) -> None:
    """A morning's swipes at fixed times: allowed, special care, refused, expired, lost."""
    conn = connect(db)
    keeper = Gatekeeper(conn, "east")
    picks = [
        "c.kind = 'owner' AND c.status = 'active' AND c.valid_until IS NULL AND p.special_care IS NULL",
        "c.kind = 'owner' AND c.status = 'active' AND p.special_care IS NOT NULL",
        "c.kind = 'parking_monthly' AND c.status = 'active'",
        "c.status = 'expired'",
        "c.status = 'lost'",
    ]
    for i, where in enumerate(picks):
        uid = conn.execute(
            "SELECT c.uid FROM card c LEFT JOIN person p ON p.id = c.person_id"
            f" WHERE {where} ORDER BY c.id LIMIT 1"
        ).fetchone()[0]
        keeper.swipe(
            ExactUid(uid), "in" if i % 2 == 0 else "out", uid=uid, now=FIXED_NOW - timedelta(minutes=9 - i)
        )
    keeper.swipe(ExactUid("0BADCAFE"), "in", uid="0BADCAFE", now=FIXED_NOW - timedelta(minutes=2))
    conn.close()


def booth(db: Path, lang: str) -> GuardpostApp:
    return GuardpostApp(make_settings(db, lang), None, start_readers=False, now=lambda: FIXED_NOW)


async def ready(pilot) -> None:
    app = pilot.app
    end = time.monotonic() + 5
    while not app.booth_open:
        assert time.monotonic() < end, "booth did not open"
        await pilot.pause(0.02)
    await pilot.pause(0.1)


@pytest.fixture
def seeded_db(demo_db: Path) -> Path:
    seed_swipes(demo_db)
    return demo_db


@pytest.mark.parametrize("lang", LANGS)
class TestFeed:
    def test_feed_with_alarm(self, snap_compare, seeded_db: Path, lang: str) -> None:
        assert snap_compare(booth(seeded_db, lang), terminal_size=SIZE, run_before=ready)

    def test_alarm_acknowledged(self, snap_compare, seeded_db: Path, lang: str) -> None:
        async def ack(pilot) -> None:
            await ready(pilot)
            await pilot.press("f5")
            await pilot.pause(0.1)

        assert snap_compare(booth(seeded_db, lang), terminal_size=SIZE, run_before=ack)

    def test_filter_refused(self, snap_compare, seeded_db: Path, lang: str) -> None:
        async def refused(pilot) -> None:
            await ready(pilot)
            await pilot.press("f3")
            await pilot.pause(0.3)

        assert snap_compare(booth(seeded_db, lang), terminal_size=SIZE, run_before=refused)

    def test_not_saved_state(self, snap_compare, seeded_db: Path, lang: str) -> None:
        """A swipe that cannot be written is shown as NOT SAVED, never dropped silently."""

        async def locked(pilot) -> None:
            await ready(pilot)
            from guardpost.access import NotSaved
            from guardpost.readers.base import CardRead

            pilot.app._show_not_saved(
                CardRead(reader="test", lane="in", uid="0BADCAFE"),
                NotSaved("storage.not_saved", "storage.not_saved_hint", error="database is locked"),
                1,
            )
            await pilot.pause(0.1)

        assert snap_compare(booth(seeded_db, lang), terminal_size=SIZE, run_before=locked)


@pytest.mark.parametrize("lang", LANGS)
class TestHelp:
    def test_help(self, snap_compare, seeded_db: Path, lang: str) -> None:
        async def helped(pilot) -> None:
            await ready(pilot)
            await pilot.press("f1")
            await pilot.pause(0.1)

        assert snap_compare(booth(seeded_db, lang), terminal_size=SIZE, run_before=helped)


@pytest.mark.parametrize("lang", LANGS)
class TestForgotCard:
    def test_refuses_bad_unit(self, snap_compare, seeded_db: Path, lang: str) -> None:
        async def bad(pilot) -> None:
            await ready(pilot)
            await pilot.press("f2")
            await type_fields(pilot, "99-9-9999", "1234")

        assert snap_compare(booth(seeded_db, lang), terminal_size=SIZE, run_before=bad)

    def test_finds_resident(self, snap_compare, seeded_db: Path, lang: str) -> None:
        conn = sqlite3.connect(seeded_db)
        unit, last4 = conn.execute(
            "SELECT u.code, p.id_last4 FROM person p JOIN unit u ON u.id = p.unit_id"
            " WHERE p.id_last4 IS NOT NULL AND p.role = 'owner' ORDER BY p.id LIMIT 1"
        ).fetchone()
        conn.close()

        async def found(pilot) -> None:
            await ready(pilot)
            await pilot.press("f2")
            await type_fields(pilot, unit, last4)

        assert snap_compare(booth(seeded_db, lang), terminal_size=SIZE, run_before=found)


@pytest.mark.parametrize("lang", LANGS)
class TestQuit:
    def test_quit_confirmation(self, snap_compare, seeded_db: Path, lang: str) -> None:
        async def quitting(pilot) -> None:
            await ready(pilot)
            await pilot.press("f10")
            await pilot.pause(0.1)

        assert snap_compare(booth(seeded_db, lang), terminal_size=SIZE, run_before=quitting)
