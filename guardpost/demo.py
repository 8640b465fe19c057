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
            ("normal", "compound", stamp(datetime.now() - timedelta(days=30)), "demo"),  # since it opened
        )


def _load_permits(conn: sqlite3.Connection, permits: list[dict[str, Any]]) -> None:
    """Renovation permits refer to units, so they follow the unit import. Each worker's photo is
    drawn into ``photos/`` beside the database (the data folder a relative ``photo_ref`` is under)."""
    from guardpost.policy.renovation import days_text, parse_days
    from guardpost.renovation import pass_key

    folder = Path(conn.execute("PRAGMA database_list").fetchone()[2]).parent / "photos"
    now = stamp(datetime.now())
    with transaction(conn):
        for permit in permits:
            unit = conn.execute("SELECT id FROM unit WHERE code = ?", (permit["unit"],)).fetchone()
            start, end = (permit.get("hours") or "08:00-18:00").split("-")
            cur = conn.execute(
                "INSERT INTO renovation_permit (unit_id, company, responsible, phone, starts_on, ends_on,"
                " work_from, work_until, work_days, area, restricted, issued_by, issued_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    unit[0],
                    permit["company"],
                    permit.get("responsible", "-"),
                    permit.get("phone", "-"),
                    str(permit["starts_on"]),
                    str(permit["ends_on"]),
                    start,
                    end,
                    days_text(parse_days(permit.get("days", "1-7"))),
                    permit.get("area") or "-",
                    permit.get("restricted", ""),
                    permit.get("issued_by") or "demo",
                    now,
                ),
            )
            for i, worker in enumerate(permit.get("worker", [])):
                photo = worker.get("photo")
                if photo:
                    target = folder.parent / photo
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(_portrait(i))
                conn.execute(
                    "INSERT INTO worker_pass (permit_id, pass_no, pass_key, name, phone, id_last4, photo_ref,"
                    " valid_until, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        cur.lastrowid,
                        worker["pass_no"],
                        pass_key(worker["pass_no"]),
                        worker["name"],
                        worker.get("phone"),
                        worker.get("id_last4"),
                        photo,
                        str(worker["valid_until"]),
                        now,
                        permit.get("issued_by") or "demo",
                    ),
                )


