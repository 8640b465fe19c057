"""Lockdown levels (DOMAIN.md "Lockdown levels"): which level is in force at a gate, ordering a new
one, and the history.

A level has a scope (the whole compound, or some gates), a start time and who ordered it, and in
the closed level the one entrance left open (里不出、外不进: every other gate in scope is *shut*
and refuses everything but emergency vehicles). The newest row covering a gate is the level in
force there; rows are never changed (a trigger refuses it), so the table is the history.

The one place that reads it. ``level_sql`` is the sub-select the swipe path folds into its card
look-up (one statement per swipe); ``at_gate`` is the same rule for everyone else. What a level
changes is in the policy (``policy/cards.py``, ``policy/visits.py``, ``policy/vehicles.py``): a
level is read at the moment of each decision, so a switch changes the rules at once everywhere.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from guardpost.domain import GuardRole, LockdownLevel
from guardpost.errors import GuardpostError
from guardpost.storage import transaction

COMPOUND = "compound"  # the scope of a level for every gate
SHUT_MARK = "!"  # appended by ``level_sql`` when the gate is shut (closed, and not the entrance)
NOTE_MAX = 200

_COLUMNS = "id, level, scope, entrance, started_at, ordered_by, note"


def _covers(gate_literal: str) -> str:
    return f"(scope = '{COMPOUND}' OR instr(',' || scope || ',', ',' || {gate_literal} || ',') > 0)"


def _literal(gate: str) -> str:
    return "'" + gate.replace("'", "''") + "'"


def level_sql(gate: str) -> str:
    """The level in force at ``gate`` as one scalar sub-select: ``'closed!'`` when the gate is shut.

    The gate id is folded in as a literal (the swipe path's statement is prepared once per gate;
    gate ids are ``[a-z0-9_-]`` by the config's check, and quoted all the same)."""
    g = _literal(gate)
    return (
        f"(SELECT level || CASE WHEN level = 'closed' AND entrance IS NOT NULL AND entrance <> {g}"
        f" THEN '{SHUT_MARK}' ELSE '' END FROM lockdown WHERE {_covers(g)} ORDER BY id DESC LIMIT 1)"
    )


def parse_level(stored: str | None) -> tuple[LockdownLevel, bool]:
    """What ``level_sql`` gave: the level, and whether the gate is shut."""
    if not stored:
        return LockdownLevel.of(None), False
    shut = stored.endswith(SHUT_MARK)
    return LockdownLevel(stored.rstrip(SHUT_MARK)), shut


@dataclass(frozen=True, slots=True)
class InForce:
    """A level as ordered (a row of the history), read for one gate (``shut``)."""

    id: int | None
    level: LockdownLevel
    scope: tuple[str, ...]  # empty: the whole compound
    entrance: str | None
    started_at: datetime | None
    ordered_by: str
    note: str | None
    shut: bool = False

    @property
    def whole_compound(self) -> bool:
        return not self.scope


NONE_ORDERED = InForce(None, LockdownLevel.of(None), (), None, None, "-", None)


def _row(row: tuple[object, ...], gate: str | None) -> InForce:
    scope = str(row[2])
    entrance = str(row[3]) if row[3] else None
    level = LockdownLevel(str(row[1]))
    return InForce(
        id=int(str(row[0])),
        level=level,
        scope=() if scope == COMPOUND else tuple(scope.split(",")),
        entrance=entrance,
        started_at=datetime.fromisoformat(str(row[4])),
        ordered_by=str(row[5]),
        note=str(row[6]) if row[6] is not None else None,
        shut=gate is not None and level == LockdownLevel.CLOSED and entrance is not None and entrance != gate,
    )


def at_gate(conn: sqlite3.Connection, gate: str) -> InForce:
    """The level in force at ``gate``; the default level when none was ever ordered for it."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM lockdown WHERE {_covers('?')} ORDER BY id DESC LIMIT 1", (gate,)
    ).fetchone()
    return _row(row, gate) if row else NONE_ORDERED


def current(conn: sqlite3.Connection, gate: str | None = None) -> LockdownLevel:
    """The level in force at ``gate``; without a gate, the newest level ordered anywhere."""
    if gate is not None:
        return at_gate(conn, gate).level
    row = conn.execute("SELECT level FROM lockdown ORDER BY id DESC LIMIT 1").fetchone()
    return LockdownLevel.of(row[0] if row else None)


def history(conn: sqlite3.Connection, limit: int = 50) -> list[InForce]:
    """The levels ordered, newest first."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM lockdown ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [_row(r, None) for r in rows]


def in_force_between(conn: sqlite3.Connection, gate: str, start: datetime, end: datetime) -> list[InForce]:
    """What a shift report says: the level in force at ``gate`` when ``start`` came, and every
    level ordered for it until ``end``, oldest first."""
    from guardpost.access import stamp

    before = conn.execute(
        f"SELECT {_COLUMNS} FROM lockdown WHERE {_covers('?')} AND started_at <= ? ORDER BY id DESC LIMIT 1",
        (gate, stamp(start)),
    ).fetchone()
    during = conn.execute(
        f"SELECT {_COLUMNS} FROM lockdown WHERE {_covers('?')} AND started_at > ? AND started_at <= ?"
        " ORDER BY id",
        (gate, stamp(start), stamp(end)),
    ).fetchall()
    return [_row(r, gate) for r in ([before] if before else []) + during]


def who(conn: sqlite3.Connection, ordered_by: str) -> str:
    """Who ordered a level, as a person reads it: the guard's name and code when it was a guard."""
    if ordered_by.startswith("guard:"):
        code = ordered_by[6:]
        row = conn.execute("SELECT name FROM guard WHERE code = ?", (code,)).fetchone()
        if row:
            return f"{row[0]} ({code})"
        return code
    return ordered_by


class BadLevel(GuardpostError):
    """A level that cannot be ordered as given (an unknown gate, an entrance outside the scope)."""


def _gates(conn: sqlite3.Connection) -> list[str]:
    return [str(r[0]) for r in conn.execute("SELECT id FROM gate ORDER BY id")]


def check_order(
    conn: sqlite3.Connection, level: LockdownLevel, scope: tuple[str, ...], entrance: str | None
) -> tuple[tuple[str, ...], str | None]:
    """The scope and entrance as stored (gates in the file's order, no repeats), or BadLevel naming
    what is wrong. An entrance only means something in the closed level, and must be in scope."""
    known = _gates(conn)
    wanted = tuple(dict.fromkeys(g.strip() for g in scope if g.strip()))
    for gate in wanted:
        if gate not in known:
            raise BadLevel("lockdown.unknown_gate", "lockdown.gates_hint", gate=gate, known=", ".join(known))
    if set(wanted) == set(known):
        wanted = ()  # every gate named: the whole compound
    if level != LockdownLevel.CLOSED:
        if entrance:
            raise BadLevel("lockdown.entrance_not_closed", None)
        return tuple(g for g in known if g in wanted), None
    if entrance is None:
        raise BadLevel("lockdown.entrance_needed", "lockdown.gates_hint", known=", ".join(known))
    if entrance not in known:
        raise BadLevel("lockdown.unknown_gate", "lockdown.gates_hint", gate=entrance, known=", ".join(known))
    if wanted and entrance not in wanted:
        raise BadLevel("lockdown.entrance_outside", None, gate=entrance)
    return tuple(g for g in known if g in wanted), entrance


def set_level(
    conn: sqlite3.Connection,
    level: LockdownLevel,
    *,
    scope: tuple[str, ...],
    entrance: str | None,
    note: str | None,
    code: str,
    pin: str,
    where: str,
    now: datetime,
) -> int:
    """Order a level: a supervisor's code and PIN (refusals audited by ``guards.authorise``), the
    level stored and audited in one transaction. Returns its row id."""
    from guardpost import audit, guards
    from guardpost.access import stamp
    from guardpost.text import strip_unsafe

    scope, entrance = check_order(conn, level, scope, entrance)
    text = strip_unsafe(note or "").strip() or None
    if text is not None and len(text) > NOTE_MAX:
        raise BadLevel("lockdown.note_too_long", None, max=NOTE_MAX)
    boss = guards.authorise(
        conn, code, pin, need=GuardRole.SUPERVISOR, action="lockdown.set", where=where, now=now
    )
    stored_scope = ",".join(scope) if scope else COMPOUND
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO lockdown (level, scope, entrance, started_at, ordered_by, note)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (level.value, stored_scope, entrance, stamp(now), boss.actor(), text),
        )
        row_id = int(cur.lastrowid or 0)
        detail = f"level={level.value} scope={stored_scope}" + (f" entrance={entrance}" if entrance else "")
        audit.append(conn, "lockdown.set", str(row_id), detail, actor=boss.actor(), at=now)
    return row_id
