"""``guardpost audit verify`` over a trail of 1,000,000 entries (the issue: <= 10 s on the booth PC).

The trail is built in a temporary folder, fast: the hashes computed the way ``audit.append`` chains
them, written by one ``executemany`` in one transaction. Timed: ``audit.verify`` on a connection
from ``storage.connect`` (WAL, the file in the page cache as a booth's would be after a day's use),
once on the intact trail and once with one entry removed from the middle (which takes the second
look that names a problem). ``--entries N`` for another size.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from big_db import OUT  # noqa: E402

from guardpost import audit, storage  # noqa: E402
from guardpost.access import stamp  # noqa: E402

ENTRIES = 1_000_000
TARGET_S = 10.0
ACTIONS = ("login.ok", "shift.open", "card.set_status", "blocklist.add", "pass.revoke", "gate.add")


def build(path: Path, entries: int) -> float:
    """A schema-latest file holding ``entries`` chained audit entries; returns the seconds taken."""
    t0 = time.monotonic()
    storage.connect(path, create=True).close()
    start = datetime(2025, 1, 1, 6, 0, 0)
    rows = []
    prev = audit.GENESIS
    for i in range(1, entries + 1):
        at = stamp(start + timedelta(seconds=37 * i))
        actor = f"guard:g{i % 40}"
        action = ACTIONS[i % len(ACTIONS)]
        subject = f"{i % 9973:08X}"
        detail = None if i % 4 == 0 else f"在东门 east gate #{i}"
        own = audit.digest(i, at, actor, action, subject, detail, prev)
        rows.append((i, at, actor, action, subject, detail, prev, own))
        prev = own
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO audit (id, at, actor, action, subject, detail, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return time.monotonic() - t0


def _timed_verify(path: Path) -> tuple[float, audit.Verdict]:
    conn = storage.connect(path)
    try:
        conn.execute("SELECT count(*), max(length(detail)) FROM audit").fetchone()  # warm the page cache
        t0 = time.perf_counter()
        verdict = audit.verify(conn)
        return time.perf_counter() - t0, verdict
    finally:
        conn.close()


def run(quick: bool = False, entries: int = ENTRIES) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as folder:
        path = Path(folder) / "audit.db"
        build_s = build(path, entries)
        size = path.stat().st_size
        intact_s, intact = _timed_verify(path)
        middle = entries // 2
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("DROP TRIGGER audit_no_delete")
            conn.execute("DELETE FROM audit WHERE id = ?", (middle,))
        finally:
            conn.close()
        damaged_s, damaged = _timed_verify(path)
    result = {
        "entries": intact.entries,
        "file_mib": round(size / 2**20),
        "build_s": round(build_s, 1),
        "verify_s": round(intact_s, 2),
        "intact": intact.intact,
        "verify_damaged_s": round(damaged_s, 2),
        "damaged_found": [p.describe("en") for p in damaged.problems],
        "removed": middle,
        "target_s": TARGET_S,
        "pass": intact.intact and intact_s <= TARGET_S and damaged_s <= TARGET_S,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_audit.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return result


def rows(r: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    return [
        (
            f"audit verify over {r['entries']:,} entries (hash chain, one process)",
            f"<= {r['target_s']:.0f} s",
            f"{r['verify_s']:.2f} s intact ({'intact' if r['intact'] else 'NOT intact'}); "
            f"{r['verify_damaged_s']:.2f} s with #{r['removed']:,} removed"
            f" ({'; '.join(r['damaged_found']) or 'NOT found'})",
            r["pass"],
        )
    ]


def report(r: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"audit trail of {r['entries']:,} entries ({r['file_mib']:,} MiB file,"
            f" built in {r['build_s']} s):",
            f"  verify, intact: {r['verify_s']:.2f} s (target <= {r['target_s']:.0f} s:"
            f" {'PASS' if r['pass'] else 'FAIL'})",
            f"  verify, #{r['removed']:,} removed: {r['verify_damaged_s']:.2f} s, found: "
            + ("; ".join(r["damaged_found"]) or "nothing"),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="audit verify over a million-entry trail")
    ap.add_argument("--quick", action="store_true", help="accepted like the other benchmarks (same size)")
    ap.add_argument("--entries", type=int, default=ENTRIES)
    args = ap.parse_args(argv)
    print(report(run(args.quick, args.entries)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
