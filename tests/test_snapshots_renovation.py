"""Snapshot tests of ⇧F9 renovation workers: both languages at 120x40 and 80x24, a good pass shown
with a material ticked, a refused pass, and the form for a worker without a pass (photos cannot
be drawn in a test terminal: the screen says so)."""

from __future__ import annotations

import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import booth_app, type_fields

from guardpost_screens.renovation import RenovationScreen

LANGS = ["zh-CN", "en"]
SIZES = [(120, 40), (80, 24)]
SIZE_IDS = ["120x40", "80x24"]
WORK = datetime(2026, 11, 26, 10, 0)


@pytest.fixture
def demo_db(demo_master: Path, demo_db: Path) -> Path:
    """The demo's file with its workers' pass photos beside it (the data folder they are under)."""
    shutil.copytree(demo_master.parent / "photos", demo_db.parent / "photos")
    return demo_db


def shown(*typed: str, keys: tuple[str, ...] = (), wait: float = 0.4):  # noqa: ANN201
    """A run_before: the booth open, the renovation screen over it, ``typed`` fields (each + Enter),
    then ``keys``."""

    async def run(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        end = time.monotonic() + 5
        while not app.booth_open:
            assert time.monotonic() < end, "booth did not open"
            await pilot.pause(0.02)
        app.open_renovation()  # what ⇧F9 does
        while not (isinstance(app.screen, RenovationScreen) and app.screen.focused is not None):
            assert time.monotonic() < end, "the screen did not open"
            await pilot.pause(0.02)
        if typed:
            await type_fields(pilot, *typed)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.2)
        await pilot.pause(wait)

    return run


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestRenovation:
    def test_empty(self, snap_compare, demo_db: Path, lang: str, size: tuple[int, int]) -> None:
        app = booth_app(demo_db, lang, now=lambda: WORK)
        assert snap_compare(app, terminal_size=size, run_before=shown())

    def test_good_pass_with_a_material_ticked(
        self, snap_compare, demo_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        app = booth_app(demo_db, lang, now=lambda: WORK)
        assert snap_compare(app, terminal_size=size, run_before=shown("ZX-2026-0001", keys=("2",)))

    def test_expired_refused(self, snap_compare, demo_db: Path, lang: str, size: tuple[int, int]) -> None:
        app = booth_app(demo_db, lang, now=lambda: WORK)
        assert snap_compare(app, terminal_size=size, run_before=shown("ZX-2026-0004"))

    def test_without_a_pass_form(self, snap_compare, demo_db: Path, lang: str, size: tuple[int, int]) -> None:
        app = booth_app(demo_db, lang, now=lambda: WORK)
        assert snap_compare(app, terminal_size=size, run_before=shown(keys=("f4",)))
