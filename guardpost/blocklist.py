"""The block list: persons (name with ID last four), phone numbers and plates that must not come in.

Checked on every registration and plate entry (``hits``); a hit is an alarm like a lost card's.
Entries are never deleted: ``remove`` marks who took one off and when (audited).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from guardpost import audit, validate
from guardpost.access import stamp
from guardpost.domain import BlockKind
from guardpost.errors import GuardpostError, InvalidValue
from guardpost.storage import transaction

# what the audit trail calls a change (and a supervisor authorises it for)
AUDIT_ADD = "blocklist.add"
AUDIT_REMOVE = "blocklist.remove"


class BlockRefused(GuardpostError):
    pass


@dataclass(frozen=True, slots=True)
class BlockHit:
    entry_id: int
    kind: BlockKind
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class BlockEntry:
    entry_id: int
    kind: BlockKind
    value: str
    id_last4: str | None
    reason: str
    added_by: str
    added_at: datetime
    removed_at: datetime | None


def normalise(kind: BlockKind, value: str) -> str:
    """The stored form of a value: a phone's digits, a plate's canonical form, a name as written."""
    if kind == BlockKind.PHONE:
        return validate.phone(value, landline=True)
    if kind == BlockKind.PLATE:
        return validate.plate(value)
    return validate.person_name(value)


def add(
    conn: sqlite3.Connection,
    kind: BlockKind,
    value: str,
    *,
    reason: str,
    by: str,
    id_last4: str | None = None,
    now: datetime | None = None,
) -> int:
    now = now or datetime.now()
    clean = normalise(kind, value)
    last4 = validate.id_last4(id_last4) if id_last4 else None
    why, who = reason.strip(), by.strip()
    if not why:
        raise BlockRefused("block.needs_reason")
    if not who:
        raise BlockRefused("block.needs_who")
    from guardpost.text import first_unsafe

    if first_unsafe(why) or first_unsafe(who) or len(why) > 200:
        raise BlockRefused("block.bad_reason")
    with transaction(conn):
        same = conn.execute(
            "SELECT id FROM blocklist WHERE kind = ? AND value = ? AND id_last4 IS ? AND removed_at IS NULL",
            (kind.value, clean, last4),
        ).fetchone()
        if same is not None:
            raise BlockRefused("block.already", entry=same[0])
        cur = conn.execute(
            "INSERT INTO blocklist (kind, value, id_last4, reason, added_by, added_at) VALUES (?, ?,"
            " ?, ?, ?, ?)",
            (kind.value, clean, last4, why, who, stamp(now)),
        )
        entry = int(cur.lastrowid or 0)
        audit.append(conn, AUDIT_ADD, f"{kind.value}:{entry}", why, actor=who, at=now)
    return entry


def parse_entry(text: str) -> int:
    """A block-list entry number as typed on the command line."""
    s = text.strip()
    if not s.isascii() or not s.isdigit():
        raise BlockRefused("block.no_such_entry", entry=s)
    return int(s)


def remove(conn: sqlite3.Connection, entry_id: int, *, by: str, now: datetime | None = None) -> None:
    now = now or datetime.now()
    who = by.strip()
    if not who:
        raise BlockRefused("block.needs_who")
    with transaction(conn):
        done = conn.execute(
            "UPDATE blocklist SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL",
            (stamp(now), who, entry_id),
        ).rowcount
        if not done:
            raise BlockRefused("block.no_such_entry", entry=entry_id)
        audit.append(conn, AUDIT_REMOVE, str(entry_id), actor=who, at=now)


def entries(conn: sqlite3.Connection, *, include_removed: bool = False) -> list[BlockEntry]:
    sql = "SELECT id, kind, value, id_last4, reason, added_by, added_at, removed_at FROM blocklist"
    if not include_removed:
        sql += " WHERE removed_at IS NULL"
    return [
        BlockEntry(
            r[0],
            BlockKind(r[1]),
            r[2],
            r[3],
            r[4],
            r[5],
            datetime.fromisoformat(r[6]),
            datetime.fromisoformat(r[7]) if r[7] else None,
        )
        for r in conn.execute(sql + " ORDER BY id")
    ]


def hits(
    conn: sqlite3.Connection,
    *,
    name: str | None = None,
    id_last4: str | None = None,
    phone: str | None = None,
    plate: str | None = None,
) -> list[BlockHit]:
    """Entries that match what a caller gave. A person entry with ID last four matches only the same
    name and last four (names repeat); one without matches the name alone."""
    found: list[BlockHit] = []

    def look(kind: BlockKind, value: str, extra: str = "", args: tuple[object, ...] = ()) -> None:
        for r in conn.execute(
            "SELECT id, kind, value, reason FROM blocklist WHERE kind = ? AND value = ? AND"
            " removed_at IS NULL" + extra,
            (kind.value, value, *args),
        ):
            found.append(BlockHit(r[0], BlockKind(r[1]), r[2], r[3]))

    if phone:
        look(BlockKind.PHONE, phone)
    if plate:
        look(BlockKind.PLATE, plate)
    if name:
        look(BlockKind.PERSON, name, " AND (id_last4 IS NULL OR id_last4 = ?)", (id_last4 or "",))
    return found


def parse_kind(text: str) -> BlockKind:
    try:
        return BlockKind(text)
    except ValueError:
        raise InvalidValue("block.bad_kind", kinds=", ".join(k.value for k in BlockKind)) from None
