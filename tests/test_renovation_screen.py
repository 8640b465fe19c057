"""⇧F9 renovation workers, driven by keys as a guard would: a pass typed, looked up and admitted in
two keys, the refusals with their reasons, the materials seen, a worker without a pass whom the
owner announced through the front desk, the photo; assertions on the database."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from conftest import booth_app
from test_visit_screen import rows, typed, until

from guardpost.domain import CardRead
from guardpost_screens import renovation as screen_module
from guardpost_screens.forms.entry import EntryForm
from guardpost_screens.renovation import RenovationScreen
from guardpost_screens.widgets.text import Fields

WORK = datetime(2026, 11, 26, 10, 0)  # a Thursday, inside the demo permit's hours
GOOD, EXPIRED = "ZX-2026-0001", "ZX-2026-0004"


@pytest.fixture
def demo_db(demo_master: Path, demo_db: Path) -> Path:
    """The demo's file with its workers' pass photos beside it (the data folder they are under)."""
    shutil.copytree(demo_master.parent / "photos", demo_db.parent / "photos")
    return demo_db


def text_of(screen: RenovationScreen, wid: str) -> str:
    widget = screen.query_one(wid)
    return widget.text if isinstance(widget, Fields) else str(widget.render())


async def opened(pilot) -> RenovationScreen:  # noqa: ANN001
    app = pilot.app
    await until(pilot, lambda: app.booth_open)
    # what ⇧F9 does (test_shift_f9_opens_the_screen): the booth screen does not bind it yet
    app.open_renovation()
    await until(pilot, lambda: isinstance(app.screen, RenovationScreen) and app.screen.focused is not None)
    screen = app.screen
    assert isinstance(screen, RenovationScreen)
    assert app.screen_stack[-2] is app.booth_screen  # over the booth screen: the feed goes on
    return screen


async def test_shift_f9_opens_the_screen(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", now=lambda: WORK)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f21")  # Shift+F9, as xterm sends it
        await until(pilot, lambda: isinstance(app.screen, RenovationScreen), timeout=2)


async def test_a_worker_with_a_good_pass_is_in_after_two_keys(demo_db: Path) -> None:
    app = booth_app(demo_db, "zh-CN", now=lambda: WORK)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await typed(pilot, GOOD.lower())
        keys_after_the_number = ["enter", "enter"]
        await pilot.press(keys_after_the_number[0])
        await until(pilot, lambda: screen.step == "shown")
        shown = text_of(screen, "#renovation-fields")
        for seen in (
            "胡芳婷",
            "6-2-1702",
            "08:00-18:00",
            "周一至周六",
            "室内",
            "太阳能板、雨棚、大型钢材、易燃物品",
        ):
            assert seen in shown
        assert "终端不能显示照片" in text_of(screen, "#renovation-photo Plain")
        await pilot.press(keys_after_the_number[1])
        await until(pilot, lambda: "持证放行" in text_of(screen, "#renovation-verdict"))
        # ready for the next worker at once
        assert screen.step == "typing" and screen.query_one("#renovation-pass").value == ""
        assert screen.focused is screen.query_one("#renovation-pass")
    assert len(keys_after_the_number) == 2
    assert rows(demo_db, "SELECT category, status, name, company FROM visit") == [
        ("worker", "inside", "胡芳婷", "广州市锦程装饰工程有限公司")
    ]
    assert rows(demo_db, "SELECT outcome, reason FROM worker_entry") == [("admitted", "admitted")]


@pytest.mark.parametrize(
    ("number", "now", "reason", "said"),
    [
        (EXPIRED, WORK, "pass_expired", "expired"),
        (GOOD, datetime(2026, 11, 26, 7, 45), "outside_hours", "Outside the permitted working hours"),
        (GOOD, datetime(2026, 11, 29, 10, 0), "not_working_day", "not one of the permitted working days"),
        ("ZX-2026-9999", WORK, "unknown_pass", "No such pass number"),
    ],
)
async def test_a_refused_pass_says_why_and_enter_records_it(
    demo_db: Path, number: str, now: datetime, reason: str, said: str
) -> None:
    app = booth_app(demo_db, "en", now=lambda: now)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await typed(pilot, number)
        await pilot.press("enter")
        await until(pilot, lambda: said in text_of(screen, "#renovation-verdict"))
        assert rows(demo_db, "SELECT count(*) FROM worker_entry") == [(0,)]  # a look-up reads only
        await pilot.press("enter")
        await until(pilot, lambda: "Refusal recorded" in text_of(screen, "#renovation-verdict"))
    assert rows(demo_db, "SELECT outcome, reason FROM worker_entry") == [("refused", reason)]
    assert rows(demo_db, "SELECT count(*) FROM visit") == [(0,)]


async def test_a_revoked_permit_is_refused_and_esc_clears_for_the_next(demo_db: Path) -> None:
    from guardpost import renovation, storage

    conn = storage.connect(demo_db)
    renovation.revoke_permit(conn, 1, by="guard:G07", reason="违规拆改承重墙", now=WORK)
    conn.close()
    app = booth_app(demo_db, "zh-CN", now=lambda: WORK)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await typed(pilot, GOOD)
        await pilot.press("enter")
        await until(pilot, lambda: "装修许可已撤销" in text_of(screen, "#renovation-verdict"))
        await pilot.press("escape")
        await until(
            pilot, lambda: screen.step == "typing" and screen.query_one("#renovation-pass").value == ""
        )
        await pilot.press("escape")  # on an empty number: closed
        await until(pilot, lambda: app.screen is app.booth_screen)
    assert rows(demo_db, "SELECT count(*) FROM worker_entry") == [(0,)]


async def test_materials_seen_are_toggled_by_digits_and_recorded_against_the_permit(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", now=lambda: WORK)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await typed(pilot, GOOD)
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "shown")
        for key in ("2", "3", "3", "1"):  # rain sheds, large steel on and off again, solar panels
            await pilot.press(key)
            await pilot.pause(0.05)
        # a digit is held by the card-reader check for a moment before it is given back as typing
        await until(pilot, lambda: "1 [x] Solar panels" in text_of(screen, "#renovation-materials"))
        assert "3 [ ] Large steel" in text_of(screen, "#renovation-materials")
        await pilot.press("enter")
        await until(pilot, lambda: "Recorded against the permit" in text_of(screen, "#renovation-verdict"))
        # flammables: recorded too, and the worker is refused with them
        await typed(pilot, "ZX-2026-0002")
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "shown")
        await pilot.press("4")
        await until(pilot, lambda: "4 [x]" in text_of(screen, "#renovation-materials"))
        await pilot.press("enter")
        await until(pilot, lambda: "flammable" in text_of(screen, "#renovation-verdict"))
    assert rows(demo_db, "SELECT material FROM permit_material ORDER BY id") == [
        ("solar_panels",),
        ("rain_shed",),
        ("flammables",),
    ]
    assert rows(demo_db, "SELECT outcome, reason FROM worker_entry ORDER BY id") == [
        ("admitted", "admitted"),
        ("refused", "dangerous_goods"),
    ]


async def test_without_a_pass_the_owner_phoned_the_front_desk(demo_db: Path) -> None:
    app = booth_app(demo_db, "zh-CN", now=lambda: WORK)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, EntryForm) and app.screen.focused is not None)
        assert app.screen_stack[-2] is app.booth_screen  # in the screen's place, never two windows
        for value in ("王大力", "13700002222", "6-2-1702", "前台小李"):
            await typed(pilot, value)
            await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RenovationScreen))
        screen = app.screen
        await until(pilot, lambda: "业主已致电前台" in text_of(screen, "#renovation-note"))
    assert rows(demo_db, "SELECT category, status, name FROM visit") == [("worker", "inside", "王大力")]
    assert rows(demo_db, "SELECT channel, outcome, by_whom FROM consent") == [
        ("front_desk", "given", "前台小李")
    ]
    assert rows(demo_db, "SELECT outcome, pass_id FROM worker_entry") == [("admitted", None)]


async def test_without_a_pass_a_unit_with_no_permit_is_refused_and_a_bad_field_named(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", now=lambda: WORK)
    async with app.run_test(size=(120, 40)) as pilot:
        await opened(pilot)
        await pilot.press("f4")
        await until(pilot, lambda: isinstance(app.screen, EntryForm) and app.screen.focused is not None)
        form = app.screen
        for value in ("王大力", "13700002222", "99-9-9999", "Xiao Li"):
            await typed(pilot, value)
            await pilot.press("enter")
        await until(pilot, lambda: "Unit" in str(form.query_one("#entry-error").render()))
        assert form.focused is form.query_one("#entry-unit")
        form.query_one("#entry-unit").value = ""
        await typed(pilot, "1-1-101")
        await pilot.press("enter", "enter")  # to the front desk's field, as typed, and store
        await until(pilot, lambda: isinstance(app.screen, RenovationScreen))
        screen = app.screen
        await until(pilot, lambda: "no renovation permit" in text_of(screen, "#renovation-note"))
    assert rows(demo_db, "SELECT outcome, reason FROM worker_entry") == [("refused", "no_permit")]
    assert rows(demo_db, "SELECT count(*) FROM visit") == [(0,)]


async def test_the_feed_goes_on_while_the_screen_is_open(demo_db: Path) -> None:
    uid = rows(demo_db, "SELECT uid FROM card WHERE status = 'lost' LIMIT 1")[0][0]
    app = booth_app(demo_db, "en", now=lambda: WORK)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        app.booth.submit(CardRead(reader="test", lane="in", uid=uid))
        await until(pilot, lambda: len(app.booth_screen.feed.rows) == 1 and bool(app.booth_screen.alarms))
        assert app.screen is screen  # the alarm rang beneath; F5 acknowledges it from here
        await pilot.press("f5")
        await until(pilot, lambda: not app.booth_screen.alarms)


async def test_the_photo_is_drawn_where_the_terminal_can(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual_image.widget import HalfcellImage

    monkeypatch.setattr(screen_module, "_image_widget", HalfcellImage)
    app = booth_app(demo_db, "en", now=lambda: WORK)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await typed(pilot, GOOD)
        await pilot.press("enter")
        await until(pilot, lambda: bool(screen.query(HalfcellImage)))
        await pilot.pause(0.2)
        assert screen.query_one(HalfcellImage).size.width > 0
        # a pass without a photo, and one whose file went: said, never a crash
        for number, said in (("ZX-2026-0002", "is not there"), ("ZX-2026-0003", "No photo")):
            rows_changed = {"ZX-2026-0002": "photos/gone.png", "ZX-2026-0003": None}
            c = sqlite3.connect(demo_db)
            c.execute(
                "UPDATE worker_pass SET photo_ref = ? WHERE pass_no = ?", (rows_changed[number], number)
            )
            c.commit()
            c.close()
            await pilot.press("escape")
            await typed(pilot, number)
            await pilot.press("enter")
            await until(pilot, lambda s=said: s in text_of(screen, "#renovation-photo Plain"))


async def test_hostile_text_in_the_pass_field_is_shown_literally(demo_db: Path) -> None:
    app = booth_app(demo_db, "en", now=lambda: WORK)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        field = screen.query_one("#renovation-pass")
        field.value = "[bold red]X[/]\x1b[2J" + "9" * 50
        await pilot.press("enter")
        await until(pilot, lambda: "No such pass" in text_of(screen, "#renovation-verdict"))
        await pilot.press("enter")
        await until(pilot, lambda: "Refusal recorded" in text_of(screen, "#renovation-verdict"))
    typed_kept = rows(demo_db, "SELECT typed FROM worker_entry")[0][0]
    assert typed_kept.startswith("[bold red]X[/]") and "\x1b" not in typed_kept and len(typed_kept) <= 40
