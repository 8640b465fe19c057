"""The quarantine ledger's core (guardpost/quarantine.py) and its command line: the two readings a
day and their windows, what is due and overdue, a fever ringing like one at the gate, households
put on the ledger and ended by a squad leader or supervisor (audited, nothing half-written), and
the shift's summary. Real SQLite files (the demo compound); hypothesis for the pure rules."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW
from hypothesis import given
from hypothesis import strategies as st

from guardpost import exits, quarantine, storage, temperature, validate
from guardpost.errors import GuardpostError
from guardpost.guards import NotAllowed, PinRefused
from guardpost.quarantine import Slot, SlotState

DAY = FIXED_NOW.date()  # 2026-11-26, 07:45
SQUAD_LEADER = ("G06", "6789")
SUPERVISOR = ("G07", "9876")
GUARD = ("G01", "1234")


def rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def conn(demo_db: Path) -> Iterator[sqlite3.Connection]:
    c = storage.connect(demo_db)
    yield c
    c.close()


def a_family(conn: sqlite3.Connection, at_least: int = 2) -> str:
    """A unit with at least ``at_least`` residents."""
    return str(
        conn.execute(
            "SELECT u.code FROM unit u JOIN person p ON p.unit_id = u.id"
            " WHERE p.role IN ('owner', 'family', 'tenant') GROUP BY u.id HAVING count(*) >= ? ORDER BY u.id",
            (at_least,),
        ).fetchone()[0]
    )


def put_on(
    conn: sqlite3.Connection,
    unit: str,
    *,
    others: tuple[str, ...] = ("王五",),
    added: datetime = FIXED_NOW - timedelta(days=1),
    starts_on: date | None = None,
    days: int = 14,
    who: tuple[str, str] = SQUAD_LEADER,
) -> int:
    """The unit's residents and ``others`` put on the ledger at ``added``, from that day on."""
    found = quarantine.unit_residents(conn, unit, added.date())
    first = starts_on or added.date()
    return quarantine.add(
        conn,
        unit,
        residents=[r.person_id for r in found.residents],
        others=others,
        starts_on=first,
        ends_on=first + timedelta(days=days - 1),
        note="街道通知 [b]密接[/b]",
        code=who[0],
        pin=who[1],
        where="east",
        now=added,
    )


def members(conn: sqlite3.Connection, household_id: int) -> list[quarantine.Member]:
    return list(quarantine.household(conn, household_id).members)


def take(conn: sqlite3.Connection, member_id: int, text: str, at: datetime) -> quarantine.Recorded:
    return quarantine.record(conn, member_id, text, gate="east", threshold_c=37.3, guard=None, now=at)


# --- the two readings: pure rules -------------------------------------------------------------

times = st.times()
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31))


@given(times)
def test_a_reading_before_noon_is_the_mornings_and_from_noon_the_afternoons(moment: time) -> None:
    assert quarantine.slot_of(moment) == (Slot.MORNING if moment < time(12) else Slot.AFTERNOON)


def test_the_windows_are_the_documented_ones() -> None:
    assert {
        Slot.MORNING: (time(6), time(12)),
        Slot.AFTERNOON: (time(12), time(20)),
    } == quarantine.WINDOWS
    # every reading of a window counts for that window's slot
    for slot, (opens, closes) in quarantine.WINDOWS.items():
        assert quarantine.slot_of(opens) == slot
        last = (datetime.combine(DAY, closes) - timedelta(microseconds=1)).time()
        assert quarantine.slot_of(last) == slot


@given(days, st.sampled_from(list(Slot)), moments, st.booleans(), st.booleans())
def test_a_slot_is_taken_owed_or_not_and_in_time(
    day: date, slot: Slot, now: datetime, taken: bool, owed: bool
) -> None:
    state = quarantine.slot_state(day, slot, now, taken=taken, owed=owed)
    opens, closes = quarantine.window(day, slot)
    if taken:
        assert state == SlotState.TAKEN
    elif not owed:
        assert state == SlotState.NONE
    elif now < opens:
        assert state == SlotState.LATER
    elif now < closes:
        assert state == SlotState.DUE
    else:
        assert state == SlotState.OVERDUE


