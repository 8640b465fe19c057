"""Shifts on a real SQLite file: login opens, resumes or takes over a shift; the handover by the
incoming guard's PIN (read-only afterwards, a supervisor's correction beside it); the duty log,
incidents and patrol rounds; and the summary, computed as things stood at the shift's end, so that
nothing still open is lost from one shift to the next and a closed shift's summary never changes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardpost import guards, passes, shifts, storage, temperature, visits
from guardpost.access import Gatekeeper, exact
from guardpost.config import ShiftSettings, VisitSettings
from guardpost.domain import (
    ConsentChannel,
    ConsentOutcome,
    Decision,
    Guard,
    Lane,
    LockdownLevel,
    LogKind,
    Said,
    VisitCategory,
)
from guardpost.errors import GuardpostError
from guardpost.guards import NotAllowed, PinRefused
from guardpost.shifts import Fever, Gap, Override
from guardpost.text import UNSAFE
from guardpost.visits import ConsentStep, VisitForm

T0 = datetime(2026, 12, 1, 7, 0, 0)
PINS = {"G01": "1234", "G02": "2345", "G03": "3456", "G04": "4567", "G05": "5678", "G07": "9876"}
COUNTS = {"radio": 4, "keys": 6, "parking_permits": 20}
GIVEN = [ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.FRONT_DESK, by_whom="前台小李")]
ACTIVE_OWNER = (
    "c.kind = 'owner' AND c.status = 'active' AND c.valid_from IS NULL AND c.valid_until IS NULL"
    " AND p.special_care IS NULL"
)


def at(hours: float = 0, minutes: float = 0) -> datetime:
    return T0 + timedelta(hours=hours, minutes=minutes)


@pytest.fixture
def conn(demo_db: Path) -> Iterator[sqlite3.Connection]:
    c = storage.connect(demo_db)
    yield c
    c.close()


@pytest.fixture
def ss(demo_db: Path) -> ShiftSettings:
    return make_settings(demo_db).shifts


@pytest.fixture
def vs(demo_db: Path) -> VisitSettings:
    return make_settings(demo_db).visits


def sign_in(conn: sqlite3.Connection, code: str, when: datetime, gate: str = "east") -> shifts.Login:
    return shifts.login(conn, code, PINS[code], gate=gate, now=when)


def hand_over(
    conn: sqlite3.Connection,
    ss: ShiftSettings,
    shift_id: int,
    code: str,
    when: datetime,
    counts: dict[str, int] = COUNTS,
    notes: str | None = None,
) -> shifts.Login:
    return shifts.handover(
        conn, shift_id, incoming_code=code, pin=PINS[code], notes=notes, counts=counts, settings=ss, now=when
    )


def owner_cards(conn: sqlite3.Connection, n: int) -> list[str]:
    rows = conn.execute(
        f"SELECT c.uid FROM card c JOIN person p ON p.id = c.person_id WHERE {ACTIVE_OWNER}"
        " ORDER BY c.id LIMIT ?",
        (n,),
    )
    return [str(r[0]) for r in rows]


def lost_cards(conn: sqlite3.Connection, n: int) -> list[str]:
    rows = conn.execute(
        "SELECT uid FROM card WHERE status = 'lost' AND kind = 'owner' ORDER BY id LIMIT ?", (n,)
    )
    return [str(r[0]) for r in rows]


def swipe(
    conn: sqlite3.Connection, uid: str, when: datetime, guard: Guard | None, gate: str = "east"
) -> Decision:
    return Gatekeeper(conn, gate, guard=guard).swipe(exact(uid), Lane.IN, now=when).decision


def a_unit(conn: sqlite3.Connection) -> str:
    return str(conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0])


def caller(
    conn: sqlite3.Connection,
    vs: VisitSettings,
    name: str,
    when: datetime,
    guard: Guard | None,
    steps: list[ConsentStep] = GIVEN,
    gate: str = "east",
) -> int:
    form = VisitForm(VisitCategory.RELATIVE, name=name, unit=a_unit(conn))
    done = visits.register(
        conn, form, steps, gate=gate, level=LockdownLevel.NORMAL, settings=vs, fever_threshold_c=37.3,
        guard=guard, now=when,
    )  # fmt: skip
    assert done.verdict.admits, done.verdict
    return done.visit_id


def incident(
    conn: sqlite3.Connection, text: str, when: datetime, login: shifts.Login, kind: str = "fight"
) -> int:
    return shifts.write_log(
        conn,
        LogKind.INCIDENT,
        text,
        gate="east",
        guard=login.guard.on_duty,
        shift_id=login.shift.id,
        now=when,
        category=kind,
    )


def acknowledge(conn: sqlite3.Connection, event_id: int, when: datetime, guard: Guard) -> None:
    """As the booth's writer stores F5 (``pipeline._write_ack``)."""
    conn.execute(
        "INSERT INTO alarm_ack (event_id, guard_id, guard_name, at) VALUES (?, ?, ?, ?)",
        (event_id, guard.id, guard.name, str(when)),
    )


