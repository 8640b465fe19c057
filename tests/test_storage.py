"""The one SQLite file: safe pragmas, in-place upgrades, and refusing what must not be opened."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardpost import events, storage
from guardpost.errors import StorageError
from guardpost.migrations import LATEST, migrations

SCHEMA1_ROWS = {"gate": 1, "unit": 1, "person": 1, "card": 1, "access_event": 2}


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _header(path: Path) -> tuple[int, int]:
    conn = _raw(path)
    try:
        return (
            conn.execute("PRAGMA user_version").fetchone()[0],
            conn.execute("PRAGMA application_id").fetchone()[0],
        )
    finally:
        conn.close()


def _fresh(path: Path) -> Path:
    storage.connect(path, create=True).close()
    return path


def _refused(path: Path, *keys: str) -> StorageError:
    """Opening ``path`` raises StorageError with one of ``keys`` and leaves the file's bytes as they were."""
    before = path.read_bytes()
    with pytest.raises(StorageError) as caught:
        storage.connect(path).close()
    assert caught.value.key in keys, caught.value.key
    assert path.read_bytes() == before
    assert caught.value.message("en") and caught.value.message("zh-CN")
    return caught.value


def _schema1(path: Path) -> Path:
    """A database as guardpost schema 1 left it, with a few rows in it."""
    conn = _raw(path)
    storage.migrate(conn, 0, target=1)
    conn.executescript(
        """
        INSERT INTO gate (id, name_zh, name_en, kind) VALUES ('east', '东门', 'East gate', 'pedestrian');
        INSERT INTO unit (id, code, building, entrance, room) VALUES (1, '3-2-1201', 3, 2, '1201');
        INSERT INTO person (id, name, role, unit_id, created_at)
            VALUES (1, '王伟', 'owner', 1, '2025-01-01 08:00:00.000000');
        INSERT INTO card (id, uid, kind, status, person_id, updated_at)
            VALUES (1, '04A1B2C3', 'owner', 'active', 1, '2025-01-01 08:00:00.000000');
        INSERT INTO access_event (at, gate_id, lane, uid, card_id, person_id, decision, reason, source)
            VALUES ('2025-01-02 07:30:00.000000', 'east', 'in', '04A1B2C3', 1, 1, 'allow', 'ok', 'card');
        INSERT INTO access_event (at, gate_id, lane, uid, decision, reason, source)
            VALUES ('2025-01-02 07:31:00.000000', 'east', 'in', 'DEADBEEF', 'deny', 'unknown_card', 'card');
        """
    )
    conn.close()
    return path


def _dump(path: Path, tables: dict[str, int]) -> dict[str, list[dict[str, object]]]:
    """Every row, by column name: a later migration may add columns, never change a value."""
    conn = _raw(path)
    conn.row_factory = sqlite3.Row
    try:
        return {name: [dict(r) for r in conn.execute(f"SELECT * FROM {name} ORDER BY 1")] for name in tables}
    finally:
        conn.close()


def _kept(after: dict[str, list[dict[str, object]]], before: dict[str, list[dict[str, object]]]) -> bool:
    """The rows of ``before`` are all in ``after`` with the same values (new columns aside)."""
    return all(
        [{k: row[k] for k in old} for row, old in zip(after[name], rows, strict=True)] == rows
        for name, rows in before.items()
    )


# --- pragmas and init -----------------------------------------------------------------------


def test_connect_sets_the_safe_pragmas(tmp_path: Path) -> None:
    conn = storage.connect(tmp_path / "booth.db", create=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == storage.BUSY_TIMEOUT_MS > 0
        assert conn.execute("PRAGMA application_id").fetchone()[0] == storage.APPLICATION_ID
        assert storage.schema_version(conn) == LATEST
    finally:
        conn.close()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    conn = storage.connect(tmp_path / "booth.db", create=True)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO access_event (at, gate_id, lane, decision, reason, source)"
                " VALUES ('2025-01-01 00:00:00', 'no-such-gate', 'in', 'deny', 'unknown_card', 'card')"
            )
    finally:
        conn.close()


