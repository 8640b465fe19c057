"""The one decision engine for a person at a gate: allow, deny or alarm, with a reason and a hint.

Pure and fast: no I/O, no clock. The swipe path, the forgot-card form, ``guardpost swipe`` and the
simulator all call it. Rules from DOMAIN.md ("Cards", "Vehicles", "Lockdown levels", "People and
places").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from guardpost.domain import (
    RESIDENT_ROLES,
    CardKind,
    CardStatus,
    Decision,
    GateKind,
    Lane,
    LockdownLevel,
    PersonRole,
    Reason,
)

# Which card kinds open which kind of gate. DOMAIN.md "Cards" / "Vehicles": owner cards open
# pedestrian gates and the ground car barrier; parking cards open barriers and the garage;
# company staff vehicles are not admitted at the ground vehicle gate.
CARD_KINDS_BY_GATE: dict[GateKind, frozenset[CardKind]] = {
    GateKind.PEDESTRIAN: frozenset({CardKind.OWNER, CardKind.STAFF}),
    GateKind.VEHICLE: frozenset({CardKind.OWNER, CardKind.PARKING_MONTHLY, CardKind.PARKING_TEMPORARY}),
    GateKind.GARAGE: frozenset({CardKind.PARKING_MONTHLY, CardKind.PARKING_TEMPORARY}),
}

# Every reason the engine (and the swipe path) can give, with its decision. The catalogue has
# ``reason.<code>`` (the feed's short text) and ``hint.<code>`` (what the guard should do next).
REASONS: dict[Reason, Decision] = {
    Reason.OK: Decision.ALLOW,
    Reason.SPECIAL_CARE: Decision.ALLOW,
    Reason.RESTRICTED_CHECK: Decision.ALLOW,
    Reason.LOCKDOWN_RESIDENT_IN: Decision.ALLOW,
    Reason.FORGOT_CARD: Decision.ALLOW,
    Reason.PASSBACK: Decision.ALLOW,
    Reason.UNKNOWN_CARD: Decision.DENY,
    Reason.NOT_YET_VALID: Decision.DENY,
    Reason.EXPIRED: Decision.DENY,
    Reason.WRONG_GATE: Decision.DENY,
    Reason.LOCKDOWN_CLOSED: Decision.DENY,
    Reason.GATE_SHUT: Decision.DENY,
    Reason.BAD_READ: Decision.DENY,
    Reason.AMBIGUOUS_CARD: Decision.DENY,
    Reason.NOT_A_RESIDENT: Decision.DENY,
    Reason.LOST: Decision.ALARM,
    Reason.BLACKLISTED: Decision.ALARM,
    Reason.BLACKLISTED_PERSON: Decision.ALARM,
    Reason.VISITOR_BLOCKED: Decision.ALARM,
    Reason.FEVER: Decision.ALARM,
}


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What the swipe path knows about a card and its holder."""

    kind: CardKind
    status: CardStatus
    valid_from: date | None = None
    valid_until: date | None = None
    holder_role: PersonRole | None = None
    special_care: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    reason: Reason

    @property
    def hint_key(self) -> str:
        return f"hint.{self.reason}"

    @property
    def reason_key(self) -> str:
        return f"reason.{self.reason}"

    @property
    def admits(self) -> bool:
        return self.decision == Decision.ALLOW


def verdict(reason: Reason) -> Verdict:
    return Verdict(REASONS[reason], reason)


def decide(
    card: CardFacts | None,
    gate_kind: GateKind,
    lane: Lane,
    today: date,
    level: LockdownLevel,
    *,
    shut: bool = False,
) -> Verdict:
    """Decide one swipe. ``card`` is None when the UID matches no card. ``shut``: the closed level
    is in force and this gate is not the entrance left open (``lockdown.InForce.shut``)."""
    if card is None:
        return verdict(Reason.UNKNOWN_CARD)
    # A lost or blacklisted card alarms whatever else is true of it: the guard must stop it.
    if card.status == CardStatus.LOST:
        return verdict(Reason.LOST)
    if card.status == CardStatus.BLACKLISTED:
        return verdict(Reason.BLACKLISTED)
    if card.status == CardStatus.EXPIRED or (card.valid_until is not None and today > card.valid_until):
        return verdict(Reason.EXPIRED)
    if card.valid_from is not None and today < card.valid_from:
        return verdict(Reason.NOT_YET_VALID)
    if shut:
        return verdict(Reason.GATE_SHUT)  # everyone goes to the one entrance, staff too
    if card.kind not in CARD_KINDS_BY_GATE.get(gate_kind, frozenset()):
        return verdict(Reason.WRONG_GATE)
    if level == LockdownLevel.CLOSED:
        # 里不出、外不进: residents stay home; only registered service workers (staff) pass.
        if card.kind == CardKind.STAFF:
            return verdict(Reason.OK)
        if lane == Lane.OUT or card.holder_role not in RESIDENT_ROLES:
            return verdict(Reason.LOCKDOWN_CLOSED)
        return verdict(Reason.LOCKDOWN_RESIDENT_IN)
    if card.special_care:
        return verdict(Reason.SPECIAL_CARE)
    if level == LockdownLevel.RESTRICTED:
        return verdict(Reason.RESTRICTED_CHECK)
    return verdict(Reason.OK)


def decide_by_hand(
    cards: Iterable[tuple[CardKind, CardStatus]],
    holder_role: PersonRole,
    lane: Lane,
    level: LockdownLevel,
    gate_kind: GateKind = GateKind.PEDESTRIAN,
    *,
    shut: bool = False,
) -> Verdict:
    """Forgot card (忘带卡): a person found by unit + ID last four, to be confirmed by the front desk.

    DOMAIN.md "Cards" and "Who may come in": only residents are admitted this way (staff carry a
    badge). Someone whose every card for this gate is blacklisted is not let in by hand either, and
    raises the alarm, as the card would; with another card for this gate that is not blacklisted
    they would pass with it, so they pass by hand too (a blacklisted parking card does not keep its
    holder out of the pedestrian gate). A lost card is the usual reason for coming without one, and
    an expired one is what the forgot-card check is for: neither stops the admission.
    """
    opens = CARD_KINDS_BY_GATE.get(gate_kind, frozenset())
    here = {status for kind, status in cards if kind in opens}
    if CardStatus.BLACKLISTED in here and here <= {CardStatus.BLACKLISTED}:
        return verdict(Reason.BLACKLISTED_PERSON)
    if holder_role not in RESIDENT_ROLES:
        return verdict(Reason.NOT_A_RESIDENT)
    if shut:
        return verdict(Reason.GATE_SHUT)
    if level == LockdownLevel.CLOSED and lane == Lane.OUT:
        return verdict(Reason.LOCKDOWN_CLOSED)
    return verdict(Reason.FORGOT_CARD)


def allowed_kinds(gate_kind: GateKind) -> tuple[CardKind, ...]:
    """The card kinds a gate of this kind takes, in a stable order (for the guard's advice)."""
    return tuple(k for k in CardKind if k in CARD_KINDS_BY_GATE.get(gate_kind, frozenset()))
