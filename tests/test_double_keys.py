"""A key pressed twice, or a key and Esc together, on a register screen that gives its place to a
form: the second key lands on a screen already going. Found by a guard's try-out (the booth stopped
with exit 70); the booth stays up, one form opens, and Esc closes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import booth_app, until

from guardpost_screens.forms.entry import EntryForm


@pytest.mark.parametrize(
    ("open_key", "keys"),
    [
        ("f24", ("3", "3")),  # the lockdown screen: a level's digit twice
        ("f24", ("2", "escape")),
        ("f24", ("1", "escape", "escape", "escape")),
        ("f20", ("a", "a")),  # the quarantine ledger: add twice
        ("f21", ("f4", "f4")),  # renovation: a worker without a pass, twice
    ],
)
async def test_a_double_press_opens_one_form_and_the_booth_stays_up(
    demo_db: Path, open_key: str, keys: tuple[str, ...]
) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press(open_key)
        await until(pilot, lambda: app.screen is not app.booth_screen and app.screen.focused is not None)
        await pilot.press(*keys)
        await pilot.pause(0.5)
        assert app.is_running and app.return_code is None
        assert sum(isinstance(s, EntryForm) for s in app.screen_stack) <= 1
        for _ in range(5):
            if app.screen is app.booth_screen:
                break
            await pilot.press("escape")
            await pilot.pause(0.2)
        assert app.screen is app.booth_screen and app.is_running
