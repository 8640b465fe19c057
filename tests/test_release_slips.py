"""Items leaving (物品出区): release slips issued, checked, collected and refused; the owner after
office hours; the register and the retention rule; the command line. Real SQLite files (the demo
compound); hypothesis on the office-hours rule, the slip numbers and the retention boundary."""

from __future__ import annotations

import io
import json
import sqlite3
import statistics
import time as clock
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from guardpost import release_slips, storage
from guardpost.access import Gatekeeper, exact
from guardpost.config import load_settings
from guardpost.domain import CardStatus, Guard, PersonRole
from guardpost.errors import ConfigError
from guardpost.policy import items
from guardpost.policy.items import (
    AfterHoursFacts,
    ItemRules,
    Office,
    Proof,
    ReleaseReason,
    Resident,
    SlipStatus,
    WhoMay,
)

THURSDAY = datetime(2026, 11, 26, 10, 0)  # the service centre works 08:30-17:30
EVENING = datetime(2026, 11, 26, 20, 0)  # ... and has gone home
RULES = ItemRules.parse("08:30-17:30", "mon-sun")
YEARS = 2
GUARD = Guard(1, "田萍婷", "G01")


@pytest.fixture
def conn(demo_db: Path) -> Iterator[sqlite3.Connection]:
    c = storage.connect(demo_db)
    yield c
    c.close()


def one(conn: sqlite3.Connection, sql: str, args: tuple[object, ...] = ()) -> tuple[object, ...]:
    return tuple(conn.execute(sql, args).fetchone())


def count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def resident(conn: sqlite3.Connection, role: str, *, with_card: bool = True) -> tuple[str, str, str, str]:
    """(unit, name, ID last four, UID of an active owner card) of someone with that role, alone
    with those last four in the unit."""
    card = "AND EXISTS" if with_card else "AND NOT EXISTS"
    row = conn.execute(
        "SELECT u.code, p.name, p.id_last4, (SELECT c.uid FROM card c WHERE c.person_id = p.id AND"
        " c.kind = 'owner' AND c.status = 'active' LIMIT 1) FROM person p JOIN unit u ON u.id = p.unit_id"
        f" WHERE p.role = ? AND p.id_last4 IS NOT NULL {card} (SELECT 1 FROM card c WHERE c.person_id"
        " = p.id AND c.kind = 'owner' AND c.status = 'active') AND (SELECT count(*) FROM person q WHERE"
        " q.unit_id = p.unit_id AND q.id_last4 = p.id_last4) = 1 ORDER BY p.id LIMIT 1",
        (role,),
    ).fetchone()
    assert row is not None, role
    return str(row[0]), str(row[1]), str(row[2]), str(row[3])


def issue(
    conn: sqlite3.Connection,
    unit: str = "1-1-101",
    *,
    items: str = "沙发一张、冰箱一台",
    carrier: str = "张师傅（顺心搬家）",
    valid_until: datetime = THURSDAY + timedelta(hours=8),
    valid_from: datetime | None = None,
    now: datetime = THURSDAY,
) -> release_slips.Slip:
    form = release_slips.SlipForm(unit, items, carrier, valid_until, valid_from)
    return release_slips.issue(conn, form, by="guard:G07", retention_years=YEARS, now=now)


def collect(conn: sqlite3.Connection, number: str, now: datetime = THURSDAY) -> release_slips.Slip:
    return release_slips.collect(conn, number, gate="east", guard=GUARD, retention_years=YEARS, now=now)


def swipe(conn: sqlite3.Connection, uid: str, now: datetime) -> int:
    return Gatekeeper(conn, "east").swipe(exact(uid), "out", now=now).event_id


def after_hours(
    conn: sqlite3.Connection, unit: str, last4: str, *, now: datetime = EVENING, rules: ItemRules = RULES
) -> release_slips.AfterHours:
    return release_slips.release_after_hours(
        conn,
        unit=unit,
        id_last4=last4,
        items="电视机一台",
        rules=rules,
        gate="east",
        guard=GUARD,
        retention_years=YEARS,
        now=now,
    )


# --- slip numbers ----------------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=99_999))
def test_a_slip_number_is_seven_characters_and_reads_back_however_typed(slip_id: int) -> None:
    number = release_slips.slip_number(slip_id)
    assert len(number) == 7 and number.startswith("F") and number[1:].isdigit()
    for typed in (
        number,
        number.lower(),
        number[1:],
        number[1:].lstrip("0"),
        f" f-{number[1:4]} {number[4:]} ",
    ):
        assert release_slips.slip_id_of(typed) == slip_id