ORDER = [SlotState.LATER, SlotState.DUE, SlotState.OVERDUE]


@given(
    days,
    st.sampled_from(list(Slot)),
    moments,
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
)
def test_an_owed_reading_only_ever_gets_later(day: date, slot: Slot, now: datetime, wait: timedelta) -> None:
    before = quarantine.slot_state(day, slot, now, taken=False, owed=True)
    after = quarantine.slot_state(day, slot, now + wait, taken=False, owed=True)
    assert ORDER.index(after) >= ORDER.index(before)


@given(days, st.sampled_from(list(Slot)), days, st.integers(1, 30), moments, st.one_of(st.none(), moments))
def test_what_is_owed_lies_inside_the_quarantine_and_the_time_on_the_ledger(
    day: date, slot: Slot, starts_on: date, length: int, added_at: datetime, ended_at: datetime | None
) -> None:
    ends_on = starts_on + timedelta(days=length - 1)
    owed = quarantine.expected(
        day, slot, starts_on=starts_on, ends_on=ends_on, added_at=added_at, ended_at=ended_at
    )
    opens, closes = quarantine.window(day, slot)
    inside = starts_on <= day <= ends_on
    assert owed == (inside and closes > added_at and (ended_at is None or opens < ended_at))
    if owed:
        assert closes > added_at  # a window that closed before the household was added is nobody's due


# --- what a guard types -----------------------------------------------------------------------


@given(days)
def test_a_day_typed_as_iso_or_with_chinese_marks_or_full_width(day: date) -> None:
    today = date(day.year, 6, 15)
    assert quarantine.parse_day(day.isoformat(), today) == day
    assert quarantine.parse_day(f"{day.year}年{day.month}月{day.day}日", today) == day
    assert quarantine.parse_day(f"{day.month:02d}-{day.day:02d}", today) == day  # this year
    wide = day.isoformat().translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert quarantine.parse_day(wide, today) == day


@pytest.mark.parametrize(
    "text", ["", "明天", "2026-13-01", "2026-02-30", "11/31", "1126", "2026-11-26 08:00"]
)
def test_a_day_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(validate.Invalid) as refused:
        quarantine.parse_day(text, DAY)
    assert refused.value.key == "quarantine.bad_day"


@given(st.integers(1, quarantine.MAX_DAYS), st.sampled_from(["{}", "{}天", "{}d", "{} days"]))
def test_the_end_as_a_number_of_days_counts_the_first(count: int, shape: str) -> None:
    assert quarantine.parse_end(shape.format(count), DAY, DAY) == DAY + timedelta(days=count - 1)


@pytest.mark.parametrize("text", ["0", "31", "365"])
def test_too_many_or_no_days_are_refused(text: str) -> None:
    with pytest.raises(validate.Invalid) as refused:
        quarantine.parse_end(text, DAY, DAY)
    assert refused.value.key == "quarantine.bad_days"


RESIDENTS = (
    quarantine.Resident(11, "何桂", quarantine.PersonRole.OWNER),
    quarantine.Resident(12, "罗峰", quarantine.PersonRole.FAMILY),
    quarantine.Resident(13, "罗小雨", quarantine.PersonRole.FAMILY),
)


@pytest.mark.parametrize(
    ("text", "chosen"),
    [("1 2 3", (11, 12, 13)), ("3,1", (11, 13)), ("２、２", (12,)), ("", ()), ("  ", ())],
)
def test_residents_are_chosen_by_their_numbers(text: str, chosen: tuple[int, ...]) -> None:
    assert quarantine.pick(RESIDENTS, text) == chosen