def trail(conn: sqlite3.Connection, action: str) -> list[tuple[str, str, str | None]]:
    rows = conn.execute("SELECT actor, subject, detail FROM audit WHERE action = ? ORDER BY id", (action,))
    return [(str(a), str(s), d) for a, s, d in rows]


def count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


# --- login ---------------------------------------------------------------------------------------


def test_login_opens_a_shift_and_the_same_guard_resumes_it(conn: sqlite3.Connection) -> None:
    first = sign_in(conn, "G01", at())
    assert not first.resumed and first.took_over is None
    assert first.shift.is_open and first.shift.guard_code == "G01" and first.shift.started_at == at()
    assert shifts.open_shift(conn, "east") == first.shift
    again = sign_in(conn, "G01", at(2))  # the booth PC restarted
    assert again.resumed and again.shift == first.shift
    assert count(conn, "shift") == 1
    assert trail(conn, "shift.open") == [("guard:G01", str(first.shift.id), "at east")]
    assert [a for a, _s, _d in trail(conn, "login.ok")] == ["guard:G01", "guard:G01"]


def test_another_guard_signing_in_takes_the_open_shift_over(conn: sqlite3.Connection) -> None:
    first = sign_in(conn, "G01", at())
    second = sign_in(conn, "G02", at(1))
    old = second.took_over
    assert old is not None and old.id == first.shift.id
    assert (old.handover, old.ended_at, old.handed_to_code) == ("taken_over", at(1), "G02")
    assert second.shift.is_open and second.shift.guard_code == "G02" and second.shift.id != old.id
    assert shifts.open_shift(conn, "east") == second.shift
    assert trail(conn, "shift.take_over") == [("guard:G02", str(old.id), "from G01")]
    with pytest.raises(sqlite3.DatabaseError, match="read-only"):
        conn.execute("UPDATE shift SET ended_at = NULL WHERE id = ?", (old.id,))


def test_a_shift_is_per_gate(conn: sqlite3.Connection) -> None:
    east = sign_in(conn, "G01", at())
    west = sign_in(conn, "G02", at(0, 5), gate="west")
    assert west.took_over is None and shifts.open_shift(conn, "east") == east.shift
    assert shifts.open_shift(conn, "west") == west.shift


def test_a_wrong_pin_at_login_opens_nothing(conn: sqlite3.Connection) -> None:
    with pytest.raises(PinRefused):
        shifts.login(conn, "G01", "0000", gate="east", now=at())
    assert count(conn, "shift") == 0 and shifts.open_shift(conn, "east") is None


# --- handover -------------------------------------------------------------------------------------


def shift_state(conn: sqlite3.Connection) -> tuple[object, ...]:
    return (
        conn.execute("SELECT * FROM shift ORDER BY id").fetchall(),
        count(conn, "shift_item"),
        trail(conn, "shift.handover"),
    )


def test_a_wrong_pin_at_the_handover_changes_nothing(conn: sqlite3.Connection, ss: ShiftSettings) -> None:
    first = sign_in(conn, "G01", at())
    before = shift_state(conn)
    with pytest.raises(PinRefused):
        shifts.handover(
            conn,
            first.shift.id,
            incoming_code="G02",
            pin="0000",
            notes=None,
            counts=COUNTS,
            settings=ss,
            now=at(8),
        )
    assert shift_state(conn) == before and shifts.get(conn, first.shift.id).is_open
    assert trail(conn, "login.fail") == [("G02", "G02", "handover at east: wrong_pin")]


def test_handing_over_to_oneself_is_refused(conn: sqlite3.Connection, ss: ShiftSettings) -> None:
    first = sign_in(conn, "G01", at())
    before = shift_state(conn)
    with pytest.raises(GuardpostError) as refused:
        hand_over(conn, ss, first.shift.id, "G01", at(8))
    assert refused.value.key == "shifts.to_yourself"
    assert shift_state(conn) == before


@pytest.mark.parametrize(
    ("counts", "key"),
    [
        ({"radio": 4, "keys": 6}, "shifts.count_missing"),
        ({}, "shifts.count_missing"),
        ({**COUNTS, "radio": -1}, "shifts.bad_count"),
        ({**COUNTS, "keys": 1000}, "shifts.bad_count"),
        ({**COUNTS, "torch": 2}, "shifts.unknown_item"),
    ],
)
def test_equipment_counts_missing_or_impossible_are_refused(
    conn: sqlite3.Connection, ss: ShiftSettings, counts: dict[str, int], key: str
) -> None:
    first = sign_in(conn, "G01", at())
    before = shift_state(conn)
    with pytest.raises(GuardpostError) as refused:
        hand_over(conn, ss, first.shift.id, "G02", at(8), counts=counts)
    assert refused.value.key == key
    assert shift_state(conn) == before
    assert trail(conn, "login.fail") == []  # refused before the PIN was asked for


