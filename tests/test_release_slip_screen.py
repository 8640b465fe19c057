"""⇧F2 items leaving, driven by keys as a guard would: a slip typed and scanned, looked at, taken
in, refused; the owner after hours on card and ID, a tenant refused; assertions on the database.
The feed and its alarms go on while the screen is open."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from conftest import FIXED_NOW, booth_app, until
from test_app import reader_types
from test_visit_screen import rows, typed

from guardpost import release_slips, storage
from guardpost.domain import CardRead
from guardpost_screens.release_slips import ReleaseSlipScreen

EVENING = datetime(2026, 11, 26, 19, 30)  # the service centre (08:30-17:30) has gone home
NOON = datetime(2026, 11, 26, 12, 0)


def a_slip(db: Path, unit: str = "1-1-101", *, now: datetime = FIXED_NOW, hours: float = 8) -> str:
    conn = storage.connect(db)
    try:
        form = release_slips.SlipForm(
            unit, "沙发一张、[b]冰箱[/b]一台", "张师傅", now + timedelta(hours=hours)
        )
        return release_slips.issue(
            conn, form, by="guard:G07", retention_years=2, now=now - timedelta(hours=1)
        ).number
    finally:
        conn.close()


def person(db: Path, name: str) -> tuple[str, str, str]:
    """(unit, ID last four, UID of the active owner card) of a demo resident."""
    unit, last4, uid = rows(
        db,
        "SELECT u.code, p.id_last4, c.uid FROM person p JOIN unit u ON u.id = p.unit_id JOIN card c ON"
        " c.person_id = p.id AND c.kind = 'owner' AND c.status = 'active' WHERE p.name = ?",
        (name,),
    )[0]
    return str(unit), str(last4), str(uid)


def text_of(screen: ReleaseSlipScreen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def opened(pilot, app) -> ReleaseSlipScreen:  # noqa: ANN001
    await until(pilot, lambda: app.booth_open)
    app.open_release_slips()  # the key itself: test_shift_f2_opens_it
    await until(pilot, lambda: isinstance(app.screen, ReleaseSlipScreen) and app.screen.focused is not None)
    screen = app.screen
    assert isinstance(screen, ReleaseSlipScreen)
    return screen


async def test_shift_f2_opens_it_and_esc_closes_it(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f14")  # Shift+F2, as xterm sends it
        await until(pilot, lambda: isinstance(app.screen, ReleaseSlipScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.booth_screen)


async def test_a_slip_is_looked_at_then_taken_in_and_never_used_again(demo_db: Path) -> None:
    number = a_slip(demo_db)
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        assert "closed" in text_of(screen, "#slips-office")  # 07:45: the office opens at 08:30
        await typed(pilot, number[1:].lstrip("0"))  # the F and the zeros left out
        await pilot.press("enter")
        await until(pilot, lambda: screen.checked is not None)
        shown = screen.query_one("#slips-fields").text  # type: ignore[attr-defined]
        assert "1-1-101" in shown and "[b]冰箱[/b]" in shown and "张师傅" in shown  # as typed, never markup
        assert "Check the items" in text_of(screen, "#slips-result")
        assert rows(demo_db, "SELECT count(*) FROM item_release") == [(0,)]  # looking writes nothing
        await pilot.press("enter")
        await until(pilot, lambda: "taken in" in text_of(screen, "#slips-result"))
        assert screen.query_one("#slips-number").value == ""  # type: ignore[attr-defined]
        assert rows(demo_db, "SELECT status, collected_gate_id FROM release_slip") == [("collected", "east")]
        # the same slip again: refused, with when it was used, and registered
        await typed(pilot, number)
        await pilot.press("enter")
        await until(pilot, lambda: "cannot be used again" in text_of(screen, "#slips-result"))
        assert "07:45" in text_of(screen, "#slips-result")
        assert screen.checked is None
        await pilot.press("enter")  # Enter on a refusal takes nothing in
        await pilot.pause(0.3)
    assert rows(demo_db, "SELECT released, reason FROM item_release ORDER BY id") == [
        (1, "collected"),
        (0, "used"),
        (0, "used"),
    ]
    assert rows(demo_db, "SELECT action FROM audit WHERE action LIKE 'slip.%' ORDER BY id") == [
        ("slip.issue",),
        ("slip.collect",),
        ("slip.refuse",),
        ("slip.refuse",),
    ]


async def test_unknown_expired_and_mistyped_numbers(demo_db: Path) -> None:
    expired = a_slip(demo_db, now=FIXED_NOW - timedelta(hours=3), hours=1)
    app = booth_app(demo_db, "zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        await typed(pilot, expired)
        await pilot.press("enter")
        await until(pilot, lambda: "已过期" in text_of(screen, "#slips-result"))
        await pilot.press("ctrl+u")  # the field emptied as a guard would
        unknown = release_slips.slip_number(777)
        await typed(pilot, unknown)
        await pilot.press("enter")
        await until(pilot, lambda: "没有编号为" in text_of(screen, "#slips-result"))
        await pilot.press("ctrl+u")
        await typed(pilot, unknown[:-1] + str((int(unknown[-1]) + 1) % 10))
        await pilot.press("enter")
        await until(pilot, lambda: "校验位" in text_of(screen, "#slips-result"))
    # a mistyped number is said, not registered; the others are
    assert rows(demo_db, "SELECT reason, slip_no FROM item_release ORDER BY id") == [
        ("expired", expired),
        ("unknown", unknown),
    ]


async def test_a_scanned_slip_lands_in_the_field_not_on_the_card_path(demo_db: Path) -> None:
    number = a_slip(demo_db)
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        reader_types(app, number)  # a QR scanner on the keyboard wedge: back-to-back keys and Enter
        await until(pilot, lambda: screen.checked is not None and screen.checked.ok)
        assert screen.query_one("#slips-number").value == number  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: "taken in" in text_of(screen, "#slips-result"))
    assert rows(demo_db, "SELECT count(*) FROM access_event") == [(0,)]  # never a "bad read" in the feed
    assert rows(demo_db, "SELECT status FROM release_slip") == [("collected",)]


async def test_the_owner_after_hours_on_card_and_id(demo_db: Path) -> None:
    unit, last4, uid = person(demo_db, "何桂")
    app = booth_app(demo_db, "en", now=lambda: EVENING)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("f6")
        await until(pilot, lambda: screen.mode == "after_hours" and screen.focused is not None)
        await typed(pilot, unit.replace("-", " "))  # as a guard may type it
        await pilot.press("enter")
        await until(pilot, lambda: screen.unit == unit)
        await typed(pilot, last4)
        await pilot.press("enter")
        await typed(pilot, "电视机一台")
        await pilot.press("enter")  # no card yet: refused, registered, the fields stay
        await until(pilot, lambda: "owner card is swiped" in text_of(screen, "#slips-result"))
        app.booth.submit(CardRead(reader="test", lane="out", uid=uid))  # the owner swipes at the reader
        await until(pilot, lambda: "何桂" in text_of(screen, "#slips-card"))
        await pilot.press("enter")
        await until(pilot, lambda: "Released" in text_of(screen, "#slips-result"))
        assert screen.query_one(f"#slips-{release_slips.UNIT}").value == ""  # type: ignore[attr-defined]
    assert rows(
        demo_db, "SELECT released, reason, id_last4, items, event_id IS NOT NULL FROM item_release"
    ) == [
        (0, "needs_card", last4, "电视机一台", 0),
        (1, "owner_after_hours", last4, "电视机一台", 1),
    ]


async def test_a_tenant_is_refused_until_the_office_reopens(demo_db: Path) -> None:
    unit, last4, uid = person(demo_db, "罗峰")
    app = booth_app(demo_db, "zh-CN", now=lambda: EVENING)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("f6")
        await until(pilot, lambda: screen.mode == "after_hours" and screen.focused is not None)
        app.booth.submit(CardRead(reader="test", lane="out", uid=uid))
        await typed(pilot, unit)
        await pilot.press("enter")
        await until(pilot, lambda: "罗峰" in text_of(screen, "#slips-card"))
        await typed(pilot, last4)
        await pilot.press("enter")
        await typed(pilot, "冰箱")
        await pilot.press("enter")
        await until(pilot, lambda: "租户" in text_of(screen, "#slips-result"))
        assert "2026-11-27 08:30" in text_of(screen, "#slips-result")
    assert rows(demo_db, "SELECT released, reason FROM item_release") == [(0, "tenant")]


async def test_after_hours_a_bad_field_is_named_and_nothing_registered(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", now=lambda: EVENING)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        await pilot.press("f6")
        await until(pilot, lambda: screen.mode == "after_hours" and screen.focused is not None)
        await typed(pilot, "1-1-99")
        await pilot.press("enter")
        await until(pilot, lambda: "room" in text_of(screen, "#slips-result").lower())
        assert screen.focused is screen.query_one(f"#slips-{release_slips.UNIT}")
        await pilot.press("ctrl+u")
        await typed(pilot, "99-1-101")
        await pilot.press("enter")
        await typed(pilot, "12")
        await pilot.press("enter")
        await until(pilot, lambda: "4" in text_of(screen, "#slips-result"))
        assert screen.focused is screen.query_one(f"#slips-{release_slips.ID_LAST4}")
        await pilot.press("ctrl+u")
        await pilot.press("enter")
        await pilot.press("enter")  # no items: the core names both fields
        await until(pilot, lambda: "Items" in text_of(screen, "#slips-result"))
        assert "99-1-101" in text_of(screen, "#slips-result")
    assert rows(demo_db, "SELECT count(*) FROM item_release") == [(0,)]


async def test_during_office_hours_the_screen_says_slips_only(demo_db: Path) -> None:
    unit, last4, uid = person(demo_db, "何桂")
    app = booth_app(demo_db, "en", now=lambda: NOON)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        assert "open (until 17:30)" in text_of(screen, "#slips-office")
        await pilot.press("f6")
        await until(pilot, lambda: screen.mode == "after_hours" and screen.focused is not None)
        app.booth.submit(CardRead(reader="test", lane="out", uid=uid))
        for value in (unit, last4, "电视"):
            await typed(pilot, value)
            await pilot.press("enter")
        await until(pilot, lambda: "service centre is open" in text_of(screen, "#slips-result"))
    assert rows(demo_db, "SELECT released, reason FROM item_release") == [(0, "office_open")]


async def test_alarms_ring_while_the_screen_is_open(demo_db: Path) -> None:
    lost = str(rows(demo_db, "SELECT uid FROM card WHERE status = 'lost' LIMIT 1")[0][0])
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot, app)
        app.booth.submit(CardRead(reader="test", lane="in", uid=lost))
        await until(pilot, lambda: bool(app.booth_screen.alarms))
        assert app.screen is screen  # the form stays; the banner beneath has the alarm
        await pilot.press("f5")
        await until(pilot, lambda: not app.booth_screen.alarms)
