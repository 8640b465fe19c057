"""The booth's pure rules, one module per register: ``cards`` (a person with or without a card at a
gate) and ``visits`` (callers: relatives, couriers, workers ...). No I/O, no clock, no storage
(an import-linter contract checks it). ``decide`` and its friends are the cards' engine, exported
here because every caller knows them by these names.
"""

from guardpost.policy.cards import (
    CARD_KINDS_BY_GATE,
    REASONS,
    CardFacts,
    Verdict,
    allowed_kinds,
    decide,
    decide_by_hand,
    verdict,
)

__all__ = [
    "CARD_KINDS_BY_GATE",
    "REASONS",
    "CardFacts",
    "Verdict",
    "allowed_kinds",
    "decide",
    "decide_by_hand",
    "verdict",
]
