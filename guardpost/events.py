"""Reading access events back: pages of the feed (newest first), filters, search, one event's
detail, open alarms, and the events other processes wrote since we last looked.

Every query here walks an index backwards from a row id (``tests/test_reshape.py`` checks the
query plans). An allowed swipe writes its row and nothing else, so: the filters read the partial
index over refused and alarm rows; time ranges are found through the row id, which grows with time
(``first_id_since``); a card's events are found through ``event_card``, which ``index_cards``
fills in batches off the swipe path (the booth's writer calls it when idle), plus the newest
events not in it yet, read from the end of the table.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from guardpost.domain import CardKind, CardStatus, Decision, Lane, PersonRole, Reason, Swipe

# a visitor's alarm (schema 5) has no card and no resident: its name and host unit are the visit's
_COLUMNS = """
e.id, e.at, e.gate_id, e.lane, e.uid, e.decision, e.reason, e.source, c.kind, p.id,
coalesce(p.name, v.name), coalesce(u.code, vu.code), p.special_care, e.as_read, e.detail, e.guard_id,
e.visit_id
"""
_N_COLUMNS = 17
_JOINS = """
LEFT JOIN card c ON c.id = e.card_id
LEFT JOIN person p ON p.id = e.person_id
LEFT JOIN unit u ON u.id = p.unit_id
LEFT JOIN visit v ON v.id = e.visit_id
LEFT JOIN unit vu ON vu.id = v.host_unit_id
"""
_SELECT = f"SELECT {_COLUMNS} FROM access_event e {_JOINS}"


class Filter(StrEnum):
    ALL = "all"
    REFUSED = "refused"
    ALARMS = "alarms"


# The WHERE term of each filter: the condition of the one partial index over refused and alarm rows
# (migration 0003), written as it is there so that SQLite uses the index; alarms are a part of them.
_FILTER_SQL: dict[Filter, str] = {
    Filter.ALL: "",
    Filter.REFUSED: "e.decision <> 'allow'",
    Filter.ALARMS: "e.decision <> 'allow' AND e.decision = 'alarm'",
}
FILTER_DECISIONS: dict[Filter, frozenset[Decision]] = {
    Filter.ALL: frozenset(Decision),
    Filter.REFUSED: frozenset({Decision.DENY, Decision.ALARM}),
    Filter.ALARMS: frozenset({Decision.ALARM}),
}
PAGE = 200
_NEWEST = 2**63 - 1
UPTO_SQL = "SELECT event_id FROM event_card_upto WHERE id = 1"


def swipe_from_row(r: tuple[object, ...]) -> Swipe:
    """One row of ``_SELECT`` as a Swipe: the one place a stored event becomes a value."""
    return Swipe(
        event_id=int(str(r[0])),
        at=datetime.fromisoformat(str(r[1])),
        gate_id=str(r[2]),
        lane=Lane(str(r[3])),
        uid=_opt(r[4]),
        decision=Decision(str(r[5])),
        reason=Reason(str(r[6])),
        source=str(r[7]),
        card_kind=CardKind(str(r[8])) if r[8] else None,
        person_id=int(str(r[9])) if r[9] is not None else None,
        person=_opt(r[10]),
        unit=_opt(r[11]),
        special_care=_opt(r[12]),
        as_read=_opt(r[13]),
        detail=_opt(r[14]),
        guard_id=int(str(r[15])) if r[15] is not None else None,
        visit_id=int(str(r[16])) if r[16] is not None else None,
    )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def like_escape(term: str) -> str:
    """``term`` for a LIKE pattern with ``ESCAPE '\\'``: a typed ``%`` or ``_`` means itself."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_term(text: str) -> str:
    """What the guard typed, as the register spells it: a unit in any of its spellings (``3栋2单元701``,
    ``3/2/701``, full-width digits) becomes ``3-2-701``, the start of one (``3栋2单元``) ``3-2``."""
    from guardpost import validate

    term = text.strip()
    for parse in (validate.unit_code, validate.unit_prefix):
        try:
            return parse(term)
        except validate.Invalid:
            continue
    return term


