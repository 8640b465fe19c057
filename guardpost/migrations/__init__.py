"""Ordered schema migrations: ``NNNN_name.sql``; file N takes a database from schema N-1 to N.

The schema version is SQLite's ``PRAGMA user_version``; each migration runs in one transaction
together with the version bump, so a file is always at exactly one version.
"""

from __future__ import annotations

from pathlib import Path

_DIR = Path(__file__).parent


def migrations() -> list[tuple[int, str, str]]:
    """``[(version, name, sql), ...]`` in order, numbered 1, 2, ... without gaps."""
    out = []
    for path in sorted(_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        out.append((int(path.name[:4]), path.stem[5:], path.read_text(encoding="utf-8")))
    assert [v for v, _, _ in out] == list(range(1, len(out) + 1)), "migration numbers must be 1..N"
    return out


LATEST = len(list(_DIR.glob("[0-9][0-9][0-9][0-9]_*.sql")))
