"""The data model: one SQLModel table per thing the booth keeps (DOMAIN.md).

The schema itself is created and upgraded by the ordered SQL migrations in
``guardpost/migrations/``; these classes map onto those tables, and a test checks that the two agree.
Times are local wall-clock times (one compound, one time zone). The enumerations are the booth's
words from ``guardpost.domain``, stored as their values (``sa_type=String``: SQLAlchemy's own Enum
type would store the member *name*).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import NaiveDatetime
from sqlalchemy import String
from sqlmodel import Field, SQLModel

from guardpost.domain import (
    BlockKind,
    CardKind,
    CardStatus,
    ConsentChannel,
    ConsentOutcome,
    Decision,
    GateKind,
    GuardRole,
    Lane,
    LockdownLevel,
    LogKind,
    PersonRole,
    Reason,
    VehicleKind,
    VisitCategory,
    VisitReason,
    VisitStatus,
)
from guardpost.policy.items import ReleaseHow, ReleaseReason, SlipStatus


class Gate(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=32)
    name_zh: str
    name_en: str
    kind: GateKind = Field(default=GateKind.PEDESTRIAN, sa_type=String)
    is_open: bool = True


class Unit(SQLModel, table=True):
    """A home: 楼栋-单元-房号, e.g. ``3-2-1201``."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    building: int
    entrance: int
    room: str


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    role: PersonRole = Field(sa_type=String)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    phone: str | None = None
    id_last4: str | None = Field(default=None, max_length=4)
    special_care: str | None = None
    created_at: NaiveDatetime = Field(default_factory=datetime.now)


class Card(SQLModel, table=True):
    """A card, keyed by its canonical UID: the raw UID bytes in read order, as uppercase hex."""

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, index=True, max_length=20)
    kind: CardKind = Field(sa_type=String)
    status: CardStatus = Field(default=CardStatus.ACTIVE, sa_type=String)
    valid_from: date | None = None
    valid_until: date | None = None
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    updated_at: NaiveDatetime = Field(default_factory=datetime.now)


class Vehicle(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plate: str = Field(unique=True, index=True)
    kind: VehicleKind = Field(default=VehicleKind.OWNER, sa_type=String)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)


