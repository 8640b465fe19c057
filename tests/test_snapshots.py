"""Snapshot tests: each screen pinned in both languages at 120x40 and 80x24, refusals included
(tests/__snapshots__/, reviewed like code)."""

from __future__ import annotations

import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW, ONLY_BLACKLISTED, booth_app, type_fields

from guardpost.access import Gatekeeper, NotSaved, exact
from guardpost.domain import CardRead
from guardpost.storage import connect
from guardpost.uid import WedgeFormat, normalise

LANGS = ["zh-CN", "en"]
SIZES = [(120, 40), (80, 24)]
SIZE_IDS = ["120x40", "80x24"]


def seed_swipes(db: Path) -> None:
    """A morning's swipes at fixed times: allowed, special care, refused, expired, unknown, a bad
    read, a lost card."""
    conn = connect(db)
    conn.execute(
        "UPDATE person SET special_care = '独居老人，耳背，子女在外地' WHERE id = (SELECT p.id FROM person p"
        " JOIN card c ON c.person_id = p.id WHERE c.kind = 'owner' AND c.status = 'active'"
        " AND c.valid_until IS NULL ORDER BY p.id DESC LIMIT 1)"
    )
    keeper = Gatekeeper(conn, "east")
    picks = [
        "c.kind = 'owner' AND c.status = 'active' AND c.valid_until IS NULL AND p.special_care IS NULL",
        "c.kind = 'owner' AND c.status = 'active' AND p.special_care = '独居老人，耳背，子女在外地'",
        "c.kind = 'parking_monthly' AND c.status = 'active'",
        "c.status = 'expired'",
        "c.status = 'lost'",
    ]
    for i, where in enumerate(picks):
        uid = conn.execute(
            "SELECT c.uid FROM card c LEFT JOIN person p ON p.id = c.person_id"
            f" WHERE {where} ORDER BY c.id LIMIT 1"
        ).fetchone()[0]
        keeper.swipe(exact(uid), "in" if i % 2 == 0 else "out", now=FIXED_NOW - timedelta(minutes=9 - i))
    dec = normalise("0924209704", WedgeFormat.parse("dec10"))
    keeper.swipe(dec, "in", as_read="0924209704", source="wedge", now=FIXED_NOW - timedelta(minutes=3))
    keeper.refuse_bad_read("13961168", "in", "hex", now=FIXED_NOW - timedelta(minutes=2))
    conn.close()


def booth(db: Path, lang: str):  # noqa: ANN201
    return booth_app(db, lang)


async def ready(pilot) -> None:  # noqa: ANN001
    app = pilot.app
    end = time.monotonic() + 5
    while not app.booth_open:
        assert time.monotonic() < end, "booth did not open"
        await pilot.pause(0.02)
    await pilot.pause(0.2)


def after(*keys: str, typed: tuple[str, ...] = (), wait: float = 0.3):  # noqa: ANN201
    """A run_before: the booth open, then ``keys`` pressed, then ``typed`` fields (each + Enter)."""

    async def run(pilot) -> None:  # noqa: ANN001
        await ready(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.1)
        if typed:
            await type_fields(pilot, *typed)
        await pilot.pause(wait)

    return run


@pytest.fixture
def seeded_db(demo_db: Path) -> Path:
    seed_swipes(demo_db)
    return demo_db


