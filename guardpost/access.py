"""The swipe path: find the card, decide, write the event, commit. Then, and only then, show it.

Hot path. It uses the plain ``sqlite3`` connection with prepared statements (the module caches
them): one indexed SELECT for card + holder + unit + the lockdown level in force, and one INSERT
that commits by itself (autocommit). An ORM session per swipe would cost more than the commit.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import NamedTuple, Protocol

from guardpost import exits, forgot_card, lockdown
from guardpost.domain import (
    CardKind,
    CardStatus,
    Decision,
    GateKind,
    Guard,
    Lane,
    LockdownLevel,
    PersonRole,
    Reason,
    Said,
    Source,
    Swipe,
)
from guardpost.errors import GuardpostError
from guardpost.policy import REASONS, CardFacts, Verdict, decide, verdict
from guardpost.uid import UidKey

_CARD_SQL = """
SELECT c.id, c.uid, c.kind, c.status, c.valid_from, c.valid_until,
       p.id, p.name, p.role, p.special_care, u.code, {level}
FROM card c LEFT JOIN person p ON p.id = c.person_id LEFT JOIN unit u ON u.id = p.unit_id
WHERE {where} LIMIT 2
"""
# The card's newest admission at a gate: through event_card (filled while the writer is idle), and
# the newest events not in it yet, from the end of the table.
_LAST_LANE_SQL = """
SELECT lane FROM (
    SELECT e.id, e.lane FROM access_event e
    WHERE e.id > (SELECT event_id FROM event_card_upto WHERE id = 1)
      AND e.card_id = ? AND e.gate_id = ? AND e.decision = 'allow'
    UNION ALL
    SELECT * FROM (
        SELECT e.id, e.lane FROM event_card ec JOIN access_event e ON e.id = ec.event_id
        WHERE ec.card_id = ? AND e.gate_id = ? AND e.decision = 'allow'
        ORDER BY ec.event_id DESC LIMIT 1
    )
) ORDER BY id DESC LIMIT 1
"""
_INSERT_SQL = (
    "INSERT INTO access_event (at, gate_id, lane, uid, card_id, person_id, decision, reason, source,"
    " guard_id, as_read, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
AS_READ_MAX = 64  # what a reader typed is kept this long at most (a scanner can send anything)


class CardKey(Protocol):
    """How to find a card: an exact canonical UID or a partial wedge key (``guardpost.uid.UidKey``)."""

    def sql(self) -> tuple[str, tuple[str | int, ...]]: ...


def exact(uid: str) -> UidKey:
    """The key of a card whose whole canonical UID is known (PC/SC, simulator, the CLI)."""
    return UidKey(exact=uid)


class NotSaved(GuardpostError):
    """The event could not be written (database locked, read-only, disk full).

    ``swipe`` is what was decided all the same (its ``event_id`` is 0): the guard sees the
    decision, and an alarm rings, before the file takes it.
    """

    exit_code = exits.STORAGE
    swipe: Swipe | None = None

    @classmethod
    def because(cls, exc: sqlite3.Error, swipe: Swipe | None) -> NotSaved:
        error = cls("storage.not_saved", "storage.not_saved_hint", error=storage_error(exc))
        error.swipe = swipe
        return error


def storage_error(exc: sqlite3.Error) -> Said:
    """What SQLite said, in the guard's words when it is one of the usual reasons."""
    text = str(exc)
    for needle, key in _SQLITE_ERRORS:
        if needle in text:
            return Said(key)
    return Said("storage.error_other", error=text)


_SQLITE_ERRORS = (
    ("database is locked", "storage.error_locked"),
    ("database or disk is full", "storage.error_full"),
    ("readonly database", "storage.error_readonly"),
    ("disk I/O error", "storage.error_io"),
    ("unable to open database", "storage.error_open"),
)


class Holder(NamedTuple):
    person_id: int
    person: str | None
    unit: str | None
    special_care: str | None


# The stored codes, looked up as the booth's words: a dict is several times faster than calling
# the enumeration, and this runs a few times for every swipe.
_KIND = {k.value: k for k in CardKind}
_STATUS = {s.value: s for s in CardStatus}
_ROLE = {r.value: r for r in PersonRole}
_LANE = {lane.value: lane for lane in Lane}
_LEVELS = {
    **{level.value: (level, False) for level in LockdownLevel},
    LockdownLevel.CLOSED.value + lockdown.SHUT_MARK: (LockdownLevel.CLOSED, True),
}


class CardRow(NamedTuple):
    """One row of ``_CARD_SQL``: the card, its holder and unit, and the lockdown level in force."""

    card_id: int
    uid: str
    kind: str
    status: str
    valid_from: str | None
    valid_until: str | None
    person_id: int | None
    person: str | None
    role: str | None
    special_care: str | None
    unit: str | None
    level: str | None

    def facts(self) -> CardFacts:
        return CardFacts(
            kind=_KIND[self.kind],
            status=_STATUS[self.status],
            valid_from=_date(self.valid_from),
            valid_until=_date(self.valid_until),
            holder_role=_ROLE[self.role] if self.role else None,
            special_care=self.special_care,
        )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


