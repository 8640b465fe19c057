"""The one SQLite file: opening it safely, and upgrading its schema in place.

Every connection gets WAL, ``synchronous=FULL`` (a committed swipe survives a power cut),
foreign keys and a busy timeout. A file from a newer guardpost, a file that is not a guardpost
database, or a path that cannot be written is refused with a clear message, before anything is
written to it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from guardpost.errors import StorageError, os_error
from guardpost.migrations import LATEST, migrations

BUSY_TIMEOUT_MS = 5000
APPLICATION_ID = 0x47505354  # "GPST": marks the file as a guardpost database


def configure(conn: sqlite3.Connection) -> None:
    """The pragmas every connection runs with."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def _check_file(path: Path, create: bool) -> None:
    """Refuse, without writing anything, what we must not open."""
    if path.is_dir():
        raise StorageError("storage.is_directory", "storage.path_hint", path=path)
    if path.exists():
        if not path.is_file():  # /dev/null, a pipe, a /proc entry: SQLite would fail on it later
            raise StorageError("storage.not_a_file", "storage.path_hint", path=path)
        if not os.access(path, os.R_OK | os.W_OK):
            raise StorageError("storage.not_writable", "storage.path_hint", path=path)
        # The header is checked by SQLite itself (connect): never open() the file here. Closing any
        # descriptor of a database file drops every POSIX lock this process holds on it, so another
        # program would think the booth's writer gone and delete its WAL (SQLite docs, "How To
        # Corrupt An SQLite Database File", 2.2).
        if not os.access(path.parent, os.W_OK):  # WAL needs its -wal and -shm files beside it
            raise StorageError("storage.not_writable", "storage.path_hint", path=path.parent)
        if not create and path.stat().st_size == 0:
            # an empty file is what a typo'd `touch`, a failed copy or a full disk leaves: opening it
            # would quietly make a new, empty database where the guard expects the compound's cards
            raise StorageError("storage.empty", "storage.empty_hint", path=path)
        return
    if not create:
        raise StorageError("storage.missing", "storage.missing_hint", path=path)
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent, os.W_OK):
        raise StorageError("storage.not_writable", "storage.path_hint", path=parent)


def _why(exc: OSError | sqlite3.Error) -> object:
    return os_error(exc) if isinstance(exc, OSError) else str(exc)


def connect(path: Path, *, create: bool = False, upgrade: bool = True) -> sqlite3.Connection:
    """Open the database at ``path``, creating or upgrading its schema as needed.

    Raises StorageError for a newer schema, a foreign or corrupt file, or an unwritable path.
    """
    path = Path(path)
    _check_file(path, create)
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as exc:
        raise StorageError("storage.cannot_open", "storage.path_hint", path=path, error=_why(exc)) from None
    try:
        version, app_id = _read_header(conn, path)
        if version > LATEST:
            raise StorageError(
                "storage.too_new", "storage.too_new_hint", path=path, version=version, latest=LATEST
            )
        if version > 0 and app_id != APPLICATION_ID:
            raise StorageError("storage.not_guardpost", "storage.corrupt_hint", path=path)
        if version == 0 and _has_tables(conn):
            raise StorageError("storage.not_guardpost", "storage.corrupt_hint", path=path)
        configure(conn)
        if version < LATEST:
            if version > 0 and not upgrade:
                raise StorageError("storage.needs_upgrade", None, path=path, version=version, latest=LATEST)
            if version > 0:
                _backup(conn, path, version)
            try:
                migrate(conn, version)
            except sqlite3.Error as exc:
                raise StorageError(
                    "storage.migration_failed",
                    "storage.migration_failed_hint",
                    path=path,
                    version=schema_version(conn),
                    error=str(exc),
                ) from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise StorageError("storage.not_a_database", "storage.corrupt_hint", path=path) from None
        raise StorageError("storage.corrupt", "storage.corrupt_hint", path=path, error=str(exc)) from None
    except BaseException:
        conn.close()
        raise
    return conn


def _read_header(conn: sqlite3.Connection, path: Path) -> tuple[int, int]:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    return int(version), int(app_id)


def _has_tables(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] > 0)


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the file before an upgrade: ``NAME.schemaN.bak`` beside it."""
    target = path.with_name(f"{path.name}.schema{version}.bak")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def _index_pinyin(conn: sqlite3.Connection) -> None:
    from guardpost import people_index  # pypinyin's tables load only when a file is upgraded

    people_index.index_people(conn)


def _chain_audit(conn: sqlite3.Connection) -> None:
    from guardpost import audit  # audit imports this module

    audit.chain_existing(conn)


# What a migration needs beyond SQL, run in its transaction: schema 4 indexes the residents' pinyin,
# schema 6 chains the audit entries written before it.
_AFTER: dict[int, Callable[[sqlite3.Connection], None]] = {4: _index_pinyin, 6: _chain_audit}


def migrate(conn: sqlite3.Connection, current: int, target: int = LATEST) -> None:
    """Run migrations ``current+1 .. target``, each in its own transaction with its version bump."""
    for version, _name, sql in migrations():
        if current < version <= target:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _split(sql):
                    conn.execute(statement)
                if version in _AFTER:
                    _AFTER[version](conn)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {version}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise


def _split(sql: str) -> Iterator[str]:
    """Split a migration into statements (triggers contain ``;`` inside BEGIN ... END)."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buf:
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any error: all or nothing.

    Inside a transaction already (a register storing another's row with its own, such as a worker
    admitted through the visit register), a savepoint: the inner part is undone on its error, and
    everything is committed or undone with the outer transaction."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT gp_inner")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO gp_inner")
            conn.execute("RELEASE gp_inner")
            raise
        conn.execute("RELEASE gp_inner")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def integrity(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check`` and ``foreign_key_check``: an empty list means the file is sound."""
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    problems += [
        f"foreign key: {r[0]} row {r[1]} -> {r[2]}" for r in conn.execute("PRAGMA foreign_key_check")
    ]
    return problems


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