@given(st.integers(min_value=1, max_value=99_999), st.integers(min_value=1, max_value=6), st.integers(1, 9))
def test_one_mistyped_digit_is_caught_by_the_check_digit(slip_id: int, at: int, shift: int) -> None:
    number = release_slips.slip_number(slip_id)
    wrong = number[:at] + str((int(number[at]) + shift) % 10) + number[at + 1 :]
    with pytest.raises(release_slips.SlipRefused) as refused:
        release_slips.slip_id_of(wrong)
    assert refused.value.key == "slips.bad_check_digit" and refused.value.reason is None


@pytest.mark.parametrize("text", ["", "F", "GP1.ABC", "F12A4567", "放行条", "F" + "1" * 20])
def test_what_is_not_a_slip_number_is_said_so(text: str) -> None:
    with pytest.raises(release_slips.SlipRefused) as refused:
        release_slips.slip_id_of(text)
    assert refused.value.key == "slips.bad_number"


# --- issuing ---------------------------------------------------------------------------------------


def test_a_slip_is_issued_with_its_number_and_audited(conn: sqlite3.Connection) -> None:
    slip = issue(conn)
    assert slip.number == release_slips.slip_number(slip.slip_id)
    assert (slip.unit, slip.status, slip.valid_from, slip.collected_at) == (
        "1-1-101",
        SlipStatus.OPEN,
        THURSDAY,
        None,
    )
    assert slip.keep_until == date(2028, 11, 26)  # two years after it runs out
    assert one(conn, "SELECT action, subject, detail, actor FROM audit ORDER BY id DESC LIMIT 1") == (
        "slip.issue",
        slip.number,
        "1-1-101",
        "guard:G07",
    )
    again = issue(conn)
    assert again.slip_id == slip.slip_id + 1 and again.number != slip.number


def test_a_purged_slip_number_is_never_given_again(conn: sqlite3.Connection) -> None:
    first = issue(conn, valid_until=THURSDAY + timedelta(hours=1))
    release_slips.purge(conn, THURSDAY + timedelta(days=5 * 365))
    assert count(conn, "release_slip") == 0
    assert issue(conn).slip_id == first.slip_id + 1  # AUTOINCREMENT: an old paper slip names nothing new


