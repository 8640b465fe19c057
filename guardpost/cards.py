"""Cards: listing them and changing their status (reported lost, found, blacklisted...)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sqlmodel import Session, col, select

from guardpost import audit
from guardpost.domain import CardStatus
from guardpost.errors import GuardpostError
from guardpost.models import Card, Person, Unit


def list_cards(
    session: Session, status: CardStatus | None = None
) -> list[tuple[Card, Person | None, Unit | None]]:
    query = (
        select(Card, Person, Unit)
        .join(Person, col(Person.id) == col(Card.person_id), isouter=True)
        .join(Unit, col(Unit.id) == col(Person.unit_id), isouter=True)
        .order_by(col(Card.uid))
    )
    if status is not None:
        query = query.where(col(Card.status) == status)
    return list(session.exec(query).all())


def set_status(session: Session, uid: str, status: CardStatus, actor: str) -> tuple[str, str]:
    """Change a card's status and write the change to the audit trail; returns (old, new)."""
    card = session.exec(select(Card).where(col(Card.uid) == uid)).first()
    if card is None:
        raise GuardpostError("cards.unknown", "cards.unknown_hint", uid=uid)
    old = str(card.status)
    now = datetime.now()
    card.status = status
    card.updated_at = now
    session.add(card)
    session.flush()  # the UPDATE, in the session's transaction (BEGIN IMMEDIATE)...
    # ...and the entry in the same one, on the connection under the session: the chain's hash
    # needs the previous entry read and this one written while the file is held
    raw = session.connection().connection.dbapi_connection
    assert isinstance(raw, sqlite3.Connection) and raw.in_transaction
    audit.append(raw, "card.set_status", uid, f"{old} -> {status}", actor=actor, at=now)
    session.commit()
    return old, str(status)