def test_handover_notes_with_control_characters_are_refused(
    conn: sqlite3.Connection, ss: ShiftSettings
) -> None:
    first = sign_in(conn, "G01", at())
    with pytest.raises(GuardpostError) as refused:
        hand_over(conn, ss, first.shift.id, "G02", at(8), notes="ok\x1b[2J")
    assert refused.value.key == "shifts.bad_char"
    assert shifts.get(conn, first.shift.id).is_open


def test_a_handover_closes_the_shift_read_only_and_opens_the_incoming_guards(
    conn: sqlite3.Connection, ss: ShiftSettings
) -> None:
    first = sign_in(conn, "G01", at())
    done = hand_over(
        conn, ss, first.shift.id, "G02", at(8), counts={**COUNTS, "radio": 3}, notes="  3号对讲机送修  "
    )
    old = shifts.get(conn, first.shift.id)
    assert not old.is_open
    assert (old.ended_at, old.accepted_at, old.handover) == (at(8), at(8), "accepted")
    assert (old.handed_to_code, old.notes) == ("G02", "3号对讲机送修")
    assert done.guard.code == "G02" and done.shift.is_open and done.shift.started_at == at(8)
    assert shifts.open_shift(conn, "east") == done.shift
    items = conn.execute(
        "SELECT item, expected, counted FROM shift_item WHERE shift_id = ? ORDER BY item", (old.id,)
    ).fetchall()
    assert items == [("keys", 6, 6), ("parking_permits", 20, 20), ("radio", 4, 3)]
    equipment = shifts.summary(conn, old.id, ss, at(9)).equipment
    assert sorted((i.item, i.expected, i.counted) for i in equipment) == items
    assert trail(conn, "shift.handover") == [("guard:G02", str(old.id), "G01 -> G02; short: radio 3/4")]
    assert shifts.last_closed(conn, "east") == old
    for change in (
        "UPDATE shift SET notes = 'changed' WHERE id = ?",
        "UPDATE shift SET ended_at = NULL WHERE id = ?",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="read-only"):
            conn.execute(change, (old.id,))
    assert shifts.get(conn, old.id) == old
    with pytest.raises(GuardpostError) as refused:  # and it cannot be handed over again
        hand_over(conn, ss, old.id, "G03", at(9))
    assert refused.value.key == "shifts.closed"


# --- corrections ----------------------------------------------------------------------------------


def test_a_supervisors_correction_is_stored_beside_the_closed_shift_and_audited(
    conn: sqlite3.Connection, ss: ShiftSettings
) -> None:
    first = sign_in(conn, "G01", at())
    hand_over(conn, ss, first.shift.id, "G02", at(8), counts={**COUNTS, "radio": 3})
    supervisor = guards.find(conn, "G07")
    assert supervisor is not None
    correction_id = shifts.correct(conn, first.shift.id, "  对讲机实为4台  ", by=supervisor, now=at(9))
    assert conn.execute(
        "SELECT shift_id, guard_id, text FROM shift_correction WHERE id = ?", (correction_id,)
    ).fetchone() == (
        first.shift.id,
        supervisor.id,
        "对讲机实为4台",
    )
    assert trail(conn, "shift.correct") == [("guard:G07", str(first.shift.id), "对讲机实为4台")]
    [said] = shifts.summary(conn, first.shift.id, ss, at(10)).corrections
    assert (said.at, said.by, said.text) == (at(9), supervisor.name, "对讲机实为4台")
    assert conn.execute("SELECT counted FROM shift_item WHERE item = 'radio'").fetchone() == (
        3,
    )  # not edited


@pytest.mark.parametrize("code", ["G01", "G06"])
def test_a_correction_by_anyone_below_a_supervisor_is_not_allowed(
    conn: sqlite3.Connection, ss: ShiftSettings, code: str
) -> None:
    first = sign_in(conn, "G01", at())
    hand_over(conn, ss, first.shift.id, "G02", at(8))
    who = guards.find(conn, code)
    assert who is not None
    with pytest.raises(NotAllowed):
        shifts.correct(conn, first.shift.id, "改一下", by=who, now=at(9))
    assert count(conn, "shift_correction") == 0 and trail(conn, "shift.correct") == []