@pytest.mark.parametrize("text", ["4", "0", "1 x", "-1", "１.５"])
def test_a_number_not_in_the_list_is_refused_naming_it(text: str) -> None:
    with pytest.raises(validate.Invalid) as refused:
        quarantine.pick(RESIDENTS, text)
    assert refused.value.key == "quarantine.bad_pick"
    assert refused.value.params["count"] == 3


def test_names_typed_for_others_are_split_checked_and_each_once() -> None:
    assert quarantine.split_names("王五，李四、 John Smith ;赵六") == ("王五", "李四", "John Smith", "赵六")
    assert quarantine.split_names(" ") == ()
    with pytest.raises(validate.Invalid) as bad:
        quarantine.split_names("王五, 李4")
    assert bad.value.key == "quarantine.bad_name" and bad.value.params["name"] == "李4"
    assert "李4" in bad.value.message("en")
    with pytest.raises(validate.Invalid) as twice:
        quarantine.split_names("王五,王五")
    assert twice.value.key == "quarantine.name_twice"


# --- putting a household on the ledger ----------------------------------------------------------


def test_a_squad_leader_puts_a_household_on_the_ledger_audited(
    conn: sqlite3.Connection, demo_db: Path
) -> None:
    unit = a_family(conn)
    residents = quarantine.unit_residents(conn, unit, DAY).residents
    household_id = put_on(conn, unit, added=FIXED_NOW)
    h = quarantine.household(conn, household_id)
    assert (h.unit, h.starts_on, h.ends_on, h.added_by) == (unit, DAY, DAY + timedelta(days=13), "guard:G06")
    assert h.note == "街道通知 [b]密接[/b]"
    assert [(m.person_id, m.name) for m in h.members] == [(r.person_id, r.name) for r in residents] + [
        (None, "王五")
    ]
    [(action, subject, detail, actor)] = rows(
        demo_db, "SELECT action, subject, detail, actor FROM audit WHERE action LIKE 'quarantine.%'"
    )
    assert (action, subject, actor) == ("quarantine.add", str(household_id), "guard:G06")
    assert detail == f"unit={unit} {DAY}..{DAY + timedelta(days=13)} people={len(residents) + 1}"
    assert "王五" not in str(detail)  # who is under quarantine is in the ledger, not the trail


def test_a_supervisor_may_too_and_a_guard_may_not(conn: sqlite3.Connection, demo_db: Path) -> None:
    unit = a_family(conn)
    with pytest.raises(NotAllowed):
        put_on(conn, unit, who=GUARD)
    with pytest.raises(PinRefused):
        put_on(conn, unit, who=("G06", "0000"))
    assert rows(demo_db, "SELECT count(*) FROM quarantine_household") == [(0,)]
    assert rows(demo_db, "SELECT count(*) FROM quarantine_member") == [(0,)]
    refusals = rows(
        demo_db, "SELECT action, subject FROM audit WHERE action IN ('authorise.refused', 'login.fail')"
    )
    assert refusals == [("authorise.refused", "G01"), ("login.fail", "G06")]
    put_on(conn, unit, who=SUPERVISOR)
    assert rows(demo_db, "SELECT added_by FROM quarantine_household") == [("guard:G07",)]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"unit": "99-9-999"}, "quarantine.bad_unit"),
        ({"unit": "99-9-901"}, "quarantine.no_unit"),
        ({"residents": [10**6]}, "quarantine.not_resident"),
        ({"residents": [], "others": []}, "quarantine.nobody"),
        ({"ends_on": DAY - timedelta(days=1)}, "quarantine.ends_before"),
        ({"ends_on": DAY + timedelta(days=30)}, "quarantine.too_long"),
        (
            {"starts_on": DAY - timedelta(days=9), "ends_on": DAY - timedelta(days=2)},
            "quarantine.over_already",
        ),
        ({"note": "字" * 201}, "quarantine.note_too_long"),
    ],
)
def test_a_bad_household_is_refused_before_the_pin_and_nothing_is_written(
    conn: sqlite3.Connection, demo_db: Path, change: dict[str, object], key: str
) -> None:
    unit = a_family(conn)
    found = quarantine.unit_residents(conn, unit, DAY)
    wanted: dict[str, object] = {
        "unit": unit,
        "residents": [r.person_id for r in found.residents],
        "others": ["王五"],
        "starts_on": DAY,
        "ends_on": DAY + timedelta(days=13),
        "note": None,
        **change,
    }
    with pytest.raises(GuardpostError) as refused:
        quarantine.add(conn, code="G06", pin="0000", where="east", now=FIXED_NOW, **wanted)  # type: ignore[arg-type]
    assert refused.value.key == key
    assert refused.value.message("en") and refused.value.message("zh-CN")
    assert rows(demo_db, "SELECT count(*) FROM quarantine_household") == [(0,)]
    # said before the PIN was checked: the wrong PIN cost no try
    assert rows(demo_db, "SELECT count(*) FROM audit WHERE action = 'login.fail'") == [(0,)]


