"""Forgot card (忘带卡, DOMAIN.md "Cards"): the unit and the last four of the ID card find the person;
the decision engine says, before anyone is asked to confirm, whether they may be admitted by hand.

The form (``screens``), the swipe path (``access.Gatekeeper.admit_by_hand``) and any report use these
functions, so the list a guard sees and the decision that gets stored cannot disagree.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from guardpost import lockdown
from guardpost.domain import CardKind, CardStatus, GateKind, Lane, LockdownLevel, PersonRole
from guardpost.errors import GuardpostError
from guardpost.policy import Verdict, decide_by_hand

_PERSON_SQL = """
SELECT p.id, p.name, p.role, p.special_care, u.code,
       (SELECT group_concat(c.kind || ':' || c.status) FROM card c WHERE c.person_id = p.id)
FROM person p LEFT JOIN unit u ON u.id = p.unit_id
"""


@dataclass(frozen=True, slots=True)
class Person:
    """What the forgot-card rule needs to know of a person: who, where, and their cards' statuses."""

    person_id: int
    name: str
    role: PersonRole
    special_care: str | None
    unit: str | None
    cards: tuple[tuple[CardKind, CardStatus], ...]  # (kind, status) of each of their cards

    @property
    def card_statuses(self) -> frozenset[CardStatus]:
        return frozenset(status for _, status in self.cards)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person the guard may pick, with what the engine would decide if they were admitted now."""

    person: Person
    verdict: Verdict


def _person(row: tuple[object, ...]) -> Person:
    cards = [item.split(":") for item in str(row[5]).split(",")] if row[5] else []
    return Person(
        person_id=int(str(row[0])),
        name=str(row[1]),
        role=PersonRole(str(row[2])),
        special_care=str(row[3]) if row[3] else None,
        unit=str(row[4]) if row[4] else None,
        cards=tuple((CardKind(kind), CardStatus(status)) for kind, status in cards),
    )


def person(conn: sqlite3.Connection, person_id: int) -> Person | None:
    row = conn.execute(f"{_PERSON_SQL} WHERE p.id = ?", (person_id,)).fetchone()
    return _person(row) if row else None


def judge(
    who: Person, lane: Lane, level: LockdownLevel, gate_kind: GateKind, *, shut: bool = False
) -> Verdict:
    """The decision for admitting ``who`` by hand now: the one rule, ``policy.decide_by_hand``."""
    return decide_by_hand(who.cards, who.role, lane, level, gate_kind, shut=shut)


def unit_id(conn: sqlite3.Connection, unit_code: str) -> int:
    """The unit's id; a unit that does not exist is refused at once (before the ID is asked)."""
    row = conn.execute("SELECT id FROM unit WHERE code = ?", (unit_code,)).fetchone()
    if row is None:
        raise GuardpostError("forgot.no_unit", "forgot.no_unit_hint", unit=unit_code)
    return int(row[0])


def find(
    conn: sqlite3.Connection,
    unit_code: str,
    id_last4: str,
    lane: Lane,
    gate_kind: GateKind,
    gate: str | None = None,
) -> list[Candidate]:
    """People of ``unit_code`` whose ID card ends in ``id_last4``, each with the engine's verdict.

    Raises GuardpostError saying why nobody was found: no such unit, nobody there has the last
    four on file, or no match.
    """
    uid = unit_id(conn, unit_code)
    rows = conn.execute(
        f"{_PERSON_SQL} WHERE p.unit_id = ? AND p.id_last4 = ? ORDER BY p.id", (uid, id_last4.upper())
    ).fetchall()
    if rows:
        here = lockdown.at_gate(conn, gate) if gate is not None else None
        level = here.level if here is not None else lockdown.current(conn)
        shut = here.shut if here is not None else False
        return [Candidate(p, judge(p, lane, level, gate_kind, shut=shut)) for p in map(_person, rows)]
    on_file = conn.execute(
        "SELECT count(*) FROM person WHERE unit_id = ? AND id_last4 IS NOT NULL", (uid,)
    ).fetchone()[0]
    if on_file == 0:
        raise GuardpostError("forgot.none_on_file", "forgot.none_on_file_hint", unit=unit_code)
    raise GuardpostError("forgot.no_match", "forgot.no_match_hint", unit=unit_code)