def test_a_correction_to_an_open_shift_or_an_empty_one_is_refused(conn: sqlite3.Connection) -> None:
    first = sign_in(conn, "G01", at())
    supervisor = guards.find(conn, "G07")
    assert supervisor is not None
    for text, key in (("改一下", "shifts.still_open"), ("   ", "shifts.empty")):
        with pytest.raises(GuardpostError) as refused:
            shifts.correct(conn, first.shift.id, text, by=supervisor, now=at(1))
        assert refused.value.key == key
    assert count(conn, "shift_correction") == 0


# --- nothing open is lost -------------------------------------------------------------------------


def open_things(s: shifts.Summary) -> dict[str, object]:
    return {
        "inside": sorted(v.name or "" for v in s.still_inside),
        "incidents": [i.text for i in s.open_incidents],
        "alarms": [a.event_id for a in s.open_alarms],
        "rounds": [(r.id, r.ended_at is None, sorted(r.checked)) for r in s.rounds],
    }


def test_nothing_open_is_lost_across_three_handovers_and_closed_summaries_never_change(
    conn: sqlite3.Connection, ss: ShiftSettings, vs: VisitSettings
) -> None:
    one = sign_in(conn, "G01", at())
    guard = one.guard.on_duty
    keeper = Gatekeeper(conn, "east", guard=guard)
    caller(conn, vs, "王晓明", at(0, 30), guard)  # stays inside throughout
    leaves = caller(conn, vs, "李红", at(0, 40), guard)  # signs out in shift 3
    incident(conn, "两人在门口争吵", at(1), one)  # stays open
    closes = incident(conn, "电动车被盗", at(1, 10), one, "theft")  # closed in shift 3
    lost_a, lost_b = lost_cards(conn, 2)
    alarm_open = keeper.swipe(exact(lost_a), Lane.IN, now=at(1, 20)).event_id  # never acknowledged
    alarm_acked = keeper.swipe(exact(lost_b), Lane.IN, now=at(1, 25)).event_id  # acknowledged in shift 3
    round_id = shifts.start_round(conn, gate="east", guard=guard, shift_id=one.shift.id, now=at(2))
    shifts.check_point(conn, "P1", how="tick", gate="east", settings=ss, now=at(2, 10))

    everything_open = {
        "inside": ["李红", "王晓明"],
        "incidents": ["两人在门口争吵", "电动车被盗"],
        "alarms": [alarm_open, alarm_acked],
        "rounds": [(round_id, True, ["P1"])],
    }
    two = hand_over(conn, ss, one.shift.id, "G02", at(4))
    hash_one = shifts.content_hash(shifts.summary(conn, one.shift.id, ss, at(4)))
    assert open_things(shifts.summary(conn, one.shift.id, ss, at(4))) == everything_open
    assert open_things(shifts.summary(conn, two.shift.id, ss, at(5))) == everything_open

    three = hand_over(conn, ss, two.shift.id, "G03", at(8))
    hash_two = shifts.content_hash(shifts.summary(conn, two.shift.id, ss, at(8)))
    assert open_things(shifts.summary(conn, two.shift.id, ss, at(8))) == everything_open
    assert open_things(shifts.summary(conn, three.shift.id, ss, at(8, 30))) == everything_open

    # shift 3 resolves one of each: the visitor leaves, the theft is closed, the alarm acknowledged,
    # the round ends (P2 checked, P3 and P4 missed)
    g3 = three.guard.on_duty
    visits.sign_out(conn, leaves, gate="east", now=at(9))
    shifts.close_incident(conn, closes, guard=g3, now=at(9, 5))
    acknowledge(conn, alarm_acked, at(9, 10), g3)
    shifts.check_point(conn, "GPC1.P2", how="scan", gate="east", settings=ss, now=at(9, 15))
    ended = shifts.end_round(conn, gate="east", findings="西区配电房门锁坏", settings=ss, now=at(9, 20))
    assert ended.missed == ("P3", "P4") and ended.checked == {"P1": "tick", "P2": "scan"}

    four = hand_over(conn, ss, three.shift.id, "G04", at(12))
    hash_three = shifts.content_hash(shifts.summary(conn, three.shift.id, ss, at(12)))
    still_open = {
        "inside": ["王晓明"],
        "incidents": ["两人在门口争吵"],
        "alarms": [alarm_open],
    }
    summary_three = shifts.summary(conn, three.shift.id, ss, at(12))
    assert open_things(summary_three) == {**still_open, "rounds": [(round_id, False, ["P1", "P2"])]}
    assert summary_three.rounds[0].missed == ("P3", "P4")
    assert open_things(shifts.summary(conn, four.shift.id, ss, at(13))) == {**still_open, "rounds": []}

    # shift 4 goes on: more swipes, another incident, another caller, another round
    g4 = four.guard.on_duty
    swipe(conn, owner_cards(conn, 1)[0], at(12, 30), g4)
    incident(conn, "车库起火", at(12, 40), four, "fire")
    caller(conn, vs, "赵六", at(12, 50), g4)
    shifts.start_round(conn, gate="east", guard=g4, shift_id=four.shift.id, now=at(13))
    shifts.check_point(conn, "P3", how="tick", gate="east", settings=ss, now=at(13, 5))

    # the closed shifts still say what they said when they were handed over
    assert open_things(shifts.summary(conn, two.shift.id, ss, at(14))) == everything_open
    assert shifts.content_hash(shifts.summary(conn, one.shift.id, ss, at(14))) == hash_one
    assert shifts.content_hash(shifts.summary(conn, two.shift.id, ss, at(14))) == hash_two
    assert shifts.content_hash(shifts.summary(conn, three.shift.id, ss, at(14))) == hash_three
    assert len({hash_one, hash_two, hash_three}) == 3
    # while the open one moves on
    now_four = shifts.summary(conn, four.shift.id, ss, at(14))
    assert "车库起火" in [i.text for i in now_four.open_incidents] and len(now_four.still_inside) == 2