def test_a_resident_typed_again_as_another_is_refused(conn: sqlite3.Connection) -> None:
    unit = a_family(conn)
    name = quarantine.unit_residents(conn, unit, DAY).residents[0].name
    with pytest.raises(GuardpostError) as refused:
        put_on(conn, unit, others=(name,))
    assert refused.value.key == "quarantine.name_twice_here"


def test_a_unit_already_on_the_ledger_is_refused_until_its_quarantine_ends(conn: sqlite3.Connection) -> None:
    unit = a_family(conn)
    first = put_on(conn, unit)
    with pytest.raises(GuardpostError) as refused:
        quarantine.unit_residents(conn, unit, DAY)
    assert refused.value.key == "quarantine.already" and refused.value.params["household"] == first
    quarantine.end(conn, first, code="G06", pin="6789", where="east", now=FIXED_NOW)
    second = put_on(conn, unit, added=FIXED_NOW)
    assert second != first


# --- readings ---------------------------------------------------------------------------------


def test_a_reading_counts_as_the_mornings_or_afternoons_and_the_ledger_shows_it(
    conn: sqlite3.Connection, demo_db: Path
) -> None:
    household_id = put_on(conn, a_family(conn))
    first, second, other = members(conn, household_id)[:2] + members(conn, household_id)[-1:]
    done = take(conn, first.member_id, "365", FIXED_NOW)  # 07:45
    assert (done.slot, done.reading.celsius, done.reading.fever) == (Slot.MORNING, 36.5, False)
    take(conn, other.member_id, "36.8", datetime.combine(DAY, time(12, 0)))
    assert rows(
        demo_db,
        "SELECT q.member_id, q.day, q.slot, t.celsius, t.person_id, t.gate_id FROM quarantine_reading q"
        " JOIN temperature_reading t ON t.id = q.reading_id ORDER BY t.id",
    ) == [
        (first.member_id, DAY.isoformat(), "morning", 36.5, first.person_id, "east"),
        (other.member_id, DAY.isoformat(), "afternoon", 36.8, None, "east"),  # a name typed: nobody's person
    ]
    [day] = quarantine.ledger(conn, datetime.combine(DAY, time(13, 0)))
    by_member = {p.member.member_id: p for p in day.people}
    assert by_member[first.member_id].morning.state == SlotState.TAKEN
    assert by_member[first.member_id].morning.celsius == 36.5
    assert by_member[first.member_id].afternoon.state == SlotState.DUE
    assert by_member[second.member_id].morning.state == SlotState.OVERDUE  # 12:00 passed without one
    assert by_member[other.member_id].afternoon.state == SlotState.TAKEN


