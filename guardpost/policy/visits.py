"""Who of the callers at the gate comes in: the rules of DOMAIN.md "Who may come in, and how",
"Temperature and health checks" and "Lockdown levels", for everyone who is not a resident with a
card. Pure: the visit register (``guardpost.visits``), the screen and the CLI all call ``decide_visit``.
"""

from __future__ import annotations

from dataclasses import dataclass

from guardpost.domain import ConsentOutcome, Decision, LockdownLevel, Reason, VisitCategory, VisitReason

VISIT_REASONS: dict[VisitReason, Decision] = {
    VisitReason.ADMITTED: Decision.ALLOW,
    VisitReason.ADMITTED_OVERRIDE: Decision.ALLOW,
    VisitReason.LOGGED: Decision.ALLOW,
    VisitReason.HOST_REFUSED: Decision.DENY,
    VisitReason.NO_CONSENT: Decision.DENY,
    VisitReason.NEEDS_CONSENT: Decision.DENY,
    VisitReason.NEEDS_TEMPERATURE: Decision.DENY,
    VisitReason.LEAVE_AT_GATE: Decision.DENY,
    VisitReason.LOCKDOWN_CLOSED: Decision.DENY,
    VisitReason.GATE_SHUT: Decision.DENY,
    VisitReason.DANGEROUS_GOODS: Decision.DENY,
    VisitReason.FEVER: Decision.ALARM,
    VisitReason.BLOCKED: Decision.ALARM,
}
# A refusal that is an alarm rings in the booth's banner as the event of this reason.
ALARM_EVENTS: dict[VisitReason, Reason] = {
    VisitReason.FEVER: Reason.FEVER,
    VisitReason.BLOCKED: Reason.VISITOR_BLOCKED,
}
assert set(ALARM_EVENTS) == {r for r, d in VISIT_REASONS.items() if d == Decision.ALARM}

# Whose host is asked (in the normal level; the restricted level asks for everyone but public service).
ASKS_HOST = frozenset(
    {
        VisitCategory.RELATIVE,
        VisitCategory.WORKER,
        VisitCategory.MOVING,
        VisitCategory.SALESPERSON,
        VisitCategory.TOUR,
    }
)
# Where the guard may not decide alone: a salesperson needs a real appointment, a renovation worker
# without a pass needs the owner's call to the front desk.
NO_OVERRIDE = frozenset({VisitCategory.SALESPERSON, VisitCategory.WORKER})
# Who passes in the closed level: public and emergency service, and the compound's own staff.
PASS_WHEN_CLOSED = frozenset({VisitCategory.OFFICIAL, VisitCategory.STAFF})
PARCELS = frozenset({VisitCategory.COURIER, VisitCategory.FOOD_DELIVERY})


@dataclass(frozen=True, slots=True)
class VisitFacts:
    category: VisitCategory
    level: LockdownLevel
    consent: ConsentOutcome  # the consent step's last answer (NOT_NEEDED where nobody was asked)
    celsius: float | None = None
    fever_threshold_c: float = 37.3
    dangerous_goods: bool = False
    blocked: bool = False
    shut: bool = False  # the closed level, at a gate that is not the entrance left open


@dataclass(frozen=True, slots=True)
class VisitVerdict:
    reason: VisitReason

    @property
    def decision(self) -> Decision:
        return VISIT_REASONS[self.reason]

    @property
    def admits(self) -> bool:
        return self.decision == Decision.ALLOW


def is_fever(celsius: float, threshold_c: float) -> bool:
    """37.3 is fever when the threshold is 37.3: at or above, to the tenth the thermometer shows."""
    return round(celsius, 1) >= round(threshold_c, 1)


def needs_consent(category: VisitCategory, level: LockdownLevel) -> bool:
    if category == VisitCategory.OFFICIAL:
        return False  # emergency and public service: admitted at once, logged
    if level != LockdownLevel.NORMAL:
        return True
    return category in ASKS_HOST or category == VisitCategory.STAFF


def needs_temperature(level: LockdownLevel) -> bool:
    return level != LockdownLevel.NORMAL


def may_override(category: VisitCategory, level: LockdownLevel) -> bool:
    return level == LockdownLevel.NORMAL and category not in NO_OVERRIDE


def pass_refusal(category: VisitCategory, level: LockdownLevel, shut: bool) -> VisitReason | None:
    """A pass issued before a level was ordered is used under it: the level's rule still holds
    (a shut gate takes emergency and public service only; the closed level the callers it lets
    in). None: the pass admits (in the restricted level the guard takes the temperature as for
    everyone, the hint says so)."""
    if shut and category != VisitCategory.OFFICIAL:
        return VisitReason.GATE_SHUT
    if level == LockdownLevel.CLOSED and category not in PASS_WHEN_CLOSED:
        return VisitReason.LEAVE_AT_GATE if category in PARCELS else VisitReason.LOCKDOWN_CLOSED
    return None


def decide_visit(f: VisitFacts) -> VisitVerdict:
    """The decision for a caller, in the order a guard checks: the block list, the thermometer,
    what they carry, the lockdown level, the host."""
    if f.blocked:
        return VisitVerdict(VisitReason.BLOCKED)
    if f.celsius is not None and is_fever(f.celsius, f.fever_threshold_c):
        return VisitVerdict(VisitReason.FEVER)
    if f.dangerous_goods:
        return VisitVerdict(VisitReason.DANGEROUS_GOODS)
    if f.shut and f.category != VisitCategory.OFFICIAL:
        return VisitVerdict(VisitReason.GATE_SHUT)  # emergency and public service only
    if f.level == LockdownLevel.CLOSED and f.category not in PASS_WHEN_CLOSED:
        return VisitVerdict(
            VisitReason.LEAVE_AT_GATE if f.category in PARCELS else VisitReason.LOCKDOWN_CLOSED
        )
    if needs_temperature(f.level) and f.celsius is None:
        return VisitVerdict(VisitReason.NEEDS_TEMPERATURE)
    if not needs_consent(f.category, f.level):
        return VisitVerdict(VisitReason.LOGGED)
    if f.consent == ConsentOutcome.GIVEN:
        return VisitVerdict(VisitReason.ADMITTED)
    if f.consent == ConsentOutcome.REFUSED:
        return VisitVerdict(VisitReason.HOST_REFUSED)
    if f.consent == ConsentOutcome.OVERRIDE:
        if may_override(f.category, f.level):
            return VisitVerdict(VisitReason.ADMITTED_OVERRIDE)
        return VisitVerdict(VisitReason.NEEDS_CONSENT)
    return VisitVerdict(VisitReason.NO_CONSENT)
