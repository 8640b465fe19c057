"""The booth's words, spelled once: every code the program stores, decides on or shows.

Each enumeration's values are what the database holds (the migrations' CHECK constraints list the
same values; ``tests/test_domain.py`` compares them). What a person reads for a code comes from the
catalogue (``t(f"lane.{lane}")``), never from here. The small value types that cross threads and
layers (a card read, a reader's status, a decided swipe) live here too, so that the readers, the
pipeline, the reports and the screens all speak of the same things.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Lane(StrEnum):
    IN = "in"
    OUT = "out"


class Decision(StrEnum):
    ALLOW = "allow"
    DENY = "deny"
    ALARM = "alarm"


class Reason(StrEnum):
    """Why a swipe or a manual admission was decided as it was (``policy.REASONS`` gives the decision)."""

    OK = "ok"
    SPECIAL_CARE = "special_care"
    RESTRICTED_CHECK = "restricted_check"
    LOCKDOWN_RESIDENT_IN = "lockdown_resident_in"
    FORGOT_CARD = "forgot_card"
    UNKNOWN_CARD = "unknown_card"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    WRONG_GATE = "wrong_gate"
    LOCKDOWN_CLOSED = "lockdown_closed"
    GATE_SHUT = "gate_shut"  # the closed level, at a gate that is not the one entrance left open
    BAD_READ = "bad_read"
    AMBIGUOUS_CARD = "ambiguous_card"
    NOT_A_RESIDENT = "not_a_resident"  # only residents are admitted by the forgot-card check
    LOST = "lost"
    BLACKLISTED = "blacklisted"
    BLACKLISTED_PERSON = "blacklisted_person"  # a blacklisted holder asking in without a card
    VISITOR_BLOCKED = "visitor_blocked"  # a caller (or their phone, plate) on the block list
    FEVER = "fever"  # a temperature at or above the threshold, at a swipe or a registration
    # a card or a plate that came in again without going out (anti-passback): admitted, with a
    # warning (guards forget to log exits); the inside-now board counts it once
    PASSBACK = "passback"


class GateKind(StrEnum):
    PEDESTRIAN = "pedestrian"
    VEHICLE = "vehicle"
    GARAGE = "garage"


class PersonRole(StrEnum):
    OWNER = "owner"
    FAMILY = "family"
    TENANT = "tenant"
    STAFF = "staff"


RESIDENT_ROLES = frozenset({PersonRole.OWNER, PersonRole.FAMILY, PersonRole.TENANT})


class CardKind(StrEnum):
    OWNER = "owner"
    PARKING_MONTHLY = "parking_monthly"
    PARKING_TEMPORARY = "parking_temporary"
    STAFF = "staff"


class CardStatus(StrEnum):
    ACTIVE = "active"
    LOST = "lost"
    EXPIRED = "expired"
    BLACKLISTED = "blacklisted"


class VehicleKind(StrEnum):
    OWNER = "owner"
    STAFF = "staff"
    DELIVERY = "delivery"
    MOVING = "moving"
    VISITOR = "visitor"
    EMERGENCY = "emergency"


class VisitCategory(StrEnum):
    """Who is calling at the gate (DOMAIN.md "Who may come in"); ``visits.FIELDS`` says what each is asked."""

    RELATIVE = "relative"  # 亲友
    COURIER = "courier"  # 快递
    FOOD_DELIVERY = "food_delivery"  # 外卖
    WORKER = "worker"  # 装修工人
    MOVING = "moving"  # 搬家、送家具、送水
    SALESPERSON = "salesperson"  # 推销
    STAFF = "staff"  # 工牌
    OFFICIAL = "official"  # 公务、急救、公共服务
    TOUR = "tour"  # 参观、检查（介绍信）


class VisitStatus(StrEnum):
    EXPECTED = "expected"  # registered ahead (front desk, a resident's call), not yet at the gate
    INSIDE = "inside"
    LEFT = "left"
    REFUSED = "refused"


class ConsentChannel(StrEnum):
    """How the host's answer came, in the order the booth tries them (``rules.consent_channels``)."""

    FRONT_DESK = "front_desk"  # 前台，对讲机
    INTERCOM = "intercom"  # 可视对讲
    PHONE = "phone"  # 电话住户
    PRE_REGISTERED = "pre_registered"  # an expected visit: the consent came with the registration
    LETTER = "letter"  # 介绍信 / a call from management (tours, inspections)
    BADGE = "badge"  # a company badge seen (staff)


