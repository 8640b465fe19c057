"""The vehicle register (车辆出入登记表): plates in and out by category, temporary parking permits and
their fees, trucks' overstays, emergency vehicles completed afterwards; which vehicles are inside.

One module for the screen (⇧F6), the CLI (``guardpost vehicles``), the shift report and the
handover. Each write is one transaction: an entry with its permit, its alarm or warning and the
host's consent; an exit with its permit's return, its fee and its receipt. The rules are
``policy.vehicles`` (``decide_entry``, ``decide_exit``, ``parking_fee``), read with the level in
force at the gate at the moment of each decision.

Anti-passback: a plate that comes in while a stay of it is still open was let out without its exit
being logged (guards forget, the issue says; a refusal would strand it at the barrier). It is
admitted with a warning on the feed (a ``passback`` event naming the plate), and the earlier stay is
closed as *left unrecorded*: no exit time, no fee, its permit carried over to the new stay when the
new one is a visitor's too (the driver still holds it) or else counted as missing. So the inside-now
board and the handover count each plate once.

Every look-up by plate is one indexed statement per table: the registered plates
(``ix_vehicle_plate``, and ``ix_vehicle_plate_tail`` for a plate typed without its province), the
plate's stays (``ix_vehicle_entry_plate``; the board reads the partial ``ix_vehicle_entry_inside``)
and the block list (``ix_blocklist_value``); a test checks the plans.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from guardpost import audit, blocklist, lockdown, validate
from guardpost.access import gate_kind, stamp, store_event
from guardpost.domain import ConsentOutcome, Guard, Lane, LockdownLevel, Reason, Source, VehicleKind, actor_of
from guardpost.errors import GuardpostError, InvalidValue
from guardpost.policy.vehicles import (
    TRUCKS,
    EntryFacts,
    Fee,
    Service,
    VehicleCategory,
    VehicleReason,
    VehicleVerdict,
    cents,
    decide_entry,
    decide_exit,
    free_minutes,
    needs_consent,
    needs_permit,
    parking_fee,
    yuan,
)
from guardpost.storage import transaction
from guardpost.visits import FieldProblem, FormRefused

if TYPE_CHECKING:
    from guardpost.config import Settings

PLATE, CATEGORY, UNIT, DRIVER, NOTE, SERVICE = "plate", "category", "unit", "driver", "note", "service"
DRIVER_MAX, NOTE_MAX = 30, 60
COMPLETIONS = 6
PERMIT_ITEM = "parking_permits"  # the handover's equipment count of the physical permits

# what a registered plate (the ``vehicle`` table, from the CSV import) suggests at the barrier
KIND_CATEGORY: dict[VehicleKind, VehicleCategory] = {
    VehicleKind.OWNER: VehicleCategory.OWNER,
    VehicleKind.STAFF: VehicleCategory.STAFF,
    VehicleKind.DELIVERY: VehicleCategory.DELIVERY,
    VehicleKind.MOVING: VehicleCategory.MOVING,
    VehicleKind.VISITOR: VehicleCategory.VISITOR,
    VehicleKind.EMERGENCY: VehicleCategory.EMERGENCY,
}


@dataclass(frozen=True, slots=True)
class VehicleRules:
    """The configured rules the register applies (``rules.*`` and the permits counted at handovers)."""

    visitor_free_min: int
    truck_limit_min: int
    cents_per_hour: int
    permit_stock: int

    @classmethod
    def of(cls, settings: Settings) -> VehicleRules:
        rules = settings.rules
        return cls(
            visitor_free_min=rules.visitor_free_parking_min,
            truck_limit_min=rules.delivery_vehicle_limit_min,
            cents_per_hour=cents(rules.parking_fee_per_started_hour),
            permit_stock=dict(settings.shifts.equipment).get(PERMIT_ITEM, 0),
        )

    def free_min(self, category: VehicleCategory) -> int | None:
        return free_minutes(
            category, visitor_free_min=self.visitor_free_min, truck_limit_min=self.truck_limit_min
        )

    def fee(self, category: VehicleCategory, entered_at: datetime, left_at: datetime) -> Fee | None:
        """The stay's fee by its category's rule; None for a category that is not charged."""
        free = self.free_min(category)
        if free is None:
            return None
        return parking_fee(entered_at, left_at, free_min=free, cents_per_hour=self.cents_per_hour)


class VehicleRefused(FormRefused):
    """Some fields are wrong: each named (``vehicle.field.<name>``), nothing stored."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        GuardpostError.__init__(self, "vehicle.refused", None, count=len(problems))
        self.problems = list(problems)

    def message(self, lang: str | None = None) -> str:
        from guardpost.i18n import t

        lines = [self.title(lang)]
        for p in self.problems:
            lines.append(f"  {t(f'vehicle.field.{p.field}', lang)}: {p.message(lang)}")
        return "\n".join(lines)


class VehicleError(GuardpostError):
    """A vehicle, a permit or an entry the register cannot act on as asked."""


@dataclass
class VehicleForm:
    """What the guard typed (or a CLI option held), raw; checked in ``enter``."""

    plate: str
    category: VehicleCategory
    unit: str = ""
    driver: str = ""
    note: str = ""  # what for: the company, what is delivered, the call
    service: Service | None = None
    consent: ConsentOutcome | None = None  # the host's answer, where the level asks for it
    disinfected: bool = False


@dataclass(frozen=True)
class InsideVehicle:
    entry_id: int
    plate: str | None
    category: VehicleCategory
    service: Service | None
    unit: str | None
    driver: str | None
    note: str | None
    permit_no: int | None
    gate_id: str
    entered_at: datetime
    limit_at: datetime | None
    minutes: int
    over_min: int  # a truck's minutes past its limit (0: within it, or not limited)
    pending: bool  # an emergency vehicle whose details are still to be completed

    @property
    def overstay(self) -> bool:
        return self.limit_at is not None and self.over_min > 0


