"""The decision table of ``policy.decide``: every rule, and that nothing outside the table can come out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardpost.domain import CardKind, CardStatus, Decision, GateKind, Lane, LockdownLevel, PersonRole
from guardpost.i18n import LANGUAGES, catalogue
from guardpost.policy import CARD_KINDS_BY_GATE, REASONS, CardFacts, Verdict, decide

ALLOW, DENY, ALARM = Decision.ALLOW, Decision.DENY, Decision.ALARM

TODAY = date(2026, 11, 26)
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)


def card(
    kind: str = "owner",
    status: str = "active",
    *,
    valid_from: date | None = None,
    valid_until: date | None = None,
    role: str | None = "owner",
    care: str | None = None,
) -> CardFacts:
    return CardFacts(kind, status, valid_from, valid_until, role, care)


def at(
    facts: CardFacts | None,
    gate: str = "pedestrian",
    lane: str = "in",
    level: str = "normal",
    today: date = TODAY,
) -> Verdict:
    return decide(facts, gate, lane, today, level)


def test_unknown_card_is_denied() -> None:
    assert at(None) == Verdict(DENY, "unknown_card")
    assert at(None, "garage", "out", "closed") == Verdict(DENY, "unknown_card")


def test_active_owner_card_passes() -> None:
    v = at(card())
    assert v == Verdict(ALLOW, "ok")
    assert (v.reason_key, v.hint_key) == ("reason.ok", "hint.ok")


@pytest.mark.parametrize("gate", ["pedestrian", "vehicle", "garage"])
@pytest.mark.parametrize("level", ["normal", "restricted", "closed"])
def test_lost_card_alarms_whatever_else_is_true(gate: str, level: str) -> None:
    assert at(card("parking_monthly", "lost"), gate, "out", level) == Verdict(ALARM, "lost")
    expired_too = card("owner", "lost", valid_from=TOMORROW, valid_until=YESTERDAY, role=None)
    assert at(expired_too, gate, "in", level) == Verdict(ALARM, "lost")


def test_blacklisted_card_alarms_even_when_expired() -> None:
    assert at(card(status="blacklisted")) == Verdict(ALARM, "blacklisted")
    assert at(card("staff", "blacklisted", valid_until=YESTERDAY), "vehicle") == Verdict(ALARM, "blacklisted")


def test_expired() -> None:
    assert at(card(status="expired")) == Verdict(DENY, "expired")
    assert at(card(valid_until=YESTERDAY)) == Verdict(DENY, "expired")
    assert at(card(valid_until=TODAY)) == Verdict(ALLOW, "ok")  # valid through its last day
    assert at(card(status="expired", valid_until=TOMORROW)) == Verdict(DENY, "expired")


def test_not_yet_valid() -> None:
    assert at(card(valid_from=TOMORROW)) == Verdict(DENY, "not_yet_valid")
    assert at(card(valid_from=TODAY)) == Verdict(ALLOW, "ok")


def test_wrong_gate() -> None:
    assert at(card("parking_monthly"), "pedestrian") == Verdict(DENY, "wrong_gate")
    assert at(card("parking_temporary", role=None), "pedestrian") == Verdict(DENY, "wrong_gate")
    assert at(card("staff", role="staff"), "vehicle") == Verdict(DENY, "wrong_gate")
    assert at(card("staff", role="staff"), "garage") == Verdict(DENY, "wrong_gate")
    assert at(card("owner"), "garage") == Verdict(DENY, "wrong_gate")
    assert at(card("owner"), "vehicle") == Verdict(ALLOW, "ok")
    assert at(card("parking_monthly"), "garage") == Verdict(ALLOW, "ok")
    assert at(card("staff", role="staff"), "pedestrian") == Verdict(ALLOW, "ok")


@pytest.mark.parametrize("role", ["owner", "family", "tenant"])
def test_closed_lockdown_residents(role: str) -> None:
    assert at(card(role=role), lane="out", level="closed") == Verdict(DENY, "lockdown_closed")
    assert at(card(role=role), lane="in", level="closed") == Verdict(ALLOW, "lockdown_resident_in")
    cared = card(role=role, care="独居老人")
    assert at(cared, lane="in", level="closed").reason == "lockdown_resident_in"


def test_closed_lockdown_staff_and_others() -> None:
    for lane in ("in", "out"):
        assert at(card("staff", role="staff"), lane=lane, level="closed").decision == ALLOW
    assert at(card(role=None), lane="in", level="closed") == Verdict(DENY, "lockdown_closed")
    # an owner card in a staff member's hand is no service pass
    assert at(card("owner", role="staff"), lane="in", level="closed") == Verdict(DENY, "lockdown_closed")


def test_restricted_level_allows_with_a_check() -> None:
    assert at(card(), level="restricted") == Verdict(ALLOW, "restricted_check")
    assert at(card(), lane="out", level="restricted") == Verdict(ALLOW, "restricted_check")


def test_special_care_is_allowed_with_a_hint() -> None:
    assert at(card(care="独居老人，腿脚不便")) == Verdict(ALLOW, "special_care")
    assert at(card(care="行动不便"), level="restricted") == Verdict(ALLOW, "special_care")
    assert at(card(care="")) == Verdict(ALLOW, "ok")


def test_gate_table_follows_the_domain() -> None:
    assert CARD_KINDS_BY_GATE["pedestrian"] == {"owner", "staff"}
    assert "staff" not in CARD_KINDS_BY_GATE["vehicle"]
    assert "owner" not in CARD_KINDS_BY_GATE["garage"]


# --- nothing outside the table --------------------------------------------------------------

_dates = st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 12, 31)))
_facts = st.builds(
    CardFacts,
    kind=st.sampled_from([*CardKind, "bogus"]),
    status=st.sampled_from(list(CardStatus)),  # the schema CHECK allows no other status
    valid_from=_dates,
    valid_until=_dates,
    holder_role=st.one_of(st.none(), st.sampled_from([*PersonRole, "visitor"])),
    special_care=st.one_of(st.none(), st.text(max_size=10)),
)


@given(
    facts=st.one_of(st.none(), _facts),
    gate=st.sampled_from([*GateKind, "side-door"]),
    lane=st.sampled_from(list(Lane)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 12, 31)),
    level=st.sampled_from(list(LockdownLevel)),
)
def test_decide_never_raises_and_stays_in_the_table(
    facts: CardFacts | None, gate: str, lane: str, today: date, level: str
) -> None:
    v = decide(facts, gate, lane, today, level)
    assert v.reason in REASONS
    assert v.decision == REASONS[v.reason]
    if facts is not None and facts.status in ("lost", "blacklisted"):
        assert v.decision == ALARM
    if v.decision == ALLOW:
        assert facts is not None and facts.status == "active"
        assert facts.valid_until is None or today <= facts.valid_until
        assert facts.valid_from is None or facts.valid_from <= today
        assert facts.kind in CARD_KINDS_BY_GATE.get(gate, frozenset())
        if level == "closed":
            assert facts.kind == "staff" or (
                lane == "in" and facts.holder_role in ("owner", "family", "tenant")
            )


def test_reasons_have_valid_decisions() -> None:
    assert set(REASONS.values()) <= {ALLOW, DENY, ALARM}
    assert {r for r, d in REASONS.items() if d == ALARM} == {
        "lost",
        "blacklisted",
        "blacklisted_person",
        "visitor_blocked",  # a caller on the block list (policy.visits.ALARM_EVENTS)
        "fever",
    }


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_reason_has_text_and_hint_in_both_languages(code: str) -> None:
    entries = catalogue()
    for key in (f"reason.{code}", f"hint.{code}"):
        assert key in entries, key
        for lang in LANGUAGES:
            assert entries[key][lang].strip()
        assert entries[key]["zh-CN"] != entries[key]["en"]


def test_forgot_card_never_admits_a_blacklisted_holder() -> None:
    from guardpost.policy import decide_by_hand

    refused = decide_by_hand([("owner", "blacklisted")], "owner", "in", "normal")
    assert (refused.decision, refused.reason) == ("alarm", "blacklisted_person")
    assert decide_by_hand([], "staff", "in", "normal").reason == "not_a_resident"
    assert decide_by_hand([("owner", "lost")], "owner", "in", "normal").reason == "forgot_card"
    assert decide_by_hand([], "tenant", "out", "closed").reason == "lockdown_closed"
    assert decide_by_hand([], "family", "in", "closed").reason == "forgot_card"


def test_forgot_card_agrees_with_the_cards_the_holder_carries() -> None:
    """Someone who would pass with one of their cards passes by hand; someone whose every card
    for this gate is blacklisted does not (the hardening issue found the two disagreeing)."""
    from guardpost.policy import decide_by_hand

    blacklisted_parking = [("parking_monthly", "blacklisted"), ("owner", "active")]
    assert decide_by_hand(blacklisted_parking, "owner", "in", "normal", "pedestrian").reason == "forgot_card"
    assert (
        decide_by_hand(blacklisted_parking, "owner", "in", "normal", "garage").reason == "blacklisted_person"
    )
    both = [("owner", "blacklisted"), ("owner", "blacklisted")]
    assert decide_by_hand(both, "owner", "in", "normal", "pedestrian").decision == "alarm"
    one_of_two = [("owner", "blacklisted"), ("owner", "expired")]
    assert decide_by_hand(one_of_two, "owner", "in", "normal", "pedestrian").reason == "forgot_card"
