"""Shift+F12 lockdown levels, driven by keys as a guard would: the level in force and the history, a
level ordered by a supervisor (a guard's PIN refused first and typed again), a scope or entrance the
core refuses named on its field before any PIN is heard, gates typed by name, and a viewer who
orders nothing. Assertions on the database."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXED_NOW, booth_app, make_settings
from test_lists_screen import fill
from test_visit_screen import rows, until

from guardpost.domain import LockdownLevel
from guardpost_screens.forms.entry import EntryForm
from guardpost_screens.lockdown import LockdownScreen


def text_of(screen: object, widget: str) -> str:
    return str(screen.query_one(widget).render())  # type: ignore[attr-defined]


async def opened(pilot) -> LockdownScreen:  # noqa: ANN001
    app = pilot.app
    await until(pilot, lambda: app.booth_open)
    await pilot.press("f24")  # Shift+F12
    await until(pilot, lambda: isinstance(app.screen, LockdownScreen) and app.screen.in_force is not None)
    screen = app.screen
    assert isinstance(screen, LockdownScreen)
    return screen


async def test_a_supervisor_closes_the_compound_and_the_screen_shows_it(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert "normal" in text_of(screen, "#lockdown-now")
        assert screen.query_one("#lockdown-now").has_class("-normal")
        assert len(screen.history) == 1  # the demo's first level
        await pilot.press("3")
        await until(pilot, lambda: isinstance(app.screen, EntryForm) and app.screen.focused is not None)
        form = app.screen
        assert isinstance(form, EntryForm)
        # one window over the booth screen, never two: Textual keeps painting the feed and banner
        assert app.screen_stack[-2] is app.booth_screen
        assert form.values()["entrance"] == "east"  # this booth's gate, unless changed
        await fill(pilot, "", "", "[b]指挥部 2 号令[/b]", "G01", "1234")
        await until(pilot, lambda: "supervisor" in text_of(form, "#entry-error"))
        assert form.values()["pin"] == ""  # a refused PIN is typed again
        assert getattr(form.focused, "id", None) == "entry-pin"
        assert rows(demo_db, "SELECT count(*) FROM lockdown") == [(1,)]
        form.field("by").value = "G07"
        await fill(pilot, "9876")
        await until(pilot, lambda: isinstance(app.screen, LockdownScreen) and len(app.screen.history) == 2)
        screen = app.screen
        assert isinstance(screen, LockdownScreen)
        assert "CLOSED" in text_of(screen, "#lockdown-note")
        assert screen.query_one("#lockdown-now").has_class("-closed")
        assert "[b]指挥部 2 号令[/b]" in screen.query_one("#lockdown-facts").text  # type: ignore[attr-defined]
        # the booth's follower sees the new level: the header and every screen ring
        await until(
            pilot, lambda: app.booth.state is not None and app.booth.state.level == LockdownLevel.CLOSED
        )
    assert rows(
        demo_db, "SELECT level, scope, entrance, ordered_by, note FROM lockdown ORDER BY id DESC LIMIT 1"
    ) == [("closed", "compound", "east", "guard:G07", "[b]指挥部 2 号令[/b]")]
    assert rows(
        demo_db, "SELECT action, actor FROM audit WHERE action IN ('lockdown.set', 'authorise.refused')"
    ) == [
        ("authorise.refused", "guard:G01"),
        ("lockdown.set", "guard:G07"),
    ]


async def test_a_scope_or_an_entrance_the_core_refuses_is_named_before_the_pin(demo_db: Path) -> None:
    app = booth_app(demo_db, "zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("2")  # restricted: no entrance asked
        await until(pilot, lambda: isinstance(app.screen, EntryForm) and app.screen.focused is not None)
        form = app.screen
        assert isinstance(form, EntryForm)
        assert "entrance" not in form.values()
        await fill(pilot, "nowhere", "", "G07", "9876")
        await until(pilot, lambda: "nowhere" in text_of(form, "#entry-error"))
        assert getattr(form.focused, "id", None) == "entry-scope"
        assert form.values()["scope"] == "nowhere"  # kept as typed
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LockdownScreen))
        await pilot.press("3")
        await until(pilot, lambda: isinstance(app.screen, EntryForm) and app.screen.focused is not None)
        form = app.screen
        assert isinstance(form, EntryForm)
        form.field("scope").value = "西门"  # a gate by its name: the west gate alone, east left open
        await fill(pilot, "", "", "", "G07", "9876")
        await until(pilot, lambda: "east" in text_of(form, "#entry-error"))
        assert getattr(form.focused, "id", None) == "entry-entrance"
        form.field("entrance").value = "West gate"  # and in English
        form.set_focus(form.field("pin"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LockdownScreen) and len(app.screen.history) == 2)
    assert rows(demo_db, "SELECT level, scope, entrance FROM lockdown ORDER BY id DESC LIMIT 1") == [
        ("closed", "west", "west")
    ]
    # the refusals came before the PIN: no try was heard but the good one
    assert rows(demo_db, "SELECT count(*) FROM audit WHERE action = 'login.fail'") == [(0,)]


async def test_a_viewer_sees_the_levels_and_orders_none(demo_db: Path) -> None:
    from guardpost_screens.app import make_app

    app = make_app(make_settings(demo_db, "en"), viewer=True, now=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        app.push_screen(LockdownScreen(app.booth))
        await until(pilot, lambda: isinstance(app.screen, LockdownScreen) and app.screen.in_force is not None)
        screen = app.screen
        assert text_of(screen, "#lockdown-note") == ""  # no way to order offered
        await pilot.press("3")
        await pilot.pause(0.2)
        assert app.screen is screen
    assert rows(demo_db, "SELECT count(*) FROM lockdown") == [(1,)]