@dataclass(frozen=True)
class PlateInfo:
    """What the register knows of a plate before anything is decided (reads only)."""

    plate: str
    registered: VehicleKind | None
    owner: str | None
    unit: str | None
    inside: InsideVehicle | None
    blocked: tuple[blocklist.BlockHit, ...]

    @property
    def suggested(self) -> VehicleCategory | None:
        if self.inside is not None:
            return self.inside.category
        return KIND_CATEGORY.get(self.registered) if self.registered else None


@dataclass(frozen=True)
class Entered:
    entry_id: int
    plate: str | None
    category: VehicleCategory
    verdict: VehicleVerdict
    level: LockdownLevel
    permit_no: int | None = None
    permit_carried: bool = False  # the permit the plate's earlier stay was given, still with it
    unit: str | None = None
    limit_at: datetime | None = None
    blocked: tuple[blocklist.BlockHit, ...] = ()
    was_inside: bool = False  # anti-passback: its earlier stay was closed as left unrecorded
    pending: bool = False  # an emergency vehicle in without its plate or service: to be completed


@dataclass(frozen=True)
class Leaving:
    """What an exit would do now (reads only): the open stay, the fee so far, the permit to take back."""

    plate: str | None
    stay: InsideVehicle | None
    category: VehicleCategory | None  # the stay's, else the registered plate's; None: to be asked
    verdict: VehicleVerdict | None
    fee: Fee | None


@dataclass(frozen=True)
class Left:
    entry_id: int
    plate: str | None
    category: VehicleCategory
    verdict: VehicleVerdict
    entered_at: datetime | None
    left_at: datetime | None
    fee: Fee | None = None
    receipt_no: str | None = None
    permit_no: int | None = None
    permit_missing: bool = False
    no_entry: bool = False  # no entry on record: the exit is recorded by itself
    overstay_min: int = 0


@dataclass(frozen=True)
class OutPermit:
    """A temporary parking permit not back in the booth (the handover lists them)."""

    permit_no: int
    plate: str | None
    entry_id: int
    gate_id: str
    issued_at: datetime
    left_at: datetime | None  # the vehicle left (or was found gone) without handing it back

    @property
    def missing(self) -> bool:
        return self.left_at is not None


@dataclass(frozen=True)
class CategoryCount:
    category: VehicleCategory
    entries: int
    exits: int


@dataclass(frozen=True)
class Overstay:
    entry_id: int
    plate: str | None
    category: VehicleCategory
    entered_at: datetime
    limit_at: datetime
    left_at: datetime | None  # None: still inside at the end of the shift
    over_min: int


@dataclass(frozen=True)
class ReceiptRow:
    receipt_no: str
    plate: str | None
    at: datetime
    minutes: int
    hours: int
    fee_cents: int


@dataclass(frozen=True)
class ShiftVehicles:
    """The vehicles of a shift at a gate, for its report and the handover."""

    counts: tuple[CategoryCount, ...]  # every category, in the register's order
    refused: int
    passbacks: int
    overstays: tuple[Overstay, ...]
    receipts: tuple[ReceiptRow, ...]
    permits_issued: int
    permits_missing: int  # vehicles that left at this gate in the shift without their permit

    @property
    def entries(self) -> int:
        return sum(c.entries for c in self.counts)

    @property
    def exits(self) -> int:
        return sum(c.exits for c in self.counts)

    @property
    def fees_cents(self) -> int:
        return sum(r.fee_cents for r in self.receipts)


@dataclass(frozen=True)
class EntryRow:
    entry_id: int
    plate: str | None
    category: VehicleCategory
    service: Service | None
    status: str
    reason: VehicleReason
    unit: str | None
    driver: str | None
    gate_id: str
    at: datetime
    entered_at: datetime | None
    left_at: datetime | None
    left_unrecorded: bool
    permit_no: int | None
    receipt_no: str | None
    fee_cents: int | None


def receipt_number(receipt_id: int) -> str:
    """A receipt's number as printed and said: ``P000042`` (the row id: sequential, never reused)."""
    return f"P{receipt_id:06d}"


def _when(text: object) -> datetime | None:
    return datetime.fromisoformat(str(text)) if text else None