def _search_ids(
    term: str, before_id: int, limit: int, where: str, gate: str | None
) -> tuple[str, list[object]]:
    """Ids of events matching ``term``: a person's name (part of it), a unit (``3-2`` finds building 3
    entrance 2), or a card number (its start). Four index walks, each newest first."""
    like = like_escape(term)
    persons = (
        "SELECT p2.id FROM person p2 LEFT JOIN unit u2 ON u2.id = p2.unit_id"
        " WHERE p2.name LIKE ? ESCAPE '\\' OR u2.code = ? OR u2.code LIKE ? ESCAPE '\\'"
    )
    person_params: list[object] = [f"%{like}%", term, f"{like}-%"]
    number = f"{like.upper()}%"
    cards = f"SELECT c2.id FROM card c2 WHERE c2.person_id IN ({persons}) OR c2.uid LIKE ? ESCAPE '\\'"
    card_params = [*person_params, number]
    extra, extra_params = _where(where, gate)
    parts = [
        (
            "SELECT ec.event_id AS id FROM event_card ec JOIN access_event e ON e.id = ec.event_id"
            f" WHERE ec.card_id IN ({cards}) AND ec.event_id < ?{extra} ORDER BY ec.event_id DESC LIMIT ?",
            [*card_params, before_id, *extra_params, limit],
        ),
        (  # the newest events, not filed in event_card yet
            f"SELECT e.id FROM access_event e WHERE e.id > ({UPTO_SQL}) AND e.id < ?{extra}"
            f" AND e.card_id IN ({cards}) ORDER BY e.id DESC LIMIT ?",
            [before_id, *extra_params, *card_params, limit],
        ),
        (  # admitted by hand, no card
            "SELECT e.id FROM access_event e WHERE e.card_id IS NULL AND e.person_id IS NOT NULL"
            f" AND e.person_id IN ({persons}) AND e.id < ?{extra} ORDER BY e.id DESC LIMIT ?",
            [*person_params, before_id, *extra_params, limit],
        ),
        (  # an unknown card or a bad read, by the number as read
            "SELECT e.id FROM access_event e WHERE e.decision <> 'allow'"
            " AND (e.uid LIKE ? ESCAPE '\\' OR upper(e.as_read) LIKE ? ESCAPE '\\')"
            f" AND e.id < ?{extra} ORDER BY e.id DESC LIMIT ?",
            [number, number, before_id, *extra_params, limit],
        ),
    ]
    sql = "\n    UNION ALL\n    ".join(f"SELECT id FROM ({part})" for part, _ in parts)
    return sql, [p for _, ps in parts for p in ps]


def _where(where: str, gate: str | None) -> tuple[str, list[object]]:
    """`` AND ...`` for the filter and the gate (one booth's feed is its own gate's events)."""
    terms: list[str] = [where] if where else []
    params: list[object] = []
    if gate is not None:
        terms.append("e.gate_id = ?")
        params.append(gate)
    return ("".join(f" AND {term}" for term in terms), params)


def page(
    conn: sqlite3.Connection,
    *,
    before_id: int | None = None,
    limit: int = PAGE,
    mode: Filter = Filter.ALL,
    search: str = "",
    gate: str | None = None,
) -> list[Swipe]:
    """Up to ``limit`` events older than ``before_id`` (newest first) matching the filter and search,
    at ``gate`` (None: every gate)."""
    sql, params = page_sql(before_id=before_id, limit=limit, mode=mode, search=search, gate=gate)
    return [swipe_from_row(r) for r in conn.execute(sql, params)]


def page_sql(
    *,
    before_id: int | None = None,
    limit: int = PAGE,
    mode: Filter = Filter.ALL,
    search: str = "",
    gate: str | None = None,
) -> tuple[str, list[object]]:
    """The statement ``page`` runs (its plan is checked by a test: index walks only)."""
    before = before_id if before_id is not None else _NEWEST
    where = _FILTER_SQL[Filter(mode)]
    term = search_term(search)
    if term:
        ids_sql, params = _search_ids(term, before, limit, where, gate)
        sql = f"{_SELECT} WHERE e.id IN ({ids_sql}) ORDER BY e.id DESC LIMIT ?"
        params.append(limit)
    else:
        extra, extra_params = _where(where, gate)
        sql = f"{_SELECT} WHERE e.id < ?{extra} ORDER BY e.id DESC LIMIT ?"
        params = [before, *extra_params, limit]
    return sql, params


def matches(swipe: Swipe, mode: Filter, search: str) -> bool:
    """Does a live swipe belong in a feed showing ``mode`` and ``search``? (The rule of ``page``.)"""
    if swipe.decision not in FILTER_DECISIONS[Filter(mode)]:
        return False
    term = search_term(search)
    if not term:
        return True
    number = term.upper()
    refused = swipe.decision != Decision.ALLOW
    return bool(
        (swipe.person and term in swipe.person)
        or (swipe.unit and (swipe.unit == term or swipe.unit.startswith(term + "-")))
        or (swipe.uid and swipe.uid.startswith(number) and (swipe.card_kind is not None or refused))
        or (refused and swipe.as_read and swipe.as_read.upper().startswith(number))
    )


# two sub-selects: SQLite answers min() or max() from the B-tree's end only when each stands alone
# (``SELECT min(id), max(id)`` reads all five million rows)
BOUNDS_SQL = "SELECT (SELECT min(id) FROM access_event), (SELECT max(id) FROM access_event)"


def first_id_since(conn: sqlite3.Connection, moment: datetime) -> int:
    """The id of the first event at or after ``moment`` (a binary search over the row id).

    Events are appended as they happen, so their time grows with their id; a clock set back by
    hand only makes the boundary a few events early or late, never skips a day.
    """
    bounds = conn.execute(BOUNDS_SQL).fetchone()
    if bounds is None or bounds[0] is None:
        return 1
    # every event below ``low`` is older than ``moment``; every event from ``high`` on is not
    low, high = int(bounds[0]), int(bounds[1]) + 1
    wanted = moment.isoformat(sep=" ")
    while low < high:
        mid = (low + high) // 2
        row = conn.execute(
            "SELECT id, at FROM access_event WHERE id >= ? ORDER BY id LIMIT 1", (mid,)
        ).fetchone()
        if row is None or int(row[0]) >= high or str(row[1]) >= wanted:
            high = mid  # no event in [mid, row id) at all, and that one is not older: none below mid counts
        else:
            low = int(row[0]) + 1
    return low


