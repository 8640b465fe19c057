"""F9 lists, driven by keys as a guard would: visitors registered ahead (and let in on their pass),
and the block list (an entry added and removed, each saying who); assertions on the database."""

from __future__ import annotations

from pathlib import Path

from conftest import booth_app
from test_visit_screen import a_unit, rows, typed, until

from guardpost_screens.forms.entry import EntryForm
from guardpost_screens.lists import BLOCKED, EXPECTED, ListsScreen


def table_text(screen: ListsScreen) -> str:
    table = screen.query_one("#lists-table")
    return "\n".join(
        " ".join(str(cell) for cell in table.get_row_at(i))  # type: ignore[attr-defined]
        for i in range(table.row_count)  # type: ignore[attr-defined]
    )


async def fill(pilot, *values: str) -> None:  # noqa: ANN001
    """Type each field and Enter, as at the booth."""
    # a pushed form takes keys once it is mounted and has put the cursor in its first field
    await until(pilot, lambda: pilot.app.screen.focused is not None)
    for value in values:
        await typed(pilot, value)
        await pilot.press("enter")


async def test_a_phone_is_put_on_the_block_list_and_taken_off_by_a_supervisor(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f9")
        screen = app.screen
        assert isinstance(screen, ListsScreen)
        await pilot.press("2")
        await until(pilot, lambda: screen.shown == BLOCKED)
        await until(pilot, lambda: "empty" in str(screen.query_one("#lists-note").render()))
        await pilot.press("a", "2")  # add: a phone
        await until(pilot, lambda: isinstance(app.screen, EntryForm))
        # one window over the booth screen, never two: Textual keeps painting the feed and banner
        assert app.screen_stack[-2] is app.booth_screen
        await fill(pilot, "139 1234 5678", "[/]多次推销骚扰", "G07", "9876")  # a supervisor's code and PIN
        # the form took the lists' place over the booth screen; the lists come back after it
        await until(pilot, lambda: isinstance(app.screen, ListsScreen) and bool(app.screen.blocked))
        screen = app.screen
        assert isinstance(screen, ListsScreen) and screen.shown == BLOCKED
        assert rows(demo_db, "SELECT kind, value, reason, added_by FROM blocklist") == [
            ("phone", "13912345678", "[/]多次推销骚扰", "guard:G07")
        ]
        assert "[/]多次推销骚扰" in table_text(screen)  # shown as typed, never as markup
        await until(pilot, lambda: "entry 1" in str(screen.query_one("#lists-note").render()))
        # Delete asks for a supervisor; the entry is kept as removed, with who and when
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, EntryForm))
        await fill(pilot, "G01", "1234")  # a guard's own PIN is not a supervisor's
        form = app.screen
        await until(pilot, lambda: "supervisor" in str(form.query_one("#entry-error").render()))
        assert form.values()["pin"] == ""  # a refused PIN is typed again
        assert rows(demo_db, "SELECT removed_by FROM blocklist") == [(None,)]
        form.field("by").value = ""
        form.set_focus(form.field("by"))
        await fill(pilot, "G07", "9876")
        await until(pilot, lambda: isinstance(app.screen, ListsScreen) and not app.screen.blocked)
        screen = app.screen
    assert rows(demo_db, "SELECT removed_by, removed_at IS NOT NULL FROM blocklist") == [("guard:G07", 1)]
    assert rows(demo_db, "SELECT action, actor FROM audit WHERE action NOT IN ('import') ORDER BY id") == [
        ("blocklist.add", "guard:G07"),
        ("authorise.refused", "guard:G01"),
        ("blocklist.remove", "guard:G07"),
    ]