def _over_min(now: datetime, limit: datetime | None) -> int:
    """Started minutes past a truck's limit: a second over is a minute over (at most, the rule says)."""
    if limit is None or now <= limit:
        return 0
    return -(-((now - limit) // timedelta(seconds=1)) // 60)


# --- the plate --------------------------------------------------------------------------------------

_REGISTERED_SQL = (
    "SELECT v.id, v.kind, p.name, u.id, u.code FROM vehicle v LEFT JOIN person p ON p.id = v.person_id"
    " LEFT JOIN unit u ON u.id = p.unit_id WHERE v.plate = ?"
)
_INSIDE_COLUMNS = (
    "e.id, e.plate, e.category, e.service, u.code, e.driver, e.note, pp.permit_no, e.gate_id,"
    " e.entered_at, e.limit_at, e.details_at"
)
_INSIDE_FROM = (
    "FROM vehicle_entry e LEFT JOIN unit u ON u.id = e.unit_id"
    " LEFT JOIN parking_permit pp ON pp.entry_id = e.id AND pp.returned_at IS NULL"
)
_SEPARATORS = re.compile(r"[\s\-·.•]+")


def plate_of(text: str) -> str:
    """The plate as the register writes it, or ``VehicleRefused`` naming the plate field."""
    try:
        return validate.plate(text)
    except InvalidValue as exc:
        raise VehicleRefused([FieldProblem(PLATE, exc.key, **exc.params)]) from None


def _inside_row(r: tuple[object, ...], now: datetime) -> InsideVehicle:
    entered = _when(r[9]) or now
    limit = _when(r[10])
    category = VehicleCategory(str(r[2]))
    return InsideVehicle(
        entry_id=int(str(r[0])),
        plate=str(r[1]) if r[1] else None,
        category=category,
        service=Service(str(r[3])) if r[3] else None,
        unit=str(r[4]) if r[4] else None,
        driver=str(r[5]) if r[5] else None,
        note=str(r[6]) if r[6] else None,
        permit_no=int(str(r[7])) if r[7] is not None else None,
        gate_id=str(r[8]),
        entered_at=entered,
        limit_at=limit,
        minutes=max(0, int((now - entered).total_seconds() // 60)),
        over_min=_over_min(now, limit),
        pending=category == VehicleCategory.EMERGENCY and not r[11] and (not r[1] or not r[3]),
    )


def _stay_of(conn: sqlite3.Connection, plate: str, now: datetime) -> InsideVehicle | None:
    """The plate's open stay, the newest if a forgotten exit left more than one."""
    row = conn.execute(
        f"SELECT {_INSIDE_COLUMNS} {_INSIDE_FROM} WHERE e.status = 'inside' AND e.plate = ?"
        " ORDER BY e.id DESC LIMIT 1",
        (plate,),
    ).fetchone()
    return _inside_row(row, now) if row else None


def _stay_by_id(conn: sqlite3.Connection, entry_id: int, now: datetime) -> InsideVehicle | None:
    row = conn.execute(
        f"SELECT {_INSIDE_COLUMNS} {_INSIDE_FROM} WHERE e.id = ? AND e.status = 'inside'", (entry_id,)
    ).fetchone()
    return _inside_row(row, now) if row else None


def look_up(conn: sqlite3.Connection, text: str, now: datetime | None = None) -> PlateInfo:
    """A plate as typed: registered (a resident's or staff vehicle, with its owner and unit)? inside
    now? on the block list? Reads only; ``VehicleRefused`` for a plate that is not one."""
    now = now or datetime.now()
    plate = plate_of(text)
    reg = conn.execute(_REGISTERED_SQL, (plate,)).fetchone()
    return PlateInfo(
        plate=plate,
        registered=VehicleKind(reg[1]) if reg else None,
        owner=reg[2] if reg else None,
        unit=reg[4] if reg else None,
        inside=_stay_of(conn, plate, now),
        blocked=tuple(blocklist.hits(conn, plate=plate)),
    )


def complete(conn: sqlite3.Connection, text: str, limit: int = COMPLETIONS) -> list[str]:
    """Plates that start as ``text`` does: those inside now first, then the registered ones; typed
    without its province character (``B123``), the rest of the plate is matched. Index ranges only."""
    s = _SEPARATORS.sub("", validate.normalise(text)).upper()
    if len(s) < 2:
        return []
    head = s[0] in validate.PROVINCES or s[0] == "使"
    top = s + "\U0010ffff"
    if head:
        inside = conn.execute(
            "SELECT plate FROM vehicle_entry WHERE status = 'inside' AND plate >= ? AND plate < ?"
            " ORDER BY plate LIMIT ?",
            (s, top, limit),
        ).fetchall()
        known = conn.execute(
            "SELECT plate FROM vehicle WHERE plate >= ? AND plate < ? ORDER BY plate LIMIT ?", (s, top, limit)
        ).fetchall()
    else:
        inside = conn.execute(
            "SELECT plate FROM vehicle_entry WHERE status = 'inside' AND substr(plate, 2) >= ?"
            " AND substr(plate, 2) < ? ORDER BY plate LIMIT ?",
            (s, top, limit),
        ).fetchall()
        known = conn.execute(
            "SELECT plate FROM vehicle WHERE substr(plate, 2) >= ? AND substr(plate, 2) < ?"
            " ORDER BY substr(plate, 2) LIMIT ?",
            (s, top, limit),
        ).fetchall()
    found = dict.fromkeys(str(r[0]) for r in [*inside, *known] if r[0])
    return list(found)[:limit]


# --- the fields ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clean:
    plate: str | None
    category: VehicleCategory
    service: Service | None
    vehicle_id: int | None
    unit_id: int | None
    unit: str | None
    driver: str | None
    note: str | None


def _text(value: str, name: str, most: int, problems: list[FieldProblem]) -> str | None:
    from guardpost.text import first_unsafe

    s = validate.normalise(value)
    if not s:
        return None
    bad = first_unsafe(s)
    if bad is not None:
        problems.append(FieldProblem(name, "visit.bad_char", code=bad[1]))
        return None
    if len(s) > most:
        problems.append(FieldProblem(name, "visit.too_long", count=len(s), most=most))
        return None
    return s


def _unit(conn: sqlite3.Connection, text: str, problems: list[FieldProblem]) -> tuple[int | None, str | None]:
    if not text.strip():
        return None, None
    try:
        code = validate.unit_code(text)
    except InvalidValue as exc:
        problems.append(FieldProblem(UNIT, exc.key, **exc.params))
        return None, None
    row = conn.execute("SELECT id FROM unit WHERE code = ?", (code,)).fetchone()
    if row is None:
        problems.append(FieldProblem(UNIT, "visit.no_such_unit", unit=code))
        return None, None
    return int(row[0]), code


def clean(conn: sqlite3.Connection, form: VehicleForm, level: LockdownLevel) -> _Clean:
    """Every field the category asks, checked; ``VehicleRefused`` naming each bad one. A plate is
    needed but for an emergency vehicle; an owner's plate the register does not know, and a
    visitor whose host is to be asked, need the unit."""
    problems: list[FieldProblem] = []
    category = form.category
    plate = None
    if form.plate.strip():
        try:
            plate = validate.plate(form.plate)
        except InvalidValue as exc:
            problems.append(FieldProblem(PLATE, exc.key, **exc.params))
    elif category != VehicleCategory.EMERGENCY:
        problems.append(FieldProblem(PLATE, "visit.required"))
    reg = conn.execute(_REGISTERED_SQL, (plate,)).fetchone() if plate else None
    unit_id, unit = _unit(conn, form.unit, problems)
    if unit_id is None and reg is not None and reg[3] is not None and category == VehicleCategory.OWNER:
        unit_id, unit = int(reg[3]), str(reg[4])  # a resident's registered car: its owner's home
    if unit_id is None and not any(p.field == UNIT for p in problems):
        if category == VehicleCategory.OWNER and plate is not None:
            problems.append(FieldProblem(UNIT, "vehicle.unit_needed"))
        elif needs_consent(category, level):
            problems.append(FieldProblem(UNIT, "vehicle.host_unit_needed"))
    driver = _text(form.driver, DRIVER, DRIVER_MAX, problems)
    note = _text(form.note, NOTE, NOTE_MAX, problems)
    if problems:
        raise VehicleRefused(problems)
    return _Clean(
        plate=plate,
        category=category,
        service=form.service if category == VehicleCategory.EMERGENCY else None,
        vehicle_id=int(reg[0]) if reg else None,
        unit_id=unit_id,
        unit=unit,
        driver=driver,
        note=note,
    )


def parse_service(text: str) -> Service:
    """An emergency vehicle's service as typed: its digit (1-7), its code, or its name in either
    language (``消防``, ``fire``)."""
    from guardpost.i18n import LANGUAGES, t

    s = validate.normalise(text).lower()
    services = list(Service)
    if s.isdigit() and 1 <= int(s) <= len(services):
        return services[int(s) - 1]
    for service in services:
        names = {service.value, *(t(f"vehicle.service.{service}", lang).lower() for lang in LANGUAGES)}
        if s in names:
            return service
    raise InvalidValue(
        "vehicle.bad_service",
        services=", ".join(f"{i} {t(f'vehicle.service.{v}')}" for i, v in enumerate(services, 1)),
    )


# --- in ------------------------------------------------------------------------------------------------


def _open_stays(conn: sqlite3.Connection, plate: str) -> list[int]:
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM vehicle_entry WHERE status = 'inside' AND plate = ? ORDER BY id", (plate,)
        )
    ]


def _free_permit(conn: sqlite3.Connection, stock: int) -> int | None:
    """The lowest number of the physical stock not out now (missing ones stay out until found)."""
    out = {int(r[0]) for r in conn.execute("SELECT permit_no FROM parking_permit WHERE returned_at IS NULL")}
    return next((n for n in range(1, stock + 1) if n not in out), None)


def _permit_out(conn: sqlite3.Connection, entry_ids: list[int]) -> int | None:
    for entry_id in reversed(entry_ids):
        row = conn.execute(
            "SELECT permit_no FROM parking_permit WHERE entry_id = ? AND returned_at IS NULL", (entry_id,)
        ).fetchone()
        if row:
            return int(row[0])
    return None


def _close_unrecorded(conn: sqlite3.Connection, entry_ids: list[int], keep_permit: int | None) -> None:
    """Earlier stays of a plate that came in again: left without an exit logged (no time, no fee);
    a permit they hold that does not carry over went with the vehicle (missing)."""
    for entry_id in entry_ids:
        conn.execute(
            "UPDATE vehicle_entry SET status = 'left', left_unrecorded = 1"
            " WHERE id = ? AND status = 'inside'",
            (entry_id,),
        )
        conn.execute(
            "UPDATE parking_permit SET missing = 1"
            " WHERE entry_id = ? AND returned_at IS NULL AND permit_no IS NOT ?",
            (entry_id, keep_permit),
        )


def _guard_id(guard: Guard | None) -> int | None:
    return guard.id if guard else None


def enter(
    conn: sqlite3.Connection,
    form: VehicleForm,
    *,
    gate: str,
    rules: VehicleRules,
    guard: Guard | None = None,
    now: datetime | None = None,
) -> Entered:
    """Check, decide and store one vehicle at the barrier, in one transaction: the entry (or its
    refusal), its permit, the block list's alarm, the anti-passback warning, the host's answer."""
    now = now or datetime.now()
    with transaction(conn):
        kind = gate_kind(conn, gate)
        here = lockdown.at_gate(conn, gate)
        v = clean(conn, form, here.level)
        hits = blocklist.hits(conn, plate=v.plate) if v.plate else []
        earlier = _open_stays(conn, v.plate) if v.plate else []
        carried = _permit_out(conn, earlier) if needs_permit(v.category) else None
        number = carried or (_free_permit(conn, rules.permit_stock) if needs_permit(v.category) else None)
        consent = form.consent if needs_consent(v.category, here.level) else None
        verdict = decide_entry(
            EntryFacts(
                category=v.category,
                gate_kind=kind,
                level=here.level,
                shut=here.shut,
                blocked=bool(hits),
                consent=consent,
                disinfected=form.disinfected,
                permit_free=number is not None,
            )
        )
        admits = verdict.admits
        limit_at = now + timedelta(minutes=rules.truck_limit_min) if admits and v.category in TRUCKS else None
        cur = conn.execute(
            "INSERT INTO vehicle_entry (plate, category, service, status, reason, vehicle_id, unit_id,"
            " driver, note, consent, disinfected, passback, gate_id, guard_id, at, entered_at, limit_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                v.plate,
                v.category.value,
                v.service.value if v.service else None,
                "inside" if admits else "refused",
                verdict.reason.value,
                v.vehicle_id,
                v.unit_id,
                v.driver,
                v.note,
                consent.value if consent in (ConsentOutcome.GIVEN, ConsentOutcome.REFUSED) else None,
                form.disinfected,
                admits and bool(earlier),
                gate,
                _guard_id(guard),
                stamp(now),
                stamp(now) if admits else None,
                stamp(limit_at) if limit_at else None,
            ),
        )
        entry_id = int(cur.lastrowid or 0)
        if admits and earlier:
            _close_unrecorded(conn, earlier, carried)
            store_event(
                conn,
                Reason.PASSBACK,
                gate=gate,
                lane=Lane.IN,
                at=now,
                source=Source.VEHICLE,
                detail=v.plate,
                guard=guard,
            )
        if admits and carried is not None:
            conn.execute(
                "UPDATE parking_permit SET entry_id = ? WHERE permit_no = ? AND returned_at IS NULL",
                (entry_id, carried),
            )
        elif admits and number is not None:
            conn.execute(
                "INSERT INTO parking_permit (permit_no, entry_id, gate_id, issued_at) VALUES (?, ?, ?, ?)",
                (number, entry_id, gate, stamp(now)),
            )
        if verdict.reason == VehicleReason.BLOCKED:  # rung in the banner like a blocked caller, F5
            store_event(
                conn,
                Reason.VISITOR_BLOCKED,
                gate=gate,
                lane=Lane.IN,
                at=now,
                source=Source.VEHICLE,
                detail=v.plate,
                guard=guard,
            )
        if consent in (ConsentOutcome.GIVEN, ConsentOutcome.REFUSED):  # the host's word: audited
            audit.append(
                conn,
                f"consent.{consent}",
                f"vehicle:{entry_id}",
                f"plate={v.plate} unit={v.unit}",
                actor=actor_of(guard),
                at=now,
            )
    return Entered(
        entry_id=entry_id,
        plate=v.plate,
        category=v.category,
        verdict=verdict,
        level=here.level,
        permit_no=number if admits else None,
        permit_carried=admits and carried is not None,
        unit=v.unit,
        limit_at=limit_at,
        blocked=tuple(hits),
        was_inside=admits and bool(earlier),
        pending=admits and v.category == VehicleCategory.EMERGENCY and (v.plate is None or v.service is None),
    )


def emergency(
    conn: sqlite3.Connection,
    *,
    gate: str,
    rules: VehicleRules,
    plate: str = "",
    service: Service | None = None,
    guard: Guard | None = None,
    now: datetime | None = None,
) -> Entered:
    """An emergency or public-service vehicle let in at once (one key): logged now, its details
    (plate, service, driver, what for) completed afterwards with ``complete_details``."""
    form = VehicleForm(plate, VehicleCategory.EMERGENCY, service=service)
    return enter(conn, form, gate=gate, rules=rules, guard=guard, now=now)


@dataclass
class Details:
    """An emergency vehicle's details, typed after it was let in."""

    plate: str
    service: str  # its digit, code or name (``parse_service``)
    driver: str = ""
    note: str = ""


def complete_details(
    conn: sqlite3.Connection,
    entry_id: int,
    details: Details,
    *,
    gate: str,
    guard: Guard | None = None,
    now: datetime | None = None,
) -> InsideVehicle | None:
    """The details of an emergency vehicle let in before they were known, stored and audited (a
    plate on the block list still rings; another open stay of it is closed, as at an entry).
    Returns the stay as it is now (None once it has left)."""
    now = now or datetime.now()
    problems: list[FieldProblem] = []
    plate = None
    if not details.plate.strip():
        problems.append(FieldProblem(PLATE, "visit.required"))
    else:
        try:
            plate = validate.plate(details.plate)
        except InvalidValue as exc:
            problems.append(FieldProblem(PLATE, exc.key, **exc.params))
    service = None
    if not details.service.strip():
        problems.append(FieldProblem(SERVICE, "visit.required"))
    else:
        try:
            service = parse_service(details.service)
        except InvalidValue as exc:
            problems.append(FieldProblem(SERVICE, exc.key, **exc.params))
    driver = _text(details.driver, DRIVER, DRIVER_MAX, problems)
    note = _text(details.note, NOTE, NOTE_MAX, problems)
    if problems:
        raise VehicleRefused(problems)
    assert plate is not None and service is not None
    with transaction(conn):
        row = conn.execute("SELECT category, status FROM vehicle_entry WHERE id = ?", (entry_id,)).fetchone()
        if row is None or row[0] != VehicleCategory.EMERGENCY or row[1] == "refused":
            raise VehicleError("vehicle.not_emergency", None, entry=entry_id)
        others = [i for i in _open_stays(conn, plate) if i != entry_id] if row[1] == "inside" else []
        conn.execute(
            "UPDATE vehicle_entry SET plate = ?, service = ?, driver = ?, note = ?, details_at = ?,"
            " passback = passback OR ? WHERE id = ?",
            (plate, service.value, driver, note, stamp(now), bool(others), entry_id),
        )
        if others:
            _close_unrecorded(conn, others, None)
        if blocklist.hits(conn, plate=plate):
            store_event(
                conn,
                Reason.VISITOR_BLOCKED,
                gate=gate,
                lane=Lane.IN,
                at=now,
                source=Source.VEHICLE,
                detail=plate,
                guard=guard,
            )
        audit.append(
            conn,
            "vehicle.details",
            f"vehicle:{entry_id}",
            f"plate={plate} service={service}",
            actor=actor_of(guard),
            at=now,
        )
        return _stay_by_id(conn, entry_id, now)


# --- out -----------------------------------------------------------------------------------------------


def _exit_category(
    conn: sqlite3.Connection, plate: str | None, stay: InsideVehicle | None, given: VehicleCategory | None
) -> VehicleCategory | None:
    if stay is not None:
        return stay.category
    if given is not None:
        return given
    reg = conn.execute("SELECT kind FROM vehicle WHERE plate = ?", (plate,)).fetchone() if plate else None
    return KIND_CATEGORY.get(VehicleKind(reg[0])) if reg else None


def _the_stay(
    conn: sqlite3.Connection, text: str, entry_id: int | None, now: datetime
) -> tuple[str | None, InsideVehicle | None]:
    """The plate and its open stay; by ``entry_id``, a stay picked on the board (an emergency
    vehicle let in without its plate has only that)."""
    if entry_id is None:
        plate = plate_of(text)
        return plate, _stay_of(conn, plate, now)
    stay = _stay_by_id(conn, entry_id, now)
    if stay is None:
        raise VehicleError("vehicle.not_inside", None, entry=entry_id)
    return stay.plate, stay


def leaving(
    conn: sqlite3.Connection,
    text: str = "",
    *,
    gate: str,
    rules: VehicleRules,
    entry_id: int | None = None,
    category: VehicleCategory | None = None,
    now: datetime | None = None,
) -> Leaving:
    """What letting this plate (or this stay) out would do now: its stay, the fee so far, whether
    it may leave. Reads only."""
    now = now or datetime.now()
    plate, stay = _the_stay(conn, text, entry_id, now)
    cat = _exit_category(conn, plate, stay, category)
    here = lockdown.at_gate(conn, gate)
    verdict = decide_exit(cat, here.level, here.shut) if cat is not None else None
    fee = rules.fee(stay.category, stay.entered_at, now) if stay is not None else None
    return Leaving(plate, stay, cat, verdict, fee)


def leave(
    conn: sqlite3.Connection,
    text: str = "",
    *,
    gate: str,
    rules: VehicleRules,
    entry_id: int | None = None,
    permit_returned: bool = True,
    category: VehicleCategory | None = None,
    guard: Guard | None = None,
    now: datetime | None = None,
) -> Left:
    """A vehicle out, in one transaction: its stay closed, its permit back (or recorded as missing,
    the fee computed all the same), the fee and its receipt. A plate with no stay on record leaves
    too (the exit recorded by itself: ``category`` says what it was, else its registration, else
    ``VehicleRefused`` asks for it). A refused exit (a shut gate, the closed level) writes nothing."""
    now = now or datetime.now()
    with transaction(conn):
        plate, stay = _the_stay(conn, text, entry_id, now)
        here = lockdown.at_gate(conn, gate)
        cat = _exit_category(conn, plate, stay, category)
        if cat is None:
            raise VehicleRefused([FieldProblem(CATEGORY, "vehicle.category_needed")])
        verdict = decide_exit(cat, here.level, here.shut)
        if not verdict.admits:
            entered = stay.entered_at if stay else None
            return Left(stay.entry_id if stay else 0, plate, cat, verdict, entered, None)
        if stay is None:
            return _exit_alone(conn, plate or "", cat, verdict, gate=gate, guard=guard, now=now)
        conn.execute(
            "UPDATE vehicle_entry SET status = 'left', left_at = ?, left_gate_id = ?, left_guard_id = ?"
            " WHERE id = ? AND status = 'inside'",
            (stamp(now), gate, _guard_id(guard), stay.entry_id),
        )
        fee = rules.fee(cat, stay.entered_at, now)
        receipt_no = _receipt(conn, stay, fee, gate=gate, guard=guard, now=now)
        missing = stay.permit_no is not None and not permit_returned
        if stay.permit_no is not None:
            _permit_back(conn, stay, returned=permit_returned, guard=guard, now=now)
    return Left(
        stay.entry_id,
        plate,
        cat,
        verdict,
        stay.entered_at,
        now,
        fee=fee,
        receipt_no=receipt_no,
        permit_no=stay.permit_no,
        permit_missing=missing,
        overstay_min=_over_min(now, stay.limit_at),
    )


def _exit_alone(
    conn: sqlite3.Connection,
    plate: str,
    category: VehicleCategory,
    verdict: VehicleVerdict,
    *,
    gate: str,
    guard: Guard | None,
    now: datetime,
) -> Left:
    """An exit with no entry on record (its entry was not logged): recorded by itself, no fee."""
    reg = conn.execute("SELECT id FROM vehicle WHERE plate = ?", (plate,)).fetchone()
    cur = conn.execute(
        "INSERT INTO vehicle_entry (plate, category, status, reason, vehicle_id, gate_id, guard_id, at,"
        " left_at, left_gate_id, left_guard_id) VALUES (?, ?, 'left', ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            plate,
            category.value,
            verdict.reason.value,
            reg[0] if reg else None,
            gate,
            _guard_id(guard),
            stamp(now),
            stamp(now),
            gate,
            _guard_id(guard),
        ),
    )
    return Left(int(cur.lastrowid or 0), plate, category, verdict, None, now, no_entry=True)