def test_a_closed_summary_is_the_same_whenever_it_is_made(
    conn: sqlite3.Connection, ss: ShiftSettings
) -> None:
    one = sign_in(conn, "G01", at())
    swipe(conn, owner_cards(conn, 1)[0], at(0, 10), one.guard.on_duty)
    hand_over(conn, ss, one.shift.id, "G02", at(4))
    first = shifts.summary(conn, one.shift.id, ss, at(4))
    later = shifts.summary(conn, one.shift.id, ss, at(400))
    assert later.until == at(4) and shifts.content_hash(later) == shifts.content_hash(first)
    assert len(shifts.content_hash(first)) == 64


# --- what the summary counts ------------------------------------------------------------------------


def test_swipes_with_nobody_signed_in_are_the_summarys_gap(
    conn: sqlite3.Connection, ss: ShiftSettings
) -> None:
    owners = owner_cards(conn, 6)
    swipe(conn, owners[0], at(-26), None)  # more than a day before: no part of it
    swipe(conn, owners[1], at(-4), None)
    swipe(conn, owners[2], at(-3, -50), None)
    swipe(conn, owners[3], at(-3), None, gate="west")  # another gate's
    swipe(conn, "0123ABCD", at(-1, -30), None)  # a refusal is a swipe too
    one = sign_in(conn, "G01", at())
    swipe(conn, owners[4], at(0, 30), one.guard.on_duty)
    s = shifts.summary(conn, one.shift.id, ss, at(1))
    assert s.gap == Gap(at(-4), at(-1, -30), 3)
    assert s.swipes == {"allow": 1, "deny": 0, "alarm": 0}  # the gap is not the shift's own
    two = hand_over(conn, ss, one.shift.id, "G02", at(2))
    swipe(conn, owners[5], at(2, 30), two.guard.on_duty)
    assert shifts.summary(conn, two.shift.id, ss, at(3)).gap is None


def test_swipes_are_counted_by_decision_and_by_hour(conn: sqlite3.Connection, ss: ShiftSettings) -> None:
    one = sign_in(conn, "G01", at())
    guard = one.guard.on_duty
    owners = owner_cards(conn, 4)
    [lost] = lost_cards(conn, 1)
    done = [
        swipe(conn, owners[0], at(0, 10), guard),
        swipe(conn, owners[1], at(0, 50), guard),
        swipe(conn, owners[2], at(1, 5), guard),
        swipe(conn, "0123ABCD", at(1, 15), guard),
        swipe(conn, lost, at(2, 20), guard),
        swipe(conn, owners[3], at(1, 30), guard, gate="west"),  # another gate: not this shift's
    ]
    assert done == [Decision.ALLOW] * 3 + [Decision.DENY, Decision.ALARM, Decision.ALLOW]
    s = shifts.summary(conn, one.shift.id, ss, at(2, 30))
    assert s.swipes == {"allow": 3, "deny": 1, "alarm": 1}
    assert s.per_hour == [(at(0), 2), (at(1), 2), (at(2), 1)]
    assert s.admitted == 3 and s.by_hand == 0 and s.override_share == 0.0
    assert [a.reason for a in s.open_alarms] == ["lost"]


