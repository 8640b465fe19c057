"""The booth survives whatever a guard types or a file holds (the hardening issue, item by item).

Each test reproduces what was found by trying the booth as a guard would: by keys in Pilot, or in a
real pty seen through a terminal emulator (``pty_booth``), or with a second process on the file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import FIXED_NOW, ONLY_BLACKLISTED, booth_app, make_settings, type_fields
from conftest import until as _until
from pty_booth import SCRIPT, PtyBooth

from guardpost.access import Gatekeeper, exact
from guardpost.booth import Booth
from guardpost.domain import CardRead, GateKind
from guardpost.errors import ImportRejected
from guardpost.i18n import t
from guardpost.importer import import_csv
from guardpost.lock import BoothBusy
from guardpost.storage import connect
from guardpost_screens.forms.forgot_card import ForgotCardScreen
from guardpost_screens.modals.confirm import ConfirmScreen
from guardpost_screens.widgets.feed import FeedView, row_text

HERE = Path(__file__).resolve().parent


async def until(pilot, condition, timeout: float = 8.0) -> None:  # noqa: ANN001
    await _until(pilot, condition, timeout)


def rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def text_of(widget) -> str:  # noqa: ANN001
    return str(widget.render())


def a_uid(db: Path, where: str) -> str:
    return str(
        rows(db, f"SELECT c.uid FROM card c LEFT JOIN person p ON p.id = c.person_id WHERE {where} LIMIT 1")[
            0
        ][0]
    )


ACTIVE = "c.kind = 'owner' AND c.status = 'active' AND c.valid_until IS NULL AND p.special_care IS NULL"


def env_for(home: Path) -> dict[str, str]:
    return {"XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}


# --- blockers: markup never crashes the booth ------------------------------------------------------


async def test_search_text_is_shown_as_typed_never_as_markup(demo_db: Path) -> None:
    app = booth_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        for term in ("[/]", "[red]李四", "[bold][link=x]"):
            await pilot.press("f4")
            box = app.screen.query_one("#search")
            box.value = ""
            await type_fields(pilot, term)
            assert app.is_running
            assert term in text_of(app.screen.query_one("#status-line"))
            assert app.booth_screen.search_term == term


async def test_a_forgot_card_error_quotes_the_input_literally(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f2")
        await type_fields(pilot, "[/]")
        error = text_of(app.screen.query_one("#forgot-error"))
        assert "[/]" in error and app.is_running
        await type_fields(pilot, "1234")
        assert app.is_running


def test_a_crash_in_the_booth_exits_70_with_a_note_and_one_line(demo_db: Path, tmp_path: Path) -> None:
    command = [sys.executable, str(HERE / "crash_booth.py"), "action"]
    with PtyBooth(
        ["run", "--db", str(demo_db), "--reader", "wedge"], env=env_for(tmp_path), command=command
    ) as booth:
        booth.wait_for("F10")
        booth.press("f3")
        status = booth.wait_exit()
        time.sleep(0.3)
        shown = booth.screen_text()
    assert status == 70
    note = tmp_path / "data" / "guardpost" / "crash.log"
    assert "planted fault in F3" in note.read_text(encoding="utf-8")
    assert "planted fault in F3" in shown and str(note) in shown.replace("\n", "")
    assert "Traceback" not in shown


def test_a_row_that_cannot_be_drawn_does_not_stop_the_booth(demo_db: Path, tmp_path: Path) -> None:
    uid = a_uid(demo_db, ACTIVE)
    command = [sys.executable, str(HERE / "crash_booth.py"), "row"]
    with PtyBooth(
        ["run", "--db", str(demo_db), "--reader", "wedge"], env=env_for(tmp_path), command=command
    ) as booth:
        booth.wait_for("F10")
        for _ in range(3):
            done = subprocess.run(
                [str(SCRIPT), "swipe", uid, "--db", str(demo_db)],
                env={**os.environ, **env_for(tmp_path)},
                capture_output=True,
                timeout=60,
            )
            assert done.returncode == 0
            time.sleep(1.6)  # past the debounce
        booth.wait_for(t("feed.row_broken", "zh-CN")[:6])
        assert booth.proc.poll() is None  # still running, still recording
    assert rows(demo_db, "SELECT count(*) FROM access_event")[0][0] == 3
    assert "planted fault in a feed row" in (tmp_path / "data" / "guardpost" / "crash.log").read_text()


# --- control and bidi characters -----------------------------------------------------------------


def _plant_note(db: Path, note: str) -> str:
    """A special-care note written straight into the file (data from before imports refused it)."""
    conn = sqlite3.connect(db)
    try:
        person_id, uid = conn.execute(
            "SELECT p.id, c.uid FROM person p JOIN card c ON c.person_id = p.id"
            " WHERE c.kind = 'owner' AND c.status = 'active' AND c.valid_until IS NULL LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE person SET special_care = ? WHERE id = ?", (note, person_id))
        conn.commit()
    finally:
        conn.close()
    return str(uid)


def test_escapes_in_a_stored_record_are_shown_not_obeyed(demo_db: Path, tmp_path: Path) -> None:
    uid = _plant_note(demo_db, "\x1b[2J\x1b[1;1HHACKED\u202e")
    conn = connect(demo_db)
    Gatekeeper(conn, "east").swipe(exact(uid), "in", now=datetime.now())
    conn.close()
    with PtyBooth(["run", "--db", str(demo_db), "--reader", "wedge"], env=env_for(tmp_path)) as booth:
        shown = booth.wait_for("\\x1b[2J")
        lines = shown.splitlines()
        assert t("feed.col_event", "zh-CN") in lines[1]  # the column titles are where they belong
        assert "#0000001" in shown and "\\u202e" in shown
        assert not lines[0].startswith("HACKED")


def test_the_feed_shows_a_record_literally(demo_db: Path) -> None:
    uid = _plant_note(demo_db, "[red]红色\x1b[31m")
    conn = connect(demo_db)
    swipe = Gatekeeper(conn, "east").swipe(exact(uid), "in", now=FIXED_NOW)
    conn.close()
    line = row_text(swipe, 160)
    assert "[red]红色\\x1b[31m" in line and "\x1b" not in line


@pytest.mark.parametrize("bad", ["\x1b[31m红色", "独居\u202e老人", "耳背\x07", "a\x9bb"])
def test_import_refuses_control_and_bidi_characters_in_any_field(
    demo_db: Path, tmp_path: Path, bad: str
) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text(f"name,role,unit,special_care\n新住户,owner,1-1-101,{bad}\n", encoding="utf-8")
    conn = connect(demo_db)
    try:
        with pytest.raises(ImportRejected) as caught:
            import_csv(conn, "residents", csv)
    finally:
        conn.close()
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.key) == (2, "special_care", "import.control_char")
    assert "U+" in problem.describe("en")


def test_a_cell_longer_than_the_csv_limit_is_a_refusal_not_a_crash(demo_db: Path, tmp_path: Path) -> None:
    csv = tmp_path / "r.csv"
    csv.write_text(
        "name,role,unit,special_care\n新住户,owner,1-1-101," + "长" * 140_000 + "\n", encoding="utf-8"
    )
    conn = connect(demo_db)
    try:
        with pytest.raises(ImportRejected) as caught:
            import_csv(conn, "residents", csv)
    finally:
        conn.close()
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.key) == (2, "special_care", "import.too_long")


# --- the wedge never loses a swipe into a form -------------------------------------------------------


def _burners(n: int) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


@pytest.mark.slow
def test_bursts_between_slow_typing_under_load_are_all_swipes(demo_db: Path, tmp_path: Path) -> None:
    """F2 open, the unit typed a key at a time, then a 10-digit card burst: every burst is an event
    with what was typed, and the field keeps exactly what the guard typed. Two busy loops load the
    machine; some bursts reach the program in two chunks."""
    config = tmp_path / "config.toml"
    config.write_text('[reader]\nkind = "wedge"\nwedge_format = "hex"\n', encoding="utf-8")
    busy = _burners(2)
    try:
        with PtyBooth(
            ["run", "--db", str(demo_db)], env={**env_for(tmp_path), "GUARDPOST_CONFIG": str(config)}
        ) as booth:
            booth.wait_for("F10")
            for n in range(12):
                booth.press("f2", pause=0.4)
                booth.type("3-2-", gap=0.3)
                booth.type("1201", gap=0.3)
                card = f"09242097{n:02d}"
                if n % 3 == 1:  # the burst reaches the program in two chunks
                    booth.write(card[:4].encode())
                    time.sleep(0.04)
                    booth.write(card[4:].encode() + b"\r")
                else:
                    booth.write(card.encode() + b"\r")
                time.sleep(0.5)
                shown = booth.wait_for("3-2-1201")
                assert "3-2-12010924" not in shown
                booth.press("escape", pause=0.4)
            end = time.monotonic() + 10
            while rows(demo_db, "SELECT count(*) FROM access_event")[0][0] < 12 and time.monotonic() < end:
                time.sleep(0.2)
    finally:
        for p in busy:
            p.kill()
    # with the reader set to hex, ten digits are a 5-byte card number: unknown here, and shown as read
    stored = rows(demo_db, "SELECT reason, uid FROM access_event ORDER BY id")
    assert stored == [("unknown_card", f"09242097{n:02d}") for n in range(12)]


async def test_a_burst_over_a_question_is_a_swipe_not_an_answer(demo_db: Path) -> None:
    """The quit question takes Y and N; a card read while it is open is still a swipe."""
    from textual import events

    uid = a_uid(demo_db, ACTIVE)
    app = booth_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f10")
        assert isinstance(app.screen, ConfirmScreen)
        for ch in [*uid.lower(), "enter"]:
            app.post_message(events.Key(ch, ch if len(ch) == 1 else "\r"))
        await until(pilot, lambda: rows(demo_db, "SELECT count(*) FROM access_event")[0][0] == 1)
        assert isinstance(app.screen, ConfirmScreen) and app.is_running


# --- the forgot-card form never invites an admission the engine refuses ----------------------------


async def test_a_blacklisted_holder_is_refused_before_any_question(demo_db: Path) -> None:
    person_id, unit, last4 = rows(
        demo_db,
        "SELECT p.id, u.code, p.id_last4 FROM person p JOIN unit u ON u.id = p.unit_id"
        " JOIN card c ON c.person_id = p.id"
        " WHERE c.status = 'blacklisted' AND p.id_last4 IS NOT NULL"
        " AND " + ONLY_BLACKLISTED + " LIMIT 1",
    )[0]
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f2")
        await type_fields(pilot, str(unit), str(last4))
        form = app.screen
        assert isinstance(form, ForgotCardScreen)
        await until(pilot, lambda: bool(form.found))
        advice = text_of(form.query_one("#forgot-advice"))
        assert t("hint.blacklisted_person", "en") in advice
        assert t("forgot.confirm_desk", "en") not in text_of(form.query_one("#forgot-error"))
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmScreen)  # nothing asks "admit?"
        await until(pilot, lambda: bool(app.booth_screen.alarms))
        banner = text_of(app.booth_screen.query_one("#alarm-banner"))
        assert t("reason.blacklisted_person", "en") in banner
        assert t("hint.lost", "en") not in banner and "Hold the card" not in banner
    assert rows(demo_db, "SELECT person_id, decision, reason FROM access_event") == [
        (person_id, "alarm", "blacklisted_person")
    ]


async def test_a_bad_or_unknown_unit_is_refused_as_soon_as_it_is_entered(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f2")
        form = app.screen
        await type_fields(pilot, "9-9-999")  # room 99 of floor 9 cannot be: said at once
        assert t("validate.unit.room_number", "en", room="999", number="99") in text_of(
            form.query_one("#forgot-error")
        )
        assert app.focused is form.query_one("#forgot-unit")
        form.query_one("#forgot-unit").value = ""
        await type_fields(pilot, "99-9-901")  # a good code, but no such unit: said before any ID is asked
        await until(pilot, lambda: "99-9-901" in text_of(form.query_one("#forgot-error")))
        assert app.focused is form.query_one("#forgot-unit")


# --- what the guard needs is on screen ----------------------------------------------------------------


def test_an_unknown_card_shows_the_number_as_the_reader_gave_it(demo_db: Path) -> None:
    from guardpost.uid import WedgeFormat, normalise

    conn = connect(demo_db)
    keeper = Gatekeeper(conn, "east")
    unknown = keeper.swipe(normalise("0924209704", WedgeFormat.parse("dec10")), "in", as_read="0924209704")
    bad = keeper.refuse_bad_read("0924209704", "in", "hex")
    conn.close()
    assert unknown.reason == "unknown_card" and unknown.as_read == "0924209704"
    assert t("feed.card_number", "zh-CN", number="0924209704") in row_text(unknown, 120)
    bad_row = row_text(bad, 120)
    assert "0924209704" in bad_row and "hex" in bad_row


def test_the_wrong_gate_advice_names_what_the_gate_takes(demo_db: Path) -> None:
    from guardpost.advice import advice

    conn = connect(demo_db)
    monthly = a_uid(demo_db, "c.kind = 'parking_monthly' AND c.status = 'active' AND c.valid_until > '2027'")
    swipe = Gatekeeper(conn, "east").swipe(exact(monthly), "in")
    conn.close()
    assert swipe.reason == "wrong_gate"
    said = advice(swipe, GateKind.PEDESTRIAN).text("en")
    assert t("kind.parking_monthly", "en") in said and t("kind.owner", "en") in said


async def test_enter_on_a_row_opens_everything_about_it(demo_db: Path) -> None:
    uid = _plant_note(demo_db, "独居老人，耳背，子女在外地")
    app = booth_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.booth_open)
        app.booth.submit(CardRead(reader="test", lane="in", uid=uid))
        await until(pilot, lambda: len(app.booth_screen.feed.rows) == 1)
        await pilot.press("enter")
        await pilot.pause(0.3)
        body = app.screen.query_one("#detail-text").text
        assert "独居老人，耳背，子女在外地" in body and uid in body
        await pilot.press("escape")
        assert app.screen is app.booth_screen


# --- another process on the same file ------------------------------------------------------------------


async def test_an_alarm_stored_by_another_process_reaches_the_guard(demo_db: Path, tmp_path: Path) -> None:
    lost = a_uid(demo_db, "c.status = 'lost'")
    app = booth_app(demo_db, now=datetime.now)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        done = subprocess.run(
            [str(SCRIPT), "swipe", lost, "--db", str(demo_db)],
            capture_output=True,
            timeout=60,
            env={**os.environ, **env_for(tmp_path)},
        )
        assert done.returncode == 2
        started = time.monotonic()
        await until(pilot, lambda: bool(app.booth_screen.alarms), timeout=5)
        assert time.monotonic() - started < 2.0
        assert app.booth_screen.feed.rows[0].uid == lost
        assert app.booth_screen.query_one("#alarm-banner").display


def test_a_second_booth_on_the_same_gate_is_refused(demo_db: Path) -> None:
    first = Booth(make_settings(demo_db))
    first.prepare()
    try:
        with pytest.raises(BoothBusy) as caught:
            Booth(make_settings(demo_db)).prepare()
        assert "east" in caught.value.message("en") and "--viewer" in caught.value.message("en")
        Booth(make_settings(demo_db, gate="west")).prepare()  # another gate of the same file is fine
    finally:
        first.close()
    Booth(make_settings(demo_db)).prepare()  # the lock went with the first booth


def test_a_second_guardpost_run_says_why_and_exits_3(demo_db: Path, tmp_path: Path) -> None:
    with PtyBooth(["run", "--db", str(demo_db), "--reader", "wedge"], env=env_for(tmp_path)) as first:
        first.wait_for("F10")
        with PtyBooth(
            ["run", "--db", str(demo_db), "--reader", "wedge", "--lang", "en"], env=env_for(tmp_path)
        ) as second:
            assert second.wait_exit() == 3
            time.sleep(0.2)
            assert "already runs gate east" in second.screen_text().replace("\n", " ")
        assert first.proc.poll() is None


async def test_a_viewer_follows_the_file_beside_the_booth(demo_db: Path) -> None:
    booth = Booth(make_settings(demo_db))
    booth.prepare()
    try:
        from guardpost_screens.app import make_app

        app = make_app(make_settings(demo_db, "en"), viewer=True, now=datetime.now)
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: app.booth_open)
            assert t("header.viewer", "en") in text_of(app.screen.query_one("#booth-header"))
            conn = connect(demo_db)
            Gatekeeper(conn, "east").swipe(exact("0BADCAFE"), "in")
            conn.close()
            await until(pilot, lambda: len(app.booth_screen.feed.rows) == 1, timeout=5)
            await pilot.press("f2")
            assert not isinstance(app.screen, ForgotCardScreen)  # a viewer records nothing
    finally:
        booth.close()


def test_run_without_a_terminal_is_refused_at_once(demo_db: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [str(SCRIPT), "run", "--db", str(demo_db), "--lang", "en"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **env_for(tmp_path)},
    )
    assert done.returncode == 3
    assert "needs a terminal" in done.stderr
    assert time.monotonic() - started < 15


# --- minor ----------------------------------------------------------------------------------------------


async def test_escape_closes_the_search_and_f4_shows_the_term_in_force(demo_db: Path) -> None:
    app = booth_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f4")
        await type_fields(pilot, "3-2")
        await pilot.press("f4")
        box = app.screen.query_one("#search")
        assert box.value == "3-2"
        await pilot.press("escape")
        assert not box.display and isinstance(app.focused, FeedView)


async def test_one_press_of_f5_acknowledges_one_alarm_visibly(demo_db: Path) -> None:
    lost = [r[0] for r in rows(demo_db, "SELECT uid FROM card WHERE status = 'lost' LIMIT 3")]
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        for uid in lost:
            app.booth.submit(CardRead(reader="test", lane="in", uid=uid))
        await until(pilot, lambda: len(app.booth_screen.alarms) == 3)
        newest = app.booth_screen.alarms[0]
        await pilot.press("f5", "f5", "f5", "f5", "f5")  # a held-down key: one acknowledgement
        await until(pilot, lambda: len(app.booth_screen.alarms) == 2)
        await pilot.pause(0.3)
        assert [r[0] for r in rows(demo_db, "SELECT event_id FROM alarm_ack")] == [newest.event_id]
        toasts = [n.message for n in app._notifications]
        assert any(f"#{newest.event_id}" in m for m in toasts)
        await pilot.pause(0.7)
        await pilot.press("f5")
        await until(pilot, lambda: len(app.booth_screen.alarms) == 1)


async def test_f1_f5_and_f10_work_inside_the_forgot_card_form(demo_db: Path) -> None:
    lost = a_uid(demo_db, "c.status = 'lost'")
    app = booth_app(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f2")
        app.booth.submit(CardRead(reader="test", lane="in", uid=lost))
        await until(pilot, lambda: bool(app.booth_screen.alarms))
        await pilot.press("f5")
        await until(pilot, lambda: not app.booth_screen.alarms)
        assert isinstance(app.screen, ForgotCardScreen)
        await pilot.press("f1")
        assert "F6" in text_of(app.screen.query(".box").first().children[1])
        await pilot.press("escape", "f10")
        assert isinstance(app.screen, ConfirmScreen)


async def test_the_not_saved_banner_goes_when_the_last_held_swipe_is_stored(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guardpost import pipeline, storage

    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(pipeline, "RETRY_SECONDS", 0.1)
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        locker = sqlite3.connect(demo_db, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        app.booth.submit(CardRead(reader="test", lane="in", uid="0BADCAFE"))
        banner = app.booth_screen.query_one("#not-saved")
        await until(pilot, lambda: banner.display)
        locker.execute("ROLLBACK")
        locker.close()
        await until(pilot, lambda: not banner.display)
        # the note follows the banner's going, through the same queue
        await until(pilot, lambda: any("now saved" in n.message for n in app._notifications))
        assert len(app.booth_screen.feed.rows) == 1


def test_long_names_are_cut_with_an_ellipsis_and_use_the_room_there_is(demo_db: Path) -> None:
    conn = connect(demo_db)
    swipe = Gatekeeper(conn, "east").swipe(exact(a_uid(demo_db, ACTIVE)), "in")
    conn.close()
    from dataclasses import replace

    long = replace(swipe, person="迪丽热巴·迪力木拉提")
    assert "迪丽热巴·迪力木拉提" in row_text(long, 120)
    english = replace(swipe, person="Alexander Smith-Jones")
    assert "Alexander Smith-Jones " in row_text(english, 120)  # the room that is free, used
    narrow = row_text(english, 80)
    assert "Alexander Smith…" in narrow  # 80 columns: cut, and the cut marked


def test_the_chinese_cli_help_is_chinese(tmp_path: Path) -> None:
    env = {**os.environ, **env_for(tmp_path), "LANG": "zh_CN.UTF-8"}
    done = subprocess.run(
        [str(SCRIPT), "swipe", "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0
    assert "用法：" in done.stdout and "选项" in done.stdout and "显示此帮助并退出" in done.stdout
    for english in ("Usage:", "Options:", "Show this message and exit."):
        assert english not in done.stdout
    bad = subprocess.run(
        [str(SCRIPT), "swipe", "--bogus"], capture_output=True, text=True, env=env, timeout=60
    )
    assert bad.returncode == 64
    assert "没有 --bogus 这个选项" in bad.stderr and "Error" not in bad.stderr


def test_config_show_aligns_after_a_chinese_value(tmp_path: Path) -> None:
    env = {**os.environ, **env_for(tmp_path)}
    done = subprocess.run(
        [str(SCRIPT), "config", "show"], capture_output=True, text=True, env=env, timeout=60
    )
    from rich.cells import cell_len

    lines = [line for line in done.stdout.splitlines() if " # " in line]
    positions = {cell_len(line.split(" # ")[0]) for line in lines}
    assert len(positions) == 1, positions
    assert any("翠湖花园" in line for line in lines)


def test_the_demo_prints_a_resident_to_try_the_forgot_card_check(tmp_path: Path) -> None:
    env = {**os.environ, **env_for(tmp_path)}
    db = tmp_path / "demo.db"
    done = subprocess.run(
        [str(SCRIPT), "demo", "--no-tui", "--db", str(db), "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0
    line = next(x for x in done.stdout.splitlines() if "forgot-card" in x)
    name, unit, last4 = rows(
        db,
        "SELECT p.name, u.code, p.id_last4 FROM person p JOIN unit u ON u.id = p.unit_id"
        " WHERE p.role = 'owner' AND p.id_last4 IS NOT NULL ORDER BY p.id LIMIT 1",
    )[0]
    assert str(unit) in line and str(last4) in line
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


async def test_a_booth_shows_only_its_own_gate(demo_db: Path) -> None:
    lost = a_uid(demo_db, "c.status = 'lost'")
    app = booth_app(demo_db, "en", now=datetime.now)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        conn = connect(demo_db)
        Gatekeeper(conn, "west").swipe(exact(lost), "in")  # another booth, another gate
        Gatekeeper(conn, "east").swipe(exact("0BADCAFE"), "in")
        conn.close()
        await until(pilot, lambda: len(app.booth_screen.feed.rows) == 1, timeout=5)
        await pilot.pause(0.3)
        assert [s.gate_id for s in app.booth_screen.feed.rows] == ["east"]
        assert app.booth_screen.alarms == []  # west's alarm rings at west


def test_an_empty_or_special_file_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    empty = tmp_path / "typo.db"
    empty.touch()
    for path, said in ((empty, "empty file (0 bytes)"), (Path("/dev/null"), "not a regular file")):
        done = subprocess.run(
            [str(SCRIPT), "swipe", "0123ABCD", "--db", str(path), "--lang", "en"],
            capture_output=True, text=True, timeout=60, env={**os.environ, **env_for(tmp_path)},
        )  # fmt: skip
        assert done.returncode not in (0, 70), done.stderr
        assert said in done.stderr and "Traceback" not in done.stderr
    assert empty.stat().st_size == 0 and not list(tmp_path.glob("typo.db?*"))


def test_an_unknown_gate_leaves_no_lock_file(demo_db: Path) -> None:
    from guardpost.errors import GuardpostError

    with pytest.raises(GuardpostError):
        Booth(make_settings(demo_db, gate="moon")).prepare()
    assert not list(demo_db.parent.glob("*.moon.lock"))


def test_a_lock_that_cannot_be_made_is_explained(demo_db: Path) -> None:
    from guardpost.errors import StorageError
    from guardpost.lock import lock_path

    lock_path(demo_db, "east").mkdir()  # what a careless copy of the folder can leave
    with pytest.raises(StorageError) as caught:
        Booth(make_settings(demo_db)).prepare()
    said = caught.value.message("en")
    assert "lock file" in said and "east.lock" in said


def test_the_booth_holding_the_gate_is_named_in_the_readers_words(demo_db: Path) -> None:
    first = Booth(make_settings(demo_db))
    first.prepare()
    try:
        with pytest.raises(BoothBusy) as caught:
            Booth(make_settings(demo_db)).prepare()
        assert f"process {os.getpid()} on " in caught.value.message("en")
        assert f"进程 {os.getpid()}，电脑" in caught.value.message("zh-CN")
    finally:
        first.close()


async def test_a_key_held_at_a_full_field_is_told_once(demo_db: Path) -> None:
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f2")
        field = app.screen.query_one("#forgot-last4")
        field.focus()
        for _ in range(30):  # key repeat: far more than the 20 the field takes
            await pilot.press("1")
            await pilot.pause(0.04)
        # the card-reader check holds the last digits a moment before it gives them to the field
        await until(pilot, lambda: len(field.value) == 20)
        await pilot.pause(0.3)
        assert len(field.value) == 20
        notes = [n for n in app._notifications if "at most" in n.message or "20" in n.message]
        assert len(notes) == 1, [n.message for n in app._notifications]