def _receipt(
    conn: sqlite3.Connection,
    stay: InsideVehicle,
    fee: Fee | None,
    *,
    gate: str,
    guard: Guard | None,
    now: datetime,
) -> str | None:
    """A charged fee's receipt (its number the next of the sequence), audited: money taken."""
    if fee is None or not fee.charged:
        return None
    cur = conn.execute(
        "INSERT INTO parking_receipt (entry_id, at, gate_id, guard_id, minutes, free_min, hours, fee_cents)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (stay.entry_id, stamp(now), gate, _guard_id(guard), fee.minutes, fee.free_min, fee.hours, fee.cents),
    )
    number = receipt_number(int(cur.lastrowid or 0))
    audit.append(
        conn,
        "vehicle.fee",
        number,
        f"plate={stay.plate} fee={yuan(fee.cents)}",
        actor=actor_of(guard),
        at=now,
    )
    return number


def _permit_back(
    conn: sqlite3.Connection, stay: InsideVehicle, *, returned: bool, guard: Guard | None, now: datetime
) -> None:
    """The stay's permit handed back, or recorded as missing (the guard's word, audited)."""
    if returned:
        conn.execute(
            "UPDATE parking_permit SET returned_at = ? WHERE entry_id = ? AND returned_at IS NULL",
            (stamp(now), stay.entry_id),
        )
        return
    conn.execute(
        "UPDATE parking_permit SET missing = 1 WHERE entry_id = ? AND returned_at IS NULL", (stay.entry_id,)
    )
    audit.append(
        conn,
        "vehicle.permit_missing",
        str(stay.permit_no),
        f"plate={stay.plate}",
        actor=actor_of(guard),
        at=now,
    )


