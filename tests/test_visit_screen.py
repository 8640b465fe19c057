"""F6 registration and F7 inside now, driven by keys as a guard does, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW, booth_app
from conftest import until as _until
from textual import events

from guardpost import storage, visits
from guardpost.domain import ConsentChannel, ConsentOutcome, LockdownLevel, VisitCategory
from guardpost_screens.forms.visit import VisitScreen
from guardpost_screens.inside import InsideScreen


async def until(pilot, condition, timeout: float = 6.0) -> None:  # noqa: ANN001
    await _until(pilot, condition, timeout)


def rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def a_unit(db: Path) -> str:
    return str(rows(db, "SELECT code FROM unit ORDER BY id LIMIT 1")[0][0])


async def typed(pilot, text: str) -> None:  # noqa: ANN001
    for ch in text:
        await pilot.press(ch)
        await pilot.pause(0.05)  # a person's pace: never a reader's burst


def admitted(db: Path, form: visits.VisitForm, now: datetime) -> None:
    """A caller registered (the host agreed at the front desk) at ``now``, as the booth would."""
    conn = storage.connect(db)
    try:
        visits.register(
            conn,
            form,
            [visits.ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.FRONT_DESK)],
            gate="east",
            level=LockdownLevel.NORMAL,
            settings=booth_app(db).settings.visits,
            fever_threshold_c=37.3,
            now=now,
        )
    finally:
        conn.close()


def earlier_visit(db: Path, **fields: str) -> None:
    admitted(db, visits.VisitForm(VisitCategory.RELATIVE, **fields), FIXED_NOW - timedelta(days=3))


def visit_count(db: Path) -> int:
    return int(rows(db, "SELECT count(*) FROM visit")[0][0])


async def test_a_returning_relative_is_registered_in_three_keys_after_the_phone(demo_db: Path) -> None:
    unit = a_unit(demo_db)
    earlier_visit(demo_db, name="王晓明", phone="13812345678", unit=unit, plate="粤B12345")
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1")
        await typed(pilot, "13812345678")
        await pilot.press("enter")  # 1: the last visit fills the form, and waits to be checked
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: screen.field("unit").value == unit)
        assert screen.field("name").value == "王晓明" and screen.step == "fields"
        assert getattr(screen.focused, "id", None) == "visit-unit"
        # a guard typing on as if nothing were filled in never gives consent with a "y"
        await typed(pilot, "y")
        await pilot.pause(0.2)
        assert screen.step == "fields" and screen.field("unit").value == unit + "y"
        screen.field("unit").value = unit
        await pilot.press("enter")  # 2: checked, on to the host
        await until(pilot, lambda: screen.step == "consent")
        await pilot.press("y")  # 3: the host agrees
        await until(pilot, lambda: screen.step == "done")
        text = str(screen.query_one("#visit-result").render())
        assert "admitted" in text and "Pass" in text
    stored = rows(demo_db, "SELECT name, phone, plate, status FROM visit ORDER BY id DESC LIMIT 1")
    assert stored == [("王晓明", "13812345678", "粤B12345", "inside")]


async def test_a_courier_in_three_keys(demo_db: Path) -> None:
    app = booth_app(demo_db, "zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "2", "1")  # courier, the first company: then the phone
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        # digits are held a moment by the card-reader check before they count as keys
        await until(pilot, lambda: getattr(screen.focused, "id", None) == "visit-phone")
        assert screen.step == "fields"
        await pilot.press("enter")  # no phone: registered
        await until(pilot, lambda: screen.step == "done")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, VisitScreen))
    first = app.settings.visits.courier_companies[0]
    assert rows(demo_db, "SELECT category, company, reason FROM visit") == [("courier", first, "logged")]


async def test_a_new_relative_with_the_unit_found_by_pinyin_initials(demo_db: Path) -> None:
    unit, name = rows(
        demo_db,
        "SELECT u.code, p.name FROM person p JOIN unit u ON u.id = p.unit_id JOIN person_pinyin y"
        " ON y.person_id = p.id WHERE length(y.initials) = 3 GROUP BY p.id HAVING count(*) = 1 LIMIT 1",
    )[0]
    initials = rows(
        demo_db,
        "SELECT initials FROM person_pinyin y JOIN person p ON p.id = y.person_id WHERE p.name = ?",
        (name,),
    )[0][0]
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1", "enter")  # no phone: on to the name
        await typed(pilot, "张新")
        await pilot.press("enter")
        await typed(pilot, initials)
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        hosts = screen.query_one("#visit-hosts")
        await until(pilot, lambda: hosts.display and screen.hosts)
        assert unit in [m.unit for m in screen.hosts]
        await pilot.press("enter")
        if screen.step != "consent":  # several units matched: the list takes the choice
            pick = [m.unit for m in screen.hosts].index(unit)
            for _ in range(pick):
                await pilot.press("down")
            await pilot.press("enter")
        await until(pilot, lambda: screen.step == "consent")
        assert screen.field("unit").value == unit
        await pilot.press("y")
        await until(pilot, lambda: screen.step == "done")
    assert rows(demo_db, "SELECT name, status FROM visit") == [("张新", "inside")]


async def test_bad_fields_are_named_and_the_form_keeps_what_was_typed(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1")
        await typed(pilot, "14012345678")
        await pilot.press("enter")
        await typed(pilot, "王五")
        await pilot.press("enter")
        await typed(pilot, "99-9-101")
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: "Not registered" in str(screen.query_one("#visit-error").render()))
        error = str(screen.query_one("#visit-error").render())
        assert "Phone" in error and "Host unit" in error
        assert screen.field("name").value == "王五" and screen.field("phone").value == "14012345678"
        assert screen.step == "fields"
    assert visit_count(demo_db) == 0


async def test_an_override_needs_a_reason_and_is_stored_as_the_guards_own(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1", "enter")
        await typed(pilot, "王五")
        await pilot.press("enter")
        await typed(pilot, a_unit(demo_db))
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: screen.step == "consent")
        await pilot.press("o")
        await pilot.press("enter")  # no reason: told, nothing stored
        assert "reason" in str(screen.query_one("#visit-error").render())
        await typed(pilot, "host in the lift")
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "done")
    assert rows(demo_db, "SELECT reason FROM visit") == [("admitted_override",)]
    assert rows(demo_db, "SELECT outcome, reason FROM consent WHERE outcome = 'override'") == [
        ("override", "host in the lift")
    ]


async def test_the_countdown_moves_to_the_next_channel(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", visits__consent_wait_s=5)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1", "enter")
        await typed(pilot, "王五")
        await pilot.press("enter")
        await typed(pilot, a_unit(demo_db))
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: screen.step == "consent")
        assert "Front desk" in str(screen.query_one("#visit-consent").render())
        await until(pilot, lambda: screen.channel_at == 1, timeout=8)
        assert "Intercom" in str(screen.query_one("#visit-consent").render())
        await pilot.press("tab")  # the guard skips the phone too: nobody answered anywhere
        await pilot.press("tab")
        assert "could not be reached" in str(screen.query_one("#visit-consent").render())
        await pilot.press("n")
        await until(pilot, lambda: screen.step == "done")
    assert rows(demo_db, "SELECT status, reason FROM visit") == [("refused", "host_refused")]
    channels = rows(demo_db, "SELECT channel, outcome FROM consent ORDER BY id")
    assert channels[:3] == [("front_desk", "no_answer"), ("intercom", "no_answer"), ("phone", "no_answer")]


async def test_a_block_list_hit_rings_and_says_why(demo_db: Path) -> None:
    from guardpost import blocklist
    from guardpost.domain import BlockKind

    conn = storage.connect(demo_db)
    blocklist.add(conn, BlockKind.PHONE, "13912345678", reason="多次推销骚扰", by="主管")
    conn.close()
    app = booth_app(demo_db, "en")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1")
        await typed(pilot, "13912345678")
        await pilot.press("enter")
        await typed(pilot, "赵六")
        await pilot.press("enter")
        await typed(pilot, a_unit(demo_db))
        await pilot.press("enter")  # refused at once: the host is not called for someone barred
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: screen.step == "done")
        assert screen.steps == []
        text = str(screen.query_one("#visit-result").render())
        assert "block list" in text and "多次推销骚扰" in text
        assert not screen.query_one("#visit-qr").display  # no pass for a refused caller
        # an alarm like a lost card's: in the booth's banner (rung, with a toast over the form) ...
        await until(pilot, lambda: [a.reason for a in app.booth_screen.alarms] == ["visitor_blocked"])
        assert bells
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.booth_screen)
        banner = str(app.screen.query_one("#alarm-banner").render())
        assert "BLOCK-LISTED caller" in banner and "赵六" in banner
        # ... and F5 acknowledges it, stored
        await pilot.press("f5")
        await until(pilot, lambda: rows(demo_db, "SELECT count(*) FROM alarm_ack") == [(1,)])
        await until(pilot, lambda: not app.screen.query_one("#alarm-banner").display)
    assert rows(demo_db, "SELECT e.reason, v.name FROM access_event e JOIN visit v ON v.id = e.visit_id") == [
        ("visitor_blocked", "赵六")
    ]


async def test_a_fever_in_the_restricted_level(demo_db: Path) -> None:
    conn = storage.connect(demo_db)
    with storage.transaction(conn):
        conn.execute(
            "INSERT INTO lockdown (level, scope, started_at, ordered_by)"
            " VALUES ('restricted', 'compound', ?, '主管')",
            (str(FIXED_NOW - timedelta(hours=1)),),
        )
    conn.close()
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open and app.booth.state.level == LockdownLevel.RESTRICTED)
        await pilot.press("f6", "2", "1")  # a courier: in this level the host is asked, and the thermometer
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: getattr(screen.focused, "id", None) == "visit-phone")
        assert screen.query_one("#visit-row-temperature").display
        await pilot.press("enter")  # no phone
        await typed(pilot, "373")  # 37.3 without the point: fever
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "consent")
        await pilot.press("y")
        await until(pilot, lambda: screen.step == "done")
    assert rows(demo_db, "SELECT reason FROM visit") == [("fever",)]
    assert rows(demo_db, "SELECT celsius, fever FROM temperature_reading") == [(37.3, 1)]


async def test_a_lost_card_alarm_rings_while_the_form_is_open(demo_db: Path) -> None:
    from guardpost.domain import CardRead

    uid = rows(demo_db, "SELECT uid FROM card WHERE status = 'lost' LIMIT 1")[0][0]
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1")
        await typed(pilot, "138")
        app.booth.submit(CardRead(reader="test", lane="in", uid=uid))
        await until(pilot, lambda: any(a.uid == uid for a in app.booth.board.open()))
        assert isinstance(app.screen, VisitScreen)
        await pilot.pause(0.3)  # the last key may still be held by the card-reader check
        assert app.screen.field("phone").value == "138"  # the form kept what was typed
        banner = app.booth_screen.query_one("#alarm-banner")
        assert banner.display


async def test_a_scanned_pass_admits_from_the_booth_screen_once(demo_db: Path) -> None:
    settings = booth_app(demo_db).settings.visits
    conn = storage.connect(demo_db)
    done = visits.expect(
        conn,
        visits.VisitForm(VisitCategory.RELATIVE, name="郑一", unit=a_unit(demo_db)),
        asked_by="前台",
        valid_from=FIXED_NOW - timedelta(hours=1),
        valid_until=FIXED_NOW + timedelta(hours=5),
        gate="east",
        settings=settings,
        now=FIXED_NOW - timedelta(hours=1),
    )
    conn.close()
    app = booth_app(demo_db, "en")
    notes: list[str] = []
    original = app.notify

    def notify(message: str, **kw: object) -> None:
        notes.append(message)
        original(message, **kw)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f4")  # whatever has focus: a scan is a scan
        for ch in [*(done.token or ""), "enter"]:
            app.post_message(events.Key(ch, ch if len(ch) == 1 else "\r"))
        await until(pilot, lambda: any("Pass admitted" in n for n in notes))
        assert app.query_one("#search").value == ""
        for ch in [*(done.token or ""), "enter"]:
            app.post_message(events.Key(ch, ch if len(ch) == 1 else "\r"))
        await until(pilot, lambda: any("Pass refused" in n for n in notes))
        assert any("cannot come in again" in n for n in notes)
    assert rows(demo_db, "SELECT status FROM visit") == [("inside",)]
    assert rows(demo_db, "SELECT count(*) FROM access_event") == [(0,)]  # never taken for a card


async def test_the_inside_board_shows_overstays_and_signs_out(demo_db: Path) -> None:
    settings = booth_app(demo_db).settings.visits
    conn = storage.connect(demo_db)
    for minutes, form in (
        (45, visits.VisitForm(VisitCategory.COURIER, company="顺丰")),
        (10, visits.VisitForm(VisitCategory.RELATIVE, name="王五", unit=a_unit(demo_db))),
    ):
        visits.register(
            conn,
            form,
            [visits.ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.FRONT_DESK)],
            gate="east",
            level=LockdownLevel.NORMAL,
            settings=settings,
            fever_threshold_c=37.3,
            now=FIXED_NOW - timedelta(minutes=minutes),
        )
    conn.close()
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f7")
        screen = app.screen
        assert isinstance(screen, InsideScreen)
        await until(pilot, lambda: len(screen.rows) == 2)
        assert [r.overstay for r in screen.rows] == [True, False]  # the courier, 45 min > 30
        assert "1 overstaying" in str(screen.query_one("#inside-note").render())
        await pilot.press("enter", "y")
        await until(pilot, lambda: len(screen.rows) == 1)
        await pilot.press("escape")
    assert rows(demo_db, "SELECT category, status FROM visit ORDER BY id") == [
        ("courier", "left"),
        ("relative", "inside"),
    ]


@pytest.mark.parametrize("hostile", ["[/]", "[bold red]x", "\x1b[2J\x1b[1;1H", "张" * 300])
async def test_hostile_text_in_the_form_never_crashes_it(demo_db: Path, hostile: str) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "8")  # official: name and organisation
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: getattr(screen.focused, "id", None) == "visit-name")
        for name in ("name", "company", "note"):
            screen.field(name).insert_text_at_cursor(hostile)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.is_running and isinstance(app.screen, VisitScreen)
        error = str(screen.query_one("#visit-error").render())
        result = str(screen.query_one("#visit-result").render())
        assert "\x1b" not in error + result


async def test_a_booth_started_after_closing_signs_out_who_was_left_inside(demo_db: Path) -> None:
    settings = booth_app(demo_db).settings.visits
    conn = storage.connect(demo_db)
    left = visits.register(
        conn,
        visits.VisitForm(VisitCategory.RELATIVE, name="王五", unit=a_unit(demo_db)),
        [visits.ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.FRONT_DESK)],
        gate="east",
        level=LockdownLevel.NORMAL,
        settings=settings,
        fever_threshold_c=37.3,
        now=FIXED_NOW - timedelta(days=1),  # yesterday morning; the booth opens after last night's closing
    )
    conn.close()
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await until(pilot, lambda: rows(demo_db, "SELECT status FROM visit") == [("left",)])
    assert rows(demo_db, "SELECT auto_signed_out, left_at FROM visit WHERE id = ?", (left.visit_id,)) == [
        (1, f"{(FIXED_NOW - timedelta(days=1)).date()} {settings.closing_time}:00.000000")
    ]


# --- F8 temperature ---------------------------------------------------------------------------


async def test_a_temperature_is_bound_to_the_last_swipe(demo_db: Path) -> None:
    from guardpost.domain import CardRead
    from guardpost_screens.forms.temperature import TemperatureScreen

    uid = rows(
        demo_db,
        "SELECT uid FROM card WHERE status = 'active' AND kind = 'owner' AND valid_until IS NULL LIMIT 1",
    )[0][0]
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        app.booth.submit(CardRead(reader="test", lane="in", uid=uid))
        await until(pilot, lambda: len(app.booth_screen.feed.rows) == 1)
        event_id = app.booth_screen.feed.rows[0].event_id
        await pilot.press("f8")
        assert isinstance(app.screen, TemperatureScreen)
        await typed(pilot, "Lo")
        await pilot.press("enter")
        assert "measure again" in str(app.screen.query_one("#temperature-error").render())
        for _ in range(2):
            await pilot.press("backspace")
        await typed(pilot, "365")
        await pilot.press("f7")  # no mask
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, TemperatureScreen))
    assert rows(
        demo_db, "SELECT celsius, fever, mask, event_id, person_id IS NOT NULL FROM temperature_reading"
    ) == [(36.5, 0, 0, event_id, 1)]


async def test_a_fever_rings_and_stays_open(demo_db: Path) -> None:
    from guardpost_screens.forms.temperature import TemperatureScreen

    app = booth_app(demo_db, "en")
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f8")
        await typed(pilot, "37.3")
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, TemperatureScreen)
        await until(pilot, lambda: screen.reading is not None)
        assert "Fever 37.3" in str(screen.query_one("#temperature-error").render())
        assert bells
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, TemperatureScreen))
        # the fever is an alarm in the banner until F5, like a lost card's
        await until(pilot, lambda: app.screen.query_one("#alarm-banner").display)
        assert "FEVER" in str(app.screen.query_one("#alarm-banner").render())
        await pilot.press("f5")
        await until(pilot, lambda: rows(demo_db, "SELECT count(*) FROM alarm_ack") == [(1,)])
    assert rows(demo_db, "SELECT celsius, fever, escalation_closed_at FROM temperature_reading") == [
        (37.3, 1, None)
    ]


async def test_a_typo_stores_nothing(demo_db: Path) -> None:
    app = booth_app(demo_db, "zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f8")
        await typed(pilot, "3650")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert str(app.screen.query_one("#temperature-error").render()).strip()
        await pilot.press("escape")
    assert rows(demo_db, "SELECT count(*) FROM temperature_reading") == [(0,)]


async def test_a_returning_phone_never_changes_the_category_the_guard_chose(demo_db: Path) -> None:
    earlier_visit(demo_db, name="王晓明", phone="13812345678", unit=a_unit(demo_db))
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "2", "1")  # a courier, 顺丰
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: getattr(screen.focused, "id", None) == "visit-phone")
        await typed(pilot, "13812345678")
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "done")
        assert screen.category == VisitCategory.COURIER
    assert rows(demo_db, "SELECT category, company, name FROM visit ORDER BY id DESC LIMIT 1") == [
        ("courier", app.settings.visits.courier_companies[0], None)
    ]


async def test_a_typo_is_named_before_the_host_is_asked(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1")
        await typed(pilot, "14012345678")
        await pilot.press("enter")
        await typed(pilot, "王五")
        await pilot.press("enter")
        await typed(pilot, a_unit(demo_db))
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: "Phone" in str(screen.query_one("#visit-error").render()))
        assert screen.step == "fields" and screen.steps == []  # nobody was called
        assert getattr(screen.focused, "id", None) == "visit-phone"
    assert visit_count(demo_db) == 0


async def test_f6_again_keeps_what_was_typed(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1")
        await typed(pilot, "13800005555")
        await pilot.press("enter")
        await typed(pilot, "吴十")
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await pilot.press("f6", "4")  # a renovation worker after all
        # the worker's rows are in (a company, no plate), not the relative's being taken away
        await until(
            pilot,
            lambda: (
                screen.category == VisitCategory.WORKER
                and bool(screen.query("#visit-company"))
                and not screen.query("#visit-plate")
            ),
        )
        assert screen.value("phone") == "13800005555" and screen.value("name") == "吴十"


async def test_an_expected_visitor_comes_in_by_the_number_read_out(demo_db: Path) -> None:
    settings = booth_app(demo_db).settings.visits
    conn = storage.connect(demo_db)
    done = visits.expect(
        conn,
        visits.VisitForm(VisitCategory.RELATIVE, name="郑一", unit=a_unit(demo_db)),
        asked_by="前台",
        valid_from=FIXED_NOW - timedelta(hours=1),
        valid_until=FIXED_NOW + timedelta(hours=5),
        gate="east",
        settings=settings,
        now=FIXED_NOW - timedelta(hours=1),
    )
    conn.close()
    number = done.pass_no or ""
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "0")
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: getattr(screen.focused, "id", None) == "visit-pass")
        await typed(pilot, wrong)
        await pilot.press("enter")
        await until(pilot, lambda: "check digit" in str(screen.query_one("#visit-error").render()))
        for _ in range(len(wrong)):
            await pilot.press("backspace")
        await typed(pilot, number)
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "done")
        assert "郑一" in str(screen.query_one("#visit-result").render())
    assert rows(demo_db, "SELECT status FROM visit") == [("inside",)]
    assert rows(demo_db, "SELECT count(*) FROM access_event") == [(0,)]  # never taken for a card


async def test_lo_is_measured_again_into_an_empty_box(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f8")
        await typed(pilot, "Lo")
        await pilot.press("enter")
        await until(pilot, lambda: "again" in str(app.screen.query_one("#temperature-error").render()))
        await typed(pilot, "36.8")
        await pilot.press("enter")
        await until(pilot, lambda: rows(demo_db, "SELECT celsius FROM temperature_reading") == [(36.8,)])


async def test_a_refused_field_gets_the_focus_and_the_next_key(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1")
        await pilot.press("enter")  # no phone
        await typed(pilot, "[x")
        await pilot.press("enter")
        await typed(pilot, a_unit(demo_db))
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await until(pilot, lambda: "Name" in str(screen.query_one("#visit-error").render()))
        await pilot.pause(0.1)
        assert getattr(screen.focused, "id", None) == "visit-name"
        await typed(pilot, "z")
        await until(pilot, lambda: screen.value("name") == "[xz")
        assert screen.value("phone") == ""
