"""Temperature readings at the gate: bound to the last swipe or a visit, a fever an open case.

One entry: what the thermometer showed (``validate.temperature``: ``36.5``, ``365``, ``Lo`` asks
again, 34.0-43.0 or refused), whether a mask was worn, and what it belongs to. At or above
``rules.fever_threshold_c`` it is a fever (``policy.visits.is_fever``): the person is not admitted,
their details are recorded, an alarm rings in the booth's banner (an event like a lost card's,
acknowledged with F5), and the case stays open (``escalation_closed_at`` empty) until a handover
closes it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from guardpost import validate
from guardpost.access import stamp, store_event
from guardpost.domain import Guard, Lane, Reason, Source
from guardpost.policy.visits import is_fever
from guardpost.storage import transaction


@dataclass(frozen=True, slots=True)
class Reading:
    reading_id: int
    celsius: float
    fever: bool
    mask: bool | None


def record(
    conn: sqlite3.Connection,
    text: str,
    *,
    gate: str,
    threshold_c: float,
    event_id: int | None = None,
    visit_id: int | None = None,
    mask: bool | None = None,
    guard: Guard | None = None,
    now: datetime | None = None,
) -> Reading:
    """Check and store one reading (``validate.Invalid`` for a typo or a failed measurement:
    nothing stored)."""
    celsius = validate.temperature(text)
    with transaction(conn):
        return store(
            conn,
            celsius,
            gate=gate,
            threshold_c=threshold_c,
            event_id=event_id,
            visit_id=visit_id,
            mask=mask,
            guard=guard,
            now=now or datetime.now(),
        )


def store(
    conn: sqlite3.Connection,
    celsius: float,
    *,
    gate: str,
    threshold_c: float,
    now: datetime,
    event_id: int | None = None,
    visit_id: int | None = None,
    mask: bool | None = None,
    guard: Guard | None = None,
    person_id: int | None = None,
    who: str | None = None,
) -> Reading:
    """One checked reading, in the caller's transaction: a register that keeps the reading with a
    row of its own (the quarantine ledger) stores both or neither. ``person_id`` names whose it is
    when no swipe does (a resident measured at home); a swipe's person comes first. ``who``: what a
    fever's event says of the person when neither a person nor a visit names them (its detail)."""
    fever = is_fever(celsius, threshold_c)
    lane = Lane.IN
    card: tuple[str | None, int | None, str | None] = (None, None, None)
    if event_id is not None:
        row = conn.execute(
            "SELECT person_id, lane, visit_id, uid, card_id, as_read FROM access_event WHERE id = ?",
            (event_id,),
        ).fetchone()
        if row:
            person_id, lane, visit_id = row[0] or person_id, Lane(row[1]), visit_id or row[2]
            card = (row[3], row[4], row[5])
    cur = conn.execute(
        "INSERT INTO temperature_reading (at, celsius, fever, mask, person_id, event_id, visit_id,"
        " gate_id, guard_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            stamp(now),
            celsius,
            fever,
            mask,
            person_id,
            event_id,
            visit_id,
            gate,
            guard.id if guard else None,
        ),
    )
    if fever:  # rung in the banner like a lost card, acknowledged with F5; the case stays open
        store_event(
            conn,
            Reason.FEVER,
            gate=gate,
            lane=lane,
            at=now,
            source=Source.TEMPERATURE,
            visit_id=visit_id,
            person_id=person_id,
            card=card,
            guard=guard,
            detail=who if person_id is None and visit_id is None else None,
        )
    return Reading(int(cur.lastrowid or 0), celsius, fever, mask)


def open_fevers(conn: sqlite3.Connection) -> int:
    """Fevers whose case is still open (the handover lists them)."""
    return int(
        conn.execute(
            "SELECT count(*) FROM temperature_reading WHERE fever AND escalation_closed_at IS NULL"
        ).fetchone()[0]
    )
