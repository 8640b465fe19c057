"""Snapshots of Shift+F8, the quarantine ledger, in both languages at 120x40 and 80x24: the ledger at
13:10 (taken, a fever, overdue, due, not owed), the note at a level other than closed, a fever just
recorded, and the second step of adding a household (tests/__snapshots__/, reviewed like code)."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW, booth_app

from guardpost import quarantine, storage
from guardpost_screens.forms.entry import EntryForm
from guardpost_screens.quarantine import QuarantineScreen
from guardpost_screens.widgets.header import BoothHeader

LANGS = ["zh-CN", "en"]
SIZES = [(120, 40), (80, 24)]
SIZE_IDS = ["120x40", "80x24"]
AFTERNOON = FIXED_NOW.replace(hour=13, minute=10)


def _families(conn: sqlite3.Connection) -> list[str]:
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT u.code FROM unit u JOIN person p ON p.unit_id = u.id"
            " WHERE p.role IN ('owner', 'family', 'tenant') GROUP BY u.id HAVING count(*) >= 2 ORDER BY u.id"
            " LIMIT 2"
        )
    ]


def _add(
    conn: sqlite3.Connection, unit: str, added: datetime, others: tuple[str, ...], note: str | None
) -> int:
    found = quarantine.unit_residents(conn, unit, added.date())
    return quarantine.add(
        conn,
        unit,
        residents=[r.person_id for r in found.residents],
        others=others,
        starts_on=added.date(),
        ends_on=added.date() + timedelta(days=13),
        note=note,
        code="G06",
        pin="6789",
        where="east",
        now=added,
    )


def _ledger(db: Path, level: str | None) -> Path:
    """Two households at fixed times: one since yesterday with this morning's readings (one a fever)
    and one of the afternoon's; one put on the ledger today at 13:00. ``level``: the level ordered."""
    conn = storage.connect(db)
    first, second = _families(conn)
    one = _add(conn, first, FIXED_NOW - timedelta(days=1), ("王五",), "街道通知 [b]密接[/b]")
    _add(conn, second, FIXED_NOW.replace(hour=13, minute=0), (), None)
    people = quarantine.household(conn, one).members
    for member, text, at in (
        (people[0], "36.5", FIXED_NOW.replace(hour=7, minute=40)),
        (people[1], "37.6", FIXED_NOW.replace(hour=7, minute=50)),
        (people[0], "36.7", FIXED_NOW.replace(hour=12, minute=30)),
    ):
        quarantine.record(conn, member.member_id, text, gate="east", threshold_c=37.3, guard=None, now=at)
    # the fever's alarm is acknowledged: the banner stays out of the way of the screen under test
    conn.execute(
        "INSERT INTO alarm_ack (event_id, guard_id, guard_name, at) SELECT id, NULL, '田萍婷', ? FROM"
        " access_event WHERE reason = 'fever'",
        (FIXED_NOW.replace(hour=8).isoformat(sep=" "),),
    )
    if level is not None:
        conn.execute(
            "INSERT INTO lockdown (level, scope, entrance, started_at, ordered_by)"
            " VALUES (?, 'compound', ?, ?, 'guard:G07')",
            (
                level,
                "east" if level == "closed" else None,
                (FIXED_NOW - timedelta(hours=3)).isoformat(sep=" "),
            ),
        )
    conn.close()
    return db


@pytest.fixture
def closed_db(demo_db: Path) -> Path:
    return _ledger(demo_db, "closed")


@pytest.fixture
def normal_db(demo_db: Path) -> Path:
    return _ledger(demo_db, None)


async def _wait(pilot, condition, timeout: float = 8.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "the screen did not get there"
        await pilot.pause(0.02)


async def _booth_shown(pilot) -> None:  # noqa: ANN001
    """The booth open and its header painted with the gate's names and level (under load the
    screen pushed next could otherwise cover a header still showing the settings' guess)."""
    app = pilot.app
    await _wait(pilot, lambda: app.booth_open)
    header = app.booth_screen.query_one(BoothHeader)
    await _wait(pilot, lambda: header.state is not None and header.state.gate_zh != header.state.gate_id)
    await pilot.pause(0.4)


async def _type(pilot, text: str) -> None:  # noqa: ANN001
    for ch in text:
        await pilot.press(ch)
        await pilot.pause(0.05)  # a person's pace, never a reader's burst


def opened(*then: str, typed: str = "", enter: bool = False):  # noqa: ANN201
    """A run_before: the booth open, Shift+F8, the ledger read, then ``then`` pressed, ``typed``."""

    async def run(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        await _booth_shown(pilot)
        await pilot.press("f20")
        await _wait(pilot, lambda: isinstance(app.screen, QuarantineScreen) and bool(app.screen.rows))
        for key in then:
            await pilot.press(key)
            await pilot.pause(0.1)
        if typed:
            await _type(pilot, typed)
        if enter:
            screen = app.screen
            await pilot.press("enter")
            await _wait(pilot, lambda: not getattr(screen, "recording", False))
            await pilot.pause(0.3)
        await pilot.pause(0.3)

    return run


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestQuarantine:
    def test_ledger(self, snap_compare, closed_db: Path, lang: str, size: tuple[int, int]) -> None:
        app = booth_app(closed_db, lang, now=lambda: AFTERNOON)
        assert snap_compare(app, terminal_size=size, run_before=opened())

    def test_not_the_closed_level(
        self, snap_compare, normal_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        assert snap_compare(booth_app(normal_db, lang), terminal_size=size, run_before=opened())

    def test_a_fever_recorded(self, snap_compare, closed_db: Path, lang: str, size: tuple[int, int]) -> None:
        app = booth_app(closed_db, lang, now=lambda: AFTERNOON)
        run = opened("down", "down", typed="38.2", enter=True)

        async def acknowledged(pilot) -> None:  # noqa: ANN001
            await run(pilot)
            # the new alarm rang (bell, toast); the toast's timing is not what is pinned
            pilot.app.clear_notifications()
            await pilot.pause(0.2)

        assert snap_compare(app, terminal_size=size, run_before=acknowledged)

    def test_adding_a_household(
        self, snap_compare, closed_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        conn = sqlite3.connect(closed_db)
        unit = conn.execute(
            "SELECT u.code FROM unit u JOIN person p ON p.unit_id = u.id WHERE u.id NOT IN"
            " (SELECT unit_id FROM quarantine_household) GROUP BY u.id HAVING count(*) >= 2"
            " ORDER BY u.id LIMIT 1"
        ).fetchone()[0]
        conn.close()
        run = opened("a")

        async def people(pilot) -> None:  # noqa: ANN001
            await run(pilot)
            app = pilot.app
            await _wait(pilot, lambda: isinstance(app.screen, EntryForm) and app.screen.focused is not None)
            await _type(pilot, unit)
            await pilot.press("enter")
            await _wait(pilot, lambda: getattr(app.screen, "id", "") == "quarantine-people-form")
            await _wait(pilot, lambda: app.screen.focused is not None)
            await pilot.pause(0.3)

        assert snap_compare(booth_app(closed_db, lang), terminal_size=size, run_before=people)