def _portrait(seed: int, width: int = 30, height: int = 40) -> bytes:
    """A small made-up pass photo (a head and shoulders on a plain ground) as PNG bytes, standard
    library only: the demo shows what a real pass photo would take on the renovation screen."""
    import struct
    import zlib

    grounds = ((200, 220, 240), (225, 235, 215), (240, 225, 210), (215, 215, 235))
    shirts = ((40, 90, 160), (170, 60, 40), (60, 120, 70), (90, 90, 90))
    ground, shirt, skin, hair = grounds[seed % 4], shirts[seed % 4], (230, 190, 160), (40, 30, 25)
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        for x in range(width):
            dx, dy = (x - width / 2) / (width * 0.22), (y - height * 0.38) / (height * 0.22)
            if dx * dx + dy * dy <= 1:
                colour = hair if dy < -0.45 else skin
            elif y > height * 0.66 and abs(x - width / 2) < width * (0.15 + (y - height * 0.66) / height):
                colour = shirt
            else:
                colour = ground
            rows += bytes(colour)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows)))
        + chunk(b"IEND", b"")
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
    from guardpost import (
        lockdown,
        quarantine,
        release_slips,
        renovation,
        shifts,
        temperature,
        vehicles,
        visits,
    )
    from guardpost.access import Gatekeeper, exact
    from guardpost.config import load_settings
    from guardpost.domain import ConsentChannel, ConsentOutcome, Lane, LockdownLevel, LogKind, VisitCategory
    from guardpost.policy.renovation import Material
    from guardpost.policy.vehicles import Service, VehicleCategory

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
        # a household under home quarantine, measured twice a day (the ledger of the closed level)
        unit = conn.execute(
            "SELECT u.code FROM unit u JOIN person p ON p.unit_id = u.id WHERE p.role = 'owner'"
            " GROUP BY u.id HAVING count(*) >= 1 ORDER BY u.id LIMIT 1 OFFSET 20"
        ).fetchone()
        if unit:
            members = [
                int(r[0])
                for r in conn.execute(
                    "SELECT p.id FROM person p JOIN unit u ON u.id = p.unit_id WHERE u.code = ?"
                    " ORDER BY p.id LIMIT 3",
                    (unit[0],),
                )
            ]
            household = quarantine.add(
                conn,
                str(unit[0]),
                residents=members,
                others=[],
                starts_on=start.date() - timedelta(days=3),
                ends_on=start.date() + timedelta(days=11),
                note="密接，社区通知居家观察",
                code="G06",
                pin=pins["G06"],
                where="east",
                now=start + timedelta(hours=1, minutes=10),
            )
            ledger = quarantine.household(conn, household)
            for m in ledger.members[:-1]:  # one left to measure: the handover shows it due
                quarantine.record(
                    conn,
                    m.member_id,
                    "36.6",
                    gate="east",
                    threshold_c=37.3,
                    guard=guard,
                    now=start + timedelta(hours=1, minutes=20),
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
        # a renovation worker on his pass, the rain shed he brought noted against the permit
        workers = conn.execute("SELECT pass_no FROM worker_pass ORDER BY id LIMIT 1").fetchone()
        if workers:
            renovation.admit(
                conn,
                str(workers[0]),
                gate="east",
                materials=[Material.RAIN_SHED],
                guard=guard,
                now=start + timedelta(hours=2, minutes=30),
            )
        # the service centre's release slips: one taken in at the gate this shift, one still open
        retention = settings.rules.release_slip_retention_years
        slip_units = [str(r[0]) for r in conn.execute("SELECT code FROM unit ORDER BY id LIMIT 2 OFFSET 5")]
        slips = [
            release_slips.issue(
                conn,
                release_slips.SlipForm(
                    unit=unit,
                    items=items,
                    carrier=carrier,
                    valid_until=start + timedelta(days=3),
                    valid_from=start,
                ),
                by="guard:G07",
                retention_years=retention,
                now=start - timedelta(hours=14),
            )
            for unit, items, carrier in zip(
                slip_units,
                ("旧沙发一套、书柜一个", "电视机一台"),
                ("搬家公司 李师傅", "业主本人"),
                strict=False,
            )
        ]
        swipes_until(3)
        if slips:
            release_slips.collect(
                conn,
                slips[0].number,
                gate="east",
                guard=guard,
                retention_years=retention,
                now=start + timedelta(hours=3, minutes=5),
            )
        # the north gate's vehicles that day (its own booth): residents' and visitors' cars, a
        # water truck that stayed too long; and one visitor still parked with permit 1
        rules = vehicles.VehicleRules.of(settings)
        owners = [str(r[0]) for r in conn.execute("SELECT plate FROM vehicle ORDER BY id LIMIT 2")]
        north = [
            (2.2, vehicles.VehicleForm("粤A7K2M5", VehicleCategory.VISITOR, unit=host, driver="周晓雯")),
            (2.5, vehicles.VehicleForm("粤B3Q8L1", VehicleCategory.WATER, note="怡宝桶装水")),
            *[(0.5 + i, vehicles.VehicleForm(p, VehicleCategory.OWNER)) for i, p in enumerate(owners)],
            (5.5, vehicles.VehicleForm("粤A2D6F9", VehicleCategory.VISITOR, unit=host, driver="林先生")),
        ]
        for hours, form in sorted(north, key=lambda x: x[0]):
            vehicles.enter(conn, form, gate="north", rules=rules, now=start + timedelta(hours=hours))
        vehicles.leave(
            conn, "粤A7K2M5", gate="north", rules=rules, now=start + timedelta(hours=5, minutes=50)
        )
        vehicles.leave(
            conn, "粤B3Q8L1", gate="north", rules=rules, now=start + timedelta(hours=4, minutes=10)
        )
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
        swipes_until(5.75)
        # an ambulance let in at once at the east gate (one key), its details completed after
        ambulance = vehicles.emergency(
            conn, gate="east", rules=rules, guard=guard, now=start + timedelta(hours=5, minutes=45)
        )
        vehicles.complete_details(
            conn,
            ambulance.entry_id,
            vehicles.Details(
                plate="粤A12090", service=Service.AMBULANCE, driver="120 急救", note="8-2-1001 老人胸痛"
            ),
            gate="east",
            guard=guard,
            now=start + timedelta(hours=5, minutes=55),
        )
        vehicles.leave(
            conn,
            "粤A12090",
            gate="east",
            rules=rules,
            guard=guard,
            now=start + timedelta(hours=6, minutes=20),
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
        # the district's order for the flu season: everyone measured, visitors only with consent,
        # for the evening rush; back to normal at night
        lockdown.set_level(
            conn,
            LockdownLevel.RESTRICTED,
            scope=(),
            entrance=None,
            note="区防控办通知：流感高发，外来人员一律测温登记",
            code="G07",
            pin=pins["G07"],
            where="east",
            now=start + timedelta(hours=7, minutes=30),
        )
        swipes_until(10)
        lockdown.set_level(
            conn,
            LockdownLevel.NORMAL,
            scope=(),
            entrance=None,
            note=None,
            code="G07",
            pin=pins["G07"],
            where="east",
            now=start + timedelta(hours=10),
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
