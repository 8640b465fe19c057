"""The lockdown level in force (DOMAIN.md "Lockdown levels"): the newest row of ``lockdown``.

The one place that reads it. ``LEVEL_SQL`` is the sub-select the swipe path folds into its card
look-up (one statement per swipe); ``current`` is the same rule for everyone else.
"""

from __future__ import annotations

import sqlite3

from guardpost.domain import LockdownLevel

LEVEL_SQL = "(SELECT level FROM lockdown ORDER BY id DESC LIMIT 1)"


def current(conn: sqlite3.Connection) -> LockdownLevel:
    """The level in force; the default level when none was ever ordered."""
    row = conn.execute(f"SELECT {LEVEL_SQL}").fetchone()
    return LockdownLevel.of(row[0] if row else None)