@pytest.mark.parametrize(
    ("field", "kw", "key"),
    [
        ("unit", {"unit": "99-9-101"}, "slips.no_such_unit"),
        ("unit", {"unit": "三单元"}, "validate.unit.format"),
        ("items", {"items": "  "}, "slips.required"),
        ("items", {"items": "冰箱\x1b[31m"}, "slips.bad_char"),
        ("items", {"items": "箱" * 201}, "slips.too_long"),
        ("carrier", {"carrier": ""}, "slips.required"),
        ("valid_until", {"valid_until": THURSDAY - timedelta(minutes=1)}, "slips.until_past"),
        ("valid_until", {"valid_until": THURSDAY + timedelta(days=32)}, "slips.until_too_far"),
        (
            "valid_until",
            {"valid_from": THURSDAY + timedelta(days=2), "valid_until": THURSDAY + timedelta(days=1)},
            "slips.until_before_from",
        ),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(
    conn: sqlite3.Connection, field: str, kw: dict[str, object], key: str
) -> None:
    before = count(conn, "release_slip"), count(conn, "audit")
    with pytest.raises(release_slips.SlipFormRefused) as refused:
        issue(conn, **kw)
    assert [(p.field, p.key) for p in refused.value.problems] == [(field, key)]
    assert t_field(field) in refused.value.message("en")
    assert (count(conn, "release_slip"), count(conn, "audit")) == before


def t_field(name: str) -> str:
    from guardpost.i18n import t

    return t(f"slips.field.{name}", "en")


def test_every_bad_field_at_once(conn: sqlite3.Connection) -> None:
    with pytest.raises(release_slips.SlipFormRefused) as refused:
        issue(conn, unit="", items="", carrier="", valid_until=THURSDAY)
    assert {p.field for p in refused.value.problems} == {"unit", "items", "carrier", "valid_until"}


# --- at the gate: a slip -------------------------------------------------------------------------


def test_a_good_slip_is_shown_then_collected_once(conn: sqlite3.Connection) -> None:
    slip = issue(conn)
    shown = release_slips.check(conn, slip.number.lower(), THURSDAY + timedelta(hours=1))
    assert shown.ok and shown.slip == slip
    assert count(conn, "item_release") == 0  # looking writes nothing
    conn.execute(
        "INSERT INTO shift (gate_id, guard_id, started_at) VALUES ('east', 1, ?)", ("2026-11-26 07:00:00",)
    )
    shift = one(conn, "SELECT max(id) FROM shift")[0]
    taken = collect(conn, slip.number[1:], THURSDAY + timedelta(hours=1))
    assert (taken.status, taken.collected_gate, taken.collected_at) == (
        SlipStatus.COLLECTED,
        "east",
        THURSDAY + timedelta(hours=1),
    )
    assert taken.collected_by == "G01 田萍婷"
    assert one(conn, "SELECT collected_guard_id, collected_shift_id FROM release_slip") == (1, shift)
    assert one(
        conn, "SELECT how, released, reason, slip_no, items, shift_id, keep_until FROM item_release"
    ) == (
        "slip",
        1,
        "collected",
        slip.number,
        "沙发一张、冰箱一台",
        shift,
        "2028-11-26",
    )
    with pytest.raises(release_slips.SlipRefused) as refused:
        collect(conn, slip.number, THURSDAY + timedelta(hours=2))
    assert refused.value.reason == ReleaseReason.USED
    assert "2026-11-26 11:00" in refused.value.message("en")
    # the refusal is registered and audited, the slip untouched
    assert [r[0] for r in conn.execute("SELECT reason FROM item_release ORDER BY id")] == [
        "collected",
        "used",
    ]
    assert [
        r[0] for r in conn.execute("SELECT action FROM audit WHERE subject = ? ORDER BY id", (slip.number,))
    ] == [
        "slip.issue",
        "slip.collect",
        "slip.refuse",
    ]
    assert one(conn, "SELECT collected_at FROM release_slip")[0] == "2026-11-26 11:00:00.000000"


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        (THURSDAY + timedelta(hours=8, seconds=1), ReleaseReason.EXPIRED),
        (THURSDAY - timedelta(minutes=1), ReleaseReason.NOT_YET),
        (THURSDAY + timedelta(hours=8), ReleaseReason.COLLECTED),  # to the minute it says
    ],
)
def test_a_slip_outside_its_time_is_refused_and_registered(
    conn: sqlite3.Connection, at: datetime, reason: ReleaseReason
) -> None:
    slip = issue(conn, now=THURSDAY - timedelta(hours=1), valid_from=THURSDAY)
    if reason == ReleaseReason.COLLECTED:
        assert collect(conn, slip.number, at).status == SlipStatus.COLLECTED
        return
    with pytest.raises(release_slips.SlipRefused) as refused:
        release_slips.present(conn, slip.number, gate="east", guard=GUARD, retention_years=YEARS, now=at)
    assert refused.value.reason == reason and refused.value.exit_code == 1
    assert one(conn, "SELECT released, reason, slip_id FROM item_release") == (0, reason.value, slip.slip_id)
    assert one(conn, "SELECT status FROM release_slip") == ("open",)


def test_an_unknown_number_is_registered_a_mistyped_one_is_not(conn: sqlite3.Connection) -> None:
    number = release_slips.slip_number(4242)
    with pytest.raises(release_slips.SlipRefused) as refused:
        collect(conn, number)
    assert refused.value.reason == ReleaseReason.UNKNOWN
    assert one(conn, "SELECT slip_id, slip_no, reason FROM item_release") == (None, number, "unknown")
    with pytest.raises(release_slips.SlipRefused):
        collect(conn, number[:-1] + str((int(number[-1]) + 1) % 10))
    assert count(conn, "item_release") == 1


def test_a_later_refusal_keeps_its_slip_as_long_as_itself(conn: sqlite3.Connection) -> None:
    slip = issue(conn)
    a_year_on = THURSDAY + timedelta(days=365)
    with pytest.raises(release_slips.SlipRefused):
        collect(conn, slip.number, a_year_on)  # long expired
    assert one(conn, "SELECT keep_until FROM release_slip") == ("2029-11-26",)
    assert release_slips.purgeable(conn, datetime(2029, 11, 26, 23, 59)).count == 0
    gone = release_slips.purgeable(conn, datetime(2029, 11, 27))
    assert (len(gone.slips), len(gone.releases)) == (1, 1)


# --- after office hours -----------------------------------------------------------------------------


def test_an_owner_after_hours_is_released_on_card_and_id(conn: sqlite3.Connection) -> None:
    unit, name, last4, uid = resident(conn, "owner")
    event = swipe(conn, uid, EVENING - timedelta(seconds=30))
    done = after_hours(conn, unit, last4)
    assert done.released and (done.name, done.role, done.unit) == (name, PersonRole.OWNER, unit)
    assert done.card is not None and done.card.event_id == event
    row = one(conn, "SELECT how, released, reason, id_last4, event_id, items FROM item_release")
    assert row == ("after_hours", 1, "owner_after_hours", last4, event, "电视机一台")
    assert one(conn, "SELECT action, subject FROM audit ORDER BY id DESC LIMIT 1") == (
        "items.after_hours",
        unit,
    )