OPEN_ALARMS_SQL = (
    f"{_SELECT} WHERE e.decision <> 'allow' AND e.decision = 'alarm' AND e.id >= ? AND e.gate_id = ?"
    " AND NOT EXISTS (SELECT 1 FROM alarm_ack a WHERE a.event_id = e.id) ORDER BY e.id DESC LIMIT ?"
)


def open_alarms(conn: sqlite3.Connection, since: datetime, gate: str, limit: int = 50) -> list[Swipe]:
    """Alarms at ``gate`` since ``since`` that no guard has acknowledged yet, newest first."""
    first = first_id_since(conn, since)
    return [swipe_from_row(r) for r in conn.execute(OPEN_ALARMS_SQL, (first, gate, limit))]


def ids_after(conn: sqlite3.Connection, after_id: int, limit: int = 500) -> list[int]:
    """Ids of the events after ``after_id``, oldest first (read from the primary key alone)."""
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT id FROM access_event WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit)
        )
    ]


def by_ids(conn: sqlite3.Connection, event_ids: list[int]) -> list[Swipe]:
    """The events with these ids, oldest first."""
    if not event_ids:
        return []
    marks = ", ".join("?" * len(event_ids))
    return [
        swipe_from_row(r) for r in conn.execute(f"{_SELECT} WHERE e.id IN ({marks}) ORDER BY e.id", event_ids)
    ]


def last_id(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(id) FROM access_event").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def acknowledged(conn: sqlite3.Connection, event_ids: list[int]) -> set[int]:
    """Which of ``event_ids`` have been acknowledged (by this booth or any other process)."""
    if not event_ids:
        return set()
    marks = ", ".join("?" * len(event_ids))
    return {
        int(r[0])
        for r in conn.execute(f"SELECT event_id FROM alarm_ack WHERE event_id IN ({marks})", event_ids)
    }


@dataclass(frozen=True, slots=True)
class EventDetail:
    """Everything about one event that a guard may see (no phone number, no ID digits)."""

    swipe: Swipe
    gate_name_zh: str
    gate_name_en: str
    card_status: CardStatus | None
    card_valid_from: date | None
    card_valid_until: date | None
    role: PersonRole | None
    guard: str | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None


def detail(conn: sqlite3.Connection, event_id: int) -> EventDetail | None:
    row = conn.execute(
        f"""SELECT {_COLUMNS}, g.name_zh, g.name_en, c.status, c.valid_from, c.valid_until, p.role,
               gd.name, a.guard_name, a.at
        FROM access_event e {_JOINS}
        LEFT JOIN gate g ON g.id = e.gate_id
        LEFT JOIN guard gd ON gd.id = e.guard_id
        LEFT JOIN alarm_ack a ON a.event_id = e.id
        WHERE e.id = ?""",
        (event_id,),
    ).fetchone()
    if row is None:
        return None
    rest = row[_N_COLUMNS:]
    return EventDetail(
        swipe=swipe_from_row(row[:_N_COLUMNS]),
        gate_name_zh=str(rest[0] or row[2]),
        gate_name_en=str(rest[1] or row[2]),
        card_status=CardStatus(rest[2]) if rest[2] else None,
        card_valid_from=date.fromisoformat(rest[3]) if rest[3] else None,
        card_valid_until=date.fromisoformat(rest[4]) if rest[4] else None,
        role=PersonRole(rest[5]) if rest[5] else None,
        guard=_opt(rest[6]),
        acknowledged_by=(str(rest[7]) or "-") if rest[8] else None,
        acknowledged_at=datetime.fromisoformat(rest[8]) if rest[8] else None,
    )


INDEX_BATCH = 5000


def index_cards(conn: sqlite3.Connection, batch: int = INDEX_BATCH) -> int:
    """Put the card of every event not yet in ``event_card`` there, ``batch`` events at a time, in
    one transaction with the mark of how far it got; returns how many events it looked at.

    Off the swipe path: the booth's writer calls it when it has nothing else to do, so an allowed
    swipe writes only its own row. Safe to run from any process at any time (INSERT OR IGNORE).
    """
    row = conn.execute(UPTO_SQL).fetchone()
    upto = int(row[0]) if row else 0
    last = last_id(conn)
    if last <= upto:
        return 0
    end = min(last, upto + batch)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "INSERT OR IGNORE INTO event_card (card_id, event_id) SELECT card_id, id FROM access_event"
            " WHERE id > ? AND id <= ? AND card_id IS NOT NULL",
            (upto, end),
        )
        conn.execute(
            "INSERT INTO event_card_upto (id, event_id) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET event_id = max(event_id, excluded.event_id)",
            (end,),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return end - upto
