"""The upgrade of an existing schema-2 booth file with 5,000,000 events to the latest schema (the
leaner event table of schema 3, schema 4's people registers and pinyin index, schema 5's visitor
alarms as events, schema 6's shifts and hash-chained audit trail).

A booth's file at schema 2 is what the benchmark database would have been before: the same rows
with the four full event indexes (at, decision, person, card) and without the as_read / detail
columns. It is made once from ``bench-out/big.db`` (kept as ``bench-out/big-schema2.db``), then
each run upgrades a fresh copy the way a booth does when a new guardpost first opens it:
``storage.connect`` backs the file up (``NAME.schema2.bak``) and runs migration 0003 in one
transaction. Reported: the whole upgrade, and the migration alone (on another copy, no backup).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from big_db import OUT, clean_work, ensure, work_copy, work_dir  # noqa: E402

from guardpost import storage  # noqa: E402

SCHEMA2 = OUT / "big-schema2.db"

_TO_SCHEMA2 = """
DROP TABLE shift_item;
DROP TABLE shift_correction;
DROP TABLE patrol_check;
DROP TABLE patrol_round;
DROP TABLE log_entry;
DROP TABLE shift;
DROP TABLE audit;
DROP TABLE consent;
DROP TABLE blocklist;
DROP TABLE compound_secret;
DROP TABLE person_pinyin;
DROP TABLE temperature_reading;
DROP TABLE visit;
DROP TABLE event_card;
DROP TABLE event_card_upto;
DROP INDEX ix_event_refused;
DROP INDEX ix_event_manual;
DROP INDEX ix_event_visit;
ALTER TABLE access_event DROP COLUMN visit_id;
ALTER TABLE access_event DROP COLUMN as_read;
ALTER TABLE access_event DROP COLUMN detail;
CREATE INDEX ix_access_event_at ON access_event (at);
CREATE INDEX ix_access_event_decision ON access_event (decision, id);
CREATE INDEX ix_access_event_person ON access_event (person_id, id);
CREATE INDEX ix_access_event_card ON access_event (card_id, id);
PRAGMA user_version = 2;
"""


def _schema1_tables(*names: str) -> str:
    """The CREATE TABLE statements of schema 1 for ``names`` (what schema 4 made again)."""
    from guardpost.migrations import migrations

    sql = migrations()[0][2]
    out = []
    for name in names:
        start = sql.index(f"CREATE TABLE {name} (")
        out.append(sql[start : sql.index(");", start) + 2])
    return "\n".join(out) + "\n"


def schema2_file() -> Path:
    """``big.db`` as a schema-2 booth would hold it (made once, then reused)."""
    big = ensure()
    if SCHEMA2.exists() and SCHEMA2.stat().st_mtime >= big.stat().st_mtime:
        return SCHEMA2
    tmp = SCHEMA2.with_name(SCHEMA2.name + ".building")
    shutil.copyfile(big, tmp)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.executescript(
            _TO_SCHEMA2 + _schema1_tables("visit", "temperature_reading", "shift", "log_entry", "audit")
        )
        conn.execute("VACUUM")
    finally:
        conn.close()
    tmp.replace(SCHEMA2)
    return SCHEMA2


def _indexes(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'access_event'"
                " ORDER BY name"
            )
        ]
    finally:
        conn.close()


def run(quick: bool = False) -> dict[str, Any]:
    source = schema2_file()
    before = _indexes(source)
    size = source.stat().st_size
    # the whole upgrade, as a booth meets it: backup, then migrate
    whole = work_copy(source, work_dir() / "migrate.db")
    t0 = time.monotonic()
    conn = storage.connect(whole)
    upgrade_s = time.monotonic() - t0
    version = storage.schema_version(conn)
    events = conn.execute("SELECT max(id) FROM access_event").fetchone()[0]
    conn.close()
    after = _indexes(whole)
    backup = whole.with_name(whole.name + ".schema2.bak")
    backed_up = backup.exists()
    # the migration alone
    bare = work_copy(source, work_dir() / "migrate-only.db")
    raw = sqlite3.connect(bare, isolation_level=None)
    storage.configure(raw)
    t0 = time.monotonic()
    storage.migrate(raw, 2)
    migrate_s = time.monotonic() - t0
    raw.close()
    clean_work()
    result = {
        "events": events,
        "file_mib": round(size / 2**20),
        "upgrade_s": round(upgrade_s, 1),
        "migrate_only_s": round(migrate_s, 1),
        "backup_written": backed_up,
        "schema_after": version,
        "indexes_before": before,
        "indexes_after": after,
    }
    (OUT / "bench_migrate.json").write_text(json.dumps(result, indent=1))
    return result


def report(r: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"schema 2 -> {storage.LATEST} on a file with {r['events']:,} events ({r['file_mib']:,} MiB):",
            f"  whole upgrade as a booth meets it (backup + migration): {r['upgrade_s']} s"
            f" (backup written: {r['backup_written']}; schema now {r['schema_after']})",
            f"  migrations 0003 on, alone: {r['migrate_only_s']} s (0004 indexes residents' pinyin)",
            f"  event indexes before: {', '.join(r['indexes_before'])}",
            f"  event indexes after:  {', '.join(r['indexes_after'])} (and event_card, filled from the"
            " existing rows by the migration)",
        ]
    )


if __name__ == "__main__":
    print(report(run()))