def test_without_the_card_the_owner_is_refused_unless_the_compound_takes_either(
    conn: sqlite3.Connection,
) -> None:
    unit, _name, last4, _uid = resident(conn, "owner")
    refused = after_hours(conn, unit, last4)
    assert refused.verdict.reason == ReleaseReason.NEEDS_CARD
    either = ItemRules.parse("08:30-17:30", "mon-sun", "owner", "card_or_id")
    assert after_hours(conn, unit, last4, rules=either).released
    assert [r[0] for r in conn.execute("SELECT reason FROM item_release ORDER BY id")] == [
        "needs_card",
        "owner_after_hours",
    ]


def test_one_swipe_of_the_card_proves_one_release(conn: sqlite3.Connection) -> None:
    unit, _name, last4, uid = resident(conn, "owner")
    swipe(conn, uid, EVENING - timedelta(seconds=20))
    assert after_hours(conn, unit, last4).released
    assert release_slips.card_seen(conn, "east", unit, EVENING) is None  # shown once, used up
    assert after_hours(conn, unit, last4).verdict.reason == ReleaseReason.NEEDS_CARD
    swipe(conn, uid, EVENING)
    assert after_hours(conn, unit, last4).released


def test_a_card_swiped_too_long_ago_or_at_another_gate_proves_nothing(conn: sqlite3.Connection) -> None:
    unit, _name, last4, uid = resident(conn, "owner")
    swipe(conn, uid, EVENING - release_slips.CARD_WINDOW - timedelta(seconds=1))
    Gatekeeper(conn, "west").swipe(exact(uid), "out", now=EVENING)
    assert release_slips.card_seen(conn, "east", unit, EVENING) is None
    assert after_hours(conn, unit, last4).verdict.reason == ReleaseReason.NEEDS_CARD


def test_a_tenant_is_refused_until_the_office_reopens(conn: sqlite3.Connection) -> None:
    unit, name, last4, uid = resident(conn, "tenant")
    swipe(conn, uid, EVENING)
    done = after_hours(conn, unit, last4)
    assert not done.released and done.verdict.reason == ReleaseReason.TENANT
    assert done.verdict.reopens == datetime(2026, 11, 27, 8, 30)
    refusal = done.refusal()
    assert (
        refusal is not None and "2026-11-27 08:30" in refusal.message("en") and name in refusal.message("en")
    )
    assert one(conn, "SELECT released, reason FROM item_release") == (0, "tenant")
    assert one(conn, "SELECT action FROM audit ORDER BY id DESC LIMIT 1") == ("items.after_hours_refused",)


def test_during_office_hours_there_is_no_after_hours_release(conn: sqlite3.Connection) -> None:
    unit, _name, last4, uid = resident(conn, "owner")
    swipe(conn, uid, THURSDAY)
    assert after_hours(conn, unit, last4, now=THURSDAY).verdict.reason == ReleaseReason.OFFICE_OPEN


def test_an_id_that_is_not_the_card_holders_is_refused(conn: sqlite3.Connection) -> None:
    unit, _name, last4, uid = resident(conn, "owner")
    others = conn.execute(
        "SELECT p.id_last4 FROM person p JOIN unit u ON u.id = p.unit_id WHERE u.code = ? AND p.id_last4 <> ?"
        " AND p.id_last4 IS NOT NULL",
        (unit, last4),
    ).fetchall()
    swipe(conn, uid, EVENING)
    if others:
        assert after_hours(conn, unit, str(others[0][0])).verdict.reason == ReleaseReason.MISMATCH
    assert (
        after_hours(conn, unit, "0000" if last4 != "0000" else "0001").verdict.reason
        == ReleaseReason.NO_MATCH
    )


def test_a_lost_card_proves_nothing(conn: sqlite3.Connection) -> None:
    unit, _name, last4, uid = resident(conn, "owner")
    swipe(conn, uid, EVENING - timedelta(minutes=1))
    conn.execute("UPDATE card SET status = 'lost' WHERE uid = ?", (uid,))
    assert after_hours(conn, unit, last4).verdict.reason == ReleaseReason.CARD_NOT_VALID


