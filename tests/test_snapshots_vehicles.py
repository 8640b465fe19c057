"""Snapshot tests of ⇧F6 vehicles: both languages at 120x40 and 80x24, with vehicles inside (a
truck past its limit, a visitor with a permit, an emergency vehicle awaiting its details): a
registered plate at the category question, an exit with its fee and receipt, and a refusal that
names its field."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW, booth_app, type_fields

from guardpost import vehicles
from guardpost.policy.vehicles import VehicleCategory
from guardpost.storage import connect
from guardpost_screens.vehicles import VehiclesScreen

LANGS = ["zh-CN", "en"]
SIZES = [(120, 40), (80, 24)]
SIZE_IDS = ["120x40", "80x24"]
RULES = vehicles.VehicleRules(30, 60, 500, 20)


@pytest.fixture
def cars_db(demo_db: Path) -> Path:
    """The demo with vehicles inside since fixed times."""
    conn = connect(demo_db)
    unit = conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0]
    for plate, category, minutes, extra in (
        ("粤B20001", VehicleCategory.DELIVERY, 80, {"driver": "李师傅", "note": "送建材"}),
        ("粤B12345", VehicleCategory.VISITOR, 50, {"unit": unit}),
        ("", VehicleCategory.EMERGENCY, 10, {}),
    ):
        form = vehicles.VehicleForm(plate, category, **extra)  # type: ignore[arg-type]
        vehicles.enter(conn, form, gate="north", rules=RULES, now=FIXED_NOW - timedelta(minutes=minutes))
    conn.close()
    return demo_db


def owner_plate(db: Path) -> str:
    conn = connect(db)
    try:
        return str(
            conn.execute("SELECT plate FROM vehicle WHERE kind = 'owner' ORDER BY id LIMIT 1").fetchone()[0]
        )
    finally:
        conn.close()


def shown(
    *typed: str,
    before: tuple[str, ...] = (),
    asked: str | None = None,
    keys: tuple[str, ...] = (),
    step: str = "plate",
    says: str = "",
    rows: int = 3,
):  # noqa: ANN201
    """A run_before: the booth open, ⇧F6 over it with its list loaded, ``before`` keys, ``typed``
    fields (each + Enter), then (once the screen asks ``asked``) ``keys``; until the screen is at
    ``step``, its result says ``says`` and its list has ``rows``."""

    async def run(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        end = time.monotonic() + 8

        async def until(condition) -> None:  # noqa: ANN001
            while not condition():
                assert time.monotonic() < end, "the screen did not get there in time"
                await pilot.pause(0.02)

        await until(lambda: app.booth_open)
        await pilot.press("f18")
        await until(lambda: isinstance(app.screen, VehiclesScreen) and len(app.screen.rows) == 3)
        screen = app.screen
        for key in before:
            await pilot.press(key)
            await pilot.pause(0.1)
        if typed:
            await type_fields(pilot, *typed)
        if asked is not None:
            await until(lambda: screen.step == asked)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.1)
        await until(
            lambda: (
                screen.step == step
                and says in str(screen.query_one("#vehicles-result").render())
                and len(screen.rows) == rows
            )
        )
        await pilot.pause(0.3)

    return run


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestVehicles:
    def test_a_registered_plate_asks_its_category(
        self, snap_compare, cars_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        app = booth_app(cars_db, lang, gate="north")
        assert snap_compare(app, terminal_size=size, run_before=shown(owner_plate(cars_db), step="category"))

    def test_an_exit_with_its_fee_and_receipt(
        self, snap_compare, cars_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        app = booth_app(cars_db, lang, gate="north")
        run = shown("粤B20001", before=("f6",), says="P000001", rows=2)
        assert snap_compare(app, terminal_size=size, run_before=run)

    def test_a_permit_asked_back_at_the_exit(
        self, snap_compare, cars_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        app = booth_app(cars_db, lang, gate="north")
        run = shown("粤B12345", before=("f6",), step="permit")
        assert snap_compare(app, terminal_size=size, run_before=run)

    def test_an_unknown_owner_plate_is_asked_its_unit(
        self, snap_compare, cars_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        app = booth_app(cars_db, lang, gate="north")
        said = "Unit" if lang == "en" else "房号"
        assert snap_compare(
            app, terminal_size=size, run_before=shown("粤B7F6C2", asked="category", keys=("1",), says=said)
        )