def test_init_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "booth.db"
    conn = storage.connect(path, create=True)
    conn.execute(
        "INSERT INTO gate (id, name_zh, name_en, kind) VALUES ('east', '东门', 'East', 'pedestrian')"
    )
    schema = conn.execute("SELECT type, name, sql FROM sqlite_schema ORDER BY name").fetchall()
    conn.close()

    conn = storage.connect(path, create=True)
    try:
        assert storage.schema_version(conn) == LATEST
        assert conn.execute("SELECT type, name, sql FROM sqlite_schema ORDER BY name").fetchall() == schema
        assert conn.execute("SELECT id FROM gate").fetchall() == [("east",)]
        assert storage.integrity(conn) == []
    finally:
        conn.close()
    assert not list(tmp_path.glob("*.bak"))  # nothing to upgrade, so no backup


def test_a_missing_file_is_not_created_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "booth.db"
    with pytest.raises(StorageError) as caught:
        storage.connect(path)
    assert caught.value.key == "storage.missing"
    assert not path.exists()
    storage.connect(path, create=True).close()
    assert _header(path) == (LATEST, storage.APPLICATION_ID)


# --- upgrade in place -----------------------------------------------------------------------


def test_schema1_file_is_upgraded_in_place_keeping_every_row(tmp_path: Path) -> None:
    assert LATEST >= 2, "this test needs at least one migration after the first"
    path = _schema1(tmp_path / "booth.db")
    assert _header(path) == (1, storage.APPLICATION_ID)
    before = _dump(path, SCHEMA1_ROWS)
    assert {name: len(rows) for name, rows in before.items()} == SCHEMA1_ROWS

    conn = storage.connect(path)
    try:
        assert storage.schema_version(conn) == LATEST
        assert "alarm_ack" in _tables(conn)
        assert storage.integrity(conn) == []
        # schema 4 indexed the pinyin of every resident the old file held
        people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
        assert conn.execute("SELECT count(DISTINCT person_id) FROM person_pinyin").fetchone()[0] == people > 0
        # the new table works with the old rows
        event_id = conn.execute("SELECT id FROM access_event WHERE decision = 'allow'").fetchone()[0]
        conn.execute(
            "INSERT INTO alarm_ack (event_id, guard_name, at) VALUES (?, '田萍婷', '2025-01-02 07:32:00')",
            (event_id,),
        )
    finally:
        conn.close()
    assert _kept(_dump(path, SCHEMA1_ROWS), before)

    backup = tmp_path / "booth.db.schema1.bak"
    assert backup.is_file()
    assert _header(backup) == (1, storage.APPLICATION_ID)
    assert _dump(backup, SCHEMA1_ROWS) == before
    assert "alarm_ack" not in _tables(_raw(backup))


def test_schema4_visit_alarms_become_alarm_events_the_banner_shows(tmp_path: Path) -> None:
    """Schema 4 kept a caller's alarms apart, where no banner saw them: schema 5 makes each an event
    (open, or acknowledged as it was) and drops the old table."""
    path = _schema1(tmp_path / "booth.db")
    conn = _raw(path)
    storage.migrate(conn, 1, target=4)
    conn.executescript(
        """
        INSERT INTO guard (id, code, name, role, pin_hash) VALUES (1, 'g1', '田萍婷', 'guard', '-');
        INSERT INTO visit (id, category, status, reason, name, host_unit_id, gate_id, created_at)
            VALUES (1, 'relative', 'refused', 'blocked', '孙八', 1, 'east', '2025-01-03 09:00:00.000000'),
                   (2, 'courier', 'refused', 'fever', NULL, NULL, 'east', '2025-01-03 09:05:00.000000');
        INSERT INTO visit_alarm (visit_id, reason, at) VALUES (1, 'blocked', '2025-01-03 09:00:00.000000');
        INSERT INTO visit_alarm (visit_id, reason, at, acknowledged_at, acknowledged_by)
            VALUES (2, 'fever', '2025-01-03 09:05:00.000000', '2025-01-03 09:06:00.000000', 1);
        """
    )
    conn.close()
    conn = storage.connect(path)
    try:
        assert storage.schema_version(conn) == LATEST
        assert "visit_alarm" not in _tables(conn)
        [alarm] = events.open_alarms(conn, datetime(2025, 1, 1), "east")
        assert (alarm.reason, alarm.visit_id, alarm.person, alarm.unit) == (
            "visitor_blocked",
            1,
            "孙八",
            "3-2-1201",
        )
        acked = conn.execute(
            "SELECT e.reason, e.visit_id, a.guard_name, a.at"
            " FROM alarm_ack a JOIN access_event e ON e.id = a.event_id"
        ).fetchall()
        assert acked == [("fever", 2, "田萍婷", "2025-01-03 09:06:00.000000")]
    finally:
        conn.close()