def test_a_fever_rings_like_one_at_the_gate_and_a_recheck_never_hides_it(
    conn: sqlite3.Connection, demo_db: Path
) -> None:
    household_id = put_on(conn, a_family(conn))
    first = members(conn, household_id)[0]
    before = temperature.open_fevers(conn)
    done = take(conn, first.member_id, "37.8", FIXED_NOW)
    assert done.reading.fever
    assert temperature.open_fevers(conn) == before + 1  # an open case until a handover
    assert rows(
        demo_db,
        "SELECT decision, reason, source, person_id, gate_id FROM access_event WHERE reason = 'fever'",
    ) == [("alarm", "fever", "temperature", first.person_id, "east")]
    take(conn, first.member_id, "36.6", FIXED_NOW + timedelta(minutes=10))
    [day] = quarantine.ledger(conn, FIXED_NOW + timedelta(minutes=20))
    shown = day.people[0].morning
    assert (shown.celsius, shown.fever) == (37.8, True)


def test_a_bad_reading_stores_nothing(conn: sqlite3.Connection, demo_db: Path) -> None:
    household_id = put_on(conn, a_family(conn))
    first = members(conn, household_id)[0]
    for text in ("Lo", "33.0", "abc"):
        with pytest.raises(validate.Invalid):
            take(conn, first.member_id, text, FIXED_NOW)
    with pytest.raises(GuardpostError) as unknown:
        take(conn, 10**6, "36.5", FIXED_NOW)
    assert unknown.value.key == "quarantine.unknown_member"
    assert rows(demo_db, "SELECT count(*) FROM temperature_reading") == [(0,)]
    assert rows(demo_db, "SELECT count(*) FROM quarantine_reading") == [(0,)]


def test_no_reading_before_the_quarantine_or_after_it_ended(conn: sqlite3.Connection, demo_db: Path) -> None:
    household_id = put_on(conn, a_family(conn), added=FIXED_NOW, starts_on=DAY + timedelta(days=2))
    first = members(conn, household_id)[0]
    with pytest.raises(GuardpostError) as early:
        take(conn, first.member_id, "36.5", FIXED_NOW)
    assert early.value.key == "quarantine.not_now"
    [day] = quarantine.ledger(conn, FIXED_NOW)  # a household to come is listed, nothing owed yet
    assert {v.state for p in day.people for v in p.slots} == {SlotState.NONE}
    ended = quarantine.end(conn, household_id, code="G07", pin="9876", where="east", now=FIXED_NOW)
    assert ended.ended_at == FIXED_NOW and ended.ended_by == "guard:G07"
    assert quarantine.ledger(conn, FIXED_NOW) == []
    with pytest.raises(GuardpostError) as again:
        quarantine.end(conn, household_id, code="G07", pin="9876", where="east", now=FIXED_NOW)
    assert again.value.key == "quarantine.ended_already"
    assert rows(demo_db, "SELECT action FROM audit WHERE action LIKE 'quarantine.%' ORDER BY id") == [
        ("quarantine.add",),
        ("quarantine.end",),
    ]
    assert rows(demo_db, "SELECT count(*) FROM quarantine_reading") == [(0,)]


def test_a_household_added_after_the_morning_owes_only_the_afternoon(conn: sqlite3.Connection) -> None:
    added = datetime.combine(DAY, time(13, 30))
    put_on(conn, a_family(conn), added=added)
    [day] = quarantine.ledger(conn, added)
    assert {p.morning.state for p in day.people} == {SlotState.NONE}
    assert {p.afternoon.state for p in day.people} == {SlotState.DUE}


def test_due_lists_the_overdue_first(conn: sqlite3.Connection) -> None:
    household_id = put_on(conn, a_family(conn))
    people = members(conn, household_id)
    take(conn, people[0].member_id, "36.5", FIXED_NOW)
    due = quarantine.due(conn, datetime.combine(DAY, time(12, 30)))
    overdue = [(r.member_id, r.slot) for r in due if r.overdue]
    now_due = [(r.member_id, r.slot) for r in due if not r.overdue]
    assert overdue == [(m.member_id, Slot.MORNING) for m in people[1:]]
    assert now_due == [(m.member_id, Slot.AFTERNOON) for m in people]
    assert due == sorted(due, key=lambda r: not r.overdue)


