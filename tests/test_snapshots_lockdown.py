"""Snapshots of Shift+F12, lockdown levels, in both languages at 120x40 and 80x24: the closed level in
force with its history, the form that orders a level, a scope the core refuses, and a guard's PIN
refused for a supervisor's order (tests/__snapshots__/, reviewed like code)."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW, booth_app

from guardpost_screens.forms.entry import EntryForm
from guardpost_screens.lockdown import LockdownScreen
from guardpost_screens.widgets.header import BoothHeader

LANGS = ["zh-CN", "en"]
SIZES = [(120, 40), (80, 24)]
SIZE_IDS = ["120x40", "80x24"]


@pytest.fixture
def levels_db(demo_db: Path) -> Path:
    """The demo's first level at a fixed time, then restricted and closed (east left open) as a
    supervisor orders them (``lockdown set`` stores the same rows)."""
    conn = sqlite3.connect(demo_db)
    # the demo stamps its first level with the day it was built: pinned here, around the trigger
    # that keeps the history unchanged (taken and put back as the migration wrote it)
    trigger = conn.execute("SELECT sql FROM sqlite_schema WHERE name = 'lockdown_no_update'").fetchone()[0]
    conn.execute("DROP TRIGGER lockdown_no_update")
    conn.execute("UPDATE lockdown SET started_at = ?", ((FIXED_NOW - timedelta(days=30)).isoformat(sep=" "),))
    conn.execute(trigger)
    for level, entrance, hours, note in (
        ("restricted", None, 26, "区防控办通知：外来人员一律测温登记"),
        ("closed", "east", 3, "[b]指挥部 2 号令[/b]：里不出、外不进"),
    ):
        conn.execute(
            "INSERT INTO lockdown (level, scope, entrance, started_at, ordered_by, note)"
            " VALUES (?, 'compound', ?, ?, 'guard:G07', ?)",
            (level, entrance, (FIXED_NOW - timedelta(hours=hours)).isoformat(sep=" "), note),
        )
    conn.commit()
    conn.close()
    return demo_db


async def _wait(pilot, condition, timeout: float = 10.0) -> None:  # noqa: ANN001
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


def opened(level_key: str = "", *fields: str):  # noqa: ANN201
    """A run_before: the booth open, Shift+F12, the levels read; then a level's key and ``fields``
    typed into its form (each + Enter), waiting for the form's answer."""

    async def run(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        await _booth_shown(pilot)
        await pilot.press("f24")
        await _wait(pilot, lambda: isinstance(app.screen, LockdownScreen) and app.screen.in_force is not None)
        if level_key:
            await pilot.press(level_key)
            await _wait(pilot, lambda: isinstance(app.screen, EntryForm) and app.screen.focused is not None)
            for text in fields:
                await _type(pilot, text)
                await pilot.press("enter")
            if fields:
                form = app.screen
                await _wait(pilot, lambda: str(form.query_one("#entry-error").render()) != "")
        await pilot.pause(0.4)

    return run


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestLockdown:
    def test_levels(self, snap_compare, levels_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(booth_app(levels_db, lang), terminal_size=size, run_before=opened())

    def test_order_form(self, snap_compare, levels_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(booth_app(levels_db, lang), terminal_size=size, run_before=opened("3"))

    def test_a_scope_refused(self, snap_compare, levels_db: Path, lang: str, size: tuple[int, int]) -> None:
        run = opened("2", "east nowhere", "", "G07", "9876")
        assert snap_compare(booth_app(levels_db, lang), terminal_size=size, run_before=run)

    def test_a_guard_is_not_a_supervisor(
        self, snap_compare, levels_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        run = opened("1", "", "", "G01", "1234")
        assert snap_compare(booth_app(levels_db, lang), terminal_size=size, run_before=run)