def test_needs_upgrade_is_refused_when_upgrade_is_off(tmp_path: Path) -> None:
    path = _schema1(tmp_path / "booth.db")
    with pytest.raises(StorageError) as caught:
        storage.connect(path, upgrade=False)
    assert caught.value.key == "storage.needs_upgrade"
    assert _header(path)[0] == 1


def test_a_failing_migration_leaves_the_file_at_its_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _schema1(tmp_path / "booth.db")
    before = _dump(path, SCHEMA1_ROWS)
    first = migrations()[0]
    broken = (2, "broken", "CREATE TABLE alarm_ack (event_id INTEGER);\nTHIS IS NOT SQL AT ALL;\n")
    monkeypatch.setattr(storage, "migrations", lambda: [first, broken])

    with pytest.raises(StorageError):
        storage.connect(path)

    assert _header(path) == (1, storage.APPLICATION_ID)
    assert _dump(path, SCHEMA1_ROWS) == before
    assert "alarm_ack" not in _tables(_raw(path))  # the first statement was rolled back too

    monkeypatch.undo()  # with the real migrations the same file now upgrades
    conn = storage.connect(path)
    try:
        assert storage.schema_version(conn) == LATEST
    finally:
        conn.close()
    assert _kept(_dump(path, SCHEMA1_ROWS), before)


# --- refusals: the file is left exactly as it was -------------------------------------------


def test_a_file_from_a_newer_guardpost_is_refused(tmp_path: Path) -> None:
    path = _fresh(tmp_path / "booth.db")
    conn = _raw(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    error = _refused(path, "storage.too_new")
    assert error.params["version"] == LATEST + 1
    assert error.params["latest"] == LATEST
    assert str(LATEST + 1) in error.message("en")


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "booth.db"
    path.write_bytes(os.urandom(8192))
    _refused(path, "storage.not_a_database")


def test_a_valid_header_followed_by_garbage_is_refused(tmp_path: Path) -> None:
    good = _fresh(tmp_path / "good.db").read_bytes()
    path = tmp_path / "booth.db"
    path.write_bytes(good[:100] + os.urandom(len(good) - 100))
    _refused(path, "storage.corrupt")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.binary(min_size=0, max_size=6000), keep=st.integers(min_value=16, max_value=100))
def test_any_damaged_file_is_refused_and_unchanged(tmp_path: Path, tail: bytes, keep: int) -> None:
    good = _good_bytes(tmp_path)
    path = tmp_path / "damaged.db"
    path.write_bytes(good[:keep] + tail)
    for leftover in tmp_path.glob("damaged.db-*"):
        leftover.unlink()
    try:
        _refused(
            path, "storage.corrupt", "storage.not_guardpost", "storage.too_new", "storage.not_a_database"
        )
    finally:
        path.unlink()