def test_an_override_is_listed_with_its_reason_and_its_share_of_admissions(
    conn: sqlite3.Connection, ss: ShiftSettings, vs: VisitSettings
) -> None:
    one = sign_in(conn, "G01", at())
    guard = one.guard.on_duty
    override = [ConsentStep(ConsentOutcome.OVERRIDE, reason="住户在电梯里没信号")]
    caller(conn, vs, "王晓明", at(0, 30), guard, steps=override)
    caller(conn, vs, "李红", at(0, 40), guard)
    caller(conn, vs, "西门客", at(0, 45), None, steps=override, gate="west")  # another gate's override
    swipe(conn, owner_cards(conn, 1)[0], at(0, 50), guard)
    s = shifts.summary(conn, one.shift.id, ss, at(1))
    assert s.overrides == [Override(at(0, 30), "王晓明", a_unit(conn), "住户在电梯里没信号", guard.name)]
    assert s.admitted == 3  # one swipe, two callers at this gate
    assert s.override_share == pytest.approx(1 / 3)


def test_callers_in_and_out_are_counted_by_category(
    conn: sqlite3.Connection, ss: ShiftSettings, vs: VisitSettings
) -> None:
    before = caller(conn, vs, "早来的", at(-1), None)  # came before the shift, leaves during it
    one = sign_in(conn, "G01", at())
    guard = one.guard.on_duty
    stays = caller(conn, vs, "王晓明", at(0, 10), guard)
    leaves = caller(conn, vs, "李红", at(0, 20), guard)
    courier = visits.register(
        conn, VisitForm(VisitCategory.COURIER, company="顺丰"), [], gate="east", level=LockdownLevel.NORMAL,
        settings=vs, fever_threshold_c=37.3, guard=guard, now=at(0, 30),
    )  # fmt: skip
    caller(conn, vs, "西门客", at(0, 40), None, gate="west")
    visits.sign_out(conn, leaves, gate="east", now=at(1))
    visits.sign_out(conn, before, gate="east", now=at(1, 10))
    s = shifts.summary(conn, one.shift.id, ss, at(2))
    assert s.callers_in == {"courier": 1, "relative": 2}
    assert s.callers_out == {"relative": 2}
    inside = {v.pass_no for v in s.still_inside}
    assert {passes.pass_number(stays), passes.pass_number(courier.visit_id)} <= inside
    assert passes.pass_number(leaves) not in inside


def test_fevers_at_the_gate_are_listed_and_ring_as_alarms(
    conn: sqlite3.Connection, ss: ShiftSettings, vs: VisitSettings
) -> None:
    one = sign_in(conn, "G01", at())
    guard = one.guard.on_duty
    hot = caller(conn, vs, "王晓明", at(0, 10), guard)
    well = caller(conn, vs, "李红", at(0, 20), guard)
    assert temperature.record(
        conn, "38.2", gate="east", threshold_c=37.3, visit_id=hot, guard=guard, now=at(0, 15)
    ).fever
    assert not temperature.record(
        conn, "36.6", gate="east", threshold_c=37.3, visit_id=well, guard=guard, now=at(0, 25)
    ).fever
    temperature.record(conn, "39.0", gate="west", threshold_c=37.3, now=at(0, 30))  # another gate's
    s = shifts.summary(conn, one.shift.id, ss, at(1))
    assert s.fevers == [Fever(at(0, 15), 38.2, "王晓明")]
    assert [(a.reason, a.who) for a in s.open_alarms] == [("fever", "王晓明")]
    assert s.swipes["alarm"] == 1


# --- patrol rounds ------------------------------------------------------------------------------


def test_a_patrol_round_with_a_missed_checkpoint_and_its_reminder(
    conn: sqlite3.Connection, ss: ShiftSettings
) -> None:
    one = sign_in(conn, "G01", at())
    guard = one.guard.on_duty
    with pytest.raises(GuardpostError) as refused:
        shifts.check_point(conn, "P1", how="tick", gate="east", settings=ss, now=at(0, 5))
    assert refused.value.key == "shifts.no_round"
    round_id = shifts.start_round(conn, gate="east", guard=guard, shift_id=one.shift.id, now=at(0, 10))
    with pytest.raises(GuardpostError) as refused:
        shifts.start_round(conn, gate="east", guard=guard, shift_id=one.shift.id, now=at(0, 11))
    assert refused.value.key == "shifts.round_open"
    assert shifts.check_point(conn, " p1 ", how="tick", gate="east", settings=ss, now=at(0, 15)) == "P1"
    assert shifts.check_point(conn, "GPC1.P2", how="scan", gate="east", settings=ss, now=at(0, 20)) == "P2"
    assert shifts.check_point(conn, "P3", how="tick", gate="east", settings=ss, now=at(0, 25)) == "P3"
    with pytest.raises(GuardpostError) as refused:
        shifts.check_point(conn, "P9", how="tick", gate="east", settings=ss, now=at(0, 26))
    assert refused.value.key == "shifts.unknown_checkpoint"
    current = shifts.current_round(conn, "east", ss)
    assert current is not None and current.id == round_id and current.missed == ()  # open: nothing missed yet
    ended = shifts.end_round(conn, gate="east", findings=" 配电房门未锁 ", settings=ss, now=at(0, 40))
    assert (ended.ended_at, ended.findings, ended.missed) == (at(0, 40), "配电房门未锁", ("P4",))
    assert ended.checked == {"P1": "tick", "P2": "scan", "P3": "tick"}
    assert shifts.current_round(conn, "east", ss) is None
    with pytest.raises(GuardpostError) as refused:
        shifts.end_round(conn, gate="east", findings=None, settings=ss, now=at(0, 41))
    assert refused.value.key == "shifts.no_round"
    assert shifts.summary(conn, one.shift.id, ss, at(1)).rounds == [ended]
    assert shifts.reminders(conn, "east", ss, at(1)) == [Said("shifts.reminder_missed", checkpoints="P4")]
    # the interval counts from the round's start
    late = shifts.reminders(conn, "east", ss, at(0, 11 + ss.patrol_interval_min))
    assert late[-1] == Said("shifts.reminder_due", minutes=ss.patrol_interval_min + 1)


