"""The compound's secrets, kept in its database: the key that signs visitor passes and the key of the
ID hash (a repeat visitor matches by a keyed hash of the ID number, never by the number).

Made at random the first time one is asked for, in the caller's transaction; a booth restored from a
backup keeps them, so passes issued before still verify (the multi-gate issue shares them).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3

PASS = "pass"
ID_HASH = "id_hash"


def secret(conn: sqlite3.Connection, name: str) -> bytes:
    """The named secret (32 random bytes), made if the file has none yet."""
    row = conn.execute("SELECT value FROM compound_secret WHERE name = ?", (name,)).fetchone()
    if row is not None:
        return bytes(row[0])
    conn.execute(
        "INSERT OR IGNORE INTO compound_secret (name, value) VALUES (?, ?)", (name, secrets.token_bytes(32))
    )
    return bytes(conn.execute("SELECT value FROM compound_secret WHERE name = ?", (name,)).fetchone()[0])


def id_hash(key: bytes, id_number: str) -> str:
    """A keyed hash of a full, validated ID number: equal for the same person, useless without the key."""
    return hmac.new(key, id_number.upper().encode("ascii"), hashlib.sha256).hexdigest()[:32]
