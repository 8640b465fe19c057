"""The audit trail's hash chain: what append writes, and each way of tampering with the file that
``verify`` must find, named by the entry's id (tampered with as an attacker would: a plain
sqlite3 connection, the append-only triggers dropped first)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from guardpost import audit, exits, storage
from guardpost.audit import GENESIS, Fault, Problem
from guardpost.errors import GuardpostError
from guardpost.migrations import LATEST

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 26, 7, 0, 0)
ACTIONS = ("gate.add", "card.set_status", "blocklist.add", "pass.revoke", "login.ok")


def _own_hash(
    entry_id: int, at: str, actor: str, action: str, subject: str, detail: str | None, prev: str
) -> str:
    """The hash as an outsider computes it from the documented recipe (not via guardpost.audit)."""
    text = json.dumps(
        [entry_id, at, actor, action, subject, detail, prev], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fill(conn: sqlite3.Connection, n: int, start: int = 0) -> list[audit.Entry]:
    return [
        audit.append(
            conn,
            ACTIONS[i % len(ACTIONS)],
            f"subject-{i}",
            None if i % 3 == 0 else f'细节 {i} "quoted" \\ \n',
            actor="cli:王伟" if i % 2 else "guard:g1",
            at=T0 + timedelta(minutes=i),
        )
        for i in range(start, start + n)
    ]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "booth.db"


@pytest.fixture
def conn(db: Path) -> Iterator[sqlite3.Connection]:
    c = storage.connect(db, create=True)
    yield c
    c.close()


@pytest.fixture
def trail(conn: sqlite3.Connection) -> list[audit.Entry]:
    """Ten entries: #1 .. #10."""
    return _fill(conn, 10)


def _tamper(db: Path, *statements: str | tuple[str, tuple[object, ...]]) -> None:
    """What a person with the sqlite3 shell does: drop the guards, change rows, commit."""
    c = sqlite3.connect(db, isolation_level=None)
    try:
        c.execute("DROP TRIGGER IF EXISTS audit_no_update")
        c.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        for st_ in statements:
            sql, params = (st_, ()) if isinstance(st_, str) else st_
            c.execute(sql, params)
    finally:
        c.close()


def _row(db: Path, entry_id: int) -> tuple[object, ...]:
    c = sqlite3.connect(db)
    try:
        return tuple(c.execute(f"{audit._SELECT} WHERE id = ?", (entry_id,)).fetchone())
    finally:
        c.close()


# --- writing -------------------------------------------------------------------------------------


def test_append_chains_each_entry_to_the_one_before_by_the_documented_recipe(
    conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    assert [e.id for e in trail] == list(range(1, 11))
    assert trail[0].prev_hash == GENESIS == "0" * 64
    for before, entry in zip([None, *trail], trail, strict=False):
        assert entry.prev_hash == (before.hash if before else GENESIS)
        assert entry.hash == _own_hash(
            entry.id, entry.at, entry.actor, entry.action, entry.subject, entry.detail, entry.prev_hash
        )
    stored = conn.execute("SELECT id, at, prev_hash, hash FROM audit WHERE id = 4").fetchone()
    assert stored == (4, "2026-11-26 07:03:00.000000", trail[3].prev_hash, trail[3].hash)
    verdict = audit.verify(conn)
    assert verdict.intact and verdict.problems == ()
    assert verdict.entries == 10
    assert verdict.head == audit.head(conn) == (10, trail[-1].hash)


_maybe_text = st.one_of(st.none(), st.text())


@settings(max_examples=300, deadline=None)
@given(
    entry_id=st.integers(-(2**63), 2**63 - 1),
    fields=st.tuples(st.text(), st.text(), st.text(), st.text()),
    detail=_maybe_text,
    prev=_maybe_text,
)
def test_the_hash_is_the_documented_recipe_for_any_text(
    entry_id: int, fields: tuple[str, str, str, str], detail: str | None, prev: str | None
) -> None:
    """``digest`` writes the JSON by hand (for speed): it must agree with json.dumps everywhere."""
    assert audit.digest(entry_id, *fields, detail, prev) == _own_hash(entry_id, *fields, detail, prev)  # type: ignore[arg-type]


def test_an_empty_trail_is_intact_and_has_no_head(conn: sqlite3.Connection) -> None:
    verdict = audit.verify(conn)
    assert (verdict.intact, verdict.entries, verdict.head) == (True, 0, None)
    assert audit.head(conn) is None


def test_in_the_callers_transaction_the_entry_goes_or_stays_with_the_change(conn: sqlite3.Connection) -> None:
    _fill(conn, 2)
    with pytest.raises(RuntimeError), storage.transaction(conn):
        audit.append(conn, "gate.add", "north", actor="t")
        raise RuntimeError("the change failed")
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] == 2
    with storage.transaction(conn):
        entry = audit.append(conn, "gate.add", "north", actor="t")
        assert conn.in_transaction  # not committed by append: the caller's transaction
    assert entry.id == 3 and audit.verify(conn).intact


