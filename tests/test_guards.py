"""Guards and their PINs: argon2id hashes (and the PBKDF2 ones from before schema 6), a PIN never
kept or logged in clear, the slow-down after wrong PINs read back from the audit trail, actions only
a supervisor may do, and the ``guards`` commands (a PIN is only ever typed at a hidden prompt)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from guardpost import auth, exits, guards, shifts, storage
from guardpost.domain import GuardRole
from guardpost.errors import GuardpostError
from guardpost.guards import FIRST_WAIT_S, FREE_TRIES, MAX_WAIT_S, NotAllowed, PinRefused
from guardpost.i18n import t

NOW = datetime(2026, 12, 1, 8, 0, 0)
PINS = {"G01": "1234", "G02": "2345", "G06": "6789", "G07": "9876"}
ARGON2ID = f"$argon2id$v=19$m={auth.MEMORY_KIB},t={auth.TIME_COST},p={auth.PARALLELISM}$"


@pytest.fixture
def conn(demo_db: Path) -> Iterator[sqlite3.Connection]:
    c = storage.connect(demo_db)
    yield c
    c.close()


def trail(conn: sqlite3.Connection, action: str) -> list[tuple[str, str, str | None]]:
    """(actor, subject, detail) of each audit entry for ``action``, oldest first."""
    rows = conn.execute("SELECT actor, subject, detail FROM audit WHERE action = ? ORDER BY id", (action,))
    return [(str(a), str(s), d) for a, s, d in rows]


def readable_text(conn: sqlite3.Connection) -> str:
    """Every value of every table, as text, but the hashes (hex and base64, where any run of digits
    may turn up by chance): where a PIN in clear would show."""
    out: list[str] = []
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
    for table in tables:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        kept = [c for c in columns if c not in ("hash", "prev_hash", "pin_hash")]
        if kept:
            names = ", ".join(f'"{c}"' for c in kept)
            for row in conn.execute(f'SELECT {names} FROM "{table}"'):
                out.extend(str(v) for v in row if v is not None)
    return "\n".join(out)


def stored_hash(conn: sqlite3.Connection, code: str) -> str:
    return str(conn.execute("SELECT pin_hash FROM guard WHERE code = ?", (code,)).fetchone()[0])


def pbkdf2(pin: str, salt: bytes = b"guardpost-salt", iterations: int = 1000) -> str:
    """A hash as guardpost wrote them before schema 6, made here from its recipe."""
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest}"


# --- hashing ------------------------------------------------------------------------------------


def test_a_pin_is_kept_as_an_argon2id_hash_that_verifies_only_that_pin() -> None:
    hashed = auth.hash_pin("1234")
    assert hashed.startswith(ARGON2ID) and "1234" not in hashed
    assert auth.hash_pin("1234") != hashed  # salted: the same PIN never gives the same text
    assert auth.verify_pin("1234", hashed)
    assert not auth.verify_pin("1235", hashed) and not auth.verify_pin("", hashed)
    assert not auth.needs_rehash(hashed)
    assert not auth.verify_pin("1234", "not a hash at all")  # a damaged row refuses, never raises


def test_a_legacy_pbkdf2_hash_still_verifies_and_asks_to_be_rehashed() -> None:
    legacy = pbkdf2("4321")
    assert auth.verify_pin("4321", legacy)
    assert not auth.verify_pin("4322", legacy)
    assert auth.needs_rehash(legacy)
    assert not auth.verify_pin("4321", "pbkdf2_sha256$many$zz$00")  # damaged: refused, no exception


def test_an_argon2_hash_made_with_other_parameters_verifies_and_asks_to_be_rehashed() -> None:
    from argon2 import PasswordHasher

    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("2468")
    assert auth.verify_pin("2468", weaker) and not auth.verify_pin("2469", weaker)
    assert auth.needs_rehash(weaker)


def test_a_legacy_hash_is_replaced_by_argon2id_at_the_next_good_pin(conn: sqlite3.Connection) -> None:
    legacy = pbkdf2("1234")
    conn.execute("UPDATE guard SET pin_hash = ? WHERE code = 'G01'", (legacy,))
    with pytest.raises(PinRefused):
        guards.check_pin(conn, "G01", "9999", where="east", now=NOW)
    assert stored_hash(conn, "G01") == legacy  # a wrong PIN changes nothing
    assert guards.check_pin(conn, "G01", "1234", where="east", now=NOW).code == "G01"
    now_stored = stored_hash(conn, "G01")
    assert now_stored.startswith(ARGON2ID) and not auth.needs_rehash(now_stored)
    assert auth.verify_pin("1234", now_stored)


# --- adding guards ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "pin", "key"),
    [
        ("", "新人", "5790", "guards.bad_code"),
        ("G 08", "新人", "5790", "guards.bad_code"),
        ("-G08", "新人", "5790", "guards.bad_code"),
        ("G" * 17, "新人", "5790", "guards.bad_code"),
        ("Ｇ08", "新人", "5790", "guards.bad_code"),  # a full-width letter
        ("G08", "", "5790", "guards.bad_name"),
        ("G08", "   ", "5790", "guards.bad_name"),
        ("G08", "长" * 21, "5790", "guards.bad_name"),
        ("G08", "张\u202e三", "5790", "guards.bad_char"),
        ("G08", "x\x1b[2J", "5790", "guards.bad_char"),
        ("G08", "新人", "579", "guards.bad_pin"),
        ("G08", "新人", "123456789", "guards.bad_pin"),
        ("G08", "新人", "57a0", "guards.bad_pin"),
        ("G08", "新人", "５７９０", "guards.bad_pin"),
        ("G01", "新人", "5790", "guards.exists"),
        ("g01", "新人", "5790", "guards.exists"),  # codes are the same whatever their case
    ],
)
def test_add_refuses_a_bad_code_name_or_pin_and_a_code_in_use(
    conn: sqlite3.Connection, code: str, name: str, pin: str, key: str
) -> None:
    before = conn.execute("SELECT count(*) FROM guard").fetchone()[0]
    with pytest.raises(GuardpostError) as refused:
        guards.add(conn, code, name, GuardRole.GUARD, pin, actor="test", now=NOW)
    assert refused.value.key == key
    assert pin not in refused.value.message("en")  # what was typed as a PIN is never echoed
    assert conn.execute("SELECT count(*) FROM guard").fetchone()[0] == before
    assert trail(conn, "guard.add") == []
    assert not conn.in_transaction


def test_a_role_is_read_in_any_spelling_and_an_unknown_one_is_refused() -> None:
    assert guards.role_of(" Squad-Leader ") == GuardRole.SQUAD_LEADER
    assert guards.role_of("SUPERVISOR") == GuardRole.SUPERVISOR
    with pytest.raises(GuardpostError) as refused:
        guards.role_of("boss")
    assert refused.value.key == "guards.bad_role" and "supervisor" in refused.value.message("en")


def test_a_pin_is_nowhere_in_clear_not_in_the_database_nor_the_audit_trail(
    conn: sqlite3.Connection,
) -> None:
    before = readable_text(conn)
    # digits no demo value holds already, so that finding them later can only mean a leak
    pin, new_pin, wrong = (
        next(p for p in candidates if p not in before)
        for candidates in (("73915", "739158", "8391574"), ("46082", "460829"), ("58613", "586137"))
    )
    added = guards.add(conn, "G08", "新人", GuardRole.GUARD, pin, actor="test", now=NOW)
    assert (added.code, added.name, added.role, added.active) == ("G08", "新人", GuardRole.GUARD, True)
    assert stored_hash(conn, "G08").startswith(ARGON2ID)
    assert guards.check_pin(conn, "G08", pin, where="east", now=NOW).id == added.id
    with pytest.raises(PinRefused):
        guards.check_pin(conn, "G08", wrong, where="east", now=NOW)
    guards.set_pin(conn, "G08", new_pin, actor="test", now=NOW)
    assert guards.check_pin(conn, "G08", new_pin, where="east", now=NOW).code == "G08"
    assert trail(conn, "guard.add") == [("test", "G08", "guard 新人")]
    assert trail(conn, "guard.set_pin") == [("test", "G08", None)]
    everything = readable_text(conn)
    for secret in (pin, new_pin, wrong):
        assert secret not in everything


# --- wrong PINs ---------------------------------------------------------------------------------


def test_wrong_pins_are_heard_at_once_then_each_next_try_waits_longer(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real_verify = auth.verify_pin

    def spy(pin: str, stored: str) -> bool:
        checked.append(pin)
        return real_verify(pin, stored)

    monkeypatch.setattr(auth, "verify_pin", spy)
    waits = []
    for _ in range(FREE_TRIES):  # one after another, no wait before any of them
        with pytest.raises(PinRefused) as refused:
            guards.check_pin(conn, "G01", "0000", where="east", now=NOW)
        waits.append(refused.value.wait_s)
    assert waits == [0.0] * (FREE_TRIES - 1) + [FIRST_WAIT_S]  # after the last free one: wait 5 s
    assert refused.value.key == "guards.wrong_pin_wait"
    assert len(checked) == FREE_TRIES

    # during the wait even the right PIN is refused, without being checked
    with pytest.raises(PinRefused) as refused:
        guards.check_pin(conn, "G01", "1234", where="east", now=NOW + timedelta(seconds=4))
    assert refused.value.key == "guards.too_soon"
    assert refused.value.wait_s == pytest.approx(1.0)
    assert len(checked) == FREE_TRIES
    assert trail(conn, "login.too_soon") == [("G01", "G01", "login at east")]

    # after it, one more wrong PIN doubles the wait (the early try did not count as one)
    at = NOW + timedelta(seconds=FIRST_WAIT_S)
    with pytest.raises(PinRefused) as refused:
        guards.check_pin(conn, "G01", "0000", where="east", now=at)
    assert refused.value.wait_s == 2 * FIRST_WAIT_S
    with pytest.raises(PinRefused) as refused:
        guards.check_pin(conn, "G01", "1234", where="east", now=at + timedelta(seconds=9.5))
    assert refused.value.key == "guards.too_soon" and refused.value.wait_s == pytest.approx(0.5)
    at += timedelta(seconds=2 * FIRST_WAIT_S)
    with pytest.raises(PinRefused) as refused:
        guards.check_pin(conn, "G01", "0000", where="east", now=at)
    assert refused.value.wait_s == 4 * FIRST_WAIT_S
    assert len(checked) == FREE_TRIES + 2

    # the count is read from the file: a restarted booth waits just the same
    again = storage.connect(Path(conn.execute("PRAGMA database_list").fetchone()[2]))
    try:
        assert guards.wait_left(again, "G01", at + timedelta(seconds=5)) == pytest.approx(15.0)
    finally:
        again.close()

    # a good PIN after the wait starts the count again
    at += timedelta(seconds=4 * FIRST_WAIT_S)
    assert guards.check_pin(conn, "G01", "1234", where="east", now=at).code == "G01"
    assert trail(conn, "login.ok") == [("guard:G01", "G01", "at east")]
    with pytest.raises(PinRefused) as refused:
        guards.check_pin(conn, "G01", "0000", where="east", now=at)
    assert refused.value.wait_s == 0.0 and refused.value.key == "guards.wrong_pin"


@pytest.mark.parametrize("fails", [0, 1, FREE_TRIES - 1, FREE_TRIES, FREE_TRIES + 1, FREE_TRIES + 5, 40])
def test_the_wait_doubles_with_each_wrong_pin_up_to_its_ceiling(conn: sqlite3.Connection, fails: int) -> None:
    from guardpost import audit

    for _ in range(fails):  # as check_pin writes them, without spending argon2 on each
        audit.append(conn, "login.fail", "G03", "login at east: wrong_pin", actor="G03", at=NOW)
    expected = 0.0 if fails < FREE_TRIES else min(FIRST_WAIT_S * 2 ** (fails - FREE_TRIES), MAX_WAIT_S)
    assert guards.wait_left(conn, "G03", NOW) == expected
    assert guards.wait_left(conn, "G03", NOW + timedelta(seconds=MAX_WAIT_S)) == 0.0
    assert guards.wait_left(conn, "G04", NOW) == 0.0  # counted for each code on its own


def test_the_count_is_per_guard_whatever_case_the_code_is_typed_in(conn: sqlite3.Connection) -> None:
    for code in ("G02", "g02", "G02"):  # a code is the same guard in any case: one count
        with pytest.raises(PinRefused) as refused:
            guards.check_pin(conn, code, "0000", where="east", now=NOW)
    assert refused.value.wait_s == FIRST_WAIT_S
    with pytest.raises(PinRefused) as refused:
        guards.check_pin(conn, "g02", "2345", where="east", now=NOW)
    assert refused.value.key == "guards.too_soon"
    # another guard's wrong PINs never slow G01 down
    with pytest.raises(PinRefused) as refused:
        guards.check_pin(conn, "G01", "0000", where="east", now=NOW)
    assert refused.value.wait_s == 0.0


def test_a_good_pin_for_any_purpose_starts_the_count_again(conn: sqlite3.Connection) -> None:
    for _ in range(FREE_TRIES - 1):
        with pytest.raises(PinRefused):
            guards.check_pin(conn, "G07", "0000", where="east", now=NOW, purpose="unlock")
    assert guards.check_pin(conn, "G07", "9876", where="east", now=NOW, purpose="unlock").code == "G07"
    with pytest.raises(PinRefused) as refused:  # the first wrong one in a row again, not the third
        guards.check_pin(conn, "G07", "0000", where="east", now=NOW, purpose="unlock")
    assert refused.value.wait_s == 0.0


def test_each_failure_is_audited_as_login_fail_without_the_pin(conn: sqlite3.Connection) -> None:
    guards.disable(conn, "G05", actor="test", now=NOW)
    tries = [("G01", "80417"), ("G99", "80418"), ("G05", "5678")]
    for code, pin in tries:
        with pytest.raises(PinRefused):
            guards.check_pin(conn, code, pin, where="east", now=NOW)
    assert trail(conn, "login.fail") == [
        ("G01", "G01", "login at east: wrong_pin"),
        ("?", "?", "login at east: unknown"),  # never the text typed: it may have been a PIN
        ("G05", "G05", "login at east: disabled"),
    ]
    written = conn.execute("SELECT actor || subject || coalesce(detail, '') FROM audit").fetchall()
    assert not any(pin in row[0] for row in written for _code, pin in tries)


def test_a_code_made_of_control_characters_is_audited_as_visible_text(conn: sqlite3.Connection) -> None:
    with pytest.raises(PinRefused):
        guards.check_pin(conn, "\x1b[2J" + "x" * 40, "1234", where="east", now=NOW)
    [(actor, subject, _detail)] = trail(conn, "login.fail")
    assert "\x1b" not in subject and len(subject) <= 20 and actor == subject


def test_a_disabled_guard_cannot_sign_in(conn: sqlite3.Connection) -> None:
    done = guards.disable(conn, "G02", actor="test", now=NOW)
    assert not done.active
    assert trail(conn, "guard.disable") == [("test", "G02", None)]
    with pytest.raises(PinRefused) as refused:
        guards.check_pin(conn, "G02", "2345", where="east", now=NOW)
    assert refused.value.key == "guards.disabled" and "G02" in refused.value.message("en")
    with pytest.raises(PinRefused):
        shifts.login(conn, "G02", "2345", gate="east", now=NOW)
    assert conn.execute("SELECT count(*) FROM shift").fetchone()[0] == 0
    assert "G02" not in [g.code for g in guards.list_guards(conn, include_disabled=False)]
    assert [g.active for g in guards.list_guards(conn) if g.code == "G02"] == [False]


def test_disabling_or_setting_the_pin_of_nobody_is_refused(conn: sqlite3.Connection) -> None:
    with pytest.raises(GuardpostError) as refused:
        guards.disable(conn, "G99", actor="test", now=NOW)
    assert refused.value.key == "guards.unknown"
    with pytest.raises(GuardpostError) as refused:
        guards.set_pin(conn, "G99", "5790", actor="test", now=NOW)
    assert refused.value.key == "guards.unknown"
    assert trail(conn, "guard.disable") == trail(conn, "guard.set_pin") == []


# --- supervisor-only actions ----------------------------------------------------------------------


def authorise(conn: sqlite3.Connection, code: str, need: GuardRole = GuardRole.SUPERVISOR) -> guards.GuardRow:
    return guards.authorise(conn, code, PINS[code], need=need, action="card.set_status", where="cli", now=NOW)


def test_a_guard_with_the_right_pin_is_not_allowed_a_supervisors_action(conn: sqlite3.Connection) -> None:
    with pytest.raises(NotAllowed) as refused:
        authorise(conn, "G01")
    assert refused.value.key == "guards.not_allowed"
    assert "supervisor" in refused.value.message("en") and "主管" in refused.value.message("zh-CN")
    assert trail(conn, "authorise.refused") == [("guard:G01", "G01", "card.set_status: role guard")]
    assert trail(conn, "login.fail") == []  # the PIN was right: not a wrong try


def test_a_squad_leader_may_do_what_needs_one_but_not_a_supervisors_action(conn: sqlite3.Connection) -> None:
    assert authorise(conn, "G06", GuardRole.SQUAD_LEADER).code == "G06"
    with pytest.raises(NotAllowed):
        authorise(conn, "G06")
    assert trail(conn, "authorise.refused") == [("guard:G06", "G06", "card.set_status: role squad_leader")]


def test_a_supervisor_passes_and_a_wrong_supervisor_pin_is_refused(conn: sqlite3.Connection) -> None:
    assert authorise(conn, "G07").role == GuardRole.SUPERVISOR
    assert trail(conn, "authorise.refused") == []
    with pytest.raises(PinRefused):
        guards.authorise(
            conn, "G07", "0000", need=GuardRole.SUPERVISOR, action="card.set_status", where="cli", now=NOW
        )
    assert trail(conn, "login.fail") == [("G07", "G07", "card.set_status at cli: wrong_pin")]


# --- PINs: only ASCII digits, 4 to 8 --------------------------------------------------------------


@given(st.text(alphabet="0123456789", min_size=4, max_size=8))
def test_four_to_eight_ascii_digits_are_a_pin(pin: str) -> None:
    assert auth.valid_pin(pin)
    assert guards.check_new_pin(pin) == pin


@given(st.text(max_size=12))
def test_a_pin_is_exactly_four_to_eight_ascii_digits(text: str) -> None:
    expected = 4 <= len(text) <= 8 and all(c in "0123456789" for c in text)
    assert auth.valid_pin(text) == expected


@given(
    st.text(st.characters(categories=["Nd"]), min_size=4, max_size=8).filter(
        lambda s: any(not c.isascii() for c in s)
    )
)
def test_digits_of_other_scripts_are_not_a_pin(text: str) -> None:
    assert not auth.valid_pin(text)


@pytest.mark.parametrize(
    "text",
    ["１２３４", "١٢٣٤", "۱۲۳۴", "१२३४", " 1234", "1234 ", "12 34", "1234\n", "\t1234", "123", "123456789"],
)
def test_look_alike_pins_are_refused_without_being_echoed(text: str) -> None:
    assert not auth.valid_pin(text)
    with pytest.raises(GuardpostError) as refused:
        guards.check_new_pin(text)
    assert refused.value.key == "guards.bad_pin" and text.strip() not in refused.value.message("en")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_wrong_pin_text_is_refused_and_never_written(conn: sqlite3.Connection, typed: str) -> None:
    # a fresh hour for each example, so that earlier examples' waits are over
    at = NOW + timedelta(hours=conn.execute("SELECT count(*) FROM audit").fetchone()[0])
    if typed == "1234":
        return
    with pytest.raises(PinRefused):
        guards.check_pin(conn, "G01", typed, where="east", now=at)
    if len(typed) >= 4:  # shorter text may be part of any word of the trail
        details = conn.execute(
            "SELECT subject || coalesce(detail, '') FROM audit WHERE action LIKE 'login.%'"
        )
        assert all(typed not in row[0] for row in details)


# --- the command line -----------------------------------------------------------------------------


def cli(db: Path, *args: str, typed: str | None = None) -> Result:
    """A command as a person runs it; ``typed``: what they type at the prompts."""
    from guardpost.cli import build

    app = build(make_settings(db, "en"), lambda _s, _v: 0)
    return CliRunner().invoke(app, [*args, "--db", str(db), "--lang", "en"], input=typed)


def refusal(result: Result) -> GuardpostError:
    assert isinstance(result.exception, GuardpostError), result.output
    return result.exception


def guard_codes(db: Path) -> list[str]:
    c = storage.connect(db)
    try:
        return [g.code for g in guards.list_guards(c)]
    finally:
        c.close()


def entries(db: Path, action: str) -> list[tuple[str, str, str | None]]:
    c = storage.connect(db)
    try:
        return trail(c, action)
    finally:
        c.close()


def pin_works(db: Path, code: str, pin: str) -> bool:
    c = storage.connect(db)
    try:
        guards.check_pin(c, code, pin, where="test", now=datetime.now(), purpose="test")
    except PinRefused:
        return False
    finally:
        c.close()
    return True


def test_guards_add_asks_the_new_pin_twice_and_a_mismatch_adds_nobody(demo_db: Path) -> None:
    done = cli(demo_db, "guards", "add", "G08", "--name", "新人", "--as", "G07", typed="9876\n24680\n24681\n")
    assert refusal(done).key == "guards.pin_mismatch"
    assert "G08" not in guard_codes(demo_db)
    done = cli(demo_db, "guards", "add", "G08", "--name", "新人", "--as", "G07", typed="9876\n24680\n24680\n")
    assert done.exit_code == 0, done.output
    assert "Added guard G08" in done.output
    assert "24680" not in done.output and "9876" not in done.output  # hidden prompts: nothing echoed
    assert "G08" in guard_codes(demo_db) and pin_works(demo_db, "G08", "24680")
    [(actor, subject, detail)] = entries(demo_db, "guard.add")
    assert actor.startswith("guard:G07 (cli:") and subject == "G08" and detail == "guard 新人"


def test_guards_add_refuses_a_bad_new_pin_before_asking_it_again(demo_db: Path) -> None:
    done = cli(demo_db, "guards", "add", "G08", "--name", "新人", "--as", "G07", typed="9876\n12\n")
    assert refusal(done).key == "guards.bad_pin"
    assert "G08" not in guard_codes(demo_db)


def test_guards_add_needs_a_supervisor_once_there_is_one(demo_db: Path) -> None:
    done = cli(demo_db, "guards", "add", "G08", "--name", "新人", typed="13579\n13579\n")
    assert refusal(done).key == "guards.needs_as"
    done = cli(demo_db, "guards", "add", "G08", "--name", "新人", "--as", "G07", typed="0000\n")
    assert refusal(done).key == "guards.wrong_pin"
    assert entries(demo_db, "login.fail") == [("G07", "G07", "guard.add at cli: wrong_pin")]
    done = cli(demo_db, "guards", "add", "G08", "--name", "新人", "--as", "G01", typed="1234\n")
    assert isinstance(done.exception, NotAllowed)
    assert entries(demo_db, "authorise.refused") == [("guard:G01", "G01", "guard.add: role guard")]
    assert "G08" not in guard_codes(demo_db) and entries(demo_db, "guard.add") == []


def test_guards_add_bootstraps_a_fresh_database_without_a_supervisor(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    storage.connect(fresh, create=True).close()
    done = cli(fresh, "guards", "add", "S01", "--name", "主管", "--role", "supervisor", typed="1357\n1357\n")
    assert done.exit_code == 0, done.output
    [(actor, subject, detail)] = entries(fresh, "guard.add")
    assert actor.startswith("cli:") and subject == "S01" and detail == "supervisor 主管"
    # from now on the compound has a supervisor, and adding needs them
    done = cli(fresh, "guards", "add", "G01", "--name", "保安", typed="2468\n2468\n")
    assert refusal(done).key == "guards.needs_as"
    assert guard_codes(fresh) == ["S01"]


def test_guards_list_as_json_and_as_text(demo_db: Path) -> None:
    done = cli(demo_db, "guards", "list", "--json")
    assert done.exit_code == 0, done.output
    listed = json.loads(done.output)
    assert [g["code"] for g in listed] == [f"G0{i}" for i in range(1, 8)]
    assert {g["code"]: g["role"] for g in listed}["G06"] == "squad_leader"
    assert {g["code"]: g["role"] for g in listed}["G07"] == "supervisor"
    assert all(g["active"] is True for g in listed) and all(
        set(g) == {"code", "name", "role", "active"} for g in listed
    )
    text = cli(demo_db, "guards", "list").output
    assert "G07" in text and "supervisor" in text and "disabled" not in text


def test_guards_disable_by_a_supervisor(demo_db: Path) -> None:
    assert refusal(cli(demo_db, "guards", "disable", "G03")).key == "guards.needs_as"
    done = cli(demo_db, "guards", "disable", "G03", "--as", "G07", typed="9876\n")
    assert done.exit_code == 0, done.output
    assert "G03" in done.output
    listed = {g["code"]: g["active"] for g in json.loads(cli(demo_db, "guards", "list", "--json").output)}
    assert listed["G03"] is False and listed["G04"] is True
    assert not pin_works(demo_db, "G03", "3456")
    [(actor, subject, _)] = entries(demo_db, "guard.disable")
    assert actor.startswith("guard:G07 (cli:") and subject == "G03"


def test_guards_set_pin_by_the_guard_themselves_with_the_old_pin_first(demo_db: Path) -> None:
    done = cli(demo_db, "guards", "set-pin", "G01", "--as", "G01", typed="0000\n")
    assert refusal(done).key == "guards.wrong_pin"
    done = cli(demo_db, "guards", "set-pin", "G01", "--as", "G01", typed="1234\n55550\n55550\n")
    assert done.exit_code == 0, done.output
    assert "55550" not in done.output and "1234" not in done.output
    assert pin_works(demo_db, "G01", "55550") and not pin_works(demo_db, "G01", "1234")
    [(actor, subject, _)] = entries(demo_db, "guard.set_pin")
    assert actor.startswith("guard:G01 (cli:") and subject == "G01"


def test_guards_set_pin_of_another_guard_needs_a_supervisor(demo_db: Path) -> None:
    done = cli(demo_db, "guards", "set-pin", "G02", "--as", "G01", typed="1234\n")
    assert isinstance(done.exception, NotAllowed)
    assert refusal(cli(demo_db, "guards", "set-pin", "G02")).key == "guards.needs_as"
    done = cli(demo_db, "guards", "set-pin", "G02", "--as", "G07", typed="9876\n66660\n66660\n")
    assert done.exit_code == 0, done.output
    assert pin_works(demo_db, "G02", "66660") and not pin_works(demo_db, "G02", "2345")
    [(actor, subject, _)] = entries(demo_db, "guard.set_pin")
    assert actor.startswith("guard:G07 (cli:") and subject == "G02"


def an_active_card(db: Path) -> str:
    c = storage.connect(db)
    try:
        return str(
            c.execute("SELECT uid FROM card WHERE status = 'active' ORDER BY id LIMIT 1").fetchone()[0]
        )
    finally:
        c.close()


def card_status(db: Path, uid: str) -> str:
    c = storage.connect(db)
    try:
        return str(c.execute("SELECT status FROM card WHERE uid = ?", (uid,)).fetchone()[0])
    finally:
        c.close()


def test_cards_set_status_with_a_supervisors_pin_is_audited_in_their_name(demo_db: Path) -> None:
    uid = an_active_card(demo_db)
    done = cli(demo_db, "cards", "set-status", uid, "lost", "--as", "G07", typed="9876\n")
    assert done.exit_code == 0, done.output
    assert card_status(demo_db, uid) == "lost"
    [(actor, subject, detail)] = entries(demo_db, "card.set_status")
    assert actor.startswith("guard:G07 (cli:") and subject == uid and detail == "active -> lost"


def test_cards_set_status_without_as_is_refused_with_the_needs_as_message(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from guardpost.cli import run

    for name in ("GUARDPOST_CONFIG", "GUARDPOST_LANG", "GUARDPOST_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    uid = an_active_card(demo_db)
    status = run(["cards", "set-status", uid, "lost", "--db", str(demo_db), "--lang", "en"])
    assert status == exits.BAD_VALUE
    assert t("guards.needs_as", "en") in capsys.readouterr().err
    assert card_status(demo_db, uid) == "active"
    assert entries(demo_db, "card.set_status") == []


@pytest.mark.parametrize(
    "args",
    [
        ("guards", "add", "G08", "--name", "新人", "--pin", "24680"),
        ("guards", "set-pin", "G01", "--as", "G01", "--pin", "1234"),
        ("cards", "set-status", "0123ABCD", "lost", "--as", "G07", "--pin", "9876"),
    ],
)
def test_a_pin_is_never_taken_as_an_argument(demo_db: Path, args: tuple[str, ...]) -> None:
    done = cli(demo_db, *args, typed="")
    assert done.exit_code != 0 and not isinstance(done.exception, GuardpostError)
    assert "--pin" in done.output  # Click names the option it does not know
    assert guard_codes(demo_db) == [f"G0{i}" for i in range(1, 8)]
    assert entries(demo_db, "guard.set_pin") == []


def test_no_command_has_an_option_for_a_pin(demo_db: Path) -> None:
    import typer

    from guardpost.cli import build

    def walk(command: Any) -> Iterator[Any]:  # Typer's own Click: its classes are not ``click``'s
        yield from command.params
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                if name != "audit":  # ``audit verify --pin`` pins the chain's head, not a guard's PIN
                    yield from walk(sub)

    root = typer.main.get_command(build(make_settings(demo_db, "en"), lambda _s, _v: 0))
    names = [name for p in walk(root) for name in p.opts]
    assert "--as" in names and not [n for n in names if "pin" in n.lower()]


def test_a_pin_typed_into_the_code_field_is_not_kept_in_the_trail(conn: sqlite3.Connection) -> None:
    for _ in range(2):
        with pytest.raises(PinRefused):
            guards.check_pin(conn, "736194", "", where="east", now=NOW)
    written = conn.execute("SELECT actor || subject || coalesce(detail, '') FROM audit").fetchall()
    assert not any("736194" in row[0] for row in written)
    assert trail(conn, "login.fail")[0][1] == "?"
