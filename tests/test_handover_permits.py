"""The handover counts the temporary parking permits that should be in the booth: the stock less
those in visitors' cars still inside (which the summary lists), never the whole stock by default."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXED_NOW, booth_app, make_settings, until
from test_shift_screens import sign_in

from guardpost import vehicles
from guardpost.policy.vehicles import VehicleCategory
from guardpost.storage import connect
from guardpost_screens.handover import HandoverScreen


async def test_the_permits_in_cars_inside_are_not_expected_in_the_booth(demo_db: Path) -> None:
    conn = connect(demo_db)
    unit = conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0]
    rules = vehicles.VehicleRules.of(make_settings(demo_db, "en"))
    for plate in ("粤A7K2M5", "粤A2D6F9"):
        form = vehicles.VehicleForm(plate, VehicleCategory.VISITOR, unit=unit, driver="林先生")
        vehicles.enter(conn, form, gate="north", rules=rules, now=FIXED_NOW)
    conn.close()
    app = booth_app(demo_db, "en", booth__login=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app, "G01", "1234")
        await pilot.press("f11")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, HandoverScreen) and bool(app.screen.query("#count-parking_permits"))
            ),
        )
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        assert screen.query_one("#count-parking_permits").value == "18"  # type: ignore[attr-defined]
        assert any("(of 20, 2 out)" in str(label.render()) for label in screen.query(".entry-label"))
