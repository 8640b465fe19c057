"""Hostile text everywhere a person or a file can put it: markup, escapes, control and bidi
characters, combining marks, very long strings. The booth stays up, shows the text literally or
refuses it with a reason, and the feed still paints.

Each example drives a fresh booth by keys (and by a terminal paste, which is how control
characters reach a field) through the search bar and both forgot-card fields, and imports the text
as a resident's note; then the whole screen is rendered.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import booth_app, type_fields
from conftest import until as _until
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events

from guardpost.access import Gatekeeper, exact
from guardpost.errors import ImportRejected
from guardpost.importer import import_csv
from guardpost.storage import connect
from guardpost.text import UNSAFE, cut, printable, strip_unsafe
from guardpost_screens.booth import SEARCH_SHOWN
from guardpost_screens.widgets.feed import row_text

SAMPLES = [
    "[/]",
    "[bold]",
    "[red]李四",
    "[link=file:///etc/passwd]x[/link]",
    "\x1b[31m红色",
    "\x1b[2J\x1b[1;1HHACKED",
    "\u202e1-1-502\u202c",
    "\u2066张\u2069三",
    "a\u0301\u0302\u0303",
    "%_\\'\"",
    "\x00\x07\x08\x7f\x9b",
    "迪丽热巴·迪力木拉提" * 3,
]
HOSTILE = st.one_of(
    st.sampled_from(SAMPLES),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.text(st.characters(codec="utf-8"), min_size=200, max_size=10_000),
)


async def _paste_into(app, pilot, selector: str, text: str) -> None:  # noqa: ANN001
    # a pushed screen's fields are there once it is mounted: on a loaded CI machine that can be
    # a few frames after the screen itself is current
    await _wait(pilot, lambda: bool(app.screen.query(selector)))
    field = app.screen.query_one(selector)
    field.focus()
    await pilot.pause()
    field.post_message(events.Paste(text))
    await pilot.pause(0.05)


async def _drive(db: Path, text: str) -> None:
    app = booth_app(db, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        while not app.booth_open:
            await pilot.pause(0.02)
        # the search bar: pasted, then applied
        await pilot.press("f4")
        search = app.screen.query_one("#search")
        await _paste_into(app, pilot, "#search", text)
        kept = strip_unsafe(text.splitlines()[0] if text.splitlines() else "")
        assert UNSAFE.search(search.value) is None
        assert search.value in ("", kept)  # taken without its control characters, or refused whole
        await pilot.press("enter")
        await pilot.pause(0.1)
        status = str(app.screen.query_one("#status-line").render())
        # shown as typed (a long term cut, marked …), never as markup
        assert cut(app.booth_screen.search_term, SEARCH_SHOWN) in status
        # the forgot-card form: both fields, by paste and by keys
        await pilot.press("f2")
        await _paste_into(app, pilot, "#forgot-unit", text)
        await pilot.press("enter")
        await pilot.pause(0.1)
        await _paste_into(app, pilot, "#forgot-last4", text)
        await pilot.press("enter")
        await pilot.pause(0.1)
        error = str(app.screen.query_one("#forgot-error").render())
        assert "\x1b" not in error
        await type_fields(pilot, "[/]")
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert app.is_running
        app.export_screenshot()  # every widget on screen renders
        feed = app.booth_screen.feed
        for y in range(feed.size.height):
            feed.render_line(y)
    assert app.return_code in (None, 0)


async def _wait(pilot, condition, timeout: float = 5.0) -> None:  # noqa: ANN001
    await _until(pilot, condition, timeout)


async def _back_to_the_booth(app, pilot) -> None:  # noqa: ANN001
    for _ in range(6):
        if app.screen is app.booth_screen:
            return
        await pilot.press("escape")
        await pilot.pause(0.15)
    assert app.screen is app.booth_screen


async def _fill_every_field(app, pilot, ids: list[str], text: str) -> None:  # noqa: ANN001
    """The text pasted into each field: taken without control or bidi characters, or refused."""
    for wid in ids:
        await _paste_into(app, pilot, wid, text)
        assert UNSAFE.search(app.screen.query_one(wid).value) is None
    app.export_screenshot()  # every widget on the form renders what it holds


async def _drive_people(db: Path, text: str) -> None:
    """The people registers' fields: F6 (a relative's every field), F8, and F9's block-list form."""
    from guardpost_screens.forms.entry import EntryForm
    from guardpost_screens.forms.visit import VisitScreen

    app = booth_app(db, "zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait(pilot, lambda: app.booth_open)
        await pilot.press("f6", "1")
        await _wait(
            pilot, lambda: isinstance(app.screen, VisitScreen) and bool(app.screen.query("#visit-id"))
        )
        await _fill_every_field(
            app, pilot, [f"#visit-{n}" for n in ("phone", "name", "unit", "plate", "id")], text
        )
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert "\x1b" not in str(app.screen.query_one("#visit-error").render())
        await _back_to_the_booth(app, pilot)
        await pilot.press("f8")
        await _wait(pilot, lambda: app.screen is not app.booth_screen)
        await _fill_every_field(app, pilot, ["#temperature-value"], text)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await _back_to_the_booth(app, pilot)
        await pilot.press("f9")
        await pilot.pause(0.3)
        await pilot.press("2")
        await pilot.pause(0.3)
        await pilot.press("a")
        await pilot.pause(0.3)
        await pilot.press("2")
        await _wait(pilot, lambda: isinstance(app.screen, EntryForm))
        await _fill_every_field(app, pilot, ["#entry-value", "#entry-reason", "#entry-by"], text)
        await pilot.press("enter")
        await pilot.pause(0.4)
        app.export_screenshot()  # the refusal, or the block list with the entry in it
        await _back_to_the_booth(app, pilot)
        assert app.is_running
    assert app.return_code in (None, 0)


async def _drive_shifts(db: Path, text: str) -> None:
    """The shifts issue's fields: the login screen (a refused sign-in, then G01), F11's counts,
    notes and incoming guard, F12's duty-log line and incident form; at 80x24 in Chinese."""
    from guardpost_screens.forms.entry import EntryForm
    from guardpost_screens.handover import HandoverScreen
    from guardpost_screens.login import LoginScreen
    from guardpost_screens.logs import LogsScreen

    app = booth_app(db, "zh-CN", booth__login=True)
    async with app.run_test(size=(80, 24)) as pilot:
        # the login screen is pushed as the booth opens: its fields are there once it is mounted
        await _wait(
            pilot, lambda: isinstance(app.screen, LoginScreen) and bool(app.screen.query("#login-pin"))
        )
        await pilot.pause(0.1)
        await _fill_every_field(app, pilot, ["#login-code", "#login-pin"], text)
        await pilot.press("enter")
        await _wait(pilot, lambda: isinstance(app.screen, LoginScreen) and not app.screen.checking, 10)
        app.screen.query_one("#login-code").value = "G01"  # type: ignore[attr-defined]
        app.screen.query_one("#login-pin").value = "1234"  # type: ignore[attr-defined]
        app.screen.set_focus(app.screen.query_one("#login-pin"))
        await pilot.press("enter")
        await _wait(pilot, lambda: app.screen is app.booth_screen, 10)
        await pilot.press("f11")
        await _wait(
            pilot, lambda: isinstance(app.screen, HandoverScreen) and bool(app.screen.query("#handover-pin"))
        )
        fields = ["#count-radio", "#handover-notes", "#handover-code", "#handover-pin"]
        await _fill_every_field(app, pilot, fields, text)
        app.screen._accept()  # type: ignore[attr-defined]
        await pilot.pause(0.4)
        await _back_to_the_booth(app, pilot)
        await pilot.press("f12")
        await _wait(pilot, lambda: isinstance(app.screen, LogsScreen))
        await pilot.press("a")
        await _wait(pilot, lambda: isinstance(app.screen, EntryForm))
        await _fill_every_field(app, pilot, ["#entry-text"], text)
        await pilot.press("enter")
        await pilot.pause(0.4)
        await _back_to_the_booth(app, pilot)
        await pilot.press("f12")
        await _wait(pilot, lambda: isinstance(app.screen, LogsScreen))
        await pilot.press("2", "a")
        await _wait(pilot, lambda: isinstance(app.screen, EntryForm))
        ids = [f"#entry-{n}" for n in ("kind", "place", "text", "handled_by", "reported_to", "usb")]
        await _fill_every_field(app, pilot, ids, text)
        await pilot.press("enter")
        await pilot.pause(0.4)
        app.export_screenshot()  # the refusal, or the logs with the entry in them
        await _back_to_the_booth(app, pilot)
        assert app.is_running
    assert app.return_code in (None, 0)


@pytest.fixture(scope="module")
def noted_master(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo compound with some swipes in the feed to paint."""
    path = tmp_path_factory.mktemp("hostile") / "demo.db"
    shutil.copyfile(demo_master, path)
    conn = connect(path)
    keeper = Gatekeeper(conn, "east")
    for (uid,) in conn.execute("SELECT uid FROM card WHERE status IN ('active', 'lost') LIMIT 12").fetchall():
        keeper.swipe(exact(uid), "in")
    conn.close()
    return path


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_hostile_text_in_every_input_of_every_screen(noted_master: Path, tmp_path: Path, text: str) -> None:
    db = tmp_path / f"b{abs(hash(text)) % 10**9}.db"
    shutil.copyfile(noted_master, db)
    try:
        asyncio.run(_drive(db, text))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_hostile_text_in_every_field_of_the_people_registers(
    noted_master: Path, tmp_path: Path, text: str
) -> None:
    db = tmp_path / f"p{abs(hash(text)) % 10**9}.db"
    shutil.copyfile(noted_master, db)
    try:
        asyncio.run(_drive_people(db, text))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_hostile_text_in_every_imported_field(noted_master: Path, tmp_path: Path, text: str) -> None:
    """Refused with the row and column, or stored and then shown literally on the feed."""
    db = tmp_path / "import.db"
    shutil.copyfile(noted_master, db)
    cell = text.replace('"', '""')
    for kind, header, row in (
        ("residents", "name,role,unit,special_care", f'新住户,owner,1-1-101,"{cell}"'),
        ("residents", "name,role,unit", f'"{cell}",owner,1-1-101'),
        ("units", "unit", f'"{cell}"'),
        ("cards", "uid,kind,holder,unit", f'"{cell}",owner,何桂,1-1-101'),
        ("vehicles", "plate,owner,unit", f'"{cell}",何桂,1-1-101'),
    ):
        csv = tmp_path / f"{kind}.csv"
        csv.write_text(f"{header}\n{row}\n", encoding="utf-8")
        conn = connect(db)
        try:
            import_csv(conn, kind, csv)
        except ImportRejected as exc:
            assert exc.problems and all(p.row == 2 for p in exc.problems)
            assert all("\x1b" not in p.describe("en") for p in exc.problems)
        finally:
            conn.close()
    conn = sqlite3.connect(db)
    notes = [r[0] for r in conn.execute("SELECT special_care FROM person WHERE special_care IS NOT NULL")]
    conn.close()
    assert all(UNSAFE.search(n) is None for n in notes)  # nothing unsafe was stored
    conn = connect(db)
    uid = conn.execute(
        "SELECT c.uid FROM card c JOIN person p ON p.id = c.person_id WHERE p.name = '何桂' LIMIT 1"
    ).fetchone()
    if uid is not None:
        swipe = Gatekeeper(conn, "east").swipe(exact(uid[0]), "in")
        line = row_text(swipe, 200)
        assert UNSAFE.search(line) is None
    conn.close()


@given(st.text(st.characters(codec="utf-8"), max_size=300))
def test_printable_leaves_nothing_a_terminal_would_obey(text: str) -> None:
    shown = printable(text)
    assert UNSAFE.search(shown) is None
    assert printable(shown) == shown  # showing twice shows the same
    if UNSAFE.search(text) is None:
        assert shown == text


@given(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=300),
    st.integers(min_value=4, max_value=120),
)
def test_the_advice_wraps_within_its_width_and_keeps_every_character(text: str, width: int) -> None:
    from rich.cells import cell_len

    from guardpost_screens.widgets.banner import _wrap

    lines = _wrap(text, width)
    assert all(cell_len(line) <= width for line in lines if len(line) > 1)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_hostile_text_in_every_field_of_the_shift_screens(
    noted_master: Path, tmp_path: Path, text: str
) -> None:
    db = tmp_path / f"s{abs(hash(text)) % 10**9}.db"
    shutil.copyfile(noted_master, db)
    try:
        asyncio.run(_drive_shifts(db, text))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
