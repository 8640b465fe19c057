"""Which vehicle comes in, which goes out, and what a stay costs: DOMAIN.md "Vehicles" and "Lockdown
levels". Pure: the vehicle register (``guardpost.vehicles``), its screen and the CLI all call these.

What the gate kinds mean for vehicles (a gate's kind decides, ``gate.kind``):

- ``vehicle``, the ground barrier: owners, visitors, the trucks (delivery, moving, furniture,
  water) and emergency services. Not company staff: "company staff vehicles: not at the ground
  gate", they use the underground garage, as their parking cards do (``policy/cards.py``).
- ``garage``, the underground garage entrance: owners, visitors, company staff and emergency
  services; never the trucks ("never into the underground garage").
- ``pedestrian``: no vehicles, except an emergency vehicle, which is let through any gate wide
  enough for it ("admit flexibly").

The lockdown levels (the one in force at the gate, ``lockdown.at_gate``):

- a *shut* gate (the closed level, not the one entrance left open) admits emergency vehicles only,
  and lets nothing else out either: everyone goes to the entrance, as with cards;
- closed (里不出、外不进): emergency vehicles; delivery and water trucks (supplies) only with their
  disinfection recorded; company staff (the registered service workers); an owner coming home, as
  an owner's card does, but no owner's car out (residents stay home). Visitors, moving and
  furniture trucks are refused;
- restricted: a visitor's car needs the host's consent (asked as the people register asks it).

A plate on the block list is refused with an alarm before anything else, whatever the category
(a real emergency is let in with the one key that needs no plate, and completed afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from guardpost.domain import ConsentOutcome, Decision, GateKind, LockdownLevel


class VehicleCategory(StrEnum):
    """Who the vehicle is (车辆出入登记表's 类别); the screen's digit is the position, 1-8."""

    OWNER = "owner"  # 业主车辆
    VISITOR = "visitor"  # 访客车辆：临时停车证
    DELIVERY = "delivery"  # 送货、拉装修材料
    MOVING = "moving"  # 搬家
    FURNITURE = "furniture"  # 送家具
    WATER = "water"  # 送水
    EMERGENCY = "emergency"  # 应急与公共服务：消防、救护、运钞、邮政、抢险、环卫、公务
    STAFF = "staff"  # 公司员工车辆


class Service(StrEnum):
    """What an emergency or public-service vehicle is."""

    FIRE = "fire"  # 消防
    AMBULANCE = "ambulance"  # 救护
    CASH = "cash"  # 运钞
    POST = "post"  # 邮政
    REPAIR = "repair"  # 抢险
    SANITATION = "sanitation"  # 环卫
    OFFICIAL = "official"  # 公务


class VehicleReason(StrEnum):
    """Why a vehicle was let in or out or not (``VEHICLE_REASONS`` gives the decision)."""

    ADMITTED = "admitted"
    EMERGENCY = "emergency"  # admitted at once, details may come afterwards
    LEFT = "left"
    BLOCKED = "blocked"  # the plate is on the block list: an alarm
    WRONG_GATE = "wrong_gate"  # this gate's kind does not take the category
    GATE_SHUT = "gate_shut"  # the closed level, and this is not the entrance left open
    LOCKDOWN_CLOSED = "lockdown_closed"
    NEEDS_DISINFECTION = "needs_disinfection"  # closed level: supplies only once disinfected
    NEEDS_CONSENT = "needs_consent"  # restricted level: a visitor's host has not agreed
    HOST_REFUSED = "host_refused"
    NO_PERMIT = "no_permit"  # every temporary parking permit is out


VEHICLE_REASONS: dict[VehicleReason, Decision] = {
    VehicleReason.ADMITTED: Decision.ALLOW,
    VehicleReason.EMERGENCY: Decision.ALLOW,
    VehicleReason.LEFT: Decision.ALLOW,
    VehicleReason.BLOCKED: Decision.ALARM,
    VehicleReason.WRONG_GATE: Decision.DENY,
    VehicleReason.GATE_SHUT: Decision.DENY,
    VehicleReason.LOCKDOWN_CLOSED: Decision.DENY,
    VehicleReason.NEEDS_DISINFECTION: Decision.DENY,
    VehicleReason.NEEDS_CONSENT: Decision.DENY,
    VehicleReason.HOST_REFUSED: Decision.DENY,
    VehicleReason.NO_PERMIT: Decision.DENY,
}

TRUCKS = frozenset(
    {VehicleCategory.DELIVERY, VehicleCategory.MOVING, VehicleCategory.FURNITURE, VehicleCategory.WATER}
)
SUPPLIES = frozenset({VehicleCategory.DELIVERY, VehicleCategory.WATER})  # may pass a closed level
_ALL = frozenset(VehicleCategory)
GATE_TAKES: dict[GateKind, frozenset[VehicleCategory]] = {
    GateKind.PEDESTRIAN: frozenset({VehicleCategory.EMERGENCY}),
    GateKind.VEHICLE: _ALL - {VehicleCategory.STAFF},
    GateKind.GARAGE: _ALL - TRUCKS,
}
# who passes the closed level without more (supplies need their disinfection recorded)
PASS_WHEN_CLOSED = frozenset({VehicleCategory.EMERGENCY, VehicleCategory.STAFF, VehicleCategory.OWNER})


@dataclass(frozen=True, slots=True)
class EntryFacts:
    category: VehicleCategory
    gate_kind: GateKind
    level: LockdownLevel
    shut: bool = False  # the closed level, at a gate that is not the entrance left open
    blocked: bool = False
    consent: ConsentOutcome | None = None  # the host's answer, where one was asked
    disinfected: bool = False
    permit_free: bool = True  # a temporary parking permit is there to hand out (visitors)


@dataclass(frozen=True, slots=True)
class VehicleVerdict:
    reason: VehicleReason

    @property
    def decision(self) -> Decision:
        return VEHICLE_REASONS[self.reason]

    @property
    def admits(self) -> bool:
        return self.decision == Decision.ALLOW


def gate_takes(category: VehicleCategory, gate_kind: GateKind) -> bool:
    return category in GATE_TAKES[gate_kind]


def needs_consent(category: VehicleCategory, level: LockdownLevel) -> bool:
    """The restricted level: a visitor's car comes in only when the host agreed."""
    return category == VehicleCategory.VISITOR and level == LockdownLevel.RESTRICTED


def needs_disinfection(category: VehicleCategory, level: LockdownLevel) -> bool:
    """The closed level: delivery and water trucks only with the vehicle's disinfection recorded."""
    return category in SUPPLIES and level == LockdownLevel.CLOSED


def needs_permit(category: VehicleCategory) -> bool:
    """A visitor's car gets a numbered temporary parking permit (临时停车证) at entry."""
    return category == VehicleCategory.VISITOR


def decide_entry(f: EntryFacts) -> VehicleVerdict:
    """A vehicle at the barrier, in the order a guard checks: the block list, an emergency, the
    lockdown level at this gate, the gate's kind, the host, the permits left."""
    if f.blocked:
        return VehicleVerdict(VehicleReason.BLOCKED)
    if f.category == VehicleCategory.EMERGENCY:
        return VehicleVerdict(VehicleReason.EMERGENCY)  # any gate, any level: at once
    if f.shut:
        return VehicleVerdict(VehicleReason.GATE_SHUT)
    if not gate_takes(f.category, f.gate_kind):
        return VehicleVerdict(VehicleReason.WRONG_GATE)
    if f.level == LockdownLevel.CLOSED and f.category not in PASS_WHEN_CLOSED:
        if f.category not in SUPPLIES:
            return VehicleVerdict(VehicleReason.LOCKDOWN_CLOSED)
        if not f.disinfected:
            return VehicleVerdict(VehicleReason.NEEDS_DISINFECTION)
    if needs_consent(f.category, f.level):
        if f.consent == ConsentOutcome.REFUSED:
            return VehicleVerdict(VehicleReason.HOST_REFUSED)
        if f.consent != ConsentOutcome.GIVEN:
            return VehicleVerdict(VehicleReason.NEEDS_CONSENT)
    if needs_permit(f.category) and not f.permit_free:
        return VehicleVerdict(VehicleReason.NO_PERMIT)
    return VehicleVerdict(VehicleReason.ADMITTED)


def decide_exit(category: VehicleCategory, level: LockdownLevel, shut: bool) -> VehicleVerdict:
    """A vehicle leaving: a shut gate lets emergency vehicles out only, the closed level keeps the
    residents' cars in (里不出); everyone else leaves."""
    if category == VehicleCategory.EMERGENCY:
        return VehicleVerdict(VehicleReason.LEFT)
    if shut:
        return VehicleVerdict(VehicleReason.GATE_SHUT)
    if level == LockdownLevel.CLOSED and category == VehicleCategory.OWNER:
        return VehicleVerdict(VehicleReason.LOCKDOWN_CLOSED)
    return VehicleVerdict(VehicleReason.LEFT)


# --- what a stay costs ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fee:
    """What a stay costs: ``cents`` for ``hours`` started hours after the free time. ``backwards``:
    the exit was stamped before the entry (the booth's clock went back): no fee, and the guard is
    told so rather than shown a negative stay."""

    cents: int
    minutes: int  # the whole minutes of the stay (0 when the clock went backwards)
    hours: int
    free_min: int
    backwards: bool = False

    @property
    def charged(self) -> bool:
        return self.cents > 0


_MICROSECOND = timedelta(microseconds=1)
_HOUR_US = 3600 * 1_000_000


def parking_fee(entered_at: datetime, left_at: datetime, *, free_min: int, cents_per_hour: int) -> Fee:
    """The one fee rule (DOMAIN.md "Vehicles": first ``free_min`` minutes free, then charged by the
    started hour after them). 30:00 is free at 30 minutes, 30:01 is one started hour; the stay is
    the difference of the two times, so a stay over midnight costs what it lasted."""
    stay_us = (left_at - entered_at) // _MICROSECOND
    if stay_us < 0:
        return Fee(0, 0, 0, free_min, backwards=True)
    minutes = stay_us // 60_000_000
    over_us = stay_us - free_min * 60_000_000
    if over_us <= 0:
        return Fee(0, minutes, 0, free_min)
    hours = -(-over_us // _HOUR_US)  # started hours
    return Fee(hours * cents_per_hour, minutes, hours, free_min)


def cents(yuan: float) -> int:
    """A configured amount in yuan (``rules.parking_fee_per_started_hour``) as whole fen."""
    return int((Decimal(str(yuan)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan(amount_cents: int) -> str:
    """Fen as the guard says it: ``10.00``."""
    return f"{amount_cents // 100}.{amount_cents % 100:02d}"


def free_minutes(category: VehicleCategory, *, visitor_free_min: int, truck_limit_min: int) -> int | None:
    """The free time of a category's charge rule: a visitor's free parking, a truck's time limit
    (longer is charged); None: not charged (owners, staff, emergency services)."""
    if category == VehicleCategory.VISITOR:
        return visitor_free_min
    if category in TRUCKS:
        return truck_limit_min
    return None


__all__ = [
    "GATE_TAKES",
    "PASS_WHEN_CLOSED",
    "SUPPLIES",
    "TRUCKS",
    "VEHICLE_REASONS",
    "EntryFacts",
    "Fee",
    "Service",
    "VehicleCategory",
    "VehicleReason",
    "VehicleVerdict",
    "cents",
    "decide_entry",
    "decide_exit",
    "free_minutes",
    "gate_takes",
    "needs_consent",
    "needs_disinfection",
    "needs_permit",
    "parking_fee",
    "yuan",
]