class Guard(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    role: GuardRole = Field(default=GuardRole.GUARD, sa_type=String)
    pin_hash: str
    active: bool = True


class AccessEvent(SQLModel, table=True):
    """One card swipe or manual admission and its decision. Append-only (triggers refuse changes).

    Schema 3: an allowed swipe writes this row and nothing else; the indexes are partial (refused
    rows, manual admissions) and a card's events are in ``event_card``, filled off the swipe path.
    """

    __tablename__ = "access_event"

    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime
    gate_id: str = Field(foreign_key="gate.id")
    lane: Lane = Field(sa_type=String)
    uid: str | None = None
    card_id: int | None = Field(default=None, foreign_key="card.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    decision: Decision = Field(sa_type=String)
    reason: Reason = Field(sa_type=String)
    source: str
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    as_read: str | None = None  # what the reader typed, when it is not the UID (schema 3)
    detail: str | None = None  # a bad read: the reader format it was read with (schema 3)
    visit_id: int | None = None  # a visitor's alarm (schema 5); not a foreign key: it outlives the visit


class Visit(SQLModel, table=True):
    """A caller at the gate (``guardpost.visits``): only what the category needs is filled in."""

    id: int | None = Field(default=None, primary_key=True)
    category: VisitCategory = Field(sa_type=String)
    status: VisitStatus = Field(sa_type=String)
    reason: VisitReason = Field(sa_type=String)
    name: str | None = None
    phone: str | None = None
    id_last4: str | None = Field(default=None, max_length=4)
    id_hash: str | None = None
    company: str | None = None
    plate: str | None = None
    note: str | None = None
    host_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    created_at: NaiveDatetime
    valid_from: NaiveDatetime | None = None
    valid_until: NaiveDatetime | None = None
    entered_at: NaiveDatetime | None = None
    expected_leave_at: NaiveDatetime | None = None
    left_at: NaiveDatetime | None = None
    left_gate_id: str | None = Field(default=None, foreign_key="gate.id")
    auto_signed_out: bool = False
    revoked_at: NaiveDatetime | None = None
    revoked_by: str | None = None


class Consent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id")
    channel: ConsentChannel | None = Field(default=None, sa_type=String)
    outcome: ConsentOutcome = Field(sa_type=String)
    by_whom: str | None = None
    reason: str | None = None
    at: NaiveDatetime
    guard_id: int | None = Field(default=None, foreign_key="guard.id")


class Blocklist(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: BlockKind = Field(sa_type=String)
    value: str
    id_last4: str | None = Field(default=None, max_length=4)
    reason: str
    added_by: str
    added_at: NaiveDatetime
    removed_at: NaiveDatetime | None = None
    removed_by: str | None = None


class CompoundSecret(SQLModel, table=True):
    __tablename__ = "compound_secret"

    name: str = Field(primary_key=True)
    value: bytes


class PersonPinyin(SQLModel, table=True):
    __tablename__ = "person_pinyin"

    person_id: int = Field(primary_key=True, foreign_key="person.id")
    initials: str
    full: str = Field(primary_key=True)


class TemperatureReading(SQLModel, table=True):
    __tablename__ = "temperature_reading"

    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime
    celsius: float
    fever: bool
    mask: bool | None = None
    person_id: int | None = Field(default=None, foreign_key="person.id")
    event_id: int | None = Field(default=None, foreign_key="access_event.id")
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    escalation_closed_at: NaiveDatetime | None = None


class Shift(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int = Field(foreign_key="guard.id")
    started_at: NaiveDatetime
    ended_at: NaiveDatetime | None = None
    handed_to_guard_id: int | None = Field(default=None, foreign_key="guard.id")
    accepted_at: NaiveDatetime | None = None
    notes: str | None = None
    handover: str | None = None  # 'accepted' (by the incoming guard's PIN) or 'taken_over' (schema 6)


class ShiftItem(SQLModel, table=True):
    """Equipment counted at a handover against the number expected (schema 6)."""

    __tablename__ = "shift_item"

    shift_id: int = Field(primary_key=True, foreign_key="shift.id")
    item: str = Field(primary_key=True)
    expected: int
    counted: int


class ShiftCorrection(SQLModel, table=True):
    """A supervisor's correction to a closed shift (schema 6); never an edit in place."""

    __tablename__ = "shift_correction"

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int = Field(foreign_key="shift.id")
    at: NaiveDatetime
    guard_id: int = Field(foreign_key="guard.id")
    text: str


class PatrolRound(SQLModel, table=True):
    """A patrol round (schema 6)."""

    __tablename__ = "patrol_round"

    id: int | None = Field(default=None, primary_key=True)
    shift_id: int | None = Field(default=None, foreign_key="shift.id")
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    started_at: NaiveDatetime
    ended_at: NaiveDatetime | None = None
    findings: str | None = None


class PatrolCheck(SQLModel, table=True):
    """A checkpoint of a round, ticked by key or scanned (schema 6)."""

    __tablename__ = "patrol_check"

    round_id: int = Field(primary_key=True, foreign_key="patrol_round.id")
    checkpoint: str = Field(primary_key=True)
    at: NaiveDatetime
    how: str


class LogEntry(SQLModel, table=True):
    """Duty, patrol, incident and rectification entries."""

    __tablename__ = "log_entry"

    id: int | None = Field(default=None, primary_key=True)
    kind: LogKind = Field(sa_type=String)
    at: NaiveDatetime
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    place: str | None = None
    text: str
    handled_by: str | None = None
    usb_label: str | None = None
    deadline: date | None = None
    closed_at: NaiveDatetime | None = None
    shift_id: int | None = Field(default=None, foreign_key="shift.id")  # schema 6
    category: str | None = None  # an incident's kind (schema 6)
    reported_to: str | None = None


class Lockdown(SQLModel, table=True):
    """Lockdown level history: the newest row covering a gate is the level in force there
    (scope 'compound' or gate ids, comma-separated); ``entrance``: the one gate open when closed."""

    id: int | None = Field(default=None, primary_key=True)
    level: LockdownLevel = Field(sa_type=String)
    scope: str
    started_at: NaiveDatetime
    ordered_by: str
    note: str | None = None
    entrance: str | None = Field(default=None, foreign_key="gate.id")


class Audit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime
    actor: str
    action: str
    subject: str
    detail: str | None = None
    prev_hash: str | None = None  # schema 6: the hash chain (guardpost.audit)
    hash: str | None = None


class AlarmAck(SQLModel, table=True):
    """A guard's acknowledgement of an alarm event (added in schema 2)."""

    __tablename__ = "alarm_ack"

    event_id: int = Field(primary_key=True, foreign_key="access_event.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    guard_name: str
    at: NaiveDatetime


class EventCard(SQLModel, table=True):
    """Which events each card made (schema 3), filled in batches by ``events.index_cards``."""

    __tablename__ = "event_card"

    card_id: int = Field(primary_key=True)  # a card's id, copied from access_event (no foreign key:
    event_id: int = Field(primary_key=True)  # the table is an index of access_event, kept by hand)


class EventCardUpto(SQLModel, table=True):
    """How far ``event_card`` has got: every event up to ``event_id`` is in it (one row)."""

    __tablename__ = "event_card_upto"

    id: int = Field(default=1, primary_key=True)
    event_id: int


# --- issue 12: vehicles ---
class VehicleEntry(SQLModel, table=True):
    """One stay of a vehicle (schema 7, ``guardpost.vehicles``): its entry or refusal, then its exit.
    ``category``, ``service`` and ``reason`` are ``policy.vehicles`` values; ``plate`` is empty only
    for an emergency vehicle admitted before its details were known."""

    __tablename__ = "vehicle_entry"

    id: int | None = Field(default=None, primary_key=True)
    plate: str | None = None
    category: str
    service: str | None = None
    status: str  # inside | left | refused
    reason: str
    vehicle_id: int | None = Field(default=None, foreign_key="vehicle.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    driver: str | None = None
    note: str | None = None
    consent: str | None = None  # given | refused: the host's answer (restricted level)
    disinfected: bool = False
    passback: bool = False  # the plate was inside already when it came in
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    at: NaiveDatetime
    entered_at: NaiveDatetime | None = None
    limit_at: NaiveDatetime | None = None
    left_at: NaiveDatetime | None = None
    left_gate_id: str | None = Field(default=None, foreign_key="gate.id")
    left_guard_id: int | None = Field(default=None, foreign_key="guard.id")
    left_unrecorded: bool = False
    details_at: NaiveDatetime | None = None


class ParkingPermit(SQLModel, table=True):
    """A temporary parking permit (临时停车证) handed out at a visitor's entry (schema 7)."""

    __tablename__ = "parking_permit"

    id: int | None = Field(default=None, primary_key=True)
    permit_no: int
    entry_id: int = Field(foreign_key="vehicle_entry.id")
    gate_id: str = Field(foreign_key="gate.id")
    issued_at: NaiveDatetime
    returned_at: NaiveDatetime | None = None
    missing: bool = False
    restocked_by: str | None = None


class ParkingReceipt(SQLModel, table=True):
    """A fee taken at an exit (schema 7): the receipt number is the id, never used twice."""

    __tablename__ = "parking_receipt"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="vehicle_entry.id", unique=True)
    at: NaiveDatetime
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    minutes: int
    free_min: int
    hours: int
    fee_cents: int


# --- issue 12: renovation ---
class RenovationPermit(SQLModel, table=True):
    """A unit's renovation permit (schema 8, ``guardpost.renovation``): who does the work, when
    (dates, daily hours, ISO weekday digits) and where, and what may not be brought in."""

    __tablename__ = "renovation_permit"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    company: str
    responsible: str
    phone: str
    starts_on: date
    ends_on: date
    work_from: str  # HH:MM
    work_until: str
    work_days: str  # '123456': Monday to Saturday
    area: str
    restricted: str = ""  # material codes, comma-separated
    issued_by: str
    issued_at: NaiveDatetime
    revoked_at: NaiveDatetime | None = None
    revoked_by: str | None = None
    revoked_reason: str | None = None


class WorkerPass(SQLModel, table=True):
    """A worker's entry pass (出入证) on a permit; ``pass_key`` is what typing is matched on."""

    __tablename__ = "worker_pass"

    id: int | None = Field(default=None, primary_key=True)
    permit_id: int = Field(foreign_key="renovation_permit.id", index=True)
    pass_no: str
    pass_key: str = Field(unique=True)
    name: str
    phone: str | None = None
    id_last4: str | None = Field(default=None, max_length=4)
    photo_ref: str | None = None
    valid_until: date
    added_at: NaiveDatetime
    added_by: str


class WorkerEntry(SQLModel, table=True):
    """A pass checked at the gate (schema 8): admitted (with its visit) or refused, and why."""

    __tablename__ = "worker_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    pass_id: int | None = Field(default=None, foreign_key="worker_pass.id")
    permit_id: int | None = Field(default=None, foreign_key="renovation_permit.id")
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    typed: str | None = None
    outcome: str
    reason: str


class PermitMaterial(SQLModel, table=True):
    """A restricted material seen at entry, recorded against the permit (schema 8)."""

    __tablename__ = "permit_material"

    id: int | None = Field(default=None, primary_key=True)
    permit_id: int = Field(foreign_key="renovation_permit.id")
    entry_id: int | None = Field(default=None, foreign_key="worker_entry.id")
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    material: str
    at: NaiveDatetime
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")


# --- issue 12: release slips ---
class ReleaseSlip(SQLModel, table=True):
    """A release slip (放行条, schema 9): issued by the service centre for a unit's items, collected
    at the gate; ``slip_no`` is made from the id (``release_slips.slip_number``)."""

    __tablename__ = "release_slip"

    id: int | None = Field(default=None, primary_key=True)
    slip_no: str = Field(unique=True)
    unit_id: int = Field(foreign_key="unit.id")
    items: str
    carrier: str  # who may carry them out
    valid_from: NaiveDatetime
    valid_until: NaiveDatetime
    issued_at: NaiveDatetime
    issued_by: str
    status: SlipStatus = Field(default=SlipStatus.OPEN, sa_type=String)
    collected_at: NaiveDatetime | None = None
    collected_gate_id: str | None = Field(default=None, foreign_key="gate.id")
    collected_guard_id: int | None = Field(default=None, foreign_key="guard.id")
    collected_shift_id: int | None = Field(default=None, foreign_key="shift.id")
    keep_until: date


class ItemRelease(SQLModel, table=True):
    """The release register (schema 9): items out at a gate, or refused, on a slip or after hours."""

    __tablename__ = "item_release"

    id: int | None = Field(default=None, primary_key=True)
    at: NaiveDatetime
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    shift_id: int | None = Field(default=None, foreign_key="shift.id")
    how: ReleaseHow = Field(sa_type=String)
    released: bool
    reason: ReleaseReason = Field(sa_type=String)
    slip_id: int | None = Field(default=None, foreign_key="release_slip.id")
    slip_no: str | None = None  # as typed or scanned, a number no slip has too
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    card_id: int | None = Field(default=None, foreign_key="card.id")
    event_id: int | None = Field(default=None, foreign_key="access_event.id")
    id_last4: str | None = Field(default=None, max_length=4)
    items: str | None = None
    keep_until: date


# --- issue 12: lockdown ---


# --- issue 12: quarantine ---
class QuarantineHousehold(SQLModel, table=True):
    """A unit under home quarantine (schema 11, ``guardpost.quarantine``): its days, both included;
    ``ended_at`` when it was ended before its last day."""

    __tablename__ = "quarantine_household"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    starts_on: date
    ends_on: date
    note: str | None = None
    added_by: str
    added_at: NaiveDatetime
    ended_at: NaiveDatetime | None = None
    ended_by: str | None = None


class QuarantineMember(SQLModel, table=True):
    """A person under quarantine in a household: a resident (``person_id``) or a name typed."""

    __tablename__ = "quarantine_member"

    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="quarantine_household.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    name: str


class QuarantineReading(SQLModel, table=True):
    """Whose a temperature reading was and which of the day's two it counts as (morning/afternoon)."""

    __tablename__ = "quarantine_reading"

    reading_id: int = Field(primary_key=True, foreign_key="temperature_reading.id")
    member_id: int = Field(foreign_key="quarantine_member.id")
    day: date
    slot: str