def _one(db: Path, sql: str) -> tuple[str, str]:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(sql).fetchone()
    finally:
        conn.close()
    return str(row[0]), str(row[1])


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestFeed:
    def test_feed_with_alarm(self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=ready)

    def test_alarm_acknowledged(
        self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=after("f5", wait=0.5))

    def test_filter_refused(self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=after("f3", wait=0.5))

    def test_cursor_on_a_refused_row_shows_its_advice(
        self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=after("down", "down"))

    def test_search_bar_shows_the_term_in_force(
        self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        run = after("f4", typed=("[/]",), wait=0.4)

        async def reopen(pilot) -> None:  # noqa: ANN001
            await run(pilot)
            await pilot.press("f4")
            await pilot.pause(0.2)

        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=reopen)

    def test_not_saved_state(self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]) -> None:
        """A swipe that cannot be written is shown as NOT SAVED, never dropped silently."""

        conn = connect(seeded_db)
        lost = conn.execute("SELECT uid FROM card WHERE status = 'lost' ORDER BY id LIMIT 1").fetchone()[0]
        decided = Gatekeeper(conn, "east").swipe(exact(lost), "in", now=FIXED_NOW, store=False)
        conn.close()
        error = NotSaved.because(sqlite3.OperationalError("database is locked"), decided)

        async def locked(pilot) -> None:  # noqa: ANN001
            await ready(pilot)
            pilot.app.show_not_saved(CardRead(reader="test", lane="in", uid=lost), error, 1)
            await pilot.pause(0.1)

        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=locked)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestDetail:
    def test_detail_of_a_special_care_row(
        self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        # newest first: bad read, unknown, lost, expired, monthly, special care
        keys = ("down",) * 5 + ("enter",)
        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=after(*keys, wait=0.5))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestHelp:
    def test_help(self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=after("f1"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestForgotCard:
    def test_refuses_bad_unit(self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(
            booth(seeded_db, lang), terminal_size=size, run_before=after("f2", typed=("99-9-9999",))
        )

    def test_finds_resident(self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]) -> None:
        unit, last4 = _one(
            seeded_db,
            "SELECT u.code, p.id_last4 FROM person p JOIN unit u ON u.id = p.unit_id"
            " WHERE p.id_last4 IS NOT NULL AND p.role = 'owner' AND NOT EXISTS (SELECT 1 FROM card c"
            " WHERE c.person_id = p.id AND c.status = 'blacklisted') ORDER BY p.id LIMIT 1",
        )
        run = after("f2", typed=(unit, last4), wait=0.5)
        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=run)

    def test_refuses_a_blacklisted_holder(
        self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        unit, last4 = _one(
            seeded_db,
            "SELECT u.code, p.id_last4 FROM person p JOIN unit u ON u.id = p.unit_id JOIN card c"
            " ON c.person_id = p.id WHERE c.status = 'blacklisted' AND p.id_last4 IS NOT NULL"
            " AND " + ONLY_BLACKLISTED + " ORDER BY p.id LIMIT 1",
        )
        run = after("f2", typed=(unit, last4), wait=0.5)
        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestQuit:
    def test_quit_confirmation(self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=after("f10"))


# --- people at the gate ---------------------------------------------------------------------------


@pytest.fixture
def people_db(seeded_db: Path) -> Path:
    """The seeded file with a fixed pass secret (so a pass's QR is the same each run) and three
    callers inside since fixed times: a courier past its 30 minutes, a relative, a worker."""
    from guardpost import visits
    from guardpost.domain import ConsentChannel, ConsentOutcome, LockdownLevel, VisitCategory

    conn = connect(seeded_db)
    conn.execute("INSERT INTO compound_secret (name, value) VALUES ('pass', ?)", (b"snapshot-secret-" * 2,))
    settings = booth_app(seeded_db).settings.visits
    unit = conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0]
    given = [visits.ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.FRONT_DESK)]
    for minutes, form in (
        (52, visits.VisitForm(VisitCategory.COURIER, company="顺丰")),
        (35, visits.VisitForm(VisitCategory.RELATIVE, name="王晓明", phone="13812345678", unit=unit)),
        (12, visits.VisitForm(VisitCategory.WORKER, name="李师傅", phone="13912345678", unit=unit)),
    ):
        visits.register(
            conn,
            form,
            given,
            gate="east",
            level=LockdownLevel.NORMAL,
            settings=settings,
            fever_threshold_c=37.3,
            now=FIXED_NOW - timedelta(minutes=minutes),
        )
    conn.close()
    return seeded_db


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestVisit:
    def test_categories(self, snap_compare, people_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(booth(people_db, lang), terminal_size=size, run_before=after("f6"))

    def test_a_courier_gets_a_pass(
        self, snap_compare, people_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        run = after("f6", "2", "1", "enter", wait=0.6)
        assert snap_compare(booth(people_db, lang), terminal_size=size, run_before=run)

    def test_bad_fields_are_named(
        self, snap_compare, people_db: Path, lang: str, size: tuple[int, int]
    ) -> None:
        async def run(pilot) -> None:  # noqa: ANN001
            await after("f6", "1", typed=("14012345678", "王五", "99-9-101"))(pilot)
            await pilot.press("y")
            await pilot.pause(0.6)

        assert snap_compare(booth(people_db, lang), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestInside:
    def test_inside_now(self, snap_compare, people_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(booth(people_db, lang), terminal_size=size, run_before=after("f7", wait=0.6))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestTemperature:
    def test_a_fever(self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]) -> None:
        run = after("f8", typed=("37.3",), wait=0.5)
        assert snap_compare(booth(seeded_db, lang), terminal_size=size, run_before=run)


@pytest.fixture
def lists_db(seeded_db: Path) -> Path:
    """The seeded file with a visitor registered ahead and two block-list entries, at fixed times."""
    from guardpost import blocklist, visits
    from guardpost.domain import BlockKind, VisitCategory

    conn = connect(seeded_db)
    conn.execute("INSERT INTO compound_secret (name, value) VALUES ('pass', ?)", (b"snapshot-secret-" * 2,))
    settings = booth_app(seeded_db).settings.visits
    unit = conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0]
    visits.expect(
        conn,
        visits.VisitForm(VisitCategory.RELATIVE, name="郑一", phone="13800001111", unit=unit),
        asked_by="前台小王",
        valid_from=FIXED_NOW,
        valid_until=FIXED_NOW + timedelta(hours=6),
        gate="east",
        settings=settings,
        now=FIXED_NOW - timedelta(minutes=20),
    )
    blocklist.add(conn, BlockKind.PHONE, "13912345678", reason="多次推销骚扰", by="张主管", now=FIXED_NOW)
    blocklist.add(
        conn, BlockKind.PERSON, "周九", id_last4="1234", reason="盗窃 [/] 前科", by="张主管", now=FIXED_NOW
    )
    conn.close()
    return seeded_db


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestLists:
    def test_expected_visitors(self, snap_compare, lists_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(booth(lists_db, lang), terminal_size=size, run_before=after("f9", wait=0.5))

    def test_block_list(self, snap_compare, lists_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(booth(lists_db, lang), terminal_size=size, run_before=after("f9", "2", wait=0.5))

    def test_adding_a_phone(self, snap_compare, lists_db: Path, lang: str, size: tuple[int, int]) -> None:
        run = after("f9", "2", "a", "2", typed=("1391234567",), wait=0.5)
        assert snap_compare(booth(lists_db, lang), terminal_size=size, run_before=run)


@pytest.fixture
def shift_db(seeded_db: Path) -> Path:
    """The seeded file with G01's shift open since 06:00, a duty-log line, an open incident and a
    patrol round under way, at fixed times."""
    from guardpost import shifts
    from guardpost.config import load_settings
    from guardpost.domain import LogKind

    conn = connect(seeded_db)
    start = FIXED_NOW - timedelta(hours=1, minutes=45)
    login = shifts.login(conn, "G01", "1234", gate="east", now=start)
    guard, shift_id = login.guard.on_duty, login.shift.id
    shifts.write_log(
        conn,
        LogKind.DUTY,
        "06:30 消防通道检查，畅通",
        gate="east",
        guard=guard,
        shift_id=shift_id,
        now=start + timedelta(minutes=30),
    )
    shifts.write_log(
        conn,
        LogKind.INCIDENT,
        "两车刮擦 [b]双方协商[/b]",
        gate="east",
        guard=guard,
        shift_id=shift_id,
        now=start + timedelta(minutes=50),
        category="traffic",
        place="北门口",
        handled_by="田萍婷",
        usb_label="USB-11",
    )
    settings = load_settings(env={}).shifts
    shifts.start_round(conn, gate="east", guard=guard, shift_id=shift_id, now=start + timedelta(hours=1))
    shifts.check_point(conn, "P1", how="tick", gate="east", settings=settings, now=start + timedelta(hours=1))
    conn.close()
    return seeded_db


def signed_in(db: Path, lang: str):  # noqa: ANN201
    """The booth with the open shift's guard on duty (no login screen)."""
    return booth_app(db, lang, booth__guard="G01")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("lang", LANGS)
class TestShifts:
    def test_login(self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]) -> None:
        app = booth_app(seeded_db, lang, booth__login=True)
        assert snap_compare(app, terminal_size=size, run_before=after(wait=0.5))

    def test_login_wrong_pin(self, snap_compare, seeded_db: Path, lang: str, size: tuple[int, int]) -> None:
        app = booth_app(seeded_db, lang, booth__login=True)

        async def refused(pilot) -> None:  # noqa: ANN001
            await after(typed=("G01", "0000"), wait=0.1)(pilot)
            end = time.monotonic() + 10  # the PIN is checked by argon2 in a worker
            while getattr(app.screen, "checking", False):
                assert time.monotonic() < end, "the refusal was not shown"
                await pilot.pause(0.05)
            await pilot.pause(0.2)

        assert snap_compare(app, terminal_size=size, run_before=refused)

    def test_handover(self, snap_compare, shift_db: Path, lang: str, size: tuple[int, int]) -> None:
        assert snap_compare(signed_in(shift_db, lang), terminal_size=size, run_before=after("f11", wait=0.8))

    def test_logs_incidents(self, snap_compare, shift_db: Path, lang: str, size: tuple[int, int]) -> None:
        run = after("f12", "2", wait=0.5)
        assert snap_compare(signed_in(shift_db, lang), terminal_size=size, run_before=run)

    def test_logs_patrol(self, snap_compare, shift_db: Path, lang: str, size: tuple[int, int]) -> None:
        run = after("f12", "3", wait=0.5)
        assert snap_compare(signed_in(shift_db, lang), terminal_size=size, run_before=run)