def test_the_triggers_refuse_changing_or_removing_a_chained_entry(
    conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET detail = 'x' WHERE id = 3")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit WHERE id = 10")


# --- tampering, each found and named -----------------------------------------------------------


def test_an_edited_detail_is_named(db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]) -> None:
    _tamper(db, "UPDATE audit SET detail = 'nothing happened' WHERE id = 5")
    assert audit.verify(conn).problems == (Problem(Fault.EDITED, 5, 5),)


def test_an_edit_with_the_hash_recomputed_breaks_the_next_link(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    e = trail[4]
    forged = _own_hash(e.id, e.at, e.actor, e.action, e.subject, "nothing happened", e.prev_hash)
    _tamper(db, ("UPDATE audit SET detail = 'nothing happened', hash = ? WHERE id = 5", (forged,)))
    assert audit.verify(conn).problems == (Problem(Fault.RELINKED, 6, 6, 5),)


def test_a_removed_middle_entry_is_named(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    _tamper(db, "DELETE FROM audit WHERE id = 5")
    verdict = audit.verify(conn)
    assert verdict.problems == (Problem(Fault.MISSING, 5, 5),)
    assert "#5" in verdict.problems[0].describe("en")


def test_a_removed_first_entry_is_named(db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]) -> None:
    _tamper(db, "DELETE FROM audit WHERE id IN (1, 2)")
    assert audit.verify(conn).problems == (Problem(Fault.MISSING, 1, 2),)


def test_a_removed_end_is_found_by_the_pin_printed_on_a_report(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    pin = audit.head(conn)
    assert pin == (10, trail[-1].hash)
    _tamper(db, "DELETE FROM audit WHERE id > 8")
    assert audit.verify(conn).intact  # the chain alone cannot tell: it ends at #8 as if nothing followed
    verdict = audit.verify(conn, pinned=pin)
    assert verdict.problems == (Problem(Fault.PIN_MISSING, 10, 10, 8),)
    assert "#10" in verdict.problems[0].describe("en") and "#8" in verdict.problems[0].describe("en")


def test_a_rewritten_end_is_found_by_the_pin(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    pin = audit.head(conn)
    assert pin is not None
    _tamper(db, "DELETE FROM audit WHERE id > 8")
    _fill(conn, 2, start=50)  # the end written again, by the program itself, so every hash holds
    verdict = audit.verify(conn, pinned=pin)
    assert verdict.problems == (Problem(Fault.PIN_CHANGED, 10, 10),)
    assert audit.verify(conn, pinned=(8, trail[7].hash)).intact


def test_an_entry_inserted_in_the_middle_with_its_own_hash_right_is_named(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    """Room made by moving #6.. up one, a forged #6 linked to #5 with a correct hash of its own."""
    at, prev = "2026-11-26 07:04:30.000000", trail[4].hash
    forged = _own_hash(6, at, "guard:g1", "blocklist.remove", "7", None, prev)
    _tamper(
        db,
        "UPDATE audit SET id = -id WHERE id >= 6",
        "UPDATE audit SET id = 1 - id WHERE id < 0",
        (
            "INSERT INTO audit (id, at, actor, action, subject, detail, prev_hash, hash)"
            " VALUES (6, ?, 'guard:g1', 'blocklist.remove', '7', NULL, ?, ?)",
            (at, prev, forged),
        ),
    )
    problems = audit.verify(conn).problems
    assert problems == (Problem(Fault.INSERTED, 6, 6), Problem(Fault.MOVED, 7, 11, 6))
    assert "#7–#11" in problems[1].describe("en") and "#6–#10" in problems[1].describe("en")


def test_an_entry_inserted_with_a_made_up_link_is_named(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    at, prev = "2026-11-26 07:04:30.000000", "f" * 64
    forged = _own_hash(6, at, "x", "gate.add", "y", None, prev)
    _tamper(
        db,
        "UPDATE audit SET id = -id WHERE id >= 6",
        "UPDATE audit SET id = 1 - id WHERE id < 0",
        (
            "INSERT INTO audit (id, at, actor, action, subject, detail, prev_hash, hash)"
            " VALUES (6, ?, 'x', 'gate.add', 'y', NULL, ?, ?)",
            (at, prev, forged),
        ),
    )
    assert audit.verify(conn).problems == (Problem(Fault.INSERTED, 6, 6), Problem(Fault.MOVED, 7, 11, 6))


def test_entries_removed_and_the_rest_renumbered_to_close_the_hole_are_named(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    _tamper(db, "DELETE FROM audit WHERE id = 5", "UPDATE audit SET id = id - 1 WHERE id > 5")
    problems = audit.verify(conn).problems
    assert problems == (Problem(Fault.MOVED, 5, 9, 6),)
    assert "#6–#10" in problems[0].describe("en")


def test_two_entries_swapped_are_named_both(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    cols = "at, actor, action, subject, detail, prev_hash, hash"
    three, seven = _row(db, 3)[1:], _row(db, 7)[1:]
    sets = ", ".join(f"{c} = ?" for c in cols.split(", "))
    _tamper(
        db,
        (f"UPDATE audit SET {sets} WHERE id = 3", seven),
        (f"UPDATE audit SET {sets} WHERE id = 7", three),
    )
    problems = audit.verify(conn).problems
    assert problems == (Problem(Fault.SWAPPED, 3, 3, 7),)
    assert "#3" in problems[0].describe("en") and "#7" in problems[0].describe("en")


def test_the_content_of_two_entries_swapped_keeping_their_hashes_is_two_edits(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    three, seven = _row(db, 3), _row(db, 7)
    _tamper(
        db,
        ("UPDATE audit SET detail = ?, subject = ? WHERE id = 3", (seven[5], seven[4])),
        ("UPDATE audit SET detail = ?, subject = ? WHERE id = 7", (three[5], three[4])),
    )
    assert audit.verify(conn).problems == (Problem(Fault.EDITED, 3, 3), Problem(Fault.EDITED, 7, 7))


def test_an_entry_added_by_hand_without_a_hash_is_named_and_the_chain_goes_on_past_it(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    c = sqlite3.connect(db)
    with c:  # the triggers allow it: they guard chained entries only
        c.execute(
            "INSERT INTO audit (at, actor, action, subject, detail) VALUES ('2026-11-26 09:00:00.000000',"
            " 'root', 'card.set_status', '04A1B2C3', 'blacklisted -> active')"
        )
    c.close()
    assert audit.head(conn) == (10, trail[-1].hash)
    after = _fill(conn, 1, start=20)[0]
    assert (after.id, after.prev_hash) == (12, trail[-1].hash)
    verdict = audit.verify(conn)
    assert verdict.problems == (Problem(Fault.UNCHAINED, 11, 11),)
    assert verdict.head == (12, after.hash) and verdict.entries == 12


def test_a_hash_wiped_is_named(db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]) -> None:
    _tamper(db, "UPDATE audit SET hash = NULL WHERE id = 4")
    assert audit.verify(conn).problems == (Problem(Fault.UNCHAINED, 4, 4),)


def test_a_value_of_another_type_is_an_edit(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    _tamper(db, "UPDATE audit SET detail = x'00ff' WHERE id = 2")
    assert audit.verify(conn).problems == (Problem(Fault.EDITED, 2, 2),)


def test_many_edits_in_a_row_are_one_problem(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    _tamper(db, "UPDATE audit SET actor = 'nobody' WHERE id BETWEEN 3 AND 8")
    assert audit.verify(conn).problems == (Problem(Fault.EDITED, 3, 8),)


# --- the property: any single change is found --------------------------------------------------

_MASTER: dict[str, Path] = {}
_FIELDS = ("at", "actor", "action", "subject", "detail", "prev_hash", "hash")


def _master() -> Path:
    """Eight entries, made once (each example tampers with its own copy)."""
    if "path" not in _MASTER:
        folder = Path(tempfile.mkdtemp(prefix="gp-audit-"))
        path = folder / "master.db"
        c = storage.connect(path, create=True)
        _fill(c, 8)
        c.execute("PRAGMA journal_mode = DELETE")  # one file to copy
        c.close()
        _MASTER["path"] = path
    return _MASTER["path"]


_values = st.one_of(
    st.text(max_size=70),
    st.integers(-(2**40), 2**40),
    st.binary(max_size=8),
    st.sampled_from(["", " ", GENESIS, "0" * 63 + "1", "2026-11-26 07:00:00.000000"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entry=st.integers(1, 8),
    column=st.sampled_from([*_FIELDS, "id"]),
    value=_values,
    null=st.booleans(),
)
def test_any_single_change_of_any_field_is_found(entry: int, column: str, value: object, null: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.db"
        shutil.copyfile(_master(), path)
        c = sqlite3.connect(path, isolation_level=None)
        try:
            c.execute("DROP TRIGGER audit_no_update")
            before = c.execute(f"{audit._SELECT} WHERE id = ?", (entry,)).fetchone()
            if column == "id":
                assume(isinstance(value, int) and not 1 <= value <= 8)
            elif null:
                assume(column in ("detail", "prev_hash", "hash"))  # the others are NOT NULL
                value = None
            c.execute(f"UPDATE audit SET {column} = ? WHERE id = ?", (value, entry))
            moved_to = value if column == "id" else entry
            after = c.execute(f"{audit._SELECT} WHERE id = ?", (moved_to,)).fetchone()
            assume(after != before)  # SQLite may store it as it was (TEXT affinity: 5 -> '5')
            verdict = audit.verify(c)
        finally:
            c.close()
    assert not verdict.intact

    def named(entry_id: int) -> bool:  # by range, not by listing it: a hole may span 2**40 ids
        return any(p.id <= entry_id <= p.last or p.other == entry_id for p in verdict.problems)

    assert named(entry) or named(moved_to), verdict.problems


# --- the upgrade, and several writers ----------------------------------------------------------


def test_the_upgrade_to_schema_6_chains_the_entries_written_before(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path, isolation_level=None)
    storage.migrate(raw, 0, 5)
    raw.executemany(
        "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        [
            (f"2025-01-0{i} 08:00:00.000000", "cli:root", "gate.add", f"gate-{i}", "东门" if i % 2 else None)
            for i in range(1, 6)
        ],
    )
    raw.close()
    conn = storage.connect(path)
    try:
        assert storage.schema_version(conn) == LATEST
        rows = conn.execute(f"{audit._SELECT} ORDER BY id").fetchall()
        prev = GENESIS
        for row in rows:
            assert row[6] == prev and row[7] == _own_hash(*row[:6], prev)
            prev = row[7]
        assert len(rows) == 5
        entry = audit.append(conn, "gate.add", "gate-6", actor="t")
        assert (entry.id, entry.prev_hash) == (6, rows[-1][7])
        verdict = audit.verify(conn)
        assert verdict.intact and verdict.entries == 6
        with pytest.raises(sqlite3.IntegrityError):  # chained now, so guarded like the new ones
            conn.execute("UPDATE audit SET detail = 'x' WHERE id = 1")
    finally:
        conn.close()


_WRITER = """
import sys
from pathlib import Path
from guardpost import audit, storage
conn = storage.connect(Path(sys.argv[1]))
for i in range(int(sys.argv[3])):
    audit.append(conn, "login.ok", f"{sys.argv[2]}-{i}", actor=sys.argv[2])
conn.close()
"""


def test_two_processes_appending_at_once_keep_one_chain(db: Path, conn: sqlite3.Connection) -> None:
    _fill(conn, 1)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(db), name, "150"], cwd=ROOT, stderr=subprocess.PIPE
        )
        for name in ("booth", "cli")
    ]
    for w in writers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err.decode()
    verdict = audit.verify(conn)
    assert verdict.intact, verdict.problems
    assert verdict.entries == 301 and verdict.head is not None and verdict.head[0] == 301
    actors = {r[0] for r in conn.execute("SELECT DISTINCT actor FROM audit WHERE id > 1")}
    assert actors == {"booth", "cli"}


def test_two_threads_appending_at_once_keep_one_chain(db: Path, conn: sqlite3.Connection) -> None:
    def write(name: str) -> None:
        c = storage.connect(db)
        try:
            for i in range(100):
                audit.append(c, "login.ok", f"{name}-{i}", actor=name)
        finally:
            c.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in ("a", "b")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    verdict = audit.verify(conn)
    assert verdict.intact and verdict.entries == 200


# --- the core's writers go through the chain ----------------------------------------------------


def test_no_raw_audit_insert_is_left_in_the_core() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "guardpost").rglob("*.py")
        if p.name not in ("audit.py", "models.py")
        and (
            "INSERT INTO audit" in p.read_text(encoding="utf-8") or "Audit(" in p.read_text(encoding="utf-8")
        )
    ]
    assert offenders == []


def test_a_cards_status_change_is_chained(demo_db: Path) -> None:
    from guardpost.cards import set_status
    from guardpost.domain import CardStatus
    from guardpost.orm import session

    conn = storage.connect(demo_db)
    try:
        uid = conn.execute("SELECT uid FROM card WHERE status = 'active' ORDER BY uid LIMIT 1").fetchone()[0]
        _fill(conn, 2)
        with session(demo_db) as ses:
            set_status(ses, uid, CardStatus.LOST, actor="cli:t")
        last = conn.execute(f"{audit._SELECT} ORDER BY id DESC LIMIT 1").fetchone()
        assert last[3:6] == ("card.set_status", uid, "active -> lost")
        assert audit.verify(conn).intact
    finally:
        conn.close()


def test_a_gate_added_is_chained(conn: sqlite3.Connection) -> None:
    from guardpost.gates import add_gate

    _fill(conn, 1)
    add_gate(conn, "north-2", "北门", "North gate", "pedestrian", "cli:t")
    assert conn.execute("SELECT id, action, subject FROM audit ORDER BY id DESC").fetchone() == (
        2,
        "gate.add",
        "north-2",
    )
    assert audit.verify(conn).intact


# --- export ------------------------------------------------------------------------------------


def test_export_writes_lines_an_outsider_can_check(
    tmp_path: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    out = tmp_path / "out" / "audit.jsonl"
    out.parent.mkdir()
    assert audit.export(conn, out) == 10
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10 and list(out.parent.iterdir()) == [out]  # no temporary file left
    prev = GENESIS
    for n, line in enumerate(lines, start=1):
        e = json.loads(line)
        assert list(e) == list(audit.COLUMNS) and e["id"] == n
        assert e["prev_hash"] == prev
        assert e["hash"] == _own_hash(
            e["id"], e["at"], e["actor"], e["action"], e["subject"], e["detail"], prev
        )
        prev = e["hash"]
    assert "细节" in lines[1]  # as itself, not \\u escapes


# --- the command line --------------------------------------------------------------------------


def _cli(db: Path, *args: str) -> tuple[int, str]:
    from guardpost.cli import build

    app = build(make_settings(db, "en"), lambda _s, _v: 0)
    result = CliRunner().invoke(app, [*args, "--db", str(db), "--lang", "en"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_cli_verify_says_intact_with_the_head(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    code, out = _cli(db, "audit", "verify")
    assert code == exits.ALLOW
    assert "10 entries" in out and "#10" in out and trail[-1].hash in out
    code, out = _cli(db, "audit", "verify", "--pin", f"10:{trail[-1].hash}")
    assert code == exits.ALLOW and "still there" in out


def test_cli_verify_lists_each_problem_and_exits_1(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    _tamper(db, "UPDATE audit SET detail = 'x' WHERE id = 3", "DELETE FROM audit WHERE id = 7")
    code, out = _cli(db, "audit", "verify")
    assert code == exits.DENY == 1
    assert "DAMAGED" in out and "2 problem" in out
    assert any(line.strip().startswith("#3:") for line in out.splitlines())
    assert any(line.strip().startswith("#7:") and "missing" in line for line in out.splitlines())


def test_cli_verify_with_a_pin_finds_a_removed_end(
    db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]
) -> None:
    _tamper(db, "DELETE FROM audit WHERE id >= 9")
    assert _cli(db, "audit", "verify")[0] == exits.ALLOW
    code, out = _cli(db, "audit", "verify", "--pin", f"#10:{trail[-1].hash.upper()}")
    assert code == exits.DENY and "#10" in out and "#8" in out


def test_cli_verify_json(db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]) -> None:
    _tamper(db, "DELETE FROM audit WHERE id = 4")
    code, out = _cli(db, "audit", "verify", "--json")
    found = json.loads(out)
    assert code == exits.DENY
    assert found["intact"] is False and found["entries"] == 9
    assert found["head"] == {"id": 10, "hash": trail[-1].hash}
    assert [(p["fault"], p["id"], p["last"]) for p in found["problems"]] == [("missing", 4, 4)]


def test_cli_verify_refuses_a_pin_it_cannot_read(db: Path, conn: sqlite3.Connection) -> None:
    with pytest.raises(GuardpostError) as caught:
        _cli(db, "audit", "verify", "--pin", "10:abc")
    assert caught.value.key == "audit.bad_pin" and caught.value.exit_code == exits.BAD_VALUE


def test_cli_export(tmp_path: Path, db: Path, conn: sqlite3.Connection, trail: list[audit.Entry]) -> None:
    out = tmp_path / "trail.jsonl"
    code, said = _cli(db, "audit", "export", "--out", str(out))
    assert code == exits.ALLOW and "10" in said
    assert len(out.read_text(encoding="utf-8").splitlines()) == 10


def test_cli_help_is_in_both_languages(db: Path) -> None:
    from guardpost.cli import build

    for lang, word in (("en", "hash chain"), ("zh-CN", "哈希链")):
        app = build(make_settings(db, lang), lambda _s, _v: 0)
        result = CliRunner().invoke(app, ["audit", "--help"])
        assert result.exit_code == 0 and word in result.output
