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


class RenovationPermit(SQLModel, table=True):
    __tablename__ = "renovation_permit"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    company: str
    area: str | None = None
    starts_on: date
    ends_on: date
    issued_by: str | None = None


class WorkerPass(SQLModel, table=True):
    __tablename__ = "worker_pass"

    id: int | None = Field(default=None, primary_key=True)
    permit_id: int = Field(foreign_key="renovation_permit.id")
    pass_no: str = Field(unique=True)
    name: str
    phone: str | None = None
    id_last4: str | None = Field(default=None, max_length=4)
    photo_ref: str | None = None
    valid_until: date


class ParkingPermit(SQLModel, table=True):
    __tablename__ = "parking_permit"

    id: int | None = Field(default=None, primary_key=True)
    permit_no: str
    plate: str
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    issued_at: NaiveDatetime
    returned_at: NaiveDatetime | None = None
    fee_cents: int | None = None


class ReleaseSlip(SQLModel, table=True):
    __tablename__ = "release_slip"

    id: int | None = Field(default=None, primary_key=True)
    slip_no: str
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    items: str
    gate_id: str = Field(foreign_key="gate.id")
    guard_id: int | None = Field(default=None, foreign_key="guard.id")
    verified_at: NaiveDatetime
    shift_id: int | None = Field(default=None, foreign_key="shift.id")
    keep_until: date


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


# --- issue 12: renovation ---


# --- issue 12: release slips ---


# --- issue 12: lockdown ---


# --- issue 12: quarantine ---
