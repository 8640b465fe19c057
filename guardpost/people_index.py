"""Finding a host: units by their code, residents by characters, by pinyin initials and by full pinyin.

``zsf`` finds 张三丰, ``wxm`` finds 王晓明, ``zhangsan`` finds 张三. Every reading of every character
is indexed (``pypinyin`` with heteronyms), so 单 is found as dan, shan and chan and 曾 as zeng and
ceng: a guard types the surname as the visitor says it. The readings of a name are computed once, at
import (``index_people``), and kept in ``person_pinyin``; a search is then an index range scan.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

MAX_READINGS = 16  # combinations kept per name: the common reading first, then the others
_LATIN = re.compile(r"[a-z]+")
_UNIT_LIKE = re.compile(r"[0-9][0-9-]*")
_END = "\U0010ffff"  # the top of a prefix range


def readings(name: str) -> list[tuple[str, str]]:
    """``[(initials, full), ...]`` for a name: the common reading first, every other one after."""
    from pypinyin import Style, lazy_pinyin, pinyin

    chars = [ch for ch in name if not ch.isspace()]
    if not chars:
        return []
    per_char = pinyin(chars, style=Style.NORMAL, heteronym=True, errors=lambda s: s.lower())
    options: list[list[str]] = []
    for syllables in per_char:
        clean = [s.lower() for s in syllables if s and _LATIN.fullmatch(s.lower())]
        options.append(clean or [""])
    common = "".join(lazy_pinyin(chars, errors=lambda s: s.lower()))
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for combo in itertools.islice(itertools.product(*options), MAX_READINGS * 4):
        full = "".join(combo)
        if not full or full in seen:
            continue
        seen.add(full)
        out.append(("".join(s[:1] for s in combo), full))
    out.sort(key=lambda r: r[1] != common)
    return out[:MAX_READINGS]


def index_people(conn: sqlite3.Connection, person_ids: Iterable[int] | None = None) -> int:
    """(Re)index the pinyin of the given people, or of everyone; in the caller's transaction."""
    if person_ids is None:
        rows = conn.execute("SELECT id, name FROM person").fetchall()
        conn.execute("DELETE FROM person_pinyin")
    else:
        ids = list(person_ids)
        rows = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM person_pinyin WHERE person_id IN ({marks})", chunk)
            rows += conn.execute(f"SELECT id, name FROM person WHERE id IN ({marks})", chunk).fetchall()
    conn.executemany(
        "INSERT OR IGNORE INTO person_pinyin (person_id, initials, full) VALUES (?, ?, ?)",
        ((pid, ini, full) for pid, name in rows for ini, full in readings(name)),
    )
    return len(rows)


@dataclass(frozen=True, slots=True)
class HostMatch:
    """A unit that matched, with the residents a guard names to the visitor."""

    unit_id: int
    unit: str
    residents: tuple[str, ...]


def find_hosts(conn: sqlite3.Connection, text: str, limit: int = 8) -> list[HostMatch]:
    """Units whose code starts with ``text``, or whose residents' names or pinyin start with it."""
    typed = text.strip()
    if not typed:
        return []
    if _UNIT_LIKE.fullmatch(typed):
        units = conn.execute(
            "SELECT id, code FROM unit WHERE code >= ? AND code < ? ORDER BY code LIMIT ?",
            (typed, typed + _END, limit),
        ).fetchall()
    else:
        low = typed.lower().replace(" ", "")
        if _LATIN.fullmatch(low):
            column = "initials" if len(low) <= 4 else "full"
            sql = (
                "SELECT DISTINCT p.unit_id FROM person_pinyin y JOIN person p ON p.id = y.person_id"
                f" WHERE y.{column} >= ? AND y.{column} < ? AND p.unit_id IS NOT NULL LIMIT ?"
            )
            unit_ids = [r[0] for r in conn.execute(sql, (low, low + _END, limit))]
            if column == "initials" and len(unit_ids) < limit:
                unit_ids += [
                    r[0]
                    for r in conn.execute(sql.replace("initials", "full"), (low, low + _END, limit))
                    if r[0] not in unit_ids
                ]
        else:
            unit_ids = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT unit_id FROM person WHERE name >= ? AND name < ? AND unit_id IS NOT NULL"
                    " LIMIT ?",
                    (typed, typed + _END, limit),
                )
            ]
        units = []
        for uid in unit_ids[:limit]:
            row = conn.execute("SELECT id, code FROM unit WHERE id = ?", (uid,)).fetchone()
            if row:
                units.append(row)
        units.sort(key=lambda r: r[1])
    out = []
    for unit_id, code in units:
        names = tuple(
            r[0]
            for r in conn.execute(
                "SELECT name FROM person WHERE unit_id = ? AND role IN ('owner', 'family', 'tenant')"
                " ORDER BY role = 'owner' DESC, id LIMIT 4",
                (unit_id,),
            )
        )
        out.append(HostMatch(unit_id=unit_id, unit=code, residents=names))
    return out
