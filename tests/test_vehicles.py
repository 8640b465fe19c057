"""The vehicle register: the fee rule at its boundaries (hypothesis), the entry decision by category,
gate kind, lockdown level and block list, then the register on a real SQLite file (permits,
receipts, overstays, anti-passback, emergency vehicles, one transaction each), the look-ups'
query plans, and the ``guardpost vehicles`` commands."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardpost import audit, blocklist, events, lockdown, validate, vehicles
from guardpost.advice import who
from guardpost.domain import BlockKind, ConsentOutcome, Decision, GateKind, LockdownLevel, Reason
from guardpost.i18n import LANGUAGES, catalogue, t
from guardpost.policy.vehicles import (
    GATE_TAKES,
    SUPPLIES,
    TRUCKS,
    VEHICLE_REASONS,
    EntryFacts,
    Service,
    VehicleCategory,
    VehicleReason,
    cents,
    decide_entry,
    decide_exit,
    parking_fee,
    yuan,
)
from guardpost.storage import connect

C = VehicleCategory
NORMAL, RESTRICTED, CLOSED = LockdownLevel.NORMAL, LockdownLevel.RESTRICTED, LockdownLevel.CLOSED
NOW = datetime(2026, 11, 26, 9, 0)
RULES = vehicles.VehicleRules(visitor_free_min=30, truck_limit_min=60, cents_per_hour=500, permit_stock=20)
SUPERVISOR, SUPERVISOR_PIN = "G07", "9876"


@pytest.fixture
def conn(demo_db: Path) -> Iterator[sqlite3.Connection]:
    c = connect(demo_db)
    yield c
    c.close()


def count(conn: sqlite3.Connection, sql: str, *args: object) -> int:
    return int(conn.execute(sql, args).fetchone()[0])


def actions(conn: sqlite3.Connection) -> list[str]:
    return [str(r[0]) for r in conn.execute("SELECT action FROM audit ORDER BY id")]


def owner_plate(conn: sqlite3.Connection) -> tuple[str, str]:
    row = conn.execute(
        "SELECT v.plate, u.code FROM vehicle v JOIN person p ON p.id = v.person_id JOIN unit u ON u.id ="
        " p.unit_id WHERE v.kind = 'owner' ORDER BY v.id LIMIT 1"
    ).fetchone()
    return str(row[0]), str(row[1])


def a_unit(conn: sqlite3.Connection) -> str:
    return str(conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0])


def come(conn: sqlite3.Connection, plate: str, category: VehicleCategory, gate: str = "north", **kw: object):  # noqa: ANN201
    at = kw.pop("now", NOW)
    rules = kw.pop("rules", RULES)
    form = vehicles.VehicleForm(plate, category, **kw)  # type: ignore[arg-type]
    return vehicles.enter(conn, form, gate=gate, rules=rules, now=at)  # type: ignore[arg-type]


def go(
    conn: sqlite3.Connection, plate: str, at: datetime, gate: str = "north", **kw: object
) -> vehicles.Left:
    return vehicles.leave(conn, plate, gate=gate, rules=RULES, now=at, **kw)  # type: ignore[arg-type]


def order(conn: sqlite3.Connection, level: LockdownLevel, entrance: str | None = None) -> None:
    lockdown.set_level(
        conn,
        level,
        scope=(),
        entrance=entrance,
        note=None,
        code=SUPERVISOR,
        pin=SUPERVISOR_PIN,
        where="test",
        now=NOW - timedelta(hours=1),
    )


# --- the fee: one pure function, its boundaries -------------------------------------------------------

ENTRIES = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31))
STAYS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3))
FREE = st.integers(min_value=0, max_value=24 * 60)
RATE = st.integers(min_value=0, max_value=100_000)


def fee(stay: timedelta, free_min: int = 30, rate: int = 500, start: datetime = NOW) -> vehicles.Fee:
    return parking_fee(start, start + stay, free_min=free_min, cents_per_hour=rate)


def test_thirty_minutes_are_free_and_a_second_more_is_an_hour() -> None:
    assert fee(timedelta(minutes=30)).cents == 0
    assert fee(timedelta(minutes=30, seconds=1)).cents == 500
    assert fee(timedelta(minutes=30, seconds=1)).hours == 1
    assert fee(timedelta(minutes=90)).hours == 1  # a whole hour after the free half hour
    assert fee(timedelta(minutes=90, microseconds=1)).hours == 2
    assert fee(timedelta(0)).cents == 0 and not fee(timedelta(0)).backwards


@given(start=ENTRIES, stay=STAYS, free=FREE, rate=RATE)
def test_free_within_the_free_time_and_charged_by_started_hour_after_it(
    start: datetime, stay: timedelta, free: int, rate: int
) -> None:
    f = parking_fee(start, start + stay, free_min=free, cents_per_hour=rate)
    over = stay - timedelta(minutes=free)
    assert not f.backwards and f.cents >= 0
    if over <= timedelta(0):
        assert f.hours == 0 and f.cents == 0
    else:
        assert (f.hours - 1) * timedelta(hours=1) < over <= f.hours * timedelta(hours=1)
        assert f.cents == f.hours * rate
    assert f.minutes == stay // timedelta(minutes=1)


@given(free=FREE, hours=st.integers(min_value=0, max_value=72))
def test_each_hour_boundary_exactly(free: int, hours: int) -> None:
    edge = timedelta(minutes=free) + timedelta(hours=hours)
    assert fee(edge, free).hours == hours
    assert fee(edge + timedelta(seconds=1), free).hours == hours + 1


@given(
    start=ENTRIES,
    stay=STAYS,
    shift=st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=400)),
)
def test_a_stay_costs_what_it_lasted_whenever_it_was(
    start: datetime, stay: timedelta, shift: timedelta
) -> None:
    """Midnight (and a month's or a year's end) in the middle of a stay changes nothing."""
    a = parking_fee(start, start + stay, free_min=30, cents_per_hour=500)
    b = parking_fee(start + shift, start + shift + stay, free_min=30, cents_per_hour=500)
    assert a == b


def test_over_midnight() -> None:
    late = datetime(2026, 11, 26, 23, 50)
    crossed = parking_fee(late, datetime(2026, 11, 27, 0, 50), free_min=30, cents_per_hour=500)
    assert (crossed.minutes, crossed.hours, crossed.cents) == (60, 1, 500)
    new_year = parking_fee(
        datetime(2026, 12, 31, 23, 0), datetime(2027, 1, 1, 1, 30), free_min=30, cents_per_hour=500
    )
    assert (new_year.minutes, new_year.hours) == (150, 2)


@given(start=ENTRIES, back=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=30)))
def test_a_clock_that_went_backwards_charges_nothing_and_says_so(start: datetime, back: timedelta) -> None:
    f = parking_fee(start, start - back, free_min=30, cents_per_hour=500)
    assert f.backwards and f.cents == 0 and f.minutes == 0 and f.hours == 0
    assert t("vehicle.fee_backwards", "en") == vehicles.said_fee(f, "en")


@given(stay=STAYS, more=STAYS)
def test_a_longer_stay_never_costs_less(stay: timedelta, more: timedelta) -> None:
    assert fee(stay + more).cents >= fee(stay).cents


@given(st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False))
def test_yuan_to_fen_and_back(amount: object) -> None:
    as_cents = cents(float(str(amount)))
    assert yuan(as_cents) == f"{amount:.2f}"


# --- the entry decision: category x gate kind x level x block list ------------------------------------

# Written from DOMAIN.md and the module's docstring, not from the code: who each gate kind takes.
TAKES = {
    GateKind.PEDESTRIAN: {"emergency"},
    GateKind.VEHICLE: {"owner", "visitor", "delivery", "moving", "furniture", "water", "emergency"},
    GateKind.GARAGE: {"owner", "visitor", "emergency", "staff"},
}
CLOSED_PASS = {"emergency", "owner", "staff"}  # and "delivery", "water" once disinfected


def expected(
    category: str, gate: GateKind, level: LockdownLevel, shut: bool, blocked: bool, **facts: bool
) -> str:
    if blocked:
        return "blocked"
    if category == "emergency":
        return "emergency"
    if shut:
        return "gate_shut"
    if category not in TAKES[gate]:
        return "wrong_gate"
    if level == CLOSED and category not in CLOSED_PASS:
        if category not in {"delivery", "water"}:
            return "lockdown_closed"
        if not facts.get("disinfected"):
            return "needs_disinfection"
    if level == RESTRICTED and category == "visitor" and not facts.get("consent"):
        return "needs_consent"
    if category == "visitor" and not facts.get("permit", True):
        return "no_permit"
    return "admitted"


TABLE = [
    (c, g, lv, shut, blocked)
    for c in C
    for g in GateKind
    for lv in LockdownLevel
    for shut in ((False, True) if lv == CLOSED else (False,))
    for blocked in (False, True)
]


@pytest.mark.parametrize(("category", "gate", "level", "shut", "blocked"), TABLE)
def test_every_category_at_every_gate_kind_and_level(
    category: VehicleCategory, gate: GateKind, level: LockdownLevel, shut: bool, blocked: bool
) -> None:
    for disinfected in (False, True):
        for consent in (None, ConsentOutcome.GIVEN):
            got = decide_entry(EntryFacts(category, gate, level, shut, blocked, consent, disinfected))
            want = expected(
                category, gate, level, shut, blocked, disinfected=disinfected, consent=bool(consent)
            )
            assert got.reason == want, (category, gate, level, shut, blocked, disinfected, consent)
            assert got.decision == (
                Decision.ALARM
                if blocked
                else Decision.ALLOW
                if want in ("admitted", "emergency")
                else Decision.DENY
            )


def test_the_gate_kinds_as_written_down() -> None:
    assert {k: {c.value for c in v} for k, v in GATE_TAKES.items()} == TAKES
    assert {c.value for c in TRUCKS} == {"delivery", "moving", "furniture", "water"}
    assert not TRUCKS & GATE_TAKES[GateKind.GARAGE]  # never into the underground garage
    assert C.STAFF not in GATE_TAKES[GateKind.VEHICLE]  # company staff: not at the ground gate
    assert SUPPLIES <= TRUCKS


def test_a_host_who_refuses_and_no_permit_left() -> None:
    refused = EntryFacts(C.VISITOR, GateKind.VEHICLE, RESTRICTED, consent=ConsentOutcome.REFUSED)
    assert decide_entry(refused).reason == VehicleReason.HOST_REFUSED
    none_left = EntryFacts(C.VISITOR, GateKind.VEHICLE, NORMAL, permit_free=False)
    assert decide_entry(none_left).reason == VehicleReason.NO_PERMIT
    assert decide_entry(EntryFacts(C.OWNER, GateKind.VEHICLE, NORMAL, permit_free=False)).admits


@given(
    category=st.sampled_from(list(C)),
    gate=st.sampled_from(list(GateKind)),
    level=st.sampled_from(list(LockdownLevel)),
    shut=st.booleans(),
)
def test_exits(category: VehicleCategory, gate: GateKind, level: LockdownLevel, shut: bool) -> None:
    got = decide_exit(category, level, shut)
    if category == C.EMERGENCY:
        assert got.reason == VehicleReason.LEFT
    elif shut:
        assert got.reason == VehicleReason.GATE_SHUT
    elif level == CLOSED and category == C.OWNER:
        assert got.reason == VehicleReason.LOCKDOWN_CLOSED  # 里不出: residents stay home
    else:
        assert got.reason == VehicleReason.LEFT


def test_every_word_is_in_the_catalogue_in_both_languages() -> None:
    entries = catalogue()
    keys = [f"vehicle.category.{c}" for c in C] + [f"vehicle.service.{s}" for s in Service]
    keys += [f"vehicle.reason.{r}" for r in VehicleReason] + [f"vehicle.hint.{r}" for r in VehicleReason]
    keys += [f"vehicle.field.{f}" for f in ("plate", "category", "unit", "driver", "note", "service")]
    keys += [
        f"vehicles.col.{c}" for c in ("plate", "category", "entered", "minutes", "who", "permit", "state")
    ]
    keys += ["vehicles.lane.in", "vehicles.lane.out"]
    for key in keys:
        assert set(entries[key]) == set(LANGUAGES), key
    assert set(VEHICLE_REASONS) == set(VehicleReason)


# --- the register, on a real file -----------------------------------------------------------------------


def test_a_registered_owner_comes_in_with_its_unit(conn: sqlite3.Connection) -> None:
    plate, unit = owner_plate(conn)
    done = come(conn, plate, C.OWNER)
    assert done.verdict.admits and done.unit == unit and done.permit_no is None
    [car] = vehicles.inside(conn, NOW)
    assert (car.plate, car.unit, car.category) == (plate, unit, C.OWNER)


def test_an_unknown_owner_plate_asks_for_the_unit(conn: sqlite3.Connection) -> None:
    before = count(conn, "SELECT count(*) FROM vehicle_entry")
    with pytest.raises(vehicles.VehicleRefused) as refused:
        come(conn, "粤B7F6C2", C.OWNER)
    assert [p.field for p in refused.value.problems] == ["unit"]
    assert "Unit" in refused.value.message("en")
    with pytest.raises(vehicles.VehicleRefused) as no_such:
        come(conn, "粤B7F6C2", C.OWNER, unit="88-1-101")
    assert no_such.value.problems[0].key == "visit.no_such_unit"
    assert count(conn, "SELECT count(*) FROM vehicle_entry") == before  # nothing half-written
    unit = a_unit(conn)
    assert come(conn, "粤b·7f6c2", C.OWNER, unit=unit).unit == unit


@pytest.mark.parametrize("bad", ["", "ABC123", "粤B1234", "粤I12345", "[b]粤B12345"])
def test_a_bad_plate_is_refused_naming_the_field(conn: sqlite3.Connection, bad: str) -> None:
    with pytest.raises(vehicles.VehicleRefused) as refused:
        come(conn, bad, C.VISITOR)
    assert refused.value.problems[0].field == "plate"
    assert t("vehicle.field.plate", "zh-CN") in refused.value.message("zh-CN")
    assert count(conn, "SELECT count(*) FROM vehicle_entry") == 0


def test_visitors_get_the_lowest_free_permit_and_pay_at_the_exit(conn: sqlite3.Connection) -> None:
    a = come(conn, "粤B10001", C.VISITOR)
    b = come(conn, "粤B10002", C.VISITOR, now=NOW + timedelta(minutes=1))
    assert (a.permit_no, b.permit_no) == (1, 2)
    first = go(conn, "粤B10001", NOW + timedelta(minutes=30))  # 30:00: free
    assert first.fee is not None and first.fee.cents == 0 and first.receipt_no is None
    assert first.permit_no == 1 and not first.permit_missing
    c = come(conn, "粤B10003", C.VISITOR, now=NOW + timedelta(minutes=40))
    assert c.permit_no == 1  # back in the booth: handed out again
    second = go(conn, "粤B10002", NOW + timedelta(minutes=31, seconds=1))  # 30:01 after its entry
    third = go(conn, "粤B10003", NOW + timedelta(hours=3))
    assert second.fee is not None and second.fee.cents == 500
    assert third.fee is not None and third.fee.hours == 2 and third.fee.cents == 1000
    assert (second.receipt_no, third.receipt_no) == ("P000001", "P000002")
    said = vehicles.said_exit(third, "en")
    assert "P000002" in said and "10.00" in said
    assert count(conn, "SELECT count(*) FROM parking_permit WHERE returned_at IS NULL") == 0
    assert [a for a in actions(conn) if a == "vehicle.fee"] == ["vehicle.fee"] * 2


def test_receipts_are_never_changed(conn: sqlite3.Connection) -> None:
    come(conn, "粤B10001", C.VISITOR)
    go(conn, "粤B10001", NOW + timedelta(hours=2))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE parking_receipt SET fee_cents = 0")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM parking_receipt")


def test_no_permit_left_is_a_refusal(conn: sqlite3.Connection) -> None:
    two = vehicles.VehicleRules(30, 60, 500, permit_stock=2)
    for n, plate in enumerate(("粤B10001", "粤B10002")):
        assert come(conn, plate, C.VISITOR, rules=two).permit_no == n + 1
    full = come(conn, "粤B10003", C.VISITOR, rules=two)
    assert full.verdict.reason == VehicleReason.NO_PERMIT and full.permit_no is None
    assert "permit" in vehicles.said_entry(full, "en").lower()
    assert vehicles.permits_free(conn, 2) == 0
    assert come(conn, "粤B10004", C.OWNER, rules=two, unit=a_unit(conn)).verdict.admits  # owners need none


def test_a_permit_not_handed_back_is_recorded_and_the_fee_computed_all_the_same(
    conn: sqlite3.Connection,
) -> None:
    come(conn, "粤B10001", C.VISITOR)
    done = go(conn, "粤B10001", NOW + timedelta(minutes=45), permit_returned=False)
    assert done.permit_missing and done.fee is not None and done.fee.cents == 500 and done.receipt_no
    [out] = vehicles.unreturned_permits(conn, NOW + timedelta(hours=1))
    assert (out.permit_no, out.plate, out.missing) == (1, "粤B10001", True)
    assert vehicles.unreturned_permits(conn, NOW + timedelta(minutes=10))[0].missing is False  # then: inside
    assert come(conn, "粤B10002", C.VISITOR, now=NOW + timedelta(hours=1)).permit_no == 2  # 1 is lost
    with pytest.raises(vehicles.VehicleError):
        vehicles.restock_permit(conn, 2, by="guard:G07")  # with a car inside: not missing
    vehicles.restock_permit(conn, 1, by="guard:G07", now=NOW + timedelta(hours=2))
    assert [p.permit_no for p in vehicles.unreturned_permits(conn, NOW + timedelta(hours=3))] == [2]
    assert "vehicle.permit_restock" in actions(conn)


def test_a_clock_gone_backwards_at_the_exit(conn: sqlite3.Connection) -> None:
    come(conn, "粤B10001", C.VISITOR)
    done = go(conn, "粤B10001", NOW - timedelta(minutes=5))
    assert done.fee is not None and done.fee.backwards and done.fee.cents == 0 and done.receipt_no is None
    assert t("vehicle.fee_backwards", "zh-CN") in vehicles.said_exit(done, "zh-CN")


def test_trucks_an_hour_at_most_then_overstaying_and_charged(conn: sqlite3.Connection) -> None:
    done = come(conn, "粤B20001", C.MOVING, unit=a_unit(conn), driver="李师傅")
    assert done.limit_at == NOW + timedelta(hours=1)
    [within] = vehicles.inside(conn, NOW + timedelta(minutes=60))
    assert not within.overstay
    [late] = vehicles.inside(conn, NOW + timedelta(minutes=60, seconds=1))
    assert late.overstay and late.over_min == 1
    left = go(conn, "粤B20001", NOW + timedelta(minutes=95))
    assert left.overstay_min == 35 and left.fee is not None and left.fee.cents == 500 and left.receipt_no
    summary = vehicles.shift_summary(conn, "north", NOW - timedelta(hours=1), NOW + timedelta(hours=4))
    [over] = summary.overstays
    assert (over.plate, over.over_min) == ("粤B20001", 35)


def test_trucks_never_into_the_garage_and_staff_never_at_the_ground_gate(conn: sqlite3.Connection) -> None:
    assert come(conn, "粤B20001", C.DELIVERY, gate="garage").verdict.reason == VehicleReason.WRONG_GATE
    assert come(conn, "粤B20002", C.STAFF, gate="north").verdict.reason == VehicleReason.WRONG_GATE
    assert come(conn, "粤B20002", C.STAFF, gate="garage").verdict.admits
    assert come(conn, "粤B20003", C.VISITOR, gate="east").verdict.reason == VehicleReason.WRONG_GATE
    assert [r[0] for r in conn.execute("SELECT status FROM vehicle_entry ORDER BY id")] == [
        "refused",
        "refused",
        "inside",
        "refused",
    ]


def test_restricted_level_a_visitor_needs_the_host(conn: sqlite3.Connection) -> None:
    order(conn, RESTRICTED)
    with pytest.raises(vehicles.VehicleRefused) as refused:
        come(conn, "粤B10001", C.VISITOR)
    assert refused.value.problems[0].field == "unit"  # whose host is asked
    unit = a_unit(conn)
    assert come(conn, "粤B10001", C.VISITOR, unit=unit).verdict.reason == VehicleReason.NEEDS_CONSENT
    no = come(conn, "粤B10001", C.VISITOR, unit=unit, consent=ConsentOutcome.REFUSED)
    assert no.verdict.reason == VehicleReason.HOST_REFUSED
    yes = come(conn, "粤B10001", C.VISITOR, unit=unit, consent=ConsentOutcome.GIVEN)
    assert yes.verdict.admits and yes.permit_no == 1
    done = actions(conn)
    assert "consent.given" in done and "consent.refused" in done


def test_closed_level_supplies_only_disinfected_and_residents_stay_home(conn: sqlite3.Connection) -> None:
    order(conn, CLOSED, entrance="north")
    assert come(conn, "粤B20001", C.DELIVERY).verdict.reason == VehicleReason.NEEDS_DISINFECTION
    assert come(conn, "粤B20001", C.DELIVERY, disinfected=True).verdict.admits
    assert come(conn, "粤B20002", C.MOVING, disinfected=True).verdict.reason == VehicleReason.LOCKDOWN_CLOSED
    assert come(conn, "粤B20003", C.VISITOR).verdict.reason == VehicleReason.LOCKDOWN_CLOSED
    plate, _ = owner_plate(conn)
    assert come(conn, plate, C.OWNER).verdict.admits  # home, as an owner's card lets them
    out = go(conn, plate, NOW + timedelta(hours=1))
    assert out.verdict.reason == VehicleReason.LOCKDOWN_CLOSED
    assert count(conn, "SELECT count(*) FROM vehicle_entry WHERE plate = ? AND status = 'inside'", plate) == 1


def test_a_shut_gate_takes_emergency_vehicles_only(conn: sqlite3.Connection) -> None:
    order(conn, CLOSED, entrance="east")  # north is shut
    assert come(conn, "粤B20001", C.DELIVERY, disinfected=True).verdict.reason == VehicleReason.GATE_SHUT
    plate, _ = owner_plate(conn)
    assert come(conn, plate, C.OWNER).verdict.reason == VehicleReason.GATE_SHUT
    assert come(conn, "粤B20002", C.EMERGENCY, service=Service.FIRE).verdict.admits


def test_a_blocked_plate_rings_like_a_blocked_caller(conn: sqlite3.Connection) -> None:
    blocklist.add(conn, BlockKind.PLATE, "粤B66666", reason="多次冲卡", by="guard:G07", now=NOW)
    done = come(conn, "粤b66666", C.VISITOR)
    assert done.verdict.reason == VehicleReason.BLOCKED and done.verdict.decision == Decision.ALARM
    assert done.permit_no is None and done.blocked[0].reason == "多次冲卡"
    [alarm] = events.open_alarms(conn, NOW - timedelta(hours=1), "north")
    assert (alarm.reason, alarm.source, alarm.detail) == (Reason.VISITOR_BLOCKED, "vehicle", "粤B66666")
    assert who(alarm) == "粤B66666"
    assert count(conn, "SELECT count(*) FROM parking_permit") == 0


def test_in_twice_is_a_warning_and_counted_once(conn: sqlite3.Connection) -> None:
    first = come(conn, "粤B10001", C.VISITOR)
    again = come(conn, "粤B10001", C.VISITOR, now=NOW + timedelta(hours=2))
    assert again.verdict.admits and again.was_inside
    assert again.permit_no == first.permit_no and again.permit_carried  # the driver still holds it
    [car] = vehicles.inside(conn, NOW + timedelta(hours=2))
    assert car.entry_id == again.entry_id and car.permit_no == 1
    stays = conn.execute("SELECT status, left_unrecorded, left_at FROM vehicle_entry ORDER BY id").fetchall()
    assert stays == [("left", 1, None), ("inside", 0, None)]
    feed = events.page(conn, gate="north")
    assert [(s.reason, s.detail, s.decision) for s in feed] == [(Reason.PASSBACK, "粤B10001", Decision.ALLOW)]
    assert who(feed[0]) == "粤B10001"
    # as another kind of vehicle the permit did not come with it: missing
    come(conn, "粤B10001", C.DELIVERY, now=NOW + timedelta(hours=3))
    [lost] = vehicles.unreturned_permits(conn, NOW + timedelta(hours=4))
    assert lost.missing and lost.permit_no == 1
    summary = vehicles.shift_summary(conn, "north", NOW, NOW + timedelta(hours=5))
    assert summary.passbacks == 2 and summary.entries == 3


def test_an_emergency_vehicle_in_with_one_key_completed_afterwards(conn: sqlite3.Connection) -> None:
    done = vehicles.emergency(conn, gate="east", rules=RULES, now=NOW)
    assert done.verdict.admits and done.pending and done.plate is None
    [car] = vehicles.inside(conn, NOW)
    assert car.pending and car.plate is None
    with pytest.raises(vehicles.VehicleRefused) as refused:
        vehicles.complete_details(conn, done.entry_id, vehicles.Details("", "9"), gate="east")
    assert {p.field for p in refused.value.problems} == {"plate", "service"}
    after = vehicles.complete_details(
        conn,
        done.entry_id,
        vehicles.Details("粤A12345", "救护", "王师傅", "3-2-1201 急诊"),
        gate="east",
        now=NOW,
    )
    assert after is not None and not after.pending and after.service == Service.AMBULANCE
    assert "vehicle.details" in actions(conn)
    left = vehicles.leave(conn, "粤A12345", gate="east", rules=RULES, now=NOW + timedelta(hours=1))
    assert left.verdict.admits and left.fee is None  # not charged
    plate, _ = owner_plate(conn)
    with pytest.raises(vehicles.VehicleError):
        vehicles.complete_details(
            conn, come(conn, plate, C.OWNER).entry_id, vehicles.Details("粤A12345", "1"), gate="north"
        )


def test_an_emergency_vehicle_without_a_plate_leaves_by_its_entry(conn: sqlite3.Connection) -> None:
    done = vehicles.emergency(conn, gate="north", rules=RULES, now=NOW)
    left = vehicles.leave(
        conn, gate="north", rules=RULES, entry_id=done.entry_id, now=NOW + timedelta(minutes=20)
    )
    assert left.verdict.admits and left.plate is None and vehicles.inside(conn, NOW) == []
    with pytest.raises(vehicles.VehicleError):
        vehicles.leave(conn, gate="north", rules=RULES, entry_id=done.entry_id)


def test_an_exit_with_no_entry_on_record(conn: sqlite3.Connection) -> None:
    plate, _ = owner_plate(conn)
    registered = go(conn, plate, NOW)
    assert registered.no_entry and registered.category == C.OWNER and registered.verdict.admits
    with pytest.raises(vehicles.VehicleRefused) as refused:
        go(conn, "粤B30001", NOW)
    assert refused.value.problems[0].field == "category"
    typed = go(conn, "粤B30001", NOW, category=C.DELIVERY)
    assert typed.no_entry and typed.fee is None
    summary = vehicles.shift_summary(conn, "north", NOW - timedelta(minutes=1), NOW + timedelta(minutes=1))
    assert summary.exits == 2 and summary.entries == 0 and summary.refused == 0


def test_an_entry_is_all_or_nothing(conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    order(conn, RESTRICTED)

    def broken(*args: object, **kw: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(RuntimeError):
        come(conn, "粤B10001", C.VISITOR, unit=a_unit(conn), consent=ConsentOutcome.GIVEN)
    assert count(conn, "SELECT count(*) FROM vehicle_entry") == 0
    assert count(conn, "SELECT count(*) FROM parking_permit") == 0


def test_an_exit_is_all_or_nothing(conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    come(conn, "粤B10001", C.VISITOR)

    def broken(*args: object, **kw: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(RuntimeError):
        go(conn, "粤B10001", NOW + timedelta(hours=2))
    assert count(conn, "SELECT count(*) FROM parking_receipt") == 0
    assert count(conn, "SELECT count(*) FROM vehicle_entry WHERE status = 'inside'") == 1
    assert count(conn, "SELECT count(*) FROM parking_permit WHERE returned_at IS NULL") == 1


def test_the_shift_summary(conn: sqlite3.Connection) -> None:
    plate, _ = owner_plate(conn)
    come(conn, plate, C.OWNER)
    come(conn, "粤B10001", C.VISITOR, now=NOW + timedelta(minutes=5))
    come(conn, "粤B20001", C.DELIVERY, gate="garage")
    go(conn, "粤B10001", NOW + timedelta(hours=2), permit_returned=False)
    come(conn, "粤B10002", C.VISITOR, gate="west", now=NOW + timedelta(minutes=5))  # another gate
    s = vehicles.shift_summary(conn, "north", NOW, NOW + timedelta(hours=8))
    by = {c.category: (c.entries, c.exits) for c in s.counts}
    assert by[C.OWNER] == (1, 0) and by[C.VISITOR] == (1, 1) and sum(by[C.DELIVERY]) == 0
    assert s.refused == 0 and s.permits_issued == 1 and s.permits_missing == 1
    assert [r.plate for r in s.receipts] == ["粤B10001"] and s.fees_cents == 1000
    assert vehicles.shift_summary(conn, "garage", NOW, NOW + timedelta(hours=8)).refused == 1
    assert (
        vehicles.shift_summary(conn, "north", NOW + timedelta(hours=9), NOW + timedelta(hours=10)).entries
        == 0
    )


@given(
    st.sampled_from(validate.PROVINCES),
    st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"),
    st.text("0123456789", min_size=5, max_size=5),
)
def test_a_plate_let_in_is_completed_from_its_start(province: str, letter: str, digits: str) -> None:
    import tempfile

    plate = province + letter + digits
    with tempfile.TemporaryDirectory() as folder:
        c = connect(Path(folder) / "t.db", create=True)
        c.execute(
            "INSERT INTO gate (id, name_zh, name_en, kind) VALUES ('north', '北门', 'North', 'vehicle')"
        )
        come(c, plate, C.VISITOR)
        assert plate in vehicles.complete(c, plate[:3])
        assert plate in vehicles.complete(c, plate[1:4])  # typed without the province
        assert vehicles.look_up(c, f" {plate.lower()} ").inside is not None
        c.close()


def test_the_completion_of_registered_plates(conn: sqlite3.Connection) -> None:
    plate, _ = owner_plate(conn)
    assert plate in vehicles.complete(conn, plate[:4])
    assert plate in vehicles.complete(conn, plate[1:5])
    assert vehicles.complete(conn, "x") == [] and vehicles.complete(conn, "%_") == []
    assert len(vehicles.complete(conn, plate[:2], limit=3)) <= 3


# --- speed: every plate look-up through an index ------------------------------------------------------------


def _plan(conn: sqlite3.Connection, sql: str, *args: object) -> str:
    return " | ".join(str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args))


def test_plate_look_ups_use_indexes_with_two_thousand_vehicles(conn: sqlite3.Connection) -> None:
    person = conn.execute("SELECT id FROM person LIMIT 1").fetchone()[0]
    have = count(conn, "SELECT count(*) FROM vehicle")
    conn.executemany(
        "INSERT INTO vehicle (plate, kind, person_id) VALUES (?, 'owner', ?)",
        [(f"粤C{n:05d}", person) for n in range(2000 - have)],
    )
    for n in range(50):
        come(conn, f"粤D{n:05d}", C.VISITOR if n < 15 else C.DELIVERY)
    conn.execute("ANALYZE")
    plate = "粤C00042"
    plans = [
        _plan(conn, vehicles._REGISTERED_SQL, plate),
        _plan(
            conn,
            f"SELECT {vehicles._INSIDE_COLUMNS} {vehicles._INSIDE_FROM}"
            " WHERE e.status = 'inside' AND e.plate = ? ORDER BY e.id DESC LIMIT 1",
            plate,
        ),
        _plan(
            conn,
            "SELECT id, kind, value, reason FROM blocklist"
            " WHERE kind = ? AND value = ? AND removed_at IS NULL",
            "plate",
            plate,
        ),
        _plan(
            conn,
            "SELECT plate FROM vehicle WHERE plate >= ? AND plate < ? ORDER BY plate LIMIT 6",
            "粤C0",
            "粤C0\U0010ffff",
        ),
        _plan(
            conn,
            "SELECT plate FROM vehicle WHERE substr(plate, 2) >= ? AND substr(plate, 2) < ?"
            " ORDER BY substr(plate, 2) LIMIT 6",
            "C0",
            "C0\U0010ffff",
        ),
        _plan(conn, "SELECT id FROM vehicle_entry WHERE status = 'inside' AND plate = ? ORDER BY id", plate),
    ]
    for plan in plans:
        assert "INDEX" in plan, plan
        assert "SCAN vehicle " not in plan + " " and "SCAN e " not in plan + " ", plan
    assert vehicles.look_up(conn, plate).registered is not None
    assert vehicles.look_up(conn, "粤D00003").inside is not None


# --- the command line ------------------------------------------------------------------------------------

SCRIPT = Path(sys.executable).with_name("guardpost")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "guardpost"]


def cli(db: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUARDPOST_", "LC_"))}
    env.update(
        LANG="C.UTF-8", XDG_CONFIG_HOME=str(db.parent / "config"), XDG_DATA_HOME=str(db.parent / "data")
    )
    return subprocess.run(
        [*COMMAND, "vehicles", *args, "--db", str(db), "--lang", "en"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        input=input,
    )


def test_vehicles_from_the_command_line(demo_db: Path) -> None:
    came = cli(demo_db, "in", "粤B10001", "--category", "visitor", "--gate", "north", "--json")
    assert came.returncode == 0, came.stderr
    assert json.loads(came.stdout)["permit"] == 1
    wrong = cli(demo_db, "in", "粤B20001", "--category", "delivery", "--gate", "garage")
    assert wrong.returncode == 1 and "does not take" in wrong.stdout
    assert cli(demo_db, "in", "粤B20001", "--category", "lorry").returncode == 64
    assert cli(demo_db, "in", "粤B20001", "--category", "visitor", "--consent", "maybe").returncode == 64
    bad = cli(demo_db, "in", "ABC", "--category", "visitor", "--gate", "north")
    assert bad.returncode == 3 and "Plate" in bad.stderr
    inside = cli(demo_db, "inside", "--json")
    assert inside.returncode == 0, inside.stderr
    listed = json.loads(inside.stdout)
    assert [(r["plate"], r["permit"]) for r in listed["inside"]] == [("粤B10001", 1)]
    assert cli(demo_db, "inside").stdout.count("粤B10001") == 1
    out = cli(demo_db, "out", "粤B10001", "--gate", "north", "--permit-missing", "--json")
    assert out.returncode == 0, out.stderr
    left = json.loads(out.stdout)
    assert left["permit_missing"] and left["fee_cents"] is not None
    permits = json.loads(cli(demo_db, "permits", "--json").stdout)
    assert [(p["permit"], p["missing"]) for p in permits["out"]] == [(1, True)] and permits["free"] == 19
    # a supervisor puts it back: --as and the PIN; a guard's PIN is refused
    assert cli(demo_db, "permit-back", "1", "--as", "G01", input="1234\n").returncode != 0
    back = cli(demo_db, "permit-back", "1", "--as", SUPERVISOR, input=SUPERVISOR_PIN + "\n")
    assert back.returncode == 0, back.stderr
    assert json.loads(cli(demo_db, "permits", "--json").stdout)["out"] == []
    assert cli(demo_db, "permit-back", "x1").returncode == 64


def test_emergency_and_the_register_from_the_command_line(demo_db: Path) -> None:
    sos = cli(demo_db, "emergency", "--gate", "east", "--json")
    assert sos.returncode == 0, sos.stderr
    entry = json.loads(sos.stdout)["entry"]
    assert json.loads(sos.stdout)["pending"] is True
    done = cli(demo_db, "details", f"#{entry}", "--plate", "粤A12345", "--service", "fire", "--gate", "east")
    assert done.returncode == 0, done.stderr
    blocked_conn = connect(demo_db)
    blocklist.add(blocked_conn, BlockKind.PLATE, "粤B66666", reason="冲卡", by="guard:G07")
    blocked_conn.close()
    alarm = cli(demo_db, "in", "粤B66666", "--category", "visitor", "--gate", "north")
    assert alarm.returncode == 2 and "block list" in alarm.stdout
    listed = json.loads(cli(demo_db, "list", "--json").stdout)
    assert [(r["plate"], r["status"]) for r in listed] == [("粤B66666", "refused"), ("粤A12345", "inside")]
    assert json.loads(cli(demo_db, "list", "--plate", "粤a12345", "--json").stdout)[0]["service"] == "fire"
