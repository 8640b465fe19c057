"""The visit register on a real SQLite file: each category, consent, overrides, the block list,
fevers, passes (signed, used once per direction, revoked), sign-out, inside now, returning visitors."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from guardpost import blocklist, events, keys, passes, storage, temperature, visits
from guardpost.domain import (
    BlockKind,
    ConsentChannel,
    ConsentOutcome,
    Decision,
    Lane,
    LockdownLevel,
    Reason,
    VisitCategory,
    VisitReason,
    VisitStatus,
)
from guardpost.policy.visits import VisitFacts, decide_visit, is_fever
from guardpost.visits import ConsentStep, FormRefused, VisitForm

NOW = datetime(2026, 12, 1, 10, 0, 0)
GIVEN = [ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.FRONT_DESK, by_whom="前台小李")]
REFUSED = ConsentStep(ConsentOutcome.REFUSED, ConsentChannel.FRONT_DESK, by_whom="住户")


@pytest.fixture
def conn(demo_db: Path) -> sqlite3.Connection:
    c = storage.connect(demo_db)
    yield c
    c.close()


@pytest.fixture
def vs(demo_db: Path):  # noqa: ANN201
    return make_settings(demo_db).visits


def a_unit(conn: sqlite3.Connection) -> str:
    return str(conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0])


def register(conn, vs, form, steps=GIVEN, level=LockdownLevel.NORMAL, now=NOW):  # noqa: ANN001, ANN201
    return visits.register(
        conn, form, steps, gate="east", level=level, settings=vs, fever_threshold_c=37.3, now=now
    )


def counts(conn: sqlite3.Connection) -> tuple[int, ...]:
    return tuple(
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("visit", "consent", "temperature_reading", "access_event")
    )


# --- registration -------------------------------------------------------------------------------


def test_a_relative_with_consent_is_admitted_with_a_pass(conn, vs) -> None:  # noqa: ANN001
    unit = a_unit(conn)
    done = register(
        conn, vs, VisitForm(VisitCategory.RELATIVE, name="王晓明", phone="138 1234 5678", unit=unit)
    )
    assert done.verdict.reason == VisitReason.ADMITTED
    assert done.pass_no == passes.pass_number(done.visit_id) and done.token
    row = conn.execute(
        "SELECT status, phone, name, entered_at FROM visit WHERE id = ?", (done.visit_id,)
    ).fetchone()
    assert row[:3] == ("inside", "13812345678", "王晓明") and row[3]
    consent = conn.execute(
        "SELECT channel, outcome, by_whom FROM consent WHERE visit_id = ?", (done.visit_id,)
    )
    assert consent.fetchall() == [("front_desk", "given", "前台小李")]
    assert [i.visit_id for i in visits.inside(conn, NOW)] == [done.visit_id]


def test_a_courier_needs_no_host_and_nothing_else_is_stored(conn, vs) -> None:  # noqa: ANN001
    form = VisitForm(
        VisitCategory.COURIER, company="顺丰", name="不该存", unit=a_unit(conn), plate="粤B12345"
    )
    done = register(conn, vs, form, steps=[])
    assert done.verdict.reason == VisitReason.LOGGED
    row = conn.execute("SELECT company, name, host_unit_id, plate FROM visit WHERE id = ?", (done.visit_id,))
    assert row.fetchone() == ("顺丰", None, None, None)  # only what a courier's purpose needs


def test_a_full_id_is_kept_as_its_last_four_and_a_keyed_hash(conn, vs) -> None:  # noqa: ANN001
    number = "11010519491231002X"
    form = VisitForm(VisitCategory.RELATIVE, name="张三", unit=a_unit(conn), id=number.lower())
    done = register(conn, vs, form)
    last4, hashed = conn.execute(
        "SELECT id_last4, id_hash FROM visit WHERE id = ?", (done.visit_id,)
    ).fetchone()
    assert last4 == "002X" and hashed == keys.id_hash(keys.secret(conn, keys.ID_HASH), number)
    dump = "\n".join(str(r) for r in conn.iterdump())
    assert number not in dump and number.lower() not in dump


def test_bad_fields_are_each_named_and_nothing_is_stored(conn, vs) -> None:  # noqa: ANN001
    before = counts(conn)
    form = VisitForm(VisitCategory.RELATIVE, name="", phone="14012345678", unit="99-9-101", plate="京A1234港")
    with pytest.raises(FormRefused) as info:
        register(conn, vs, form)
    named = {p.field: p.key for p in info.value.problems}
    assert named == {
        "name": "visit.required",
        "phone": "validate.mobile.unassigned",
        "unit": "visit.no_such_unit",
        "plate": "validate.plate.hk_macao",
    }
    assert "电话" in info.value.message("zh-CN") and "Phone" in info.value.message("en")
    assert counts(conn) == before
    assert not conn.in_transaction


@pytest.mark.parametrize("hostile", ["[/]", "[bold]x", "\x1b[2J", "张" * 10_000, "a\u202eb"])
def test_hostile_text_in_any_field_is_refused_or_kept_as_text(conn, vs, hostile: str) -> None:  # noqa: ANN001
    form = VisitForm(VisitCategory.TOUR, name="李四", company=hostile, note=hostile)
    try:
        done = register(conn, vs, form, steps=[ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.LETTER)])
    except FormRefused as exc:
        assert {p.field for p in exc.problems} <= {"company", "note"}
        assert exc.message("en")
    else:
        stored = conn.execute("SELECT company FROM visit WHERE id = ?", (done.visit_id,)).fetchone()[0]
        assert stored == hostile  # kept as the text it is


# --- consent and overrides ----------------------------------------------------------------------


def test_no_answer_on_every_channel_refuses_and_the_steps_are_kept(conn, vs) -> None:  # noqa: ANN001
    steps = [ConsentStep(ConsentOutcome.NO_ANSWER, ConsentChannel(c)) for c in vs.consent_channels]
    done = register(conn, vs, VisitForm(VisitCategory.RELATIVE, name="王五", unit=a_unit(conn)), steps=steps)
    assert done.verdict.reason == VisitReason.NO_CONSENT and done.pass_no is None
    kept = conn.execute("SELECT channel FROM consent WHERE visit_id = ? ORDER BY id", (done.visit_id,))
    assert [r[0] for r in kept] == list(vs.consent_channels)
    status = conn.execute("SELECT status FROM visit WHERE id = ?", (done.visit_id,)).fetchone()[0]
    assert status == "refused"


def test_an_override_needs_a_reason_and_is_counted_as_the_guards_own(conn, vs) -> None:  # noqa: ANN001
    form = VisitForm(VisitCategory.RELATIVE, name="王五", unit=a_unit(conn))
    with pytest.raises(FormRefused):
        register(conn, vs, form, steps=[ConsentStep(ConsentOutcome.OVERRIDE, reason="  ")])
    done = register(conn, vs, form, steps=[ConsentStep(ConsentOutcome.OVERRIDE, reason="住户在电梯里没信号")])
    assert done.verdict.reason == VisitReason.ADMITTED_OVERRIDE and done.verdict.admits
    overrides = conn.execute("SELECT count(*) FROM consent WHERE outcome = 'override'").fetchone()[0]
    assert overrides == 1


def test_a_salesperson_without_an_appointment_is_refused_even_by_override(conn, vs) -> None:  # noqa: ANN001
    form = VisitForm(
        VisitCategory.SALESPERSON, name="赵六", phone="13912345678", company="某保险", unit=a_unit(conn)
    )
    done = register(conn, vs, form, steps=[ConsentStep(ConsentOutcome.OVERRIDE, reason="他说约好了")])
    assert done.verdict.reason == VisitReason.NEEDS_CONSENT and not done.verdict.admits


def test_dangerous_goods_refuse_a_visitor(conn, vs) -> None:  # noqa: ANN001
    form = VisitForm(
        VisitCategory.WORKER, name="钱七", phone="13912345678", unit=a_unit(conn), dangerous_goods=True
    )
    assert register(conn, vs, form).verdict.reason == VisitReason.DANGEROUS_GOODS


# --- lockdown levels ----------------------------------------------------------------------------


def test_the_closed_level_leaves_parcels_at_the_gate(conn, vs) -> None:  # noqa: ANN001
    done = register(
        conn,
        vs,
        VisitForm(VisitCategory.FOOD_DELIVERY, company="美团", temperature="36.5"),
        steps=[],
        level=LockdownLevel.CLOSED,
    )
    assert done.verdict.reason == VisitReason.LEAVE_AT_GATE


def test_the_restricted_level_wants_a_temperature_and_real_consent(conn, vs) -> None:  # noqa: ANN001
    form = VisitForm(VisitCategory.RELATIVE, name="王五", unit=a_unit(conn))
    restricted = LockdownLevel.RESTRICTED
    assert register(conn, vs, form, level=restricted).verdict.reason == VisitReason.NEEDS_TEMPERATURE
    form.temperature = "365"
    override = [ConsentStep(ConsentOutcome.OVERRIDE, reason="急事")]
    assert register(conn, vs, form, override, level=restricted).verdict.reason == VisitReason.NEEDS_CONSENT
    assert register(conn, vs, form, level=restricted).verdict.reason == VisitReason.ADMITTED
    courier = VisitForm(VisitCategory.COURIER, company="京东", temperature="36.6")
    assert register(conn, vs, courier, steps=[], level=restricted).verdict.reason == VisitReason.NO_CONSENT


# --- block list and fever: alarms ---------------------------------------------------------------


def test_a_block_list_hit_is_an_alarm_stored_with_the_visit(conn, vs) -> None:  # noqa: ANN001
    blocklist.add(conn, BlockKind.PHONE, "+86 139-1234-5678", reason="多次推销骚扰", by="主管")
    form = VisitForm(VisitCategory.RELATIVE, name="孙八", phone="13912345678", unit=a_unit(conn))
    done = register(conn, vs, form)
    assert done.verdict.reason == VisitReason.BLOCKED and done.verdict.decision == Decision.ALARM
    assert done.blocked[0].reason == "多次推销骚扰"
    # an alarm like a lost card's: an event the banner shows (open until F5), naming the caller
    [alarm] = events.open_alarms(conn, NOW - timedelta(hours=1), "east")
    assert (alarm.reason, alarm.decision, alarm.source, alarm.visit_id) == (
        Reason.VISITOR_BLOCKED,
        Decision.ALARM,
        "visit",
        done.visit_id,
    )
    assert (alarm.person, alarm.unit, alarm.uid) == ("孙八", form.unit, None)
    entry = blocklist.entries(conn)[0].entry_id
    blocklist.remove(conn, entry, by="主管")
    assert register(conn, vs, form).verdict.reason == VisitReason.ADMITTED


def test_a_person_entry_with_last_four_needs_both_to_match(conn, vs) -> None:  # noqa: ANN001
    blocklist.add(conn, BlockKind.PERSON, "周九", id_last4="1234", reason="盗窃", by="主管")
    assert not blocklist.hits(conn, name="周九", id_last4="5678")
    assert blocklist.hits(conn, name="周九", id_last4="1234")


def test_a_fever_is_an_alarm_not_admitted_with_an_open_escalation(conn, vs) -> None:  # noqa: ANN001
    form = VisitForm(VisitCategory.RELATIVE, name="吴十", unit=a_unit(conn), temperature="37.3")
    done = register(conn, vs, form)
    assert done.verdict.reason == VisitReason.FEVER and not done.verdict.admits
    fever = conn.execute(
        "SELECT celsius, fever, escalation_closed_at FROM temperature_reading WHERE visit_id = ?",
        (done.visit_id,),
    ).fetchone()
    assert fever == (37.3, 1, None)
    [alarm] = events.open_alarms(conn, NOW - timedelta(hours=1), "east")
    assert (alarm.reason, alarm.visit_id, alarm.person) == (Reason.FEVER, done.visit_id, "吴十")
    form.temperature = "37.2"
    assert register(conn, vs, form).verdict.admits


def test_a_fever_at_a_swipe_rings_for_the_resident_and_a_normal_reading_does_not(conn) -> None:  # noqa: ANN001
    card = conn.execute(
        "SELECT c.uid, c.id, p.id FROM card c JOIN person p ON p.id = c.person_id WHERE c.status = 'active'"
        " AND p.role = 'owner' LIMIT 1"
    ).fetchone()
    conn.execute(
        "INSERT INTO access_event (at, gate_id, lane, uid, card_id, person_id, decision, reason, source)"
        " VALUES (?, 'east', 'out', ?, ?, ?, 'allow', 'ok', 'wedge')",
        (str(NOW), card[0], card[1], card[2]),
    )
    swipe_id = conn.execute("SELECT max(id) FROM access_event").fetchone()[0]
    temperature.record(conn, "36.6", gate="east", threshold_c=37.3, event_id=swipe_id, now=NOW)
    assert events.open_alarms(conn, NOW - timedelta(hours=1), "east") == []
    temperature.record(conn, "373", gate="east", threshold_c=37.3, event_id=swipe_id, now=NOW)
    [alarm] = events.open_alarms(conn, NOW - timedelta(hours=1), "east")
    assert (alarm.reason, alarm.source, alarm.person_id, alarm.lane) == (
        Reason.FEVER,
        "temperature",
        card[2],
        Lane.OUT,
    )
    assert alarm.uid == card[0]  # the card is named, as for an unknown card with nobody behind it
    conn.execute(
        "INSERT INTO access_event (at, gate_id, lane, uid, decision, reason, source)"
        " VALUES (?, 'east', 'in', '72FD18D8', 'deny', 'unknown_card', 'wedge')",
        (str(NOW),),
    )
    unknown = conn.execute("SELECT max(id) FROM access_event").fetchone()[0]
    temperature.record(conn, "37.5", gate="east", threshold_c=37.3, event_id=unknown, now=NOW)
    newest = events.open_alarms(conn, NOW - timedelta(hours=1), "east")[0]
    assert (newest.reason, newest.shown_number, newest.person) == (Reason.FEVER, "72FD18D8", None)


@given(c=st.floats(34.0, 43.0), threshold=st.sampled_from([37.0, 37.3, 37.5]))
def test_fever_is_at_or_above_the_threshold_to_the_tenth(c: float, threshold: float) -> None:
    assert is_fever(round(c, 1), threshold) == (round(c, 1) >= threshold)


@given(
    category=st.sampled_from(list(VisitCategory)),
    level=st.sampled_from(list(LockdownLevel)),
    consent=st.sampled_from(list(ConsentOutcome)),
    celsius=st.one_of(st.none(), st.floats(34.0, 43.0)),
    goods=st.booleans(),
    blocked=st.booleans(),
)
def test_the_visit_rules_never_raise_and_keep_their_order(
    category, level, consent, celsius, goods, blocked
) -> None:  # noqa: ANN001
    v = decide_visit(VisitFacts(category, level, consent, celsius, 37.3, goods, blocked))
    if blocked:
        assert v.reason == VisitReason.BLOCKED
    elif celsius is not None and is_fever(celsius, 37.3):
        assert v.reason == VisitReason.FEVER
    elif goods:
        assert v.reason == VisitReason.DANGEROUS_GOODS
    if v.admits and level != LockdownLevel.NORMAL:
        assert celsius is not None
    if level == LockdownLevel.CLOSED and category in (VisitCategory.COURIER, VisitCategory.FOOD_DELIVERY):
        assert not v.admits


# --- passes -------------------------------------------------------------------------------------


def test_an_expected_visitor_comes_in_once_and_leaves_once(conn, vs) -> None:  # noqa: ANN001
    form = VisitForm(VisitCategory.RELATIVE, name="郑一", phone="13712345678", unit=a_unit(conn))
    done = visits.expect(
        conn,
        form,
        asked_by="业主电话",
        valid_from=NOW,
        valid_until=NOW + timedelta(hours=6),
        gate="east",
        settings=vs,
        now=NOW,
    )
    assert done.token and len(done.token) <= 100
    assert set(done.token) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")  # QR alphanumeric
    consent = conn.execute(
        "SELECT channel, by_whom FROM consent WHERE visit_id = ?", (done.visit_id,)
    ).fetchone()
    assert consent == ("pre_registered", "业主电话")
    later = NOW + timedelta(minutes=5)
    used = visits.use_pass(conn, done.token, lane=Lane.IN, gate="west", now=later)
    assert used.visit_id == done.visit_id
    with pytest.raises(passes.PassRefused) as replay:
        visits.use_pass(conn, done.token, lane=Lane.IN, gate="east", now=later)
    assert replay.value.key == "pass.replayed"
    visits.use_pass(conn, done.pass_no or "", lane=Lane.OUT, gate="east", now=later + timedelta(hours=1))
    with pytest.raises(passes.PassRefused) as again:
        visits.use_pass(conn, done.token, lane=Lane.IN, gate="east", now=later + timedelta(hours=2))
    assert again.value.key == "pass.used"


def test_a_revoked_pass_admits_nobody(conn, vs) -> None:  # noqa: ANN001
    form = VisitForm(VisitCategory.RELATIVE, name="郑一", unit=a_unit(conn))
    done = visits.expect(
        conn,
        form,
        asked_by="前台",
        valid_from=NOW,
        valid_until=NOW + timedelta(hours=2),
        gate="east",
        settings=vs,
        now=NOW,
    )
    visits.revoke(conn, done.token or "", by="主管", now=NOW)
    with pytest.raises(passes.PassRefused) as info:
        visits.use_pass(conn, done.token or "", lane=Lane.IN, gate="east", now=NOW)
    assert info.value.key == "pass.revoked"
    assert conn.execute("SELECT count(*) FROM audit WHERE action = 'pass.revoke'").fetchone()[0] == 1


def test_an_expired_pass_does_not_come_in_but_its_holder_gets_out(conn, vs) -> None:  # noqa: ANN001
    form = VisitForm(VisitCategory.RELATIVE, name="郑一", unit=a_unit(conn))
    done = visits.expect(
        conn,
        form,
        asked_by="前台",
        valid_from=NOW,
        valid_until=NOW + timedelta(hours=1),
        gate="east",
        settings=vs,
        now=NOW,
    )
    visits.use_pass(conn, done.token or "", lane=Lane.IN, gate="east", now=NOW + timedelta(minutes=30))
    visits.use_pass(conn, done.token or "", lane=Lane.OUT, gate="east", now=NOW + timedelta(hours=3))
    late = visits.expect(
        conn,
        form,
        asked_by="前台",
        valid_from=NOW,
        valid_until=NOW + timedelta(hours=1),
        gate="east",
        settings=vs,
        now=NOW,
    )
    with pytest.raises(passes.PassRefused) as info:
        visits.use_pass(conn, late.token or "", lane=Lane.IN, gate="east", now=NOW + timedelta(hours=2))
    assert info.value.key == "pass.expired"


SECRET = b"k" * 32
CLAIM = passes.PassClaim(1234, VisitCategory.RELATIVE, "3-2-1201", NOW, NOW + timedelta(hours=4))


def test_a_token_verifies_offline_with_the_secret_alone() -> None:
    token = passes.sign(SECRET, CLAIM)
    assert passes.verify(SECRET, token, NOW + timedelta(hours=1)) == CLAIM
    with pytest.raises(passes.PassRefused) as info:
        passes.verify(b"x" * 32, token, NOW)
    assert info.value.key == "pass.forged"


@settings(max_examples=300)
@given(position=st.integers(0, 200), char=st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-"))
def test_a_tampered_or_truncated_token_never_verifies(position: int, char: str) -> None:
    token = passes.sign(SECRET, CLAIM)
    i = position % len(token)
    tampered = token[:i] + char + token[i + 1 :]
    for bad in (tampered, token[:i]):
        if bad == token:
            continue
        with pytest.raises(passes.PassRefused):
            passes.verify(SECRET, bad, NOW)


@given(text=st.text(max_size=300))
def test_any_text_as_a_token_is_refused_with_a_reason(text: str) -> None:
    try:
        passes.verify(SECRET, text, NOW)
    except passes.PassRefused as exc:
        assert exc.key.startswith("pass.")
    else:
        raise AssertionError("random text verified")


@given(visit=st.integers(1, 9_999_999), digit=st.integers(0, 7), delta=st.integers(1, 9))
def test_a_mistyped_pass_number_is_caught_by_its_check_digit(visit: int, digit: int, delta: int) -> None:
    number = passes.pass_number(visit)
    assert passes.visit_of_number(number) == visit
    wrong = number[:digit] + str((int(number[digit]) + delta) % 10) + number[digit + 1 :]
    with pytest.raises(passes.PassRefused):
        passes.visit_of_number(wrong)
    # read out without its leading zeros, it is the same pass
    assert passes.visit_of_number(number.lstrip("0") or "0") == visit or len(number.lstrip("0")) < 2


def test_a_pass_number_is_at_least_two_digits() -> None:
    for text in ("", "7", "123456789", "12a4"):
        with pytest.raises(passes.PassRefused) as caught:
            passes.visit_of_number(text)
        assert caught.value.key == "pass.bad_number"


# --- leaving, inside now, returning visitors ----------------------------------------------------


def test_couriers_overstay_after_thirty_minutes_and_closing_signs_out_automatically(conn, vs) -> None:  # noqa: ANN001
    courier = register(conn, vs, VisitForm(VisitCategory.COURIER, company="顺丰"), steps=[])
    relative = register(conn, vs, VisitForm(VisitCategory.RELATIVE, name="王五", unit=a_unit(conn)))
    board = {i.visit_id: i for i in visits.inside(conn, NOW + timedelta(minutes=31))}
    assert board[courier.visit_id].overstay and not board[relative.visit_id].overstay
    visits.sign_out(conn, courier.visit_id, gate="east", now=NOW + timedelta(minutes=40))
    closing = datetime.combine(NOW.date(), datetime.strptime(vs.closing_time, "%H:%M").time())
    assert visits.auto_sign_out(conn, vs, now=closing + timedelta(minutes=1)) == 1
    rows = dict(
        conn.execute(
            "SELECT id, auto_signed_out FROM visit WHERE id IN (?, ?)", (courier.visit_id, relative.visit_id)
        ).fetchall()
    )
    assert rows == {courier.visit_id: 0, relative.visit_id: 1}  # never mixed with real sign-outs
    assert visits.inside(conn, closing) == []


def test_a_returning_visitor_fills_the_form_from_the_last_visit(conn, vs) -> None:  # noqa: ANN001
    unit = a_unit(conn)
    register(
        conn,
        vs,
        VisitForm(VisitCategory.RELATIVE, name="王晓明", phone="13812345678", unit=unit, plate="粤B12345"),
    )
    again = visits.last_visit(conn, "+86 138 1234 5678")
    assert again is not None
    assert (again.category, again.name, again.unit, again.plate) == (
        VisitCategory.RELATIVE,
        "王晓明",
        unit,
        "粤B12345",
    )
    assert visits.last_visit(conn, "13912345678") is None
    assert visits.last_visit(conn, "[/]") is None


def test_the_list_by_status_and_day(conn, vs) -> None:  # noqa: ANN001
    done = register(conn, vs, VisitForm(VisitCategory.COURIER, company="顺丰"), steps=[])
    assert [r.visit_id for r in visits.list_visits(conn, status=VisitStatus.INSIDE)] == [done.visit_id]
    assert [r.visit_id for r in visits.list_visits(conn, day=NOW.date())] == [done.visit_id]
    assert visits.list_visits(conn, day=(NOW - timedelta(days=1)).date()) == []


def test_no_pass_for_someone_on_the_block_list_and_a_pass_issued_before_is_refused(conn, vs) -> None:  # noqa: ANN001
    form = VisitForm(VisitCategory.RELATIVE, name="孙八", phone="13912345678", unit=a_unit(conn))
    early = visits.expect(
        conn,
        form,
        asked_by="前台",
        valid_from=NOW,
        valid_until=NOW + timedelta(hours=4),
        gate="east",
        settings=vs,
        now=NOW,
    )
    blocklist.add(conn, BlockKind.PHONE, "13912345678", reason="多次推销骚扰", by="主管")
    with pytest.raises(visits.VisitBlocked):
        visits.expect(
            conn,
            form,
            asked_by="前台",
            valid_from=NOW,
            valid_until=NOW + timedelta(hours=4),
            gate="east",
            settings=vs,
            now=NOW,
        )
    with pytest.raises(passes.PassRefused) as info:
        visits.use_pass(conn, early.token or "", lane=Lane.IN, gate="east", now=NOW)
    assert info.value.key == "pass.blocked" and "多次推销骚扰" in info.value.message("zh-CN")
    assert conn.execute("SELECT status, reason FROM visit WHERE id = ?", (early.visit_id,)).fetchone() == (
        "refused",
        "blocked",
    )
    assert conn.execute(
        "SELECT reason, source, decision FROM access_event WHERE visit_id = ?", (early.visit_id,)
    ).fetchall() == [("visitor_blocked", "visit", "alarm")]
    assert visits.inside(conn, NOW) == []


def test_the_same_entry_is_not_blocked_twice(conn) -> None:  # noqa: ANN001
    blocklist.add(conn, BlockKind.PLATE, "京A12345", reason="闯杆", by="主管")
    with pytest.raises(blocklist.BlockRefused) as info:
        blocklist.add(conn, BlockKind.PLATE, "京a·12345", reason="又闯杆", by="主管")
    assert info.value.key == "block.already"


def test_precheck_names_bad_fields_and_sees_the_block_list_before_the_host_is_asked(conn, vs) -> None:  # noqa: ANN001
    with pytest.raises(FormRefused):
        visits.precheck(conn, VisitForm(VisitCategory.SALESPERSON, phone="销售员"), vs, today=NOW.date())
    blocklist.add(conn, BlockKind.PERSON, "周九", reason="盗窃", by="主管")
    assert visits.precheck(
        conn, VisitForm(VisitCategory.RELATIVE, name="周九", unit=a_unit(conn)), vs, today=NOW.date()
    )


def test_the_same_caller_registered_again_while_inside_is_counted_once(conn, vs) -> None:  # noqa: ANN001
    unit = a_unit(conn)
    first = register(
        conn, vs, VisitForm(VisitCategory.RELATIVE, name="王小明", phone="13800138000", unit=unit)
    )
    # left by another way without signing out, and comes back: the same phone
    again = register(
        conn,
        vs,
        VisitForm(VisitCategory.RELATIVE, name="王小明", phone="13800138000", unit=unit),
        now=NOW + timedelta(hours=1),
    )
    assert again.was_inside == (first.pass_no,)
    assert [i.visit_id for i in visits.inside(conn, NOW + timedelta(hours=1))] == [again.visit_id]
    assert conn.execute(
        "SELECT status, auto_signed_out FROM visit WHERE id = ?", (first.visit_id,)
    ).fetchone() == (
        "left",
        1,
    )
    # the same name to the same unit, without a phone, is the same caller too
    third = register(
        conn, vs, VisitForm(VisitCategory.RELATIVE, name="王小明", unit=unit), now=NOW + timedelta(hours=2)
    )
    assert third.was_inside == (again.pass_no,)
    # a refused caller closes nothing
    refused = register(
        conn,
        vs,
        VisitForm(VisitCategory.RELATIVE, name="王小明", unit=unit),
        steps=[REFUSED],
        now=NOW + timedelta(hours=3),
    )
    assert refused.was_inside == () and len(visits.inside(conn, NOW + timedelta(hours=3))) == 1


def test_an_end_at_a_clock_time_already_past_today_is_tomorrow() -> None:
    late = datetime(2026, 12, 1, 23, 48)
    assert visits.parse_when("01:00", late, after=late) == datetime(2026, 12, 2, 1, 0)
    assert visits.parse_when("23:59", late, after=late) == datetime(2026, 12, 1, 23, 59)
    assert visits.parse_when("01:00", late) == datetime(2026, 12, 1, 1, 0)  # a start: as written
    assert visits.parse_when("2026-12-01 06:00", late, after=late) == datetime(2026, 12, 1, 6, 0)
    with pytest.raises(ValueError):
        visits.parse_when("25:99", late, after=late)


def test_no_slip_for_a_pass_the_gate_would_refuse(conn, vs) -> None:  # noqa: ANN001
    first = register(
        conn, vs, VisitForm(VisitCategory.RELATIVE, name="王小明", phone="13800138000", unit=a_unit(conn))
    )
    assert visits.slip_of(conn, first.pass_no or "", NOW).pass_no == first.pass_no
    visits.sign_out(conn, first.visit_id, gate="east", now=NOW + timedelta(hours=1))
    with pytest.raises(passes.PassRefused) as caught:
        visits.slip_of(conn, first.pass_no or "", NOW + timedelta(hours=1))
    assert caught.value.key == "pass.used"