def test_no_round_for_longer_than_the_interval_counts_from_a_new_shifts_start(
    conn: sqlite3.Connection, ss: ShiftSettings
) -> None:
    interval = ss.patrol_interval_min
    assert (
        shifts.reminders(conn, "east", ss, at(5)) == []
    )  # nobody on duty, no round ever: nothing to count from
    one = sign_in(conn, "G01", at())
    assert shifts.reminders(conn, "east", ss, at(0, interval)) == []
    assert shifts.reminders(conn, "east", ss, at(0, interval + 1)) == [
        Said("shifts.reminder_due", minutes=interval + 1)
    ]
    shifts.start_round(conn, gate="east", guard=one.guard.on_duty, shift_id=one.shift.id, now=at(0, 30))
    for code in ("P1", "P2", "P3", "P4"):
        shifts.check_point(conn, code, how="tick", gate="east", settings=ss, now=at(0, 40))
    shifts.end_round(conn, gate="east", findings=None, settings=ss, now=at(0, 50))
    assert shifts.reminders(conn, "east", ss, at(0, 30 + interval)) == []
    # the next shift has its own first interval, counted from its start, not from the last round
    two = hand_over(conn, ss, one.shift.id, "G02", at(3))
    assert shifts.reminders(conn, "east", ss, at(3, interval)) == []
    assert shifts.reminders(conn, "east", ss, at(3, interval + 1)) == [
        Said("shifts.reminder_due", minutes=interval + 1)
    ]
    assert two.shift.started_at == at(3)


def test_no_reminder_when_the_interval_is_switched_off(demo_db: Path, conn: sqlite3.Connection) -> None:
    off = make_settings(demo_db, shifts__patrol_interval_min=0).shifts
    sign_in(conn, "G01", at())
    assert shifts.reminders(conn, "east", off, at(30)) == []


# --- the logs -----------------------------------------------------------------------------------


def duty(
    conn: sqlite3.Connection,
    text: str,
    login: shifts.Login | None = None,
    place: str | None = None,
    usb_label: str | None = None,
) -> int:
    return shifts.write_log(
        conn,
        LogKind.DUTY,
        text,
        gate="east",
        guard=login.guard.on_duty if login else None,
        shift_id=login.shift.id if login else None,
        now=at(1),
        place=place,
        usb_label=usb_label,
    )


def test_a_duty_line_is_stored_stripped_in_its_shift(conn: sqlite3.Connection) -> None:
    one = sign_in(conn, "G01", at())
    entry = duty(conn, "  [bold]巡查完毕[/]  ", one, place="东门")
    [row] = shifts.logs(conn, one.shift.id)
    assert (row.id, row.kind, row.text, row.place, row.guard) == (
        entry,
        LogKind.DUTY,
        "[bold]巡查完毕[/]",
        "东门",
        one.guard.name,
    )
    assert duty(conn, "长" * shifts.TEXT_MAX, one)  # exactly the limit is fine