async def test_a_bad_value_is_named_and_what_was_typed_stays(demo_db: Path) -> None:
    app = booth_app(demo_db, "zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f9", "2", "a", "3")  # a plate
        await until(pilot, lambda: isinstance(app.screen, EntryForm))
        form = app.screen
        assert isinstance(form, EntryForm)
        await fill(pilot, "京AO1234", "闯杆", "G07", "9876")  # O is never in a plate's serial
        await until(pilot, lambda: "车牌" in str(form.query_one("#entry-error").render()))
        assert getattr(form.focused, "id", None) == "entry-value"
        assert form.values() == {"value": "京AO1234", "reason": "闯杆", "by": "G07", "pin": "9876"}
        # a required field left empty is said before anything is tried
        form.field("by").value = ""
        form.set_focus(form.field("value"))
        form.field("value").value = "京A12345"
        await pilot.press("enter", "enter", "enter")
        await until(pilot, lambda: "主管工号" in str(form.query_one("#entry-error").render()))
        assert getattr(form.focused, "id", None) == "entry-by"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ListsScreen))
    assert rows(demo_db, "SELECT count(*) FROM blocklist") == [(0,)]


async def test_a_visitor_registered_ahead_is_let_in_from_the_list(demo_db: Path) -> None:
    unit = a_unit(demo_db)
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f9")
        screen = app.screen
        assert isinstance(screen, ListsScreen) and screen.shown == EXPECTED
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, EntryForm))
        form = app.screen
        await pilot.press("down", "down", "up")  # the arrows move between the fields too
        assert getattr(form.focused, "id", None) == "entry-phone"
        await pilot.press("up")
        await fill(pilot, "郑一", "13800001111", unit, "", "前台小王")
        await until(pilot, lambda: isinstance(app.screen, ListsScreen) and bool(app.screen.expected))
        screen = app.screen
        assert isinstance(screen, ListsScreen)
        [(visit_id, status, name)] = rows(demo_db, "SELECT id, status, name FROM visit")
        assert (status, name) == ("expected", "郑一")
        assert rows(demo_db, "SELECT channel, outcome, by_whom FROM consent") == [
            ("pre_registered", "given", "前台小王")
        ]
        number = screen.expected[0].pass_no
        await until(pilot, lambda: number in str(screen.query_one("#lists-note").render()))
        assert "郑一" in table_text(screen)
        # Enter on the row, Y: in on the pass, as F6 0 and the number would
        await pilot.press("enter")
        await pilot.press("y")
        await until(pilot, lambda: not screen.expected)
        assert "郑一" in str(screen.query_one("#lists-note").render())
    assert rows(demo_db, "SELECT status FROM visit WHERE id = ?", (visit_id,)) == [("inside",)]


async def test_a_time_that_is_not_one_is_refused_naming_the_field(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f9", "a")
        await until(pilot, lambda: isinstance(app.screen, EntryForm))
        form = app.screen
        assert isinstance(form, EntryForm)
        await fill(pilot, "郑一", "", a_unit(demo_db), "25:99", "前台")
        await until(pilot, lambda: "Valid until" in str(form.query_one("#entry-error").render()))
        assert getattr(form.focused, "id", None) == "entry-until"
    assert rows(demo_db, "SELECT count(*) FROM visit") == [(0,)]


async def test_a_viewer_sees_the_lists_and_changes_nothing(demo_db: Path) -> None:
    from guardpost import blocklist, storage
    from guardpost.domain import BlockKind

    conn = storage.connect(demo_db)
    blocklist.add(conn, BlockKind.PLATE, "京A12345", reason="闯杆", by="主管")
    conn.close()
    from conftest import FIXED_NOW, make_settings

    from guardpost_screens.app import make_app

    app = make_app(make_settings(demo_db, "en"), viewer=True, now=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f9", "2")
        screen = app.screen
        assert isinstance(screen, ListsScreen)
        await until(pilot, lambda: bool(screen.blocked))
        assert "京A12345" in table_text(screen)
        await pilot.press("a", "delete")
        await pilot.pause(0.2)
        assert app.screen is screen
    assert rows(demo_db, "SELECT count(*) FROM blocklist WHERE removed_at IS NULL") == [(1,)]