def test_after_hours_fields_are_named(conn: sqlite3.Connection) -> None:
    with pytest.raises(release_slips.SlipFormRefused) as refused:
        release_slips.release_after_hours(
            conn,
            unit="1-1-9999",
            id_last4="12",
            items="",
            rules=RULES,
            gate="east",
            guard=GUARD,
            retention_years=YEARS,
            now=EVENING,
        )
    assert [p.field for p in refused.value.problems] == ["unit", "id_last4", "items"]
    assert count(conn, "item_release") == 0


# --- the shift's summary ---------------------------------------------------------------------------


def test_the_shift_summary_counts_what_went_out_and_what_was_refused(conn: sqlite3.Connection) -> None:
    first, second = issue(conn), issue(conn, unit="1-1-102", items="书桌")
    collect(conn, first.number, THURSDAY + timedelta(hours=1))
    collect(conn, second.number, THURSDAY + timedelta(hours=2))
    with pytest.raises(release_slips.SlipRefused):
        collect(conn, first.number, THURSDAY + timedelta(hours=3))
    unit, name, last4, uid = resident(conn, "owner")
    swipe(conn, uid, EVENING)
    after_hours(conn, unit, last4)
    late = issue(
        conn, unit="1-1-201", now=EVENING + timedelta(hours=12), valid_until=EVENING + timedelta(hours=20)
    )
    collect(conn, late.number, EVENING + timedelta(hours=13))
    summary = release_slips.shift_summary(conn, "east", THURSDAY, THURSDAY + timedelta(hours=12))
    assert summary.collected_count == 2
    assert [(c.number, c.unit, c.items) for c in summary.collected] == [
        (first.number, "1-1-101", "沙发一张、冰箱一台"),
        (second.number, "1-1-102", "书桌"),
    ]
    assert [(a.unit, a.person, a.items) for a in summary.after_hours] == [(unit, name, "电视机一台")]
    assert [(r.reason, r.subject) for r in summary.refused] == [(ReleaseReason.USED, first.number)]
    assert release_slips.shift_summary(conn, "west", THURSDAY, THURSDAY + timedelta(hours=12)).collected == ()


# --- keeping: the retention rule ---------------------------------------------------------------------


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(min_value=1, max_value=30)
)
@example(date(2028, 2, 29), 2)
@example(date(2028, 2, 29), 4)
def test_a_record_is_kept_full_years_and_not_a_day_more(day: date, years: int) -> None:
    last = items.keep_until(day, years)
    assert last.year == day.year + years
    assert (last - day).days >= 365 * years  # never a day short
    if (day.month, day.day) != (2, 29):
        assert last == day.replace(year=day.year + years)
    else:  # to 29 February when there is one, else to 1 March
        assert (last.month, last.day) in ((2, 29), (3, 1)) and last - timedelta(days=1) < date(
            last.year, 3, 1
        )
    assert not items.purgeable(last, last) and items.purgeable(last, last + timedelta(days=1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=0, max_value=24 * 60 * 60 - 1))