@pytest.mark.parametrize(
    ("text", "fields", "key"),
    [
        ("", {}, "shifts.empty"),
        ("   \t ", {}, "shifts.empty"),
        ("门口\x1b[2J", {}, "shifts.bad_char"),
        ("1-1-\u202e205", {}, "shifts.bad_char"),
        ("a\u200bb", {}, "shifts.bad_char"),
        ("x" * (shifts.TEXT_MAX + 1), {}, "shifts.too_long"),
        ("正常", {"place": "p" * (shifts.SHORT_MAX + 1)}, "shifts.too_long"),
        ("正常", {"usb_label": "U\x07"}, "shifts.bad_char"),
    ],
)
def test_write_log_refuses_empty_unsafe_or_too_long_text(
    conn: sqlite3.Connection, text: str, fields: dict[str, str], key: str
) -> None:
    with pytest.raises(GuardpostError) as refused:
        duty(conn, text, place=fields.get("place"), usb_label=fields.get("usb_label"))
    assert refused.value.key == key and refused.value.message("en")
    assert count(conn, "log_entry") == 0 and not conn.in_transaction


def test_an_incident_needs_one_of_the_incident_kinds(conn: sqlite3.Connection) -> None:
    one = sign_in(conn, "G01", at())
    for kind in (None, "riot", "FIGHT"):
        with pytest.raises(GuardpostError) as refused:
            shifts.write_log(
                conn, LogKind.INCIDENT, "门口打架", gate="east", guard=None, shift_id=one.shift.id, now=at(1),
                category=kind,
            )  # fmt: skip
        assert refused.value.key == "shifts.bad_incident_kind"
    with pytest.raises(GuardpostError) as refused:
        shifts.write_log(conn, LogKind.PATROL, "巡逻", gate="east", guard=None, shift_id=None, now=at(1))
    assert refused.value.key == "shifts.bad_log_kind"
    assert count(conn, "log_entry") == 0
    for kind in shifts.INCIDENT_KINDS:
        incident(conn, f"{kind} 事件", at(1), one, kind)
    assert [(i.category, i.closed_at) for i in shifts.open_incidents(conn, at(2))] == [
        (k, None) for k in shifts.INCIDENT_KINDS
    ]


def test_an_incident_is_closed_once(conn: sqlite3.Connection) -> None:
    one = sign_in(conn, "G01", at())
    entry = incident(conn, "电动车被盗", at(1), one, "theft")
    shifts.close_incident(conn, entry, guard=one.guard.on_duty, now=at(2))
    assert shifts.open_incidents(conn, at(1, 30))[0].id == entry  # still open then
    assert shifts.open_incidents(conn, at(2)) == []
    with pytest.raises(GuardpostError) as refused:
        shifts.close_incident(conn, entry, guard=one.guard.on_duty, now=at(3))
    assert refused.value.key == "shifts.incident_closed"
    assert trail(conn, "incident.close") == [("guard:G01", str(entry), None)]
    line = duty(conn, "交接完毕", one)
    for not_one in (line, 999_999):
        with pytest.raises(GuardpostError) as refused:
            shifts.close_incident(conn, not_one, guard=None, now=at(3))
        assert refused.value.key == "shifts.no_incident"


PIECES = [
    "[bold]", "[/]", "[link=file:///etc/passwd]", "\x1b[2J", "\x00", "\x07", "\r\n", "\t", " ", "\u3000",
    "\u202e", "\u2066", "\u200b", "\ufeff", "\u2028", "\x85", "张", "a", "1-1-502",
]  # fmt: skip
HOSTILE = st.one_of(
    st.text(max_size=600),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.builds(lambda s, n: s * n, st.sampled_from(["张", "a", " ", "[b]"]), st.integers(1, 10_000)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(HOSTILE)
def test_hostile_text_is_stored_exactly_or_refused_as_a_guardpost_error(
    conn: sqlite3.Connection, text: str
) -> None:
    kept = text.strip()
    acceptable = bool(kept) and UNSAFE.search(kept) is None and len(kept) <= shifts.TEXT_MAX
    try:
        entry = duty(conn, text)
    except GuardpostError as refused:
        assert not acceptable, refused.key
        assert refused.key in ("shifts.empty", "shifts.bad_char", "shifts.too_long")
        assert refused.message("en") and not conn.in_transaction
    else:
        assert acceptable
        stored = conn.execute("SELECT text FROM log_entry WHERE id = ?", (entry,)).fetchone()[0]
        assert stored == kept


def test_an_alarm_left_open_goes_on_from_shift_to_shift_for_a_week(
    conn: sqlite3.Connection, ss: ShiftSettings
) -> None:
    """Three eight-hour shifts a day: an alarm from the first shift is still in the fourth's summary."""
    first = sign_in(conn, "G01", at(0))
    assert swipe(conn, lost_cards(conn, 1)[0], at(1), first.guard.on_duty) == Decision.ALARM
    shift = first.shift
    for hours, code in ((8, "G02"), (16, "G03"), (24, "G01"), (32, "G02")):
        shift = hand_over(conn, ss, shift.id, code, at(hours)).shift
    summary = shifts.summary(conn, shift.id, ss, at(38))
    assert [a.at for a in summary.open_alarms] == [at(1)]