def test_the_shift_summary_counts_what_was_taken_missed_and_still_due(conn: sqlite3.Connection) -> None:
    household_id = put_on(conn, a_family(conn))  # added yesterday 07:45
    people = members(conn, household_id)
    start, end = datetime.combine(DAY, time(6)), datetime.combine(DAY, time(14))
    take(conn, people[0].member_id, "36.5", datetime.combine(DAY, time(7)))
    take(conn, people[1].member_id, "37.9", datetime.combine(DAY, time(13)))  # the afternoon's, a fever
    take(conn, people[0].member_id, "36.4", datetime.combine(DAY, time(15)))  # after the shift
    summary = quarantine.shift_summary(conn, start, end)
    assert (summary.households, summary.people, summary.readings) == (1, len(people), 2)
    assert [(f.name, f.celsius) for f in summary.fevers] == [(people[1].name, 37.9)]
    # the morning window closed at 12:00, in the shift: everyone but the first missed it
    assert [(r.member_id, r.slot) for r in summary.missed] == [
        (m.member_id, Slot.MORNING) for m in people[1:]
    ]
    # the afternoon's is still due at 14:00 for those who have not had it
    assert [(r.member_id, r.slot) for r in summary.due] == [
        (m.member_id, Slot.AFTERNOON) for m in people if m != people[1]
    ]
    # yesterday's night shift: the afternoon window closed at 20:00, within it, and nobody was measured
    night = quarantine.shift_summary(conn, datetime.combine(DAY - timedelta(days=1), time(18)), start)
    assert {(r.day, r.slot) for r in night.missed} == {(DAY - timedelta(days=1), Slot.AFTERNOON)}
    assert night.readings == 0
    # it ended at 06:00, as the morning window opened: the morning's readings are due for the next
    assert [(r.member_id, r.day, r.slot) for r in night.due] == [
        (m.member_id, DAY, Slot.MORNING) for m in people
    ]
    # a household ended before a shift is not in it
    quarantine.end(conn, household_id, code="G06", pin="6789", where="east", now=end)
    later = quarantine.shift_summary(conn, end + timedelta(hours=1), end + timedelta(hours=9))
    assert (later.households, later.missed, later.due) == (0, (), ())


def test_the_ledger_says_when_it_is_not_the_closed_level() -> None:
    assert quarantine.for_level(quarantine.LockdownLevel.CLOSED)
    assert not quarantine.for_level(quarantine.LockdownLevel.NORMAL)
    assert not quarantine.for_level(quarantine.LockdownLevel.RESTRICTED)


# --- the command line -------------------------------------------------------------------------

SCRIPT = Path(sys.executable).with_name("guardpost")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "guardpost"]


@pytest.fixture
def cli(demo_db: Path, tmp_path: Path):  # noqa: ANN201
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUARDPOST_", "LC_"))}
    env.update(LANG="C.UTF-8", XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))

    def run(*args: str, pin: str | None = None, lang: str = "en") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*COMMAND, "quarantine", *args, "--db", str(demo_db), "--lang", lang],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            input=pin,
        )

    return run