_EVENT_SQL = (
    "INSERT INTO access_event (at, gate_id, lane, uid, card_id, person_id, decision, reason, source,"
    " guard_id, as_read, visit_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def store_alarm(
    conn: sqlite3.Connection,
    reason: Reason,
    *,
    gate: str,
    lane: Lane,
    at: datetime,
    source: Source,
    visit_id: int | None = None,
    person_id: int | None = None,
    card: tuple[str | None, int | None, str | None] = (None, None, None),
    guard: Guard | None = None,
) -> int:
    """An alarm that is not a card's (a caller on the block list, a fever) as an event like a
    swipe's, so that the feed shows it, the banner rings and F5 acknowledges it, as for a lost card.
    In the caller's transaction: the visit or the reading and its alarm are stored together.
    ``card``: the uid, card id and what the reader sent of the swipe it concerns, so that the
    banner names an unknown card too."""
    assert REASONS[reason] == Decision.ALARM, reason
    return store_event(
        conn,
        reason,
        gate=gate,
        lane=lane,
        at=at,
        source=source,
        visit_id=visit_id,
        person_id=person_id,
        card=card,
        guard=guard,
    )


def store_event(
    conn: sqlite3.Connection,
    reason: Reason,
    *,
    gate: str,
    lane: Lane,
    at: datetime,
    source: Source,
    visit_id: int | None = None,
    person_id: int | None = None,
    card: tuple[str | None, int | None, str | None] = (None, None, None),
    guard: Guard | None = None,
    detail: str | None = None,
) -> int:
    """An event some register decided (an alarm, or a warning such as a plate in twice), stored in
    the caller's transaction with the decision its reason has (``policy.REASONS``). The file
    follower brings it to the feed like any row another process wrote. ``detail``: what the feed
    shows of it when no card or person names it (a plate)."""
    cur = conn.execute(
        _EVENT_SQL,
        (
            stamp(at),
            gate,
            lane.value,
            card[0],
            card[1],
            person_id,
            REASONS[reason].value,
            reason.value,
            source.value,
            guard.id if guard else None,
            card[2],
            visit_id,
            detail,
        ),
    )
    return int(cur.lastrowid or 0)


def stamp(moment: datetime) -> str:
    """The stored form of a time: ``YYYY-MM-DD HH:MM:SS.ffffff`` (sorts as text, SQLAlchemy reads it)."""
    return moment.isoformat(sep=" ", timespec="microseconds")


def gate_kind(conn: sqlite3.Connection, gate_id: str) -> GateKind:
    """The kind of this booth's gate; an unknown gate is refused, naming the gates there are."""
    row = conn.execute("SELECT kind FROM gate WHERE id = ?", (gate_id,)).fetchone()
    if row is None:
        known = ", ".join(r[0] for r in conn.execute("SELECT id FROM gate ORDER BY id")) or "-"
        raise GuardpostError("gate.unknown", "gate.unknown_hint", gate=gate_id, known=known)
    return GateKind(row[0])