def test_the_purge_boundary_is_the_day_after_keep_until(demo_master: Path, seconds: int) -> None:
    """A slip collected on a day and its register row go on the day after their last day kept,
    whatever the hour either happened at."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp())
    shutil.copyfile(demo_master, folder / "b.db")
    c = storage.connect(folder / "b.db")
    try:
        at = datetime(2026, 3, 1) + timedelta(seconds=seconds)
        end_of_day = datetime.combine(at.date(), time(23, 59, 59, 999999))
        slip = issue(c, now=at - timedelta(hours=1), valid_until=end_of_day)  # issued earlier, valid all day
        collect(c, slip.number, at)
        last_day = datetime(2028, 3, 1, 23, 59, 59, 999999)
        assert release_slips.purgeable(c, last_day).count == 0
        assert release_slips.purge(c, last_day).count == 0
        due = release_slips.purgeable(c, last_day + timedelta(microseconds=1))
        assert (due.slips, len(due.releases)) == ((slip.slip_id,), 1)
        gone = release_slips.purge(c, last_day + timedelta(microseconds=1), by="retention")
        assert gone == due and count(c, "release_slip") == count(c, "item_release") == 0
        assert one(c, "SELECT action, detail, actor FROM audit ORDER BY id DESC LIMIT 1") == (
            "slip.purge",
            "slips=1 releases=1",
            "retention",
        )
    finally:
        c.close()


# --- the office-hours rule (pure) ----------------------------------------------------------------------

times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31))
day_sets = st.frozensets(st.integers(min_value=0, max_value=6), min_size=1)


@st.composite
def offices(draw: st.DrawFn) -> Office:
    opens, closes = draw(times), draw(times)
    assume(opens < closes)
    return Office(opens, closes, draw(day_sets))


@given(offices(), moments)
def test_the_office_is_open_exactly_on_its_days_and_hours(office: Office, at: datetime) -> None:
    assert office.is_open(at) == (at.weekday() in office.days and office.opens <= at.time() < office.closes)


@given(offices(), moments)
def test_it_reopens_at_the_first_opening_after_now(office: Office, at: datetime) -> None:
    again = office.reopens(at)
    assert at < again <= at + timedelta(days=7)
    assert again.time() == office.opens and office.is_open(again)
    assert not office.is_open(again - timedelta(microseconds=1)) or office.is_open(at)
    # no opening in between: every office day's opening from at on comes at or after it
    for ahead in range((again.date() - at.date()).days):
        day = at.date() + timedelta(days=ahead)
        opening = datetime.combine(day, office.opens)
        assert day.weekday() not in office.days or opening <= at


@given(offices())
def test_the_opening_minute_is_open_and_the_closing_minute_closed(office: Office) -> None:
    day = date(2026, 11, 23) + timedelta(days=min(office.days))  # 23 Nov 2026 is a Monday
    assert office.is_open(datetime.combine(day, office.opens))
    assert not office.is_open(datetime.combine(day, office.closes))
    assert office.is_open(datetime.combine(day, office.closes) - timedelta(microseconds=1))
    assert not office.is_open(datetime.combine(day, office.opens) - timedelta(microseconds=1))


@given(day_sets)
def test_office_days_read_back_from_their_names(days: frozenset[int]) -> None:
    text = ",".join(items.DAY_NAMES[d] for d in sorted(days))
    assert items.parse_days(text) == days
    assert items.parse_days(text.upper()) == days


@pytest.mark.parametrize(
    ("text", "days"),
    [("mon-sun", set(range(7))), ("mon-fri,sat", set(range(6))), ("sat-mon", {5, 6, 0}), ("wed", {2})],
)
def test_office_day_ranges(text: str, days: set[int]) -> None:
    assert items.parse_days(text) == days


@pytest.mark.parametrize("text", ["", "monday", "mon-", "mon--fri", "mon,,tue", "1-5"])
def test_bad_office_days(text: str) -> None:
    with pytest.raises(ValueError):
        items.parse_days(text)


@pytest.mark.parametrize("text", ["8:30-17:30", "08:30-24:00", "17:30-08:30", "08:30-08:30", "0830-1730", ""])
def test_bad_office_hours(text: str) -> None:
    with pytest.raises(ValueError):
        items.parse_hours(text)


def test_the_settings_refuse_bad_office_hours_naming_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[rules]\noffice_hours = "17:30-08:30"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(cfg, env={})
    assert "rules.office_hours" in refused.value.message("en") and "08:30-17:30" in refused.value.message(
        "en"
    )
    cfg.write_text('[rules]\noffice_days = "weekdays"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(cfg, env={})
    assert "rules.office_days" in refused.value.message("en")
    cfg.write_text(
        '[rules]\noffice_hours = "09:00-18:00"\noffice_days = "mon-fri"\nafter_hours_proof = "card_or_id"\n'
    )
    rules = release_slips.item_rules(load_settings(cfg, env={}).rules)
    assert rules == ItemRules(Office(time(9), time(18), frozenset(range(5))), WhoMay.OWNER, Proof.CARD_OR_ID)


# --- the after-hours rule (pure) -------------------------------------------------------------------

OWNER, FAMILY, TENANT, STAFF = (Resident(i, r) for i, r in enumerate(PersonRole, start=1))
roles = st.sampled_from([OWNER, FAMILY, TENANT, STAFF])
statuses = st.sampled_from(list(CardStatus))
rule_sets = st.builds(
    lambda who, proof: ItemRules(RULES.office, who, proof),
    st.sampled_from(list(WhoMay)),
    st.sampled_from(list(Proof)),
)


@given(
    st.none() | st.tuples(roles, statuses),
    st.none() | st.lists(roles, max_size=2, unique=True).map(tuple),
    rule_sets,
    moments,
)
def test_only_an_owner_with_what_the_compound_asks_takes_items_out_while_the_office_is_shut(
    card: tuple[Resident, CardStatus] | None,
    by_id: tuple[Resident, ...] | None,
    rules: ItemRules,
    at: datetime,
) -> None:
    verdict = items.after_hours(AfterHoursFacts(card, by_id), rules, at)
    shut = not rules.office.is_open(at)
    people = {r.person_id: r for r in [*(by_id or ()), *([card[0]] if card else [])]}
    who = people.get(verdict.person_id) if verdict.person_id is not None else None
    if not shut:
        assert verdict.reason == ReleaseReason.OFFICE_OPEN and not verdict.released
    if verdict.released:
        assert shut and rules.who_may != WhoMay.NOBODY and who is not None
        assert who.role == PersonRole.OWNER or (
            who.role == PersonRole.FAMILY and rules.who_may == WhoMay.OWNER_FAMILY
        )
        assert card is None or (card[1] == CardStatus.ACTIVE and card[0] == who)
        assert by_id is None or who in by_id
        if rules.proof == Proof.CARD_AND_ID:
            assert card is not None and by_id is not None
        else:
            assert card is not None or by_id is not None
    holder = card[0] if card else None
    tenant = holder is not None and holder.role == PersonRole.TENANT and (by_id is None or holder in by_id)
    if shut and tenant and rules.who_may != WhoMay.NOBODY:
        assert verdict.reason == ReleaseReason.TENANT
    if verdict.reason in items.UNTIL_REOPENING:
        assert verdict.reopens is not None and at < verdict.reopens and rules.office.is_open(verdict.reopens)


def test_a_tenant_is_told_when_the_office_reopens_over_a_closed_weekend() -> None:
    weekdays = ItemRules.parse("08:30-17:30", "mon-fri")
    friday_night = datetime(2026, 11, 27, 19, 0)
    verdict = items.after_hours(
        AfterHoursFacts((TENANT, CardStatus.ACTIVE), (TENANT,)), weekdays, friday_night
    )
    assert verdict.reason == ReleaseReason.TENANT and verdict.reopens == datetime(2026, 11, 30, 8, 30)


# --- speed -------------------------------------------------------------------------------------------


def test_a_slip_is_looked_up_within_30_ms_among_many(conn: sqlite3.Connection) -> None:
    unit_ids = [r[0] for r in conn.execute("SELECT id FROM unit")]
    rows = [
        (
            i,
            release_slips.slip_number(i),
            unit_ids[i % len(unit_ids)],
            "家具",
            "搬家公司",
            "2026-01-01 08:00:00.000000",
            "2026-12-31 18:00:00.000000",
            "2026-01-01 08:00:00.000000",
            "guard:G07",
            "2028-12-31",
        )
        for i in range(1, 30_001)
    ]
    with storage.transaction(conn):
        conn.executemany(
            "INSERT INTO release_slip (id, slip_no, unit_id, items, carrier, valid_from, valid_until,"
            " issued_at, issued_by, keep_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    took = []
    for i in range(1, 30_001, 150):
        start = clock.perf_counter()
        assert release_slips.check(conn, release_slips.slip_number(i), THURSDAY).ok
        took.append(clock.perf_counter() - start)
    assert statistics.quantiles(took, n=100)[98] < 0.030


# --- the command line ------------------------------------------------------------------------------


def cli(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, pin: str = ""
) -> tuple[int, str, str]:
    from guardpost.cli import run

    monkeypatch.setattr("sys.stdin", io.StringIO(pin + "\n"))
    code = run(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_service_centre_issues_a_slip_with_a_supervisors_pin(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    until = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%d")
    base = [
        "slips",
        "issue",
        "--unit",
        "1-1-101",
        "--items",
        "冰箱一台",
        "--carrier",
        "王师傅",
        "--valid-until",
        until,
    ]
    db = ["--db", str(demo_db), "--lang", "en"]
    code, _out, err = cli([*base, *db], capsys, monkeypatch)
    assert code == 3 and "--as" in err  # the demo has a supervisor: nobody issues without one
    code, _out, err = cli([*base, *db, "--as", "G01"], capsys, monkeypatch, pin="1234")
    assert code == 3 and "supervisor" in err  # a guard may not
    code, out, _err = cli([*base, *db, "--as", "G07", "--json"], capsys, monkeypatch, pin="9876")
    assert code == 0
    slip = json.loads(out)
    assert (slip["unit"], slip["items"], slip["carrier"], slip["status"]) == (
        "1-1-101",
        "冰箱一台",
        "王师傅",
        "open",
    )
    assert slip["valid_until"] == f"{until}T23:59" and slip["issued_by"].startswith("guard:G07")
    code, out, _err = cli(["slips", "show", slip["number"].lower(), *db], capsys, monkeypatch)
    assert code == 0 and slip["number"] in out and "冰箱一台" in out and "not used" in out
    code, out, _err = cli(["slips", "list", "--open", *db], capsys, monkeypatch)
    assert code == 0 and slip["number"] in out
    code, out, _err = cli(["slips", "list", "--collected", *db], capsys, monkeypatch)
    assert code == 0 and slip["number"] not in out


def test_the_command_line_says_what_is_wrong(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ["--db", str(demo_db), "--lang", "en"]
    code, _out, err = cli(["slips", "list", "--open", "--collected", *db], capsys, monkeypatch)
    assert code == 64 and "--open" in err
    code, _out, err = cli(["slips", "issue", "--unit", "1-1-101", *db], capsys, monkeypatch)
    assert code == 64  # a required option missing
    code, _out, err = cli(
        [
            "slips",
            "issue",
            "--unit",
            "1-1-101",
            "--items",
            "x",
            "--carrier",
            "y",
            "--valid-until",
            "soon",
            *db,
        ],
        capsys,
        monkeypatch,
    )
    assert code == 3 and "--valid-until" in err
    code, _out, err = cli(["slips", "show", "F000019", *db], capsys, monkeypatch)
    assert code == 1 and "F000019" in err
    code, _out, err = cli(["slips", "show", "F000017", *db], capsys, monkeypatch)
    assert code == 1 and "check digit" in err
    code, _out, err = cli(
        [
            "slips",
            "issue",
            "--unit",
            "99-1-101",
            "--items",
            " ",
            "--carrier",
            "y",
            "--valid-until",
            "23:59",
            *db,
        ],
        capsys,
        monkeypatch,
    )
    assert code == 3 and "Unit" in err and "Items" in err and "--as" not in err  # before the PIN
    assert count_rows(demo_db, "release_slip") == 0


def count_rows(db: Path, table: str) -> int:
    c = sqlite3.connect(db)
    try:
        return int(c.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        c.close()


def test_purge_counts_with_dry_run_and_removes_with_a_supervisor(
    demo_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    c = storage.connect(demo_db)
    long_ago = datetime.now() - timedelta(days=3 * 366)
    old = issue(c, now=long_ago, valid_until=long_ago + timedelta(hours=2))
    collect(c, old.number, long_ago + timedelta(hours=1))
    fresh = issue(c, now=datetime.now(), valid_until=datetime.now() + timedelta(hours=2))
    c.close()
    db = ["--db", str(demo_db), "--lang", "en"]
    code, out, _err = cli(["slips", "purge", "--dry-run", "--json", *db], capsys, monkeypatch)
    assert code == 0 and json.loads(out) == {"dry_run": True, "slips": 1, "releases": 1}
    assert count_rows(demo_db, "release_slip") == 2
    code, _out, err = cli(["slips", "purge", *db], capsys, monkeypatch)
    assert code == 3 and "--as" in err
    code, out, _err = cli(["slips", "purge", "--as", "G07", *db], capsys, monkeypatch, pin="9876")
    assert code == 0 and "1 slip(s)" in out
    c = sqlite3.connect(demo_db)
    assert [r[0] for r in c.execute("SELECT slip_no FROM release_slip")] == [fresh.number]
    assert c.execute("SELECT count(*) FROM item_release").fetchone()[0] == 0
    c.close()


# --- the words: every key the register builds at run time, in both languages -------------------------

REFUSALS = [r for r in ReleaseReason if r not in items.RELEASED]
# (test_catalogue.DYNAMIC lists the other registers' prefixes; these are this one's)
SLIP_KEYS: dict[str, list[str]] = {
    "slips.reason": REFUSALS,
    "slips.hint": REFUSALS,
    "slips.why": list(ReleaseReason),
    "slips.field": [
        *(release_slips.UNIT, release_slips.ITEMS, release_slips.CARRIER, release_slips.ID_LAST4),
        *(release_slips.VALID_FROM, release_slips.VALID_UNTIL),
        *("number", "valid", "issued", "status", "card"),
    ],
    "slips.status": list(SlipStatus),
    "slips.mode": ["slip", "after_hours"],
}


@pytest.mark.parametrize(("prefix", "value"), [(p, v) for p, values in SLIP_KEYS.items() for v in values])
def test_every_key_built_at_run_time_exists_in_both_languages(prefix: str, value: str) -> None:
    from guardpost.i18n import LANGUAGES, catalogue

    entry = catalogue()[f"{prefix}.{value}"]
    assert all(entry[lang].strip() for lang in LANGUAGES) and entry["zh-CN"] != entry["en"]


@pytest.mark.parametrize("reason", REFUSALS)
def test_every_refusal_says_what_and_what_next(reason: ReleaseReason) -> None:
    refused = release_slips.SlipRefused.of(
        reason,
        number="F000018",
        at="-",
        gate="-",
        start="-",
        end="-",
        unit="1-1-101",
        name="王伟",
        reopens="2026-11-27 08:30",
    )
    for lang in ("zh-CN", "en"):
        title, hint = refused.title(lang), refused.hint(lang)
        assert title and hint and "{" not in title + hint