# --- permits ----------------------------------------------------------------------------------------


def permits_free(conn: sqlite3.Connection, stock: int) -> int:
    """How many of the physical permits are in the booth now."""
    out = conn.execute(
        "SELECT count(*) FROM parking_permit WHERE returned_at IS NULL AND permit_no <= ?", (stock,)
    ).fetchone()[0]
    return max(0, stock - int(out))


def unreturned_permits(conn: sqlite3.Connection, as_of: datetime) -> list[OutPermit]:
    """The permits not back in the booth at ``as_of``, by number: with a vehicle still inside, or
    gone with one that left without handing it back (listed for the handover)."""
    at = stamp(as_of)
    rows = conn.execute(
        "SELECT pp.permit_no, e.plate, pp.entry_id, pp.gate_id, pp.issued_at,"
        " CASE WHEN e.left_at IS NOT NULL AND e.left_at <= ? THEN e.left_at"
        "      WHEN e.left_unrecorded AND pp.missing THEN coalesce(e.left_at, pp.issued_at) END"
        " FROM parking_permit pp JOIN vehicle_entry e ON e.id = pp.entry_id"
        " WHERE pp.issued_at <= ? AND (pp.returned_at IS NULL OR pp.returned_at > ?) ORDER BY pp.permit_no",
        (at, at, at),
    ).fetchall()
    return [
        OutPermit(int(r[0]), r[1], int(r[2]), str(r[3]), datetime.fromisoformat(r[4]), _when(r[5]))
        for r in rows
    ]