class Gatekeeper:
    """Decides and records events at one gate. One instance per writer connection (not thread-safe).

    ``guard`` is the guard on duty, stamped on every event (None: nobody is on duty).
    """

    def __init__(self, conn: sqlite3.Connection, gate_id: str, *, guard: Guard | None = None) -> None:
        self.gate_kind = gate_kind(conn, gate_id)
        self.conn = conn
        self.gate_id = gate_id
        self.guard = guard
        self._sql: dict[str, str] = {}  # the look-up statement for each kind of card key
        self._level_sql = lockdown.level_sql(gate_id)
        # Anti-passback (DOMAIN.md "Vehicles"): a card in again here without going out is admitted
        # with a warning (guards forget exits; a refusal would strand a resident at the barrier).
        # Set by the booth for the gate kinds its config names. The last lane of each card is kept
        # for the cards this writer saw; a card not seen yet is looked up once.
        self.passback = False
        self._lanes: dict[int, str] = {}

    def swipe(
        self,
        key: CardKey,
        lane: Lane,
        *,
        as_read: str | None = None,
        source: str = Source.CLI,
        now: datetime | None = None,
        store: bool = True,
        reader_format: str | None = None,
    ) -> Swipe:
        """Look up, decide, write and commit one swipe. Raises NotSaved if it could not be stored.

        ``as_read`` is the text a keyboard-wedge reader typed, kept when it is not the UID itself;
        ``reader_format`` the format it was read with, kept on an unknown card (a wrong setting
        makes every card unknown, and the advice names it).
        ``store=False``: only decide (the event's id is 0), for a read that must wait its turn.
        """
        now = now or datetime.now()
        where, params = key.sql()
        sql = self._sql.get(where)
        if sql is None:
            sql = self._sql[where] = _CARD_SQL.format(where=where, level=self._level_sql)
        found = self.conn.execute(sql, params).fetchall()
        if len(found) != 1:
            reason = Reason.AMBIGUOUS_CARD if found else Reason.UNKNOWN_CARD
            uid = getattr(key, "exact", None)
            return self._record(
                now,
                lane,
                verdict(reason),
                source,
                uid=uid,
                as_read=as_read,
                detail=reader_format,
                store=store,
            )
        row = CardRow._make(found[0])
        level, shut = _LEVELS.get(row.level or "") or lockdown.parse_level(row.level)
        result = decide(row.facts(), self.gate_kind, lane, now.date(), level, shut=shut)
        passback = self.passback and lane == Lane.IN and result.reason == Reason.OK
        if passback and self._last_lane(row.card_id) == Lane.IN:
            result = verdict(Reason.PASSBACK)
        holder = Holder(row.person_id, row.person, row.unit, row.special_care) if row.person_id else None
        done = self._record(
            now,
            lane,
            result,
            source,
            uid=row.uid,
            card=(row.card_id, row.kind),
            holder=holder,
            as_read=as_read,
            store=store,
        )
        if self.passback and done.event_id and done.decision == Decision.ALLOW:
            self._lanes[row.card_id] = lane
        return done

    def _last_lane(self, card_id: int) -> str | None:
        """The lane of the card's last admission at this gate (None: never here)."""
        known = self._lanes.get(card_id)
        if known is not None:
            return known
        row = self.conn.execute(_LAST_LANE_SQL, (card_id, self.gate_id, card_id, self.gate_id)).fetchone()
        lane = str(row[0]) if row else None
        if lane is not None:
            self._lanes[card_id] = lane
        return lane

    def refuse_bad_read(
        self,
        typed: str,
        lane: Lane,
        reader_format: str,
        *,
        source: str = Source.WEDGE,
        now: datetime | None = None,
        store: bool = True,
    ) -> Swipe:
        """A read that could not be turned into a UID is still recorded: what was typed, and the
        reader format it was read with (the setting the guard's advice names)."""
        return self._record(
            now or datetime.now(),
            lane,
            verdict(Reason.BAD_READ),
            source,
            as_read=typed,
            detail=reader_format,
            store=store,
        )

    def admit_by_hand(self, person_id: int, lane: Lane, *, now: datetime | None = None) -> Swipe:
        """Forgot card: identity checked (room + ID last four) and confirmed by the front desk.

        Decided by the same rule as the form that offered the admission (``forgot_card.judge``).
        """
        person = forgot_card.person(self.conn, person_id)
        if person is None:
            raise GuardpostError("person.unknown", None, person=person_id)
        here = lockdown.at_gate(self.conn, self.gate_id)
        result = forgot_card.judge(person, lane, here.level, self.gate_kind, shut=here.shut)
        holder = Holder(person.person_id, person.name, person.unit, person.special_care)
        return self._record(now or datetime.now(), lane, result, Source.MANUAL, holder=holder)

    def _record(
        self,
        now: datetime,
        lane: Lane,
        result: Verdict,
        source: str,
        *,
        uid: str | None = None,
        card: tuple[int, str] | None = None,
        holder: Holder | None = None,
        as_read: str | None = None,
        detail: str | None = None,
        store: bool = True,
    ) -> Swipe:
        if as_read is not None:
            as_read = as_read.strip()[:AS_READ_MAX] or None
            if as_read is not None and as_read.upper() == uid:
                as_read = None
        guard_id = self.guard.id if self.guard is not None else None
        person_id = holder.person_id if holder is not None else None
        fields = dict(
            at=now,
            gate_id=self.gate_id,
            lane=_LANE[lane],
            uid=uid,
            decision=result.decision,
            reason=result.reason,
            source=source,
            card_kind=_KIND[card[1]] if card else None,
            person_id=person_id,
            person=holder.person if holder else None,
            unit=holder.unit if holder else None,
            special_care=holder.special_care if holder else None,
            as_read=as_read,
            detail=detail,
            guard_id=guard_id,
        )
        if not store:
            return Swipe(event_id=0, **fields)  # type: ignore[arg-type]
        try:
            cur = self.conn.execute(
                _INSERT_SQL,
                (
                    stamp(now),
                    self.gate_id,
                    lane,
                    uid,
                    card[0] if card else None,
                    person_id,
                    result.decision,
                    result.reason,
                    source,
                    guard_id,
                    as_read,
                    detail,
                ),
            )
        except sqlite3.Error as exc:
            raise NotSaved.because(exc, Swipe(event_id=0, **fields)) from exc  # type: ignore[arg-type]
        assert cur.lastrowid is not None
        return Swipe(event_id=cur.lastrowid, **fields)  # type: ignore[arg-type]
