"""The demo compound: ``data/demo/`` (installed as ``guardpost_data``) imported through the same path
users use (``guardpost import``)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import tomllib
from datetime import datetime, timedelta
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


def demo_guards(path: Path) -> list[tuple[str, str, str, str]]:
    """The demo's guards with their PINs (code, name, role, PIN), as the demo prints them."""
    with (DEMO_DIR / "compound.toml").open("rb") as fh:
        compound = tomllib.load(fh)
    return [(g["code"], g["name"], g["role"], str(g["pin"])) for g in compound["guard"]]


def history(path: Path, now: datetime | None = None) -> int | None:
    """A worked day for the demo, once (a file with shifts already is left alone): yesterday's day
    shift at the east gate by G01 (swipes, a visitor, an override, a fever, an incident, the duty
    log, a patrol round that missed a checkpoint), handed over by PIN to G02, whose night shift is
    still open. Returns the handed-over shift's id (None when the file had shifts)."""
    from guardpost import shifts, temperature, visits
    from guardpost.access import Gatekeeper, exact
    from guardpost.config import load_settings
    from guardpost.domain import ConsentChannel, ConsentOutcome, Lane, LockdownLevel, LogKind, VisitCategory

    settings = load_settings(env={})
    pins = {code: pin for code, _name, _role, pin in demo_guards(path)}
    conn = connect(path)
    try:
        if conn.execute("SELECT 1 FROM shift").fetchone():
            return None
        now = now or datetime.now()
        start = (now - timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
        if start + timedelta(hours=12) > now:
            start -= timedelta(days=1)
        first = shifts.login(conn, "G01", pins["G01"], gate="east", now=start)
        guard = first.guard.on_duty
        keeper = Gatekeeper(conn, "east", guard=guard)
        cards = [str(r[0]) for r in conn.execute("SELECT uid FROM card ORDER BY id LIMIT 400")] * 2
        next_at, next_card = start + timedelta(minutes=3), 0

        def swipes_until(hours: float) -> None:
            """The gate's swipes up to ``hours`` into the shift: events are stored in time order."""
            nonlocal next_at, next_card
            until = start + timedelta(hours=hours)
            while next_at < until and next_card < len(cards):
                lane = Lane.IN if next_card % 2 == 0 else Lane.OUT
                keeper.swipe(exact(cards[next_card]), lane, source="sim", now=next_at)
                busy = next_at.hour in (8, 17, 18)  # busier at 8-9 and 17-19, as a gate is
                next_at += timedelta(seconds=40 if busy else 150)
                next_card += 1

        vs = settings.visits
        host = conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0]
        shift_id = first.shift.id
        swipes_until(1)
        shifts.write_log(
            conn,
            LogKind.DUTY,
            "09:00 消防通道检查，畅通。",
            gate="east",
            guard=guard,
            shift_id=shift_id,
            now=start + timedelta(hours=1),
        )
        swipes_until(2)
        relative = visits.register(
            conn,
            visits.VisitForm(
                VisitCategory.RELATIVE, name="周晓雯", phone="13755550101", unit=host, temperature="36.5"
            ),
            [
                visits.ConsentStep(
                    ConsentOutcome.GIVEN,
                    ConsentChannel.INTERCOM,
                    by_whom="业主",
                    at=start + timedelta(hours=2),
                )
            ],
            gate="east",
            level=LockdownLevel.NORMAL,
            settings=vs,
            fever_threshold_c=37.3,
            guard=guard,
            now=start + timedelta(hours=2),
        )
        swipes_until(3)
        shifts.start_round(conn, gate="east", guard=guard, shift_id=shift_id, now=start + timedelta(hours=3))
        for code in ("P1", "P2", "P3"):
            shifts.check_point(
                conn,
                code,
                how="tick",
                gate="east",
                settings=settings.shifts,
                now=start + timedelta(hours=3, minutes=30),
            )
        shifts.end_round(
            conn,
            gate="east",
            findings="中心花园路灯一盏不亮，已报维修。",
            settings=settings.shifts,
            now=start + timedelta(hours=3, minutes=40),
        )
        swipes_until(4)
        visits.register(
            conn,
            visits.VisitForm(
                VisitCategory.MOVING, name="刘师傅", phone="13655550102", unit=host, company="好运搬家"
            ),
            [
                visits.ConsentStep(
                    ConsentOutcome.OVERRIDE,
                    reason="业主电话无人接，物业前台口头同意",
                    at=start + timedelta(hours=4),
                )
            ],
            gate="east",
            level=LockdownLevel.NORMAL,
            settings=vs,
            fever_threshold_c=37.3,
            guard=guard,
            now=start + timedelta(hours=4),
        )
        swipes_until(5)
        temperature.record(
            conn, "37.9", gate="east", threshold_c=37.3, guard=guard, now=start + timedelta(hours=5)
        )
        swipes_until(6)
        if relative.visit_id is not None:
            visits.sign_out(conn, relative.visit_id, gate="east", now=start + timedelta(hours=6))
        swipes_until(7)
        shifts.write_log(
            conn,
            LogKind.INCIDENT,
            "两辆电动车在北门口刮擦，双方自行协商。",
            gate="east",
            guard=guard,
            shift_id=shift_id,
            now=start + timedelta(hours=7),
            category="traffic",
            place="北门口",
            handled_by="田萍婷",
            reported_to="物业前台",
            usb_label="USB-2026-11",
        )
        swipes_until(11 + 50 / 60)
        counts = dict(settings.shifts.equipment)
        shifts.handover(
            conn,
            shift_id,
            incoming_code="G02",
            pin=pins["G02"],
            notes="对讲机 3 号电量低，已充电。",
            counts=counts,
            settings=settings.shifts,
            now=start + timedelta(hours=12),
        )
        return shift_id
    finally:
        conn.close()