class ConsentOutcome(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    NO_ANSWER = "no_answer"  # the wait ran out on this channel
    OVERRIDE = "override"  # the guard admitted without consent, with a typed reason
    NOT_NEEDED = "not_needed"  # couriers and deliveries: logged, no host asked


class VisitReason(StrEnum):
    """Why a caller was admitted or not (``policy.visits.VISIT_REASONS`` gives the decision)."""

    ADMITTED = "admitted"
    ADMITTED_OVERRIDE = "admitted_override"  # no consent: the guard decided alone, reason typed
    LOGGED = "logged"  # couriers, deliveries, public service: no host asked
    HOST_REFUSED = "host_refused"
    NO_CONSENT = "no_consent"  # the host could not be reached on any channel
    NEEDS_CONSENT = "needs_consent"  # an override is not enough here (restricted level, salespeople, workers)
    NEEDS_TEMPERATURE = "needs_temperature"  # restricted and closed levels: everyone is measured
    LEAVE_AT_GATE = "leave_at_gate"  # closed level: parcels and food stay at the gate
    LOCKDOWN_CLOSED = "lockdown_closed"
    GATE_SHUT = "gate_shut"  # the closed level: this gate is shut, only emergency services pass
    DANGEROUS_GOODS = "dangerous_goods"
    FEVER = "fever"
    BLOCKED = "blocked"


class BlockKind(StrEnum):
    PERSON = "person"
    PHONE = "phone"
    PLATE = "plate"


class GuardRole(StrEnum):
    GUARD = "guard"
    SQUAD_LEADER = "squad_leader"
    SUPERVISOR = "supervisor"


class LockdownLevel(StrEnum):
    """DOMAIN.md "Lockdown levels". With no level on record the compound is at ``DEFAULT``."""

    NORMAL = "normal"
    RESTRICTED = "restricted"
    CLOSED = "closed"

    @classmethod
    def of(cls, stored: str | None) -> LockdownLevel:
        """The level a stored value means; nothing stored yet means the default level."""
        return cls(stored) if stored else DEFAULT_LOCKDOWN


DEFAULT_LOCKDOWN = LockdownLevel.NORMAL


class LogKind(StrEnum):
    DUTY = "duty"
    PATROL = "patrol"
    INCIDENT = "incident"
    RECTIFICATION = "rectification"


class ReaderState(StrEnum):
    CONNECTED = "connected"
    SIMULATED = "simulated"  # the demo's simulator: swipes are made up, no card is read
    NO_READER = "no_reader"
    ERROR = "error"
    STOPPED = "stopped"


class Source(StrEnum):
    """Where an event came from, besides a PC/SC reader (whose source is the reader's name)."""

    WEDGE = "wedge"
    SIM = "sim"
    CLI = "cli"
    MANUAL = "manual"
    VISIT = "visit"  # a registration at the gate (a caller on the block list)
    TEMPERATURE = "temperature"  # a temperature check (a fever)
    VEHICLE = "vehicle"  # the vehicle register (a plate in twice, a plate on the block list)


# --- value types --------------------------------------------------------------------------------


class Said:
    """A message to show a person: a catalogue key and its parameters, rendered in their language.

    The one shape of every message that crosses a layer: a reader's status detail, an advice, and
    (``guardpost.errors.Explained``) every error and refusal.
    """

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params: dict[str, object] = dict(params)

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang``; parameters that are messages themselves (a ``Said``, or a tuple
        of them: a list) are said in the same language."""
        from guardpost.i18n import t

        def said(value: object) -> object:
            if isinstance(value, Said):
                return value.text(lang)
            if isinstance(value, tuple) and all(isinstance(v, Said) for v in value):
                return t("advice.list_joiner", lang).join(v.text(lang) for v in value)
            return value

        return t(self.key, lang, **{k: said(v) for k, v in self.params.items()})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Said) and (self.key, self.params) == (other.key, other.params)

    def __hash__(self) -> int:
        return hash((self.key, tuple(sorted(self.params.items(), key=lambda kv: kv[0]))))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"


@dataclass(frozen=True, slots=True)
class CardRead:
    """One card presented to a reader.

    ``uid`` is the canonical UID (raw UID bytes in read order as upper-case hex) when the reader
    knows the bytes (PC/SC, simulator); ``typed`` is the raw text a keyboard-wedge reader typed.
    ``guardpost.readers.intake`` turns either into a card key before the pipeline sees it.
    """

    reader: str
    lane: Lane
    uid: str | None = None
    typed: str | None = None
    read_ns: int = field(default_factory=time.monotonic_ns)


@dataclass(frozen=True, slots=True)
class ReaderStatus:
    reader: str
    state: ReaderState
    detail: Said | None = None  # why: no reader, an error (shown in the header, in the UI language)


@dataclass(frozen=True, slots=True)
class Guard:
    """The guard on duty, stamped on every event and acknowledgement (None: nobody on duty)."""

    id: int
    name: str
    code: str = ""  # the guard code (G01) when the guard signed in

    def actor(self) -> str:
        """As the audit trail names a guard."""
        return f"guard:{self.code or self.name}"


def actor_of(guard: Guard | None) -> str:
    """Who did it, for the audit trail: the guard on duty, or nobody signed in."""
    return guard.actor() if guard is not None else "booth:nobody"


@dataclass(frozen=True, slots=True)
class Swipe:
    """A decided and stored event: everything the feed row, its detail view and ``swipe --json`` show."""

    event_id: int
    at: datetime
    gate_id: str
    lane: Lane
    uid: str | None
    decision: Decision
    reason: Reason
    source: str
    card_kind: CardKind | None = None
    person_id: int | None = None
    person: str | None = None
    unit: str | None = None
    special_care: str | None = None
    as_read: str | None = None  # what the reader sent, when it is not the UID itself (a wedge's digits)
    detail: str | None = None  # for a bad read: the reader format it was read with
    guard_id: int | None = None
    visit_id: int | None = None  # a visitor's alarm: the visit it concerns

    @property
    def shown_number(self) -> str | None:
        """The card number as the reader gave it (what the front desk can look up)."""
        return self.as_read or self.uid

    def as_json(self) -> dict[str, object]:
        return {
            "event_id": self.event_id,
            "at": self.at.isoformat(sep=" "),
            "gate": self.gate_id,
            "lane": str(self.lane),
            "uid": self.uid,
            "as_read": self.as_read,
            "decision": str(self.decision),
            "reason": str(self.reason),
            "source": self.source,
            "card_kind": self.card_kind and str(self.card_kind),
            "person": self.person,
            "unit": self.unit,
            "guard_id": self.guard_id,
            "visit_id": self.visit_id,
        }
