"""Reading access events back: pages of the feed (newest first), filters, search, open alarms."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from guardpost.access import Swipe

FILTERS: dict[str, tuple[str, ...]] = {
    "all": ("allow", "deny", "alarm"),
    "refused": ("deny", "alarm"),
    "alarms": ("alarm",),
}

_SELECT = """
SELECT e.id, e.at, e.gate_id, e.lane, e.uid, e.decision, e.reason, e.source, c.kind, p.id, p.name, u.code,
       p.special_care
FROM access_event e
LEFT JOIN card c ON c.id = e.card_id
LEFT JOIN person p ON p.id = e.person_id
LEFT JOIN unit u ON u.id = p.unit_id
"""


def _swipe(r: Any) -> Swipe:
    return Swipe(
        event_id=r[0],
        at=datetime.fromisoformat(r[1]),
        gate_id=r[2],
        lane=r[3],
        uid=r[4],
        decision=r[5],
        reason=r[6],
        source=r[7],
        card_kind=r[8],
        person_id=r[9],
        person=r[10],
        unit=r[11],
        special_care=r[12],
    )


def page(
    conn: sqlite3.Connection,
    *,
    before_id: int | None = None,
    limit: int = 200,
    mode: str = "all",
    search: str = "",
) -> list[Swipe]:
    """Up to ``limit`` events older than ``before_id`` (newest first) matching the filter and search.

    Search matches a person's name (substring), a unit code (prefix, ``3-2`` finds building 3 entrance
    2) or a card UID (prefix). Every branch walks an index backwards from ``before_id``.
    """
    where = ["e.id < ?"]
    params: list[object] = [before_id if before_id is not None else 2**63 - 1]
    decisions = FILTERS[mode]
    if len(decisions) < 3:
        where.append(f"e.decision IN ({', '.join('?' * len(decisions))})")
        params.extend(decisions)
    term = search.strip()
    if term:
        where.append(
            "(e.person_id IN (SELECT p2.id FROM person p2 LEFT JOIN unit u2 ON u2.id = p2.unit_id"
            " WHERE p2.name LIKE ? OR u2.code = ? OR u2.code LIKE ?) OR e.uid LIKE ?)"
        )
        params.extend([f"%{term}%", term, f"{term}-%", f"{term.upper()}%"])
    sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY e.id DESC LIMIT ?"
    params.append(limit)
    return [_swipe(r) for r in conn.execute(sql, params)]


def matches(swipe: Swipe, mode: str, search: str) -> bool:
    """Does a live swipe belong in a feed showing ``mode`` and ``search``? (Same rule as ``page``.)"""
    if swipe.decision not in FILTERS[mode]:
        return False
    term = search.strip()
    if not term:
        return True
    return bool(
        (swipe.person and term in swipe.person)
        or (swipe.unit and (swipe.unit == term or swipe.unit.startswith(term + "-")))
        or (swipe.uid and swipe.uid.startswith(term.upper()))
    )


def open_alarms(conn: sqlite3.Connection, since: datetime, limit: int = 50) -> list[Swipe]:
    """Alarms since ``since`` that no guard has acknowledged yet, newest first."""
    sql = (
        f"{_SELECT} WHERE e.decision = 'alarm' AND e.at >= ? "
        "AND NOT EXISTS (SELECT 1 FROM alarm_ack a WHERE a.event_id = e.id) ORDER BY e.id DESC LIMIT ?"
    )
    return [_swipe(r) for r in conn.execute(sql, (since.strftime("%Y-%m-%d %H:%M:%S"), limit))]