def _good_bytes(folder: Path) -> bytes:
    good = folder / "good.db"
    if not good.exists():
        _fresh(good)
    return good.read_bytes()


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = _raw(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("INSERT INTO songs VALUES ('茉莉花')")
    conn.close()
    _refused(path, "storage.not_guardpost")


def test_another_programs_versioned_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = _raw(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.execute("PRAGMA user_version = 1")  # same version number, but not our application id
    conn.close()
    _refused(path, "storage.not_guardpost")


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        storage.connect(tmp_path, create=True)
    assert caught.value.key == "storage.is_directory"


def _skip_if_permissions_are_not_enforced(path: Path) -> None:
    if os.access(path, os.W_OK):
        pytest.skip("this user may write anyway (root), so there is nothing to refuse")


def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "booth"
    folder.mkdir()
    path = _fresh(folder / "booth.db")
    for extra in folder.glob("booth.db-*"):
        extra.unlink()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)  # 0o500
    try:
        _skip_if_permissions_are_not_enforced(folder)
        error = _refused(path, "storage.not_writable")
        assert str(folder) in error.message("en")
        with pytest.raises(StorageError) as caught:
            storage.connect(folder / "new.db", create=True)
        assert caught.value.key == "storage.not_writable"
        assert not (folder / "new.db").exists()
    finally:
        folder.chmod(0o700)


def test_the_permission_check_runs_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same refusal where the OS would not say no (root): the OS is asked, and its answer is obeyed."""
    folder = tmp_path / "booth"
    folder.mkdir()
    path = _fresh(folder / "booth.db")
    real_access = os.access

    def access(p: object, mode: int) -> bool:
        if Path(str(p)) == folder and mode & os.W_OK:
            return False
        return real_access(p, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(storage.os, "access", access)
    error = _refused(path, "storage.not_writable")
    assert error.params["path"] == folder
    with pytest.raises(StorageError) as caught:
        storage.connect(folder / "sub" / "new.db", create=True)
    assert caught.value.key == "storage.not_writable"
    assert not (folder / "sub").exists()


def test_an_unwritable_file_is_refused(tmp_path: Path) -> None:
    path = _fresh(tmp_path / "booth.db")
    path.chmod(stat.S_IRUSR)  # 0o400
    try:
        _skip_if_permissions_are_not_enforced(path)
        _refused(path, "storage.not_writable")
    finally:
        path.chmod(0o600)


# --- evidence is append-only ----------------------------------------------------------------


def test_access_events_cannot_be_changed_or_deleted(tmp_path: Path) -> None:
    conn = storage.connect(tmp_path / "booth.db", create=True)
    try:
        conn.execute(
            "INSERT INTO gate (id, name_zh, name_en, kind) VALUES ('east', '东门', 'East', 'pedestrian')"
        )
        conn.execute(
            "INSERT INTO access_event (at, gate_id, lane, uid, decision, reason, source)"
            " VALUES ('2025-01-01 08:00:00.000000', 'east', 'in', 'DFEEFAA0', 'alarm', 'lost', 'card')"
        )
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE access_event SET decision = 'allow', reason = 'ok'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM access_event")
        assert conn.execute("SELECT decision, reason FROM access_event").fetchall() == [("alarm", "lost")]
    finally:
        conn.close()


def test_transaction_is_all_or_nothing(tmp_path: Path) -> None:
    conn = storage.connect(tmp_path / "booth.db", create=True)
    try:
        with pytest.raises(sqlite3.IntegrityError), storage.transaction(conn):
            conn.execute(
                "INSERT INTO gate (id, name_zh, name_en, kind) VALUES ('east', '东门', 'East', 'pedestrian')"
            )
            conn.execute(
                "INSERT INTO gate (id, name_zh, name_en, kind) VALUES ('east', '东门', 'East', 'pedestrian')"
            )
        assert conn.execute("SELECT count(*) FROM gate").fetchone()[0] == 0
        assert not conn.in_transaction
    finally:
        conn.close()


def test_opening_again_never_drops_the_writers_locks(tmp_path) -> None:
    """The booth opens the file again and again (feed pages, forms) while its writer holds it.

    Closing any descriptor of the file drops all of this process's POSIX locks; another program
    then thinks it is the last user and deletes the WAL, and the writer's next commits vanish.
    """
    import subprocess
    import sys

    from guardpost.storage import connect

    path = tmp_path / "booth.db"
    writer = connect(path, create=True)
    writer.execute(
        "INSERT INTO gate (id, name_zh, name_en, kind) VALUES ('east', '东门', 'East', 'pedestrian')"
    )
    connect(path).close()  # what the screen does for a page of the feed
    other = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        " c.execute('SELECT count(*) FROM gate'); c.close()"
    )
    subprocess.run([sys.executable, "-c", other, str(path)], check=True)  # a supervisor's CLI command
    writer.execute(
        "INSERT INTO gate (id, name_zh, name_en, kind) VALUES ('west', '西门', 'West', 'pedestrian')"
    )
    assert (tmp_path / "booth.db-wal").exists()
    count = (
        "import sqlite3, sys;"
        " print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM gate').fetchone()[0])"
    )
    seen = subprocess.run(
        [sys.executable, "-c", count, str(path)], check=True, capture_output=True, text=True
    )
    writer.close()
    assert seen.stdout.strip() == "2"
