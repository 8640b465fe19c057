"""What the guard should do about an event: the engine's hint for its reason, with the details that
make it usable (the special-care note, the card number and reader setting of a bad read, the card
kinds this gate takes). The feed, the alarm banner, the detail view and ``guardpost swipe`` all
say the same.
"""

from __future__ import annotations

from guardpost.domain import GateKind, Reason, Said, Source, Swipe
from guardpost.i18n import t
from guardpost.policy import allowed_kinds


def advice(swipe: Swipe, gate_kind: GateKind | None = None) -> Said:
    params: dict[str, object] = {}
    if swipe.reason == Reason.SPECIAL_CARE:
        params["note"] = swipe.special_care or "-"
    elif swipe.reason == Reason.BAD_READ:
        params["number"] = swipe.shown_number or "-"
        params["format"] = swipe.detail or "-"
    elif swipe.reason == Reason.WRONG_GATE:
        params["kind"] = Said(f"kind.{swipe.card_kind}") if swipe.card_kind else "-"
        kinds = allowed_kinds(gate_kind) if gate_kind is not None else ()
        params["allowed"] = tuple(Said(f"kind.{k}") for k in kinds) or "-"
    elif swipe.reason in (Reason.UNKNOWN_CARD, Reason.AMBIGUOUS_CARD):
        params["number"] = swipe.shown_number or "-"
        if swipe.reason == Reason.UNKNOWN_CARD and swipe.detail:  # typed by a wedge reader
            return Said("hint.unknown_card_wedge", format=swipe.detail, **params)
    return Said(f"hint.{swipe.reason}", **params)


def who(swipe: Swipe) -> str:
    """The person and unit, or the card number as read when nobody is known; a vehicle register's
    event (a plate in twice, a plate on the block list) names its plate, and a temperature taken
    of someone named by hand (a quarantined household's member) names them."""
    if swipe.source in (Source.VEHICLE, Source.TEMPERATURE) and swipe.detail:
        return swipe.detail
    known = " ".join(x for x in (swipe.person, swipe.unit) if x)
    if known:
        return known
    return t("feed.card_number", number=swipe.shown_number) if swipe.shown_number else "-"
