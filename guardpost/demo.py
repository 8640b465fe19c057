"""The demo compound: ``data/demo/`` (installed as ``guardpost_data``) imported through the same path
users use (``guardpost import``)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

from guardpost.access import stamp
from guardpost.auth import hash_pin
from guardpost.importer import KINDS, Counts, import_csv
from guardpost.storage import connect, transaction
from guardpost_data import DEMO_DIR

DEMO_GUARD = "G01"  # the guard on duty when the demo opens (until PIN login exists)


def demo_path() -> Path:
    """Where ``guardpost demo`` keeps its database unless told otherwise (reused next time)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"guardpost-demo-{uid}.db"


def example_resident(path: Path) -> tuple[str, str, str] | None:
    """One resident to try the forgot-card check with: (name, unit, ID last four)."""
    conn = connect(path)
    try:
        row = conn.execute(
            "SELECT p.name, u.code, p.id_last4 FROM person p JOIN unit u ON u.id = p.unit_id"
            " WHERE p.role = 'owner' AND p.id_last4 IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM card c WHERE c.person_id = p.id AND c.status = 'blacklisted')"
            " ORDER BY p.id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return (str(row[0]), str(row[1]), str(row[2])) if row else None


def build(path: Path, demo_dir: Path = DEMO_DIR) -> dict[str, Counts]:
    """Create (or reuse) the demo database at ``path``; returns what each import did."""
    conn = connect(path, create=True)
    try:
        with (demo_dir / "compound.toml").open("rb") as fh:
            compound = tomllib.load(fh)
        fresh = conn.execute("SELECT count(*) FROM gate").fetchone()[0] == 0
        if fresh:
            _load_gates_and_guards(conn, compound)
        counts = {kind: import_csv(conn, kind, demo_dir / f"{kind}.csv") for kind in KINDS}
        if fresh:
            _load_permits(conn, compound.get("renovation_permit", []))
        return counts
    finally:
        conn.close()


def _load_gates_and_guards(conn: sqlite3.Connection, compound: dict[str, Any]) -> None:
    with transaction(conn):
        for gate in compound["gate"]:
            conn.execute(
                "INSERT INTO gate (id, name_zh, name_en, kind, is_open) VALUES (?, ?, ?, ?, 1)",
                (gate["id"], gate["name_zh"], gate["name_en"], gate["kind"]),
            )
        for guard in compound["guard"]:
            conn.execute(
                "INSERT INTO guard (code, name, role, pin_hash, active) VALUES (?, ?, ?, ?, 1)",
                (guard["code"], guard["name"], guard["role"], hash_pin(str(guard["pin"]))),
            )
        conn.execute(
            "INSERT INTO lockdown (level, scope, started_at, ordered_by) VALUES (?, ?, ?, ?)",
            ("normal", "compound", stamp(datetime.now()), "demo"),
        )


def _load_permits(conn: sqlite3.Connection, permits: list[dict[str, Any]]) -> None:
    """Renovation permits refer to units, so they follow the unit import."""
    with transaction(conn):
        for permit in permits:
            unit = conn.execute("SELECT id FROM unit WHERE code = ?", (permit["unit"],)).fetchone()
            cur = conn.execute(
                "INSERT INTO renovation_permit (unit_id, company, area, starts_on, ends_on, issued_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    unit[0],
                    permit["company"],
                    permit.get("area"),
                    str(permit["starts_on"]),
                    str(permit["ends_on"]),
                    permit.get("issued_by"),
                ),
            )
            for worker in permit.get("worker", []):
                conn.execute(
                    "INSERT INTO worker_pass (permit_id, pass_no, name, phone, id_last4, valid_until)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        cur.lastrowid,
                        worker["pass_no"],
                        worker["name"],
                        worker.get("phone"),
                        worker.get("id_last4"),
                        str(worker["valid_until"]),
                    ),
                )