def test_the_command_line_adds_lists_records_and_ends(cli, demo_db: Path) -> None:  # noqa: ANN001
    conn = storage.connect(demo_db)
    unit = a_family(conn)
    residents = quarantine.unit_residents(conn, unit, DAY).residents
    conn.close()
    added = cli(
        "add",
        "--unit",
        unit,
        "--all-residents",
        "--other",
        "王五",
        "--until",
        "7",
        "--as",
        "G06",
        "--json",
        pin="6789\n",
    )
    assert added.returncode == 0, added.stderr
    household = json.loads(added.stdout)
    assert household["unit"] == unit and len(household["members"]) == len(residents) + 1
    assert date.fromisoformat(household["ends_on"]) - date.fromisoformat(household["starts_on"]) == timedelta(
        days=6
    )
    listed = cli("list", "--json")
    assert listed.returncode == 0, listed.stderr
    [shown] = json.loads(listed.stdout)
    assert [m["name"] for m in shown["members"]][-1] == "王五"
    text = cli("list", lang="zh-CN")
    assert "王五" in text.stdout
    assert "封闭等级" in text.stderr  # the demo is at the normal level: said, and the ledger works
    member = household["members"][0]["member"]
    normal = cli("record", str(member), "36.6", "--json")
    assert normal.returncode == 0, normal.stderr
    assert json.loads(normal.stdout)["celsius"] == 36.6
    fever = cli("record", str(member), "38.1")
    assert fever.returncode == exits.ALARM and "FEVER" in fever.stdout
    due = cli("due", "--json")
    assert due.returncode == 0, due.stderr
    listed = {(r["member"], r["slot"]) for r in json.loads(due.stdout)}
    now = datetime.now()
    slot = quarantine.slot_of(now.time())
    assert (member, str(slot)) not in listed  # measured: not due any more
    opens, closes = quarantine.WINDOWS[slot]
    if opens <= now.time() < closes:  # the others are due now (the CLI reads the wall clock)
        assert {(m["member"], str(slot)) for m in household["members"][1:]} <= listed
    ended = cli("end", str(household["household"]), "--as", "G06", pin="6789\n")
    assert ended.returncode == 0, ended.stderr
    assert rows(demo_db, "SELECT ended_by FROM quarantine_household") == [("guard:G06",)]


def test_the_command_line_refuses_clearly(cli, demo_db: Path) -> None:  # noqa: ANN001
    conn = storage.connect(demo_db)
    unit = a_family(conn)
    conn.close()
    both = cli("add", "--unit", unit, "--all-residents", "--resident", "x", "--as", "G06", pin="6789\n")
    assert both.returncode == exits.USAGE and "--all-residents" in both.stderr
    bad_day = cli("add", "--unit", unit, "--all-residents", "--from", "11-31", "--as", "G06", pin="6789\n")
    assert bad_day.returncode == exits.BAD_VALUE and "--from" in bad_day.stderr
    nobody = cli("add", "--unit", unit, "--resident", "没这人", "--as", "G06", pin="6789\n")
    assert nobody.returncode == exits.BAD_VALUE and "没这人" in nobody.stderr
    guard = cli("add", "--unit", unit, "--all-residents", "--as", "G01", pin="1234\n")
    assert guard.returncode == exits.BAD_VALUE and "squad leader" in guard.stderr
    not_a_number = cli("record", "x", "36.5")
    assert not_a_number.returncode == exits.USAGE
    unknown = cli("record", "999", "36.5")
    assert unknown.returncode == exits.BAD_VALUE and "999" in unknown.stderr
    assert rows(demo_db, "SELECT count(*) FROM quarantine_household") == [(0,)]
    # the bad values were said before any PIN was asked: only the guard's try was heard
    assert rows(
        demo_db, "SELECT action, subject FROM audit WHERE action IN ('login.fail', 'authorise.refused')"
    ) == [("authorise.refused", "G01")]


def test_a_fever_of_someone_typed_by_name_names_them_in_its_event(
    conn: sqlite3.Connection, demo_db: Path
) -> None:
    unit = a_family(conn)
    household_id = put_on(conn, unit)
    resident, typed_in = members(conn, household_id)[0], members(conn, household_id)[-1]
    take(conn, typed_in.member_id, "38.0", FIXED_NOW)
    take(conn, resident.member_id, "38.0", FIXED_NOW + timedelta(minutes=1))
    assert rows(demo_db, "SELECT person_id, detail FROM access_event WHERE reason = 'fever' ORDER BY id") == [
        (None, f"王五 {unit}"),  # nobody in the person table: the event says who it was
        (resident.person_id, None),  # a resident: the person names them, as at the gate
    ]
