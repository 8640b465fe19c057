"""Signing in, the lock, the handover and the logs, driven by keys as guards would; assertions on
the database. The booth opens on the login screen (``booth.login``), and the readers run beneath it."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from conftest import FIXED_NOW, booth_app
from test_app import ACTIVE_OWNER, card_uid, reader_types
from test_visit_screen import rows, typed, until

from guardpost.domain import CardRead
from guardpost_screens.booth import BoothScreen
from guardpost_screens.forms.entry import EntryForm
from guardpost_screens.handover import HandoverScreen
from guardpost_screens.login import LoginScreen
from guardpost_screens.logs import INCIDENTS, PATROL, LogsScreen


async def fill(pilot, *values: str) -> None:  # noqa: ANN001
    # a pushed form takes keys once it is mounted and has put the cursor in its first field
    await until(pilot, lambda: pilot.app.screen.focused is not None)
    for value in values:
        await typed(pilot, value)
        await pilot.press("enter")


def note(screen: LoginScreen | HandoverScreen, widget: str) -> str:
    return str(screen.query_one(widget).render())


async def sign_in(pilot, app, code: str, pin: str) -> None:  # noqa: ANN001
    await until(pilot, lambda: isinstance(app.screen, LoginScreen) and bool(app.screen.query("#login-pin")))
    await fill(pilot, code, pin)
    await until(pilot, lambda: isinstance(app.screen, BoothScreen), timeout=8)


async def test_the_booth_opens_on_login_and_decides_swipes_with_nobody_signed_in(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", booth__login=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen))
        login = app.screen
        # the readers run beneath the login screen: the swipe is decided and stored, with no guard
        app.booth.submit(CardRead(reader="test", lane="in", uid=card_uid(demo_db, ACTIVE_OWNER)))
        await until(pilot, lambda: len(rows(demo_db, "SELECT id FROM access_event")) == 1)
        assert rows(demo_db, "SELECT decision, guard_id FROM access_event") == [("allow", None)]
        # F5 is refused until someone signs in
        await pilot.press("f5")
        # a wrong PIN is refused, said, audited, and the PIN field is emptied
        await fill(pilot, "G01", "0000")
        await until(pilot, lambda: "Wrong code or PIN" in note(login, "#login-error"))
        assert login.query_one("#login-pin").value == ""  # type: ignore[attr-defined]
        tries = rows(demo_db, "SELECT action, subject FROM audit WHERE action LIKE 'login.%'")
        assert tries == [("login.fail", "G01")]
        await typed(pilot, "1234")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BoothScreen))
        state = app.booth.state
        assert state is not None and state.guard is not None and state.guard.code == "G01"
        # from now on the guard is stamped on every swipe
        app.booth.submit(CardRead(reader="test", lane="out", uid=card_uid(demo_db, ACTIVE_OWNER)))
        await until(pilot, lambda: len(rows(demo_db, "SELECT id FROM access_event")) == 2)
    guard_id = rows(demo_db, "SELECT id FROM guard WHERE code = 'G01'")[0][0]
    assert rows(demo_db, "SELECT guard_id FROM access_event ORDER BY id") == [(None,), (guard_id,)]
    assert rows(demo_db, "SELECT guard_id, ended_at FROM shift") == [(guard_id, None)]


async def test_wrong_pins_slow_down_and_the_wait_is_counted_down(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", booth__login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen))
        login = app.screen
        assert isinstance(login, LoginScreen)
        for _ in range(3):
            await fill(pilot, "G02", "1111")
            await until(pilot, lambda: not login.checking)
            login.action_clear()
        await until(pilot, lambda: "again in" in note(login, "#login-error").lower())
        assert login.wait_until > 0
        # the right PIN during the wait is not even tried
        await fill(pilot, "G02", "2345")
        await pilot.pause(0.3)
        assert isinstance(app.screen, LoginScreen)
    assert rows(demo_db, "SELECT count(*) FROM audit WHERE action = 'login.fail'") == [(3,)]


async def test_the_lock_keeps_the_shift_and_the_same_pin_unlocks(demo_db: Path) -> None:
    app = booth_app(demo_db, "zh-CN", booth__login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, app, "G03", "3456")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen))
        lock = app.screen
        assert isinstance(lock, LoginScreen) and lock.locked_by is not None
        assert lock.query_one("#login-code").value == "G03"  # type: ignore[attr-defined]
        # swipes go on being decided while it is locked, stamped with the guard on duty
        app.booth.submit(CardRead(reader="test", lane="in", uid=card_uid(demo_db, ACTIVE_OWNER)))
        await until(pilot, lambda: len(rows(demo_db, "SELECT id FROM access_event")) == 1)
        await typed(pilot, "3456")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, BoothScreen))
    assert rows(demo_db, "SELECT count(*) FROM shift") == [(1,)]
    assert rows(demo_db, "SELECT g.code FROM access_event e JOIN guard g ON g.id = e.guard_id") == [("G03",)]


async def test_idle_minutes_lock_the_screen(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", booth__login=True, shifts__lock_idle_min=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, app, "G01", "1234")
        app.last_key -= 61  # a minute and a second without a key
        app._idle_check()
        await until(pilot, lambda: isinstance(app.screen, LoginScreen))


async def test_a_shift_is_handed_over_by_the_incoming_guards_pin(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", booth__login=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app, "G01", "1234")
        app.booth.submit(CardRead(reader="test", lane="in", uid=card_uid(demo_db, ACTIVE_OWNER)))
        app.booth.submit(CardRead(reader="test", lane="in", uid="0BADCAFE"))
        await until(pilot, lambda: len(rows(demo_db, "SELECT id FROM access_event")) == 2)
        await pilot.press("f11")
        await until(pilot, lambda: isinstance(app.screen, HandoverScreen))
        screen = app.screen
        assert isinstance(screen, HandoverScreen)
        await until(pilot, lambda: screen.summary is not None)
        text = note(screen, "#handover-text")
        assert "Shift report" in text or "shift" in text.lower()
        # a count is digits: letters and signs typed or pasted are dropped as they come
        screen.query_one("#count-keys").value = "6x-"  # type: ignore[attr-defined]
        await until(pilot, lambda: screen.query_one("#count-keys").value == "6")  # type: ignore[attr-defined]
        # radios 4 -> 3 (one is short), keys and permits as expected, a note, then G01 tries himself
        screen.query_one("#count-radio").value = "3"  # type: ignore[attr-defined]
        await pilot.press("enter", "enter", "enter")
        await fill(pilot, "Radio 3 is at the repair shop", "G01", "1234")
        await until(pilot, lambda: "yourself" in note(screen, "#handover-error"))
        assert rows(demo_db, "SELECT ended_at FROM shift") == [(None,)]
        assert screen.query_one("#handover-code").value == ""  # type: ignore[attr-defined]  # typed afresh
        code = screen.query_one("#handover-code")
        code.value = ""  # type: ignore[attr-defined]
        screen.set_focus(code)
        await fill(pilot, "G02", "2345")
        await until(pilot, lambda: isinstance(app.screen, BoothScreen))
        state = app.booth.state
        assert state is not None and state.guard is not None and state.guard.code == "G02"
    (first, outgoing, incoming, handover, notes), second = rows(
        demo_db,
        "SELECT s.id, g.code, h.code, s.handover, s.notes FROM shift s JOIN guard g ON g.id = s.guard_id"
        " LEFT JOIN guard h ON h.id = s.handed_to_guard_id ORDER BY s.id",
    )
    assert (outgoing, incoming, handover) == ("G01", "G02", "accepted")
    assert notes == "Radio 3 is at the repair shop"
    assert second[1:4] == ("G02", None, None)
    assert rows(demo_db, "SELECT item, expected, counted FROM shift_item ORDER BY item") == [
        ("keys", 6, 6),
        ("parking_permits", 20, 20),
        ("radio", 4, 3),
    ]
    # the report of record is written beside the file
    assert (demo_db.parent / "prints" / f"shift-{first}.pdf").is_file()
    # and the closed shift is read-only
    conn = sqlite3.connect(demo_db)
    try:
        try:
            conn.execute("UPDATE shift SET notes = 'edited' WHERE id = ?", (first,))
            raise AssertionError("a handed-over shift was changed")
        except sqlite3.IntegrityError as exc:
            assert "read-only" in str(exc)
    finally:
        conn.close()


async def test_duty_log_incident_and_patrol_by_keys(demo_db: Path) -> None:
    clock = [FIXED_NOW]
    app = booth_app(demo_db, "zh-CN", booth__login=True, now=lambda: clock[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app, "G01", "1234")
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, EntryForm))
        await fill(pilot, "22:00 消防通道检查 畅通 [b]ok[/b]")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen) and bool(app.screen.duty))
        # an incident: kind 3 (traffic), place, what, who handled, reported to, the USB stick
        await pilot.press("2", "a")
        await until(pilot, lambda: isinstance(app.screen, EntryForm))
        await fill(pilot, "9", "北门", "两车刮擦", "张三", "物业前台", "USB-7")
        form = app.screen
        await until(pilot, lambda: "数字" in str(form.query_one("#entry-error").render()))
        assert getattr(form.focused, "id", None) == "entry-kind"
        form.field("kind").value = ""  # type: ignore[attr-defined]
        await typed(pilot, "3")
        for _ in range(6):
            await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen) and bool(app.screen.incidents))
        logs = app.screen
        assert isinstance(logs, LogsScreen) and logs.shown == INCIDENTS
        # the patrol: S starts, T ticks the highlighted checkpoint (and moves on), E ends
        await pilot.press("s")
        await until(pilot, lambda: logs.round is not None)
        assert logs.shown == PATROL
        await pilot.press("t")
        await until(pilot, lambda: logs.round is not None and len(logs.round.checked) == 1)
        await pilot.press("t")
        await until(pilot, lambda: logs.round is not None and len(logs.round.checked) == 2)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EntryForm))
        await fill(pilot, "路灯不亮")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen) and app.screen.round is None)
        assert "P3" in str(app.screen.query_one("#logs-note").render())
    logged = (
        "SELECT kind, category, place, text, handled_by, reported_to, usb_label FROM log_entry ORDER BY id"
    )
    assert rows(demo_db, logged) == [
        ("duty", None, None, "22:00 消防通道检查 畅通 [b]ok[/b]", None, None, None),
        ("incident", "traffic", "北门", "两车刮擦", "张三", "物业前台", "USB-7"),
    ]
    assert rows(demo_db, "SELECT checkpoint, how FROM patrol_check ORDER BY checkpoint") == [
        ("P1", "tick"),
        ("P2", "tick"),
    ]
    assert rows(demo_db, "SELECT findings FROM patrol_round") == [("路灯不亮",)]


async def test_a_round_missing_a_checkpoint_is_a_reminder_in_the_header(demo_db: Path) -> None:
    clock = [FIXED_NOW]
    app = booth_app(demo_db, "en", booth__login=True, now=lambda: clock[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app, "G01", "1234")
        app.booth.start_round()
        app.booth.check_point("P1")
        app.booth.end_round("")
        app._load_reminders()
        header = app.booth_screen.query_one("#booth-header")
        await until(pilot, lambda: any("P2" in r for r in header.reminders))  # type: ignore[attr-defined]
        clock[0] = FIXED_NOW + timedelta(hours=3)
        app._load_reminders()
        await until(pilot, lambda: any("No patrol round" in r for r in header.reminders))  # type: ignore[attr-defined]


async def test_checkpoints_are_scanned_by_qr_and_by_their_nfc_tag_not_swiped(demo_db: Path) -> None:
    checkpoints = ["P1|东区车库入口|East garage entrance|04A1B2C3D4", "P2|北门|North gate"]
    app = booth_app(demo_db, "en", booth__login=True, shifts__checkpoints=checkpoints)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app, "G01", "1234")
        # no round under way: a scan is refused, said, and nothing is stored or swiped
        reader_types(app, "GPC1.P2")
        await pilot.pause(0.5)
        assert rows(demo_db, "SELECT count(*) FROM patrol_check") == [(0,)]
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, LogsScreen))
        logs = app.screen
        assert isinstance(logs, LogsScreen)
        await pilot.press("s")
        await until(pilot, lambda: logs.round is not None)
        reader_types(app, "GPC1.P2")  # the checkpoint's QR, through the keyboard-wedge scanner
        app.booth.submit(CardRead(reader="test", lane="in", uid="04A1B2C3D4"))  # its NFC tag
        await until(pilot, lambda: logs.round is not None and len(logs.round.checked) == 2)
        assert logs.round is not None and logs.round.checked == {"P1": "scan", "P2": "scan"}
    assert rows(demo_db, "SELECT count(*) FROM access_event") == [(0,)]  # a tag is not a card


async def test_nobody_quits_from_the_login_or_lock_screen_and_a_quit_is_audited(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", booth__login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen))
        await pilot.press("f10")  # the booth would stop recording swipes: refused
        await pilot.pause(0.2)
        assert isinstance(app.screen, LoginScreen) and app.is_running
        await fill(pilot, "G01", "1234")
        await until(pilot, lambda: isinstance(app.screen, BoothScreen))
        await pilot.press("f10")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running)
    assert rows(demo_db, "SELECT action, subject, actor FROM audit WHERE action = 'booth.quit'") == [
        ("booth.quit", "east", "guard:G01")
    ]
