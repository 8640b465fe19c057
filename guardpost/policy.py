"""The one decision engine for a card at a gate: allow, deny or alarm, a reason code and a hint.

Pure and fast: no I/O, no clock. The TUI feed, ``guardpost swipe`` and any later gate all call
``decide``. Rules from DOMAIN.md ("Cards", "Vehicles", "Lockdown levels", "People and places").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ALLOW, DENY, ALARM = "allow", "deny", "alarm"
RESIDENT_ROLES = frozenset({"owner", "family", "tenant"})

# Which card kinds open which kind of gate. DOMAIN.md "Cards" / "Vehicles": owner cards open
# pedestrian gates and the ground car barrier; parking cards open barriers and the garage;
# company staff vehicles are not admitted at the ground vehicle gate.
CARD_KINDS_BY_GATE: dict[str, frozenset[str]] = {
    "pedestrian": frozenset({"owner", "staff"}),
    "vehicle": frozenset({"owner", "parking_monthly", "parking_temporary"}),
    "garage": frozenset({"parking_monthly", "parking_temporary"}),
}

# Every reason code the engine (and the swipe path) can give, with its decision. The catalogue
# has ``reason.<code>`` (the feed's short text) and ``hint.<code>`` (what the guard should do).
REASONS: dict[str, str] = {
    "ok": ALLOW,
    "special_care": ALLOW,
    "restricted_check": ALLOW,
    "lockdown_resident_in": ALLOW,
    "forgot_card": ALLOW,
    "unknown_card": DENY,
    "not_yet_valid": DENY,
    "expired": DENY,
    "wrong_gate": DENY,
    "lockdown_closed": DENY,
    "bad_read": DENY,
    "ambiguous_card": DENY,
    "lost": ALARM,
    "blacklisted": ALARM,
}


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What the swipe path knows about a card and its holder."""

    kind: str
    status: str
    valid_from: date | None = None
    valid_until: date | None = None
    holder_role: str | None = None
    special_care: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: str
    reason: str

    @property
    def hint_key(self) -> str:
        return f"hint.{self.reason}"

    @property
    def reason_key(self) -> str:
        return f"reason.{self.reason}"


def verdict(reason: str) -> Verdict:
    return Verdict(REASONS[reason], reason)


def decide(card: CardFacts | None, gate_kind: str, lane: str, today: date, lockdown_level: str) -> Verdict:
    """Decide one swipe. ``card`` is None when the UID matches no card."""
    if card is None:
        return verdict("unknown_card")
    # A lost or blacklisted card alarms whatever else is true of it: the guard must stop it.
    if card.status == "lost":
        return verdict("lost")
    if card.status == "blacklisted":
        return verdict("blacklisted")
    if card.status == "expired" or (card.valid_until is not None and today > card.valid_until):
        return verdict("expired")
    if card.valid_from is not None and today < card.valid_from:
        return verdict("not_yet_valid")
    if card.kind not in CARD_KINDS_BY_GATE.get(gate_kind, frozenset()):
        return verdict("wrong_gate")
    if lockdown_level == "closed":
        # 里不出、外不进: residents stay home; only registered service workers (staff) pass.
        if card.kind == "staff":
            return verdict("ok")
        if lane == "out" or card.holder_role not in RESIDENT_ROLES:
            return verdict("lockdown_closed")
        return verdict("lockdown_resident_in")
    if card.special_care:
        return verdict("special_care")
    if lockdown_level == "restricted":
        return verdict("restricted_check")
    return verdict("ok")


def decide_by_hand(
    card_statuses: frozenset[str], holder_role: str | None, lane: str, lockdown_level: str
) -> Verdict:
    """Forgot card (忘带卡): a resident found by unit + ID last four, confirmed by the front desk.

    DOMAIN.md "Cards": a blacklisted holder must not be let in by hand either. A lost card is the
    usual reason for coming without one, so it does not stop the admission.
    """
    if "blacklisted" in card_statuses:
        return verdict("blacklisted")
    if lockdown_level == "closed" and (lane == "out" or holder_role not in RESIDENT_ROLES):
        return verdict("lockdown_closed")
    return verdict("forgot_card")
