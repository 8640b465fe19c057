"""Lockdown levels: the level in force at each gate (scope, the one entrance of the closed level),
ordering one (a supervisor's PIN, audited, kept as history), the CLI, and the table of what each
level does to every kind of caller, run through the real swipe path and the visit register."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW, booth_app, make_settings, until
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardpost import audit, lockdown, visits
from guardpost.access import Gatekeeper, exact
from guardpost.domain import (
    ConsentChannel,
    ConsentOutcome,
    Decision,
    Lane,
    LockdownLevel,
    Reason,
    VisitCategory,
    VisitReason,
)
from guardpost.guards import NotAllowed, PinRefused
from guardpost.policy.visits import pass_refusal
from guardpost.storage import connect

NORMAL, RESTRICTED, CLOSED = LockdownLevel.NORMAL, LockdownLevel.RESTRICTED, LockdownLevel.CLOSED
AT = datetime(2026, 12, 2, 9, 0)
LATER = datetime(2030, 1, 7, 9, 0)
SUPERVISOR, SUPERVISOR_PIN = "G07", "9876"


def order(conn: sqlite3.Connection, level: LockdownLevel, scope: tuple[str, ...] = (), **kw: object) -> int:
    entrance = kw.pop("entrance", None)
    if level == CLOSED and entrance is None:
        entrance = "east"
    return lockdown.set_level(
        conn,
        level,
        scope=scope,
        entrance=entrance,  # type: ignore[arg-type]
        note=kw.pop("note", None),  # type: ignore[arg-type]
        code=str(kw.pop("code", SUPERVISOR)),
        pin=str(kw.pop("pin", SUPERVISOR_PIN)),
        where="test",
        now=kw.pop("now", AT),  # type: ignore[arg-type]
    )


@pytest.fixture
def conn(demo_db: Path):  # noqa: ANN201
    c = connect(demo_db)
    yield c
    c.close()


# --- the level in force, per gate ------------------------------------------------------------------


def test_the_newest_level_covering_a_gate_is_in_force_there(conn: sqlite3.Connection) -> None:
    assert lockdown.at_gate(conn, "east").level == NORMAL  # the demo's first order
    order(conn, RESTRICTED, ("east", "west"), now=AT)
    assert lockdown.at_gate(conn, "east").level == RESTRICTED
    assert lockdown.at_gate(conn, "north").level == NORMAL  # out of scope: the older order holds
    order(conn, CLOSED, entrance="north", now=AT + timedelta(minutes=5))  # the whole compound
    for gate in ("east", "west", "garage"):
        here = lockdown.at_gate(conn, gate)
        assert (here.level, here.shut, here.entrance) == (CLOSED, True, "north")
    assert lockdown.at_gate(conn, "north").shut is False  # the one entrance left open
    order(conn, NORMAL, ("west",), now=AT + timedelta(minutes=9))
    assert lockdown.at_gate(conn, "west").level == NORMAL
    assert lockdown.at_gate(conn, "east").level == CLOSED
    # the swipe path's one statement says the same as at_gate, for every gate
    for gate in ("east", "west", "garage", "north"):
        stored = conn.execute(f"SELECT {lockdown.level_sql(gate)}").fetchone()[0]
        here = lockdown.at_gate(conn, gate)
        assert lockdown.parse_level(stored) == (here.level, here.shut)


def test_a_gate_with_nothing_ordered_is_at_the_default_level(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    c = connect(db, create=True)
    c.execute("INSERT INTO gate (id, name_zh, name_en, kind) VALUES ('east', '东门', 'East', 'pedestrian')")
    c.commit()
    assert lockdown.at_gate(c, "east") == lockdown.NONE_ORDERED
    assert lockdown.parse_level(c.execute(f"SELECT {lockdown.level_sql('east')}").fetchone()[0]) == (
        NORMAL,
        False,
    )
    c.close()


def test_ordering_a_level_needs_a_supervisor_and_every_try_is_audited(conn: sqlite3.Connection) -> None:
    with pytest.raises(NotAllowed):
        order(conn, CLOSED, code="G01", pin="1234")  # a guard's right PIN
    with pytest.raises(PinRefused):
        order(conn, CLOSED, pin="0000")
    assert lockdown.at_gate(conn, "east").level == NORMAL  # nothing was ordered
    row_id = order(conn, CLOSED, ("east", "west"), note="街道办通知 [b]2026-18[/b]")
    done = lockdown.history(conn, 1)[0]
    assert (done.id, done.level, done.scope, done.entrance) == (row_id, CLOSED, ("east", "west"), "east")
    assert done.note == "街道办通知 [b]2026-18[/b]"  # kept as typed
    assert lockdown.who(conn, done.ordered_by).endswith("(G07)")
    actions = [e.action for e in audit.entries(conn)]
    assert "authorise.refused" in actions and "login.fail" in actions and actions[-1] == "lockdown.set"
    assert audit.verify(conn).intact
    # the history is evidence: never changed, never removed
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE lockdown SET level = 'normal' WHERE id = ?", (row_id,))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM lockdown")


@pytest.mark.parametrize(
    ("level", "scope", "entrance", "key"),
    [
        (CLOSED, ("east", "nowhere"), "east", "lockdown.unknown_gate"),
        (CLOSED, ("west",), "east", "lockdown.entrance_outside"),
        (CLOSED, (), "moon", "lockdown.unknown_gate"),
        (RESTRICTED, (), "east", "lockdown.entrance_not_closed"),
    ],
)
def test_an_order_that_cannot_be_is_refused_before_the_pin_and_changes_nothing(
    conn: sqlite3.Connection, level: LockdownLevel, scope: tuple[str, ...], entrance: str, key: str
) -> None:
    before = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    with pytest.raises(lockdown.BadLevel) as caught:
        order(conn, level, scope, entrance=entrance, pin="0000")  # a wrong PIN is never reached
    assert caught.value.key == key
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == before
    assert len(lockdown.history(conn)) == 1


def test_closed_needs_its_one_entrance(conn: sqlite3.Connection) -> None:
    with pytest.raises(lockdown.BadLevel) as caught:
        lockdown.check_order(conn, CLOSED, (), None)
    assert caught.value.key == "lockdown.entrance_needed"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    scope=st.lists(st.sampled_from(["east", "west", "north", "garage"]), max_size=6),
    entrance=st.sampled_from(["east", "west", "north", "garage"]),
)
def test_a_scope_is_stored_in_the_gates_order_and_all_gates_is_the_compound(
    conn: sqlite3.Connection, scope: list[str], entrance: str
) -> None:
    wanted = tuple(scope)
    if wanted and entrance not in wanted:
        with pytest.raises(lockdown.BadLevel):
            lockdown.check_order(conn, CLOSED, wanted, entrance)
        return
    stored, door = lockdown.check_order(conn, CLOSED, wanted, entrance)
    assert door == entrance
    if set(scope) == {"east", "west", "north", "garage"}:
        assert stored == ()
    else:
        assert list(stored) == sorted(set(scope)) and len(stored) == len(set(scope))


# --- what a level does, to everyone: the table -------------------------------------------------------

# (who, card query, lane) -> the reason at normal, restricted, closed (east is the entrance), and at
# a shut gate (west, closed with east left open). Through the real swipe path at a pedestrian gate.
CARD_TABLE = [
    (
        "owner in",
        "c.kind = 'owner' AND p.role = 'owner'",
        "in",
        ("ok", "restricted_check", "lockdown_resident_in", "gate_shut"),
    ),
    (
        "owner out",
        "c.kind = 'owner' AND p.role = 'owner'",
        "out",
        ("ok", "restricted_check", "lockdown_closed", "gate_shut"),
    ),
    (
        "family in",
        "c.kind = 'owner' AND p.role = 'family'",
        "in",
        ("ok", "restricted_check", "lockdown_resident_in", "gate_shut"),
    ),
    (
        "tenant out",
        "c.kind = 'owner' AND p.role = 'tenant'",
        "out",
        ("ok", "restricted_check", "lockdown_closed", "gate_shut"),
    ),
    ("staff in", "c.kind = 'staff'", "in", ("ok", "restricted_check", "ok", "gate_shut")),
    ("staff out", "c.kind = 'staff'", "out", ("ok", "restricted_check", "ok", "gate_shut")),
]
LEVELS = (NORMAL, RESTRICTED, CLOSED, "shut")


def _card(conn: sqlite3.Connection, where: str) -> str:
    row = conn.execute(
        "SELECT c.uid FROM card c JOIN person p ON p.id = c.person_id WHERE c.status = 'active'"
        " AND (c.valid_until IS NULL OR c.valid_until > '2026-12-03') AND p.special_care IS NULL AND "
        + where
        + " ORDER BY c.id LIMIT 1"
    ).fetchone()
    assert row is not None, where
    return str(row[0])


def _at_level(conn: sqlite3.Connection, level: object) -> str:
    """Order ``level`` for the compound; the gate to try it at ('west' is shut in 'shut')."""
    if level == NORMAL:
        return "east"
    if level == "shut":
        order(conn, CLOSED, entrance="east")
        return "west"
    order(conn, level)  # type: ignore[arg-type]
    return "east"


@pytest.mark.parametrize("level", LEVELS, ids=str)
def test_every_card_holder_at_every_level(conn: sqlite3.Connection, level: object) -> None:
    gate = _at_level(conn, level)
    keeper = Gatekeeper(conn, gate)
    column = LEVELS.index(level)  # type: ignore[arg-type]
    for who, where, lane, expected in CARD_TABLE:
        swipe = keeper.swipe(exact(_card(conn, where)), Lane(lane), now=AT + timedelta(hours=1))
        assert swipe.reason == Reason(expected[column]), (who, level)
        assert swipe.event_id > 0  # decided and stored


def test_a_lost_card_still_alarms_at_a_shut_gate(conn: sqlite3.Connection) -> None:
    order(conn, CLOSED, entrance="east")
    uid = conn.execute("SELECT uid FROM card WHERE status = 'lost' LIMIT 1").fetchone()[0]
    swipe = Gatekeeper(conn, "west").swipe(exact(uid), Lane.IN, now=AT + timedelta(hours=1))
    assert (swipe.decision, swipe.reason) == (Decision.ALARM, Reason.LOST)


# Callers at the gate, each with the host's consent given and a normal temperature, then without
# consent: the verdict at each level (east: entrance; shut: west under closed).
VISIT_TABLE = [
    # category, with consent (normal, restricted, closed, shut), no consent asked (normal, restricted)
    (
        VisitCategory.RELATIVE,
        ("admitted", "admitted", "lockdown_closed", "gate_shut"),
        ("no_consent", "no_consent"),
    ),
    (VisitCategory.COURIER, ("logged", "admitted", "leave_at_gate", "gate_shut"), ("logged", "no_consent")),
    (
        VisitCategory.FOOD_DELIVERY,
        ("logged", "admitted", "leave_at_gate", "gate_shut"),
        ("logged", "no_consent"),
    ),
    (
        VisitCategory.WORKER,
        ("admitted", "admitted", "lockdown_closed", "gate_shut"),
        ("no_consent", "no_consent"),
    ),
    (
        VisitCategory.MOVING,
        ("admitted", "admitted", "lockdown_closed", "gate_shut"),
        ("no_consent", "no_consent"),
    ),
    (
        VisitCategory.SALESPERSON,
        ("admitted", "admitted", "lockdown_closed", "gate_shut"),
        ("no_consent", "no_consent"),
    ),
    (VisitCategory.STAFF, ("admitted", "admitted", "admitted", "gate_shut"), ("no_consent", "no_consent")),
    (VisitCategory.OFFICIAL, ("logged", "logged", "logged", "logged"), ("logged", "logged")),
    (
        VisitCategory.TOUR,
        ("admitted", "admitted", "lockdown_closed", "gate_shut"),
        ("no_consent", "no_consent"),
    ),
]


STEMS = "甲乙丙丁戊己庚辛壬癸"


def _form(category: VisitCategory, unit: str, n: int) -> visits.VisitForm:
    tag = STEMS[n // 10 % 10] + STEMS[n % 10]
    fields: dict[str, str] = {"temperature": "36.6"}
    if category in (VisitCategory.COURIER, VisitCategory.FOOD_DELIVERY):
        fields["company"] = "顺丰" if category == VisitCategory.COURIER else "美团"
    else:
        fields["name"] = f"来访{tag}"
        fields["phone"] = f"1375555{n:04d}"
    if category not in (VisitCategory.OFFICIAL,):
        fields["unit"] = unit
    if category == VisitCategory.MOVING:
        fields["company"] = "好运搬家"
    if category == VisitCategory.STAFF:
        fields["company"] = "物业公司"
    if category == VisitCategory.SALESPERSON:
        fields["company"] = "宽带公司"
    if category == VisitCategory.OFFICIAL:
        fields["name"] = f"消防员{tag}"
        fields["company"] = "消防中队"
    if category == VisitCategory.TOUR:
        fields["company"] = "区住建局"
    return visits.VisitForm(category, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("level", LEVELS, ids=str)
def test_every_caller_at_every_level(conn: sqlite3.Connection, level: object) -> None:
    s = make_settings(Path("unused"), "zh-CN")
    gate = _at_level(conn, level)
    column = LEVELS.index(level)  # type: ignore[arg-type]
    unit = conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0]
    for n, (category, with_consent, without) in enumerate(VISIT_TABLE):
        given = [visits.ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.INTERCOM, by_whom="业主", at=AT)]
        try:
            result = visits.register(
                conn,
                _form(category, unit, n),
                given,
                gate=gate,
                settings=s.visits,
                fever_threshold_c=37.3,
                now=AT + timedelta(hours=1, minutes=n),
            )
        except visits.FormRefused as exc:  # pragma: no cover - a wrong form in the table itself
            raise AssertionError((category, exc.problems)) from exc
        assert result.verdict.reason == VisitReason(with_consent[column]), (category, level, "consent")
        if column < 2:
            unasked = [visits.ConsentStep(ConsentOutcome.NO_ANSWER, ConsentChannel.INTERCOM, at=AT)]
            second = visits.register(
                conn,
                _form(category, unit, n + 50),
                unasked,
                gate=gate,
                settings=s.visits,
                fever_threshold_c=37.3,
                now=AT + timedelta(hours=2, minutes=n),
            )
            assert second.verdict.reason == VisitReason(without[column]), (category, level, "no consent")


@pytest.mark.parametrize("category", list(VisitCategory))
def test_a_pass_issued_before_the_level_keeps_to_the_level(category: VisitCategory) -> None:
    assert pass_refusal(category, NORMAL, False) is None
    assert pass_refusal(category, RESTRICTED, False) is None
    shut = pass_refusal(category, CLOSED, True)
    assert (shut is None) == (category == VisitCategory.OFFICIAL)
    closed = pass_refusal(category, CLOSED, False)
    assert (closed is None) == (category in (VisitCategory.OFFICIAL, VisitCategory.STAFF))


# --- the command line -------------------------------------------------------------------------------


def _cli(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GUARDPOST_")}
    return subprocess.run(
        [sys.executable, "-m", "guardpost", *args, "--db", str(db), "--lang", "en"],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "GUARDPOST_GATE": "east"},
        timeout=60,
    )


def test_the_cli_orders_a_level_with_a_pin_from_standard_input(demo_db: Path) -> None:
    done = _cli(demo_db, "lockdown", "set", "closed", "--scope", "east,west", "--as", "G07", stdin="9876\n")
    assert done.returncode == 0, done.stderr
    assert "CLOSED" in done.stdout and "east" in done.stdout
    shown = _cli(demo_db, "lockdown", "show", "--gate", "west", "--json")
    assert '"shut": true' in shown.stdout and '"level": "closed"' in shown.stdout
    refused = _cli(demo_db, "lockdown", "set", "normal", "--as", "G01", stdin="1234\n")
    assert refused.returncode != 0 and "supervisor" in refused.stderr
    bad = _cli(demo_db, "lockdown", "set", "shut", "--as", "G07", stdin="9876\n")
    assert bad.returncode != 0 and "normal | restricted | closed" in bad.stderr
    no_as = _cli(demo_db, "lockdown", "set", "normal")
    assert no_as.returncode != 0
    history = _cli(demo_db, "lockdown", "history")
    assert history.stdout.splitlines()[0].split()[:2] == ["2", "CLOSED"]
    c = sqlite3.connect(demo_db)
    assert c.execute("SELECT count(*) FROM lockdown").fetchone()[0] == 2  # the refusals ordered nothing
    c.close()


# --- the booth: the header's colour, the ring over any screen ---------------------------------------


async def test_a_level_ordered_elsewhere_rings_over_an_open_form_and_colours_the_header(
    demo_db: Path,
) -> None:
    from guardpost_screens.widgets.header import BoothHeader

    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f7")  # the inside-now board over the booth screen
        await until(pilot, lambda: app.screen is not app.booth_screen)
        bells: list[int] = []
        app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
        c = connect(demo_db)
        order(c, CLOSED, entrance="north", now=FIXED_NOW)  # another booth's supervisor: east is shut
        c.close()
        header = app.booth_screen.query_one(BoothHeader)
        await until(pilot, lambda: header.state is not None and header.state.level == CLOSED)
        assert header.has_class("-closed") and header.has_class("-lockdown")
        assert "this gate shut" in "".join(header.lines(120))
        await until(pilot, lambda: bool(bells))
        notes = [n.message for n in app._notifications]
        assert any("CLOSED" in m for m in notes)
        assert app.screen is not app.booth_screen  # the form stayed open


# --- the shift report ---------------------------------------------------------------------------------


def test_the_shift_report_says_which_levels_were_in_force(conn: sqlite3.Connection) -> None:
    from guardpost import shifts
    from guardpost.reports import document
    from guardpost.reports import shift as shift_report

    # after the demo's first order, whenever the demo was made
    ss = make_settings(Path("unused"), "zh-CN").shifts
    first = shifts.login(conn, "G01", "1234", gate="west", now=LATER)
    quiet = shifts.summary(conn, first.shift.id, ss, LATER + timedelta(hours=1))
    assert "levels" not in quiet.content()  # nothing but normal: the hash is as before levels were kept
    order(conn, RESTRICTED, now=LATER + timedelta(hours=2), note="区防控办通知")
    order(conn, CLOSED, entrance="east", now=LATER + timedelta(hours=3))
    busy = shifts.summary(conn, first.shift.id, ss, LATER + timedelta(hours=4))
    # the level at the start (the demo's normal), then each one ordered during the shift
    levels = [(lv.level, lv.shut) for lv in busy.levels]
    assert levels == [("normal", False), ("restricted", False), ("closed", True)]
    assert "levels" in busy.content()
    assert shifts.content_hash(busy) != shifts.content_hash(quiet)
    doc = shift_report.build(busy, lang="en", compound="C", gate_name="West", audit_head=None, now=LATER)
    text = document.text(doc)
    assert "RESTRICTED" in text and "区防控办通知" in text
    assert "this gate shut" in text and "entrance left open: east" in text
    assert "(G07)" in text
