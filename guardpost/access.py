"""The swipe path: find the card, decide, write the event, commit. Then, and only then, show it.

Hot path. It uses the plain ``sqlite3`` connection with prepared statements (the module caches
them): one indexed SELECT for card + holder + unit, one for the lockdown level, and one INSERT that
commits by itself (autocommit). An ORM session per swipe would cost more than the commit it wraps.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from guardpost.errors import GuardpostError
from guardpost.policy import CardFacts, Verdict, decide, decide_by_hand, verdict

# One statement per look-up: the card, its holder, the holder's unit, and the lockdown level in force.
_CARD_SQL = """
SELECT c.id, c.uid, c.kind, c.status, c.valid_from, c.valid_until,
       p.id, p.name, p.role, p.special_care, u.code,
       (SELECT level FROM lockdown ORDER BY id DESC LIMIT 1)
FROM card c LEFT JOIN person p ON p.id = c.person_id LEFT JOIN unit u ON u.id = p.unit_id
WHERE {where} LIMIT 2
"""
_INSERT_SQL = (
    "INSERT INTO access_event (at, gate_id, lane, uid, card_id, person_id, decision, reason, source,"
    " guard_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class CardKey(Protocol):
    """How to find a card: an exact canonical UID or a partial wedge key (``guardpost.uid.UidKey``)."""

    def sql(self) -> tuple[str, tuple[object, ...]]: ...


@dataclass(frozen=True, slots=True)
class ExactUid:
    uid: str

    def sql(self) -> tuple[str, tuple[object, ...]]:
        return "uid = ?", (self.uid,)


class NotSaved(GuardpostError):
    """The event could not be written (database locked, read-only, disk full)."""

    exit_code = 4


@dataclass(frozen=True, slots=True)
class Swipe:
    """A decided and stored swipe: everything the feed row and ``guardpost swipe --json`` show."""

    event_id: int
    at: datetime
    gate_id: str
    lane: str
    uid: str | None
    decision: str
    reason: str
    source: str
    card_kind: str | None = None
    person_id: int | None = None
    person: str | None = None
    unit: str | None = None
    special_care: str | None = None
    detail: str = ""

    @property
    def verdict(self) -> Verdict:
        return Verdict(self.decision, self.reason)

    def as_json(self) -> dict[str, object]:
        return {
            "event_id": self.event_id,
            "at": self.at.isoformat(sep=" "),
            "gate": self.gate_id,
            "lane": self.lane,
            "uid": self.uid,
            "decision": self.decision,
            "reason": self.reason,
            "source": self.source,
            "card_kind": self.card_kind,
            "person": self.person,
            "unit": self.unit,
        }


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def stamp(moment: datetime) -> str:
    """The stored form of a time: ``YYYY-MM-DD HH:MM:SS.ffffff`` (sorts as text, SQLAlchemy reads it)."""
    return moment.isoformat(sep=" ", timespec="microseconds")


class Gatekeeper:
    """Decides and records swipes at one gate. One instance per writer connection (not thread-safe)."""

    def __init__(
        self, conn: sqlite3.Connection, gate_id: str, *, debounce_ms: int = 1500, guard_id: int | None = None
    ) -> None:
        row = conn.execute("SELECT kind FROM gate WHERE id = ?", (gate_id,)).fetchone()
        if row is None:
            known = ", ".join(r[0] for r in conn.execute("SELECT id FROM gate ORDER BY id")) or "-"
            raise GuardpostError("gate.unknown", "gate.unknown_hint", gate=gate_id, known=known)
        self.conn = conn
        self.gate_id = gate_id
        self.gate_kind: str = row[0]
        self.guard_id = guard_id
        self.debounce_ns = debounce_ms * 1_000_000
        self._last_read: dict[tuple[str, str], int] = {}
        self._sql: dict[str, str] = {}  # the look-up statement for each kind of card key

    def is_repeat(self, uid: str, lane: str, read_ns: int | None = None) -> bool:
        """True for the same card on the same lane again within the debounce window (one swipe)."""
        now = read_ns if read_ns is not None else time.monotonic_ns()
        last = self._last_read.get((uid, lane))
        self._last_read[(uid, lane)] = now
        if len(self._last_read) > 512:  # keep the window's memory small
            cutoff = now - self.debounce_ns
            self._last_read = {k: v for k, v in self._last_read.items() if v >= cutoff}
        return last is not None and now - last < self.debounce_ns

    def swipe(
        self,
        key: CardKey,
        lane: str,
        *,
        uid: str | None = None,
        source: str = "card",
        now: datetime | None = None,
    ) -> Swipe:
        """Look up, decide, write and commit one swipe. Raises NotSaved if it could not be stored."""
        now = now or datetime.now()
        where, params = key.sql()
        sql = self._sql.get(where)
        if sql is None:
            sql = self._sql[where] = _CARD_SQL.format(where=where)
        found = self.conn.execute(sql, params).fetchall()
        if len(found) > 1:
            return self._record(now, lane, uid, None, verdict("ambiguous_card"), source)
        if not found:
            return self._record(now, lane, uid, None, verdict("unknown_card"), source)
        row = found[0]
        facts = CardFacts(
            kind=row[2],
            status=row[3],
            valid_from=_date(row[4]),
            valid_until=_date(row[5]),
            holder_role=row[8],
            special_care=row[9],
        )
        result = decide(facts, self.gate_kind, lane, now.date(), row[11] or "normal")
        return self._record(now, lane, row[1], row, result, source)

    def refuse_bad_read(
        self, typed: str, lane: str, detail: str, *, source: str = "wedge", now: datetime | None = None
    ) -> Swipe:
        """A read that could not be turned into a UID is still recorded (as typed, cut short)."""
        return self._record(
            now or datetime.now(), lane, typed[:20], None, verdict("bad_read"), source, detail=detail
        )

    def admit_by_hand(self, person_id: int, lane: str, *, now: datetime | None = None) -> Swipe:
        """Forgot card: identity checked (room + ID last four) and confirmed by the front desk."""
        row = self.conn.execute(
            "SELECT NULL, NULL, NULL, NULL, NULL, NULL, p.id, p.name, p.role, p.special_care, u.code,"
            " (SELECT level FROM lockdown ORDER BY id DESC LIMIT 1)"
            " FROM person p LEFT JOIN unit u ON u.id = p.unit_id WHERE p.id = ?",
            (person_id,),
        ).fetchone()
        if row is None:
            raise GuardpostError("person.unknown", None, person=person_id)
        statuses = frozenset(
            r[0] for r in self.conn.execute("SELECT status FROM card WHERE person_id = ?", (person_id,))
        )
        result = decide_by_hand(statuses, row[8], lane, row[11] or "normal")
        return self._record(now or datetime.now(), lane, None, row, result, "manual")

    def _record(
        self,
        now: datetime,
        lane: str,
        uid: str | None,
        row: Any,
        result: Verdict,
        source: str,
        detail: str = "",
    ) -> Swipe:
        card_id = row[0] if row else None
        person_id = row[6] if row else None
        try:
            cur = self.conn.execute(
                _INSERT_SQL,
                (
                    stamp(now),
                    self.gate_id,
                    lane,
                    uid,
                    card_id,
                    person_id,
                    result.decision,
                    result.reason,
                    source,
                    self.guard_id,
                ),
            )
        except sqlite3.Error as exc:
            raise NotSaved("storage.not_saved", "storage.not_saved_hint", error=str(exc)) from exc
        assert cur.lastrowid is not None
        return Swipe(
            event_id=cur.lastrowid,
            at=now,
            gate_id=self.gate_id,
            lane=lane,
            uid=uid,
            decision=result.decision,
            reason=result.reason,
            source=source,
            card_kind=row[2] if row else None,
            person_id=person_id,
            person=row[7] if row else None,
            unit=row[10] if row else None,
            special_care=row[9] if row else None,
            detail=detail,
        )


@dataclass(frozen=True, slots=True)
class Resident:
    person_id: int
    name: str
    role: str
    blacklisted: bool  # one of their cards is blacklisted: not to be admitted by hand


def find_forgot_card(conn: sqlite3.Connection, unit_code: str, id_last4: str) -> list[Resident]:
    """Residents of ``unit_code`` whose ID card ends in ``id_last4``.

    Raises GuardpostError saying why nobody was found: no such unit, nobody there has the last
    four on file, or no match.
    """
    unit = conn.execute("SELECT id FROM unit WHERE code = ?", (unit_code,)).fetchone()
    if unit is None:
        raise GuardpostError("forgot.no_unit", "forgot.no_unit_hint", unit=unit_code)
    found = [
        Resident(r[0], r[1], r[2], bool(r[3]))
        for r in conn.execute(
            "SELECT p.id, p.name, p.role, EXISTS (SELECT 1 FROM card c WHERE c.person_id = p.id"
            " AND c.status = 'blacklisted') FROM person p"
            " WHERE p.unit_id = ? AND p.id_last4 = ? AND p.role != 'staff' ORDER BY p.id",
            (unit[0], id_last4.upper()),
        )
    ]
    if found:
        return found
    on_file = conn.execute(
        "SELECT count(*) FROM person WHERE unit_id = ? AND id_last4 IS NOT NULL", (unit[0],)
    ).fetchone()[0]
    if on_file == 0:
        raise GuardpostError("forgot.none_on_file", "forgot.none_on_file_hint", unit=unit_code)
    raise GuardpostError("forgot.no_match", "forgot.no_match_hint", unit=unit_code)
