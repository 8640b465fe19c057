"""⇧F6 vehicles, driven by keys as a guard does (a key every 50 ms), on a real SQLite file: in by
plate and category digit, out with the fee and its receipt, the permit back or missing, refusals
naming their field, an emergency vehicle in with one key and completed afterwards, the lockdown
questions, completion, a plate in twice, the alarm of a blocked plate over the screen, and the
vehicles on the inside-now board (F7)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from conftest import FIXED_NOW, booth_app
from test_visit_screen import a_unit, rows, typed, until

from guardpost import blocklist, lockdown, vehicles
from guardpost.domain import BlockKind, LockdownLevel
from guardpost.policy.vehicles import VehicleCategory
from guardpost.storage import connect
from guardpost_screens.forms.entry import EntryForm
from guardpost_screens.inside import InsideScreen
from guardpost_screens.vehicles import VehiclesScreen
from guardpost_screens.widgets.feed import FeedView, row_text

RULES = vehicles.VehicleRules(30, 60, 500, 20)


def text(screen: VehiclesScreen, wid: str) -> str:
    return str(screen.query_one(f"#vehicles-{wid}").render())


async def opened(pilot) -> VehiclesScreen:  # noqa: ANN001
    app = pilot.app
    await until(pilot, lambda: app.booth_open)
    await pilot.press("f18")  # Shift+F6
    await until(pilot, lambda: isinstance(app.screen, VehiclesScreen) and app.screen.focused is not None)
    screen = app.screen
    assert isinstance(screen, VehiclesScreen)
    return screen


async def plate(pilot, screen: VehiclesScreen, value: str, *, then: str = "category") -> None:  # noqa: ANN001
    await typed(pilot, value)
    await pilot.press("enter")
    await until(pilot, lambda: screen.step == then)


def earlier(
    db: Path, value: str, category: VehicleCategory, minutes: int, gate: str = "north", **kw: str
) -> None:
    conn = connect(db)
    try:
        form = vehicles.VehicleForm(value, category, **kw)  # type: ignore[arg-type]
        vehicles.enter(conn, form, gate=gate, rules=RULES, now=FIXED_NOW - timedelta(minutes=minutes))
    finally:
        conn.close()


def owner(db: Path) -> tuple[str, str]:
    found = rows(
        db,
        "SELECT v.plate, u.code FROM vehicle v JOIN person p ON p.id = v.person_id"
        " JOIN unit u ON u.id = p.unit_id WHERE v.kind = 'owner' ORDER BY v.id LIMIT 1",
    )[0]
    return str(found[0]), str(found[1])


async def test_a_visitor_in_with_the_plate_and_one_digit(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", gate="north")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await plate(pilot, screen, "粤B12345")
        assert "2.Visitor" in text(screen, "choice")
        await pilot.press("2")
        await until(pilot, lambda: "permit 1" in text(screen, "result"))
        assert screen.step == "plate" and screen.value("plate") == ""  # ready for the next car
        await until(pilot, lambda: [r.plate for r in screen.rows] == ["粤B12345"])
    assert rows(demo_db, "SELECT plate, category, status FROM vehicle_entry") == [
        ("粤B12345", "visitor", "inside")
    ]
    assert rows(demo_db, "SELECT permit_no, returned_at FROM parking_permit") == [(1, None)]


async def test_a_registered_owner_in_two_keys_after_the_plate(demo_db: Path) -> None:
    value, unit = owner(demo_db)
    app = booth_app(demo_db, "zh-CN", gate="north")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await plate(pilot, screen, value)
        assert unit in text(screen, "result") and "回车 = 业主" in text(screen, "choice")
        await pilot.press("enter")  # the suggestion
        await until(pilot, lambda: "放行" in text(screen, "result") and screen.step == "plate")
    assert rows(
        demo_db, "SELECT plate, category, u.code FROM vehicle_entry e JOIN unit u ON u.id = e.unit_id"
    ) == [(value, "owner", unit)]


async def test_the_exit_shows_the_fee_and_the_receipt(demo_db: Path) -> None:
    earlier(demo_db, "粤B12345", VehicleCategory.VISITOR, minutes=100)
    app = booth_app(demo_db, "en", gate="north")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("f6")
        await until(pilot, lambda: "OUT" in text(screen, "title"))
        await plate(pilot, screen, "粤B12345", then="permit")
        assert "permit 1 handed back" in text(screen, "choice")
        assert "2 hour(s) charged: 10.00 yuan" in text(screen, "result")
        await pilot.press("y")
        await until(pilot, lambda: "Receipt P000001" in text(screen, "result"))
        assert "taken back" in text(screen, "result")
        await until(pilot, lambda: screen.rows == [])
    assert rows(demo_db, "SELECT id, fee_cents, hours FROM parking_receipt") == [(1, 1000, 2)]
    assert rows(demo_db, "SELECT missing, returned_at IS NOT NULL FROM parking_permit") == [(0, 1)]


async def test_a_permit_not_handed_back(demo_db: Path) -> None:
    earlier(demo_db, "粤B12345", VehicleCategory.VISITOR, minutes=20)
    app = booth_app(demo_db, "zh-CN", gate="north")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("f6")
        await plate(pilot, screen, "粤B12345", then="permit")
        await pilot.press("n")
        await until(pilot, lambda: "未交回" in text(screen, "result"))
        assert "免费" in text(screen, "result")  # 20 minutes: free, no receipt
    assert rows(demo_db, "SELECT missing, returned_at FROM parking_permit") == [(1, None)]
    assert rows(demo_db, "SELECT count(*) FROM parking_receipt") == [(0,)]


async def test_an_unknown_owner_plate_is_asked_for_its_unit(demo_db: Path) -> None:
    unit = a_unit(demo_db)
    app = booth_app(demo_db, "en", gate="north")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await plate(pilot, screen, "粤B7F6C2")
        await pilot.press("1")
        await until(pilot, lambda: "Unit" in text(screen, "result"))
        assert screen.focused is screen.field("unit") and screen.value("plate") == "粤B7F6C2"
        assert rows(demo_db, "SELECT count(*) FROM vehicle_entry") == [(0,)]
        await typed(pilot, unit)
        await pilot.press("enter")  # the category chosen already: straight to the check
        await until(pilot, lambda: "admitted" in text(screen, "result"))
    assert rows(demo_db, "SELECT plate, category FROM vehicle_entry") == [("粤B7F6C2", "owner")]


async def test_a_bad_plate_is_refused_naming_the_plate(demo_db: Path) -> None:
    app = booth_app(demo_db, "zh-CN", gate="north")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await typed(pilot, "ABC123")
        await pilot.press("enter")
        await until(pilot, lambda: "车牌" in text(screen, "result") and screen.step == "plate")
        assert screen.focused is screen.field("plate") and screen.value("plate") == "ABC123"
        await pilot.press("escape")  # cleared
        await until(pilot, lambda: screen.value("plate") == "")
        await pilot.press("escape")  # nothing typed: closed
        await until(pilot, lambda: not isinstance(pilot.app.screen, VehiclesScreen))
    assert rows(demo_db, "SELECT count(*) FROM vehicle_entry") == [(0,)]


async def test_a_truck_is_refused_at_the_garage_with_the_reason(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", gate="garage")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await plate(pilot, screen, "粤B20001")
        await pilot.press("3")
        await until(pilot, lambda: "does not take" in text(screen, "result"))
        assert "trucks never go into the garage" in text(screen, "result") and bells
    assert rows(demo_db, "SELECT status, reason FROM vehicle_entry") == [("refused", "wrong_gate")]


async def test_an_emergency_vehicle_in_with_one_key_and_completed(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", gate="north")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: "admitted at once" in text(screen, "result"))
        await until(pilot, lambda: len(screen.rows) == 1 and screen.rows[0].pending)
        await pilot.press("f3")
        await until(
            pilot, lambda: isinstance(pilot.app.screen, EntryForm) and pilot.app.screen.focused is not None
        )
        form = pilot.app.screen
        await typed(pilot, "粤A12345")
        await pilot.press("enter")
        await typed(pilot, "9")  # no such service: named
        await pilot.press("enter")
        await pilot.press("enter", "enter")
        await until(pilot, lambda: "Service" in str(form.query_one("#entry-error").render()))
        assert form.focused is form.field("service")  # the refused field, to be typed again
        form.field("service").value = ""
        await typed(pilot, "2")
        await pilot.press("enter", "enter", "enter")  # on through the driver and the purpose
        await until(pilot, lambda: isinstance(pilot.app.screen, VehiclesScreen))
        again = pilot.app.screen
        assert isinstance(again, VehiclesScreen)
        await until(pilot, lambda: "completed" in text(again, "result"))
    assert rows(demo_db, "SELECT plate, service, details_at IS NOT NULL FROM vehicle_entry") == [
        ("粤A12345", "ambulance", 1)
    ]


async def test_restricted_the_host_is_asked_and_closed_the_truck_disinfected(demo_db: Path) -> None:
    unit = a_unit(demo_db)
    conn = connect(demo_db)
    lockdown.set_level(
        conn,
        LockdownLevel.RESTRICTED,
        scope=(),
        entrance=None,
        note=None,
        code="G07",
        pin="9876",
        where="test",
        now=FIXED_NOW - timedelta(hours=1),
    )
    conn.close()
    app = booth_app(demo_db, "en", gate="north")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await typed(pilot, "粤B12345")
        await pilot.press("tab")
        await typed(pilot, unit)
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "category")
        await pilot.press("2")
        await until(pilot, lambda: screen.step == "consent")
        assert unit in text(screen, "choice")
        await pilot.press("y")
        await until(pilot, lambda: "permit 1" in text(screen, "result"))
    assert rows(demo_db, "SELECT consent, status FROM vehicle_entry") == [("given", "inside")]
    assert rows(demo_db, "SELECT action FROM audit WHERE action LIKE 'consent.%'") == [("consent.given",)]


async def test_closed_a_delivery_needs_its_disinfection(demo_db: Path) -> None:
    conn = connect(demo_db)
    lockdown.set_level(
        conn,
        LockdownLevel.CLOSED,
        scope=(),
        entrance="north",
        note=None,
        code="G07",
        pin="9876",
        where="test",
        now=FIXED_NOW - timedelta(hours=1),
    )
    conn.close()
    app = booth_app(demo_db, "zh-CN", gate="north")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await plate(pilot, screen, "粤B20001")
        await pilot.press("3")
        await until(pilot, lambda: screen.step == "disinfection")
        await pilot.press("n")
        await until(pilot, lambda: "消毒" in text(screen, "result") and screen.step == "plate")
        await plate(pilot, screen, "粤B20001")
        await pilot.press("3")
        await until(pilot, lambda: screen.step == "disinfection")
        await pilot.press("y")
        await until(pilot, lambda: "放行" in text(screen, "result") and screen.step == "plate")
    assert rows(demo_db, "SELECT status, reason, disinfected FROM vehicle_entry ORDER BY id") == [
        ("refused", "needs_disinfection", 0),
        ("inside", "admitted", 1),
    ]


async def test_a_plate_completed_from_what_was_typed(demo_db: Path) -> None:
    value, _ = owner(demo_db)
    app = booth_app(demo_db, "en", gate="north")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await typed(pilot, value[1:6])  # without the province, most of it
        await until(pilot, lambda: value in screen.completions)
        await pilot.press("down")
        pick = screen.completions.index(value)
        for _ in range(pick):
            await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "category" and screen.value("plate") == value)


async def test_in_twice_is_warned_in_the_feed_and_the_board_counts_it_once(demo_db: Path) -> None:
    earlier(demo_db, "粤B12345", VehicleCategory.VISITOR, minutes=90)
    app = booth_app(demo_db, "en", gate="north")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await plate(pilot, screen, "粤B12345")
        assert "no exit was logged" in text(screen, "result")
        await pilot.press("enter")  # the suggestion: visitor, as it came before
        await until(pilot, lambda: "board counts it once" in text(screen, "result"))
        assert "Still holds temporary parking permit 1" in text(screen, "result")
        await until(pilot, lambda: len(screen.rows) == 1)
        # the warning reached the feed behind the screen, naming the plate
        feed = pilot.app.booth_screen.query_one(FeedView)
        await until(pilot, lambda: [(s.reason, s.detail) for s in feed.rows] == [("passback", "粤B12345")])
        assert "粤B12345" in row_text(feed.rows[0], 120)


async def test_a_blocked_plate_rings_over_the_screen(demo_db: Path) -> None:
    conn = connect(demo_db)
    blocklist.add(conn, BlockKind.PLATE, "粤B66666", reason="多次冲卡", by="guard:G07")
    conn.close()
    app = booth_app(demo_db, "en", gate="north")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await plate(pilot, screen, "粤B66666")
        assert "block list" in text(screen, "result")
        await pilot.press("2")
        await until(pilot, lambda: "Keep the barrier down" in text(screen, "result"))
        await until(pilot, lambda: [a.reason for a in pilot.app.booth_screen.alarms] == ["visitor_blocked"])
        assert pilot.app.booth_screen.alarms[0].detail == "粤B66666"
        await pilot.press("f5")  # acknowledged from this screen
        await until(pilot, lambda: rows(demo_db, "SELECT count(*) FROM alarm_ack") == [(1,)])
        assert isinstance(pilot.app.screen, VehiclesScreen)


async def test_the_inside_board_lists_the_vehicles_and_lets_one_out(demo_db: Path) -> None:
    earlier(demo_db, "粤B20001", VehicleCategory.DELIVERY, minutes=75, unit="")
    app = booth_app(demo_db, "en", gate="north")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f7")
        board = app.screen
        assert isinstance(board, InsideScreen)
        await until(pilot, lambda: len(board.vehicles) == 1)
        assert "vehicles: 1" in str(board.query_one("#inside-title").render())
        assert "past their limit" in str(board.query_one("#inside-note").render())
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, VehiclesScreen))
        screen = app.screen
        assert isinstance(screen, VehiclesScreen)
        await until(pilot, lambda: "Overstayed by 15 min" in text(screen, "result"))
        assert "Receipt P000001" in text(screen, "result")
    assert rows(demo_db, "SELECT status FROM vehicle_entry") == [("left",)]


def test_the_screen_names_the_registers_fields() -> None:
    from guardpost_screens import vehicles as screen

    assert (screen.PLATE, screen.UNIT, screen.DRIVER, screen.NOTE) == (
        vehicles.PLATE,
        vehicles.UNIT,
        vehicles.DRIVER,
        vehicles.NOTE,
    )


async def test_hostile_text_is_shown_literally_or_refused(demo_db: Path) -> None:
    app = booth_app(demo_db, "zh-CN", gate="north")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        screen.field("driver").insert_text_at_cursor("[bold red]张[/]\x1b\u202e")  # controls dropped
        screen.field("note").value = "送" * 70  # longer than the register keeps
        await typed(pilot, "粤B12345")
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "category")
        await pilot.press("2")
        await until(pilot, lambda: screen.step == "plate" and "事由" in text(screen, "result"))
        assert "\x1b" not in text(screen, "result") and pilot.app.is_running
        screen.field("note").value = "[i]送货[/i]"
        await pilot.press("enter")
        await until(pilot, lambda: len(screen.rows) == 1)
        cells = [str(c) for c in screen.query_one("#vehicles-table").get_row_at(0)]  # type: ignore[attr-defined]
        assert "[bold red]张[/]" in cells  # as typed, never as markup
    assert rows(demo_db, "SELECT driver, note FROM vehicle_entry") == [("[bold red]张[/]", "[i]送货[/i]")]


async def test_f2_pressed_twice_lets_one_emergency_vehicle_in(demo_db: Path) -> None:
    """Found by a guard's try-out: a double press made two pending emergency entries."""
    app = booth_app(demo_db, "en", gate="north")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: "admitted at once" in text(screen, "result"))
        await pilot.press("f2")
        await until(pilot, lambda: "pressed twice" in text(screen, "result"))
    assert rows(demo_db, "SELECT count(*) FROM vehicle_entry") == [(1,)]