def restock_permit(conn: sqlite3.Connection, number: int, *, by: str, now: datetime | None = None) -> None:
    """A missing permit found (or a new one made with its number): back in the stock. A
    supervisor's decision, audited."""
    now = now or datetime.now()
    with transaction(conn):
        done = conn.execute(
            "UPDATE parking_permit SET returned_at = ?, restocked_by = ? WHERE permit_no = ?"
            " AND returned_at IS NULL AND missing",
            (stamp(now), by, number),
        ).rowcount
        if not done:
            raise VehicleError("vehicle.permit_not_missing", None, number=number)
        audit.append(conn, "vehicle.permit_restock", str(number), actor=by, at=now)


# --- who is inside, the shift, the register -------------------------------------------------------------


def inside(conn: sqlite3.Connection, now: datetime | None = None) -> list[InsideVehicle]:
    """Every vehicle inside now, the longest there first; trucks past their limit marked."""
    now = now or datetime.now()
    rows = conn.execute(
        f"SELECT {_INSIDE_COLUMNS} {_INSIDE_FROM} WHERE e.status = 'inside' ORDER BY e.entered_at, e.id"
    ).fetchall()
    return [_inside_row(r, now) for r in rows]


def shift_summary(conn: sqlite3.Connection, gate: str, start: datetime, end: datetime) -> ShiftVehicles:
    """What a shift at ``gate`` saw, as it stood at ``end``: entries and exits by category, refusals,
    plates in twice, trucks past their limit, fees taken (with their receipts), permits."""
    s, e = stamp(start), stamp(end)
    ins = dict(
        conn.execute(
            "SELECT category, count(*) FROM vehicle_entry WHERE at >= ? AND at < ? AND gate_id = ?"
            " AND entered_at IS NOT NULL GROUP BY category",
            (s, e, gate),
        ).fetchall()
    )
    outs = dict(
        conn.execute(
            "SELECT category, count(*) FROM vehicle_entry WHERE left_at >= ? AND left_at < ?"
            " AND left_gate_id = ? GROUP BY category",
            (s, e, gate),
        ).fetchall()
    )
    refused, passbacks = conn.execute(
        "SELECT coalesce(sum(entered_at IS NULL AND left_at IS NULL), 0), coalesce(sum(passback), 0)"
        " FROM vehicle_entry WHERE at >= ? AND at < ? AND gate_id = ?",
        (s, e, gate),
    ).fetchone()
    over_rows = conn.execute(
        "SELECT id, plate, category, entered_at, limit_at, left_at FROM vehicle_entry"
        " WHERE left_at >= ? AND limit_at IS NOT NULL AND limit_at < min(left_at, ?) AND entered_at < ?"
        " AND gate_id = ?"
        " UNION ALL SELECT id, plate, category, entered_at, limit_at, NULL FROM vehicle_entry"
        " WHERE status = 'inside' AND limit_at IS NOT NULL AND limit_at < ? AND gate_id = ?"
        " ORDER BY 4",
        (s, e, e, gate, e, gate),
    ).fetchall()
    overstays = []
    for rid, plate, cat, entered, limit, left in over_rows:
        left_at = _when(left)
        until = left_at if left_at is not None and left_at < end else end
        limit_at = datetime.fromisoformat(limit)
        overstays.append(
            Overstay(
                int(rid),
                plate,
                VehicleCategory(cat),
                datetime.fromisoformat(entered),
                limit_at,
                left_at if left_at is not None and left_at < end else None,
                int((until - limit_at).total_seconds() // 60),
            )
        )
    receipts = tuple(
        ReceiptRow(
            receipt_number(int(r[0])), r[1], datetime.fromisoformat(r[2]), int(r[3]), int(r[4]), int(r[5])
        )
        for r in conn.execute(
            "SELECT r.id, e.plate, r.at, r.minutes, r.hours, r.fee_cents FROM parking_receipt r"
            " JOIN vehicle_entry e ON e.id = r.entry_id WHERE r.at >= ? AND r.at < ? AND r.gate_id = ?"
            " ORDER BY r.id",
            (s, e, gate),
        )
    )
    issued = conn.execute(
        "SELECT count(*) FROM parking_permit WHERE issued_at >= ? AND issued_at < ? AND gate_id = ?",
        (s, e, gate),
    ).fetchone()[0]
    missing = conn.execute(
        "SELECT count(*) FROM vehicle_entry e JOIN parking_permit pp ON pp.entry_id = e.id"
        " WHERE e.left_at >= ? AND e.left_at < ? AND e.left_gate_id = ? AND pp.missing",
        (s, e, gate),
    ).fetchone()[0]
    return ShiftVehicles(
        counts=tuple(
            CategoryCount(c, int(ins.get(c.value, 0)), int(outs.get(c.value, 0))) for c in VehicleCategory
        ),
        refused=int(refused),
        passbacks=int(passbacks),
        overstays=tuple(overstays),
        receipts=receipts,
        permits_issued=int(issued),
        permits_missing=int(missing),
    )


def entries(
    conn: sqlite3.Connection, *, day: date | None = None, plate: str | None = None, limit: int = 200
) -> list[EntryRow]:
    """The register, newest first: of one day, or of one plate."""
    sql = (
        "SELECT e.id, e.plate, e.category, e.service, e.status, e.reason, u.code, e.driver, e.gate_id, e.at,"
        " e.entered_at, e.left_at, e.left_unrecorded,"
        " (SELECT permit_no FROM parking_permit WHERE entry_id = e.id ORDER BY id DESC LIMIT 1),"
        " r.id, r.fee_cents"
        " FROM vehicle_entry e LEFT JOIN unit u ON u.id = e.unit_id"
        " LEFT JOIN parking_receipt r ON r.entry_id = e.id"
        " WHERE 1 = 1"
    )
    args: list[object] = []
    if plate is not None:
        sql += " AND e.plate = ?"
        args.append(plate_of(plate))
    if day is not None:
        first = datetime.combine(day, time())
        sql += " AND e.at >= ? AND e.at < ?"
        args += [stamp(first), stamp(first + timedelta(days=1))]
    sql += " ORDER BY e.id DESC LIMIT ?"
    args.append(limit)
    return [
        EntryRow(
            entry_id=int(r[0]),
            plate=r[1],
            category=VehicleCategory(r[2]),
            service=Service(r[3]) if r[3] else None,
            status=str(r[4]),
            reason=VehicleReason(r[5]),
            unit=r[6],
            driver=r[7],
            gate_id=str(r[8]),
            at=datetime.fromisoformat(r[9]),
            entered_at=_when(r[10]),
            left_at=_when(r[11]),
            left_unrecorded=bool(r[12]),
            permit_no=int(r[13]) if r[13] is not None else None,
            receipt_no=receipt_number(int(r[14])) if r[14] is not None else None,
            fee_cents=int(r[15]) if r[15] is not None else None,
        )
        for r in conn.execute(sql, args)
    ]


# --- what the guard is told (the screen and the CLI say the same) -------------------------------------


def stay_text(minutes: int, lang: str | None = None) -> str:
    from guardpost.i18n import t

    if minutes < 60:
        return t("vehicle.stay_minutes", lang, minutes=minutes)
    return t("vehicle.stay", lang, hours=minutes // 60, minutes=minutes % 60)


def said_entry(done: Entered, lang: str | None = None) -> str:
    """An entry as the guard is told it: the decision and why, the permit, the limit, a warning."""
    from guardpost.i18n import t

    plate = done.plate or t("vehicle.no_plate", lang)
    lines = [
        t(
            "vehicle.entered" if done.verdict.admits else "vehicle.refused_line",
            lang,
            plate=plate,
            category=t(f"vehicle.category.{done.category}", lang),
            reason=t(f"vehicle.reason.{done.verdict.reason}", lang),
        )
    ]
    if not done.verdict.admits:
        lines.append(t(f"vehicle.hint.{done.verdict.reason}", lang))
    for hit in done.blocked:
        lines.append(t("visit.blocked_because", lang, reason=hit.reason))
    if done.permit_no is not None:
        key = "vehicle.permit_kept" if done.permit_carried else "vehicle.permit_issued"
        lines.append(t(key, lang, number=done.permit_no))
    if done.limit_at is not None:
        lines.append(t("vehicle.limit", lang, at=f"{done.limit_at:%H:%M}"))
    if done.was_inside:
        lines.append(t("vehicle.was_inside", lang))
    if done.pending:
        lines.append(t("vehicle.complete_later", lang, entry=done.entry_id))
    return "\n".join(lines)


def said_fee(fee: Fee | None, lang: str | None = None) -> str:
    from guardpost.i18n import t

    if fee is None:
        return t("vehicle.fee_none", lang)
    if fee.backwards:
        return t("vehicle.fee_backwards", lang)
    if not fee.charged:
        return t("vehicle.fee_free", lang, stay=stay_text(fee.minutes, lang), free=fee.free_min)
    return t(
        "vehicle.fee_charged", lang, stay=stay_text(fee.minutes, lang), hours=fee.hours, fee=yuan(fee.cents)
    )


def said_exit(done: Left, lang: str | None = None) -> str:
    """An exit as the guard is told it: the stay, the fee and its receipt, the permit."""
    from guardpost.i18n import t

    category = t(f"vehicle.category.{done.category}", lang)
    plate = done.plate or t("vehicle.no_plate", lang)
    if not done.verdict.admits:
        return "\n".join(
            [
                t(
                    "vehicle.exit_refused",
                    lang,
                    plate=plate,
                    category=category,
                    reason=t(f"vehicle.reason.{done.verdict.reason}", lang),
                ),
                t(f"vehicle.hint.{done.verdict.reason}", lang),
            ]
        )
    if done.no_entry:
        return t("vehicle.left_no_entry", lang, plate=plate, category=category)
    lines = [t("vehicle.left", lang, plate=plate, category=category)]
    if done.fee is not None or done.category in TRUCKS:
        lines.append(said_fee(done.fee, lang))
    if done.receipt_no:
        lines.append(
            t("vehicle.receipt", lang, number=done.receipt_no, fee=yuan(done.fee.cents if done.fee else 0))
        )
    if done.overstay_min:
        lines.append(t("vehicle.overstayed", lang, minutes=done.overstay_min))
    if done.permit_no is not None:
        key = "vehicle.permit_missing" if done.permit_missing else "vehicle.permit_returned"
        lines.append(t(key, lang, number=done.permit_no))
    return "\n".join(lines)


__all__ = [
    "CategoryCount",
    "Details",
    "Entered",
    "EntryRow",
    "InsideVehicle",
    "Leaving",
    "Left",
    "OutPermit",
    "Overstay",
    "PlateInfo",
    "ReceiptRow",
    "ShiftVehicles",
    "VehicleError",
    "VehicleForm",
    "VehicleRefused",
    "VehicleRules",
    "clean",
    "complete",
    "complete_details",
    "emergency",
    "enter",
    "entries",
    "inside",
    "leave",
    "leaving",
    "look_up",
    "parse_service",
    "plate_of",
    "receipt_number",
    "restock_permit",
    "said_entry",
    "said_exit",
    "said_fee",
    "shift_summary",
    "unreturned_permits",
]
