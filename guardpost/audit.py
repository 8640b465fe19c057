"""The audit trail as a hash chain: who changed what, in an order nobody can quietly rewrite.

Each entry holds the SHA-256 of the entry before it (``prev_hash``) and its own (``hash``), taken
over a canonical encoding of its columns (``digest``). Changing an entry, removing, inserting or
reordering entries then shows in ``verify``, each problem named by the entry's id.

A chain alone cannot tell a trail cut short at its end from one that ended there, nor a trail
rebuilt from scratch by someone with write access to the file: the head (id and hash) printed on
every shift report pins it (``verify(pinned=...)``), and an exported copy kept elsewhere (``export``)
can be checked by anyone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from json.encoder import encode_basestring as _quote  # json.dumps's, ensure_ascii=False
from pathlib import Path
from typing import Any

from guardpost.access import stamp
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.storage import transaction

GENESIS = "0" * 64  # the prev_hash of the first entry: there is none before it
COLUMNS = ("id", "at", "actor", "action", "subject", "detail", "prev_hash", "hash")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM audit"
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # an export line
_BEFORE_ALL = -(2**63)  # where a predecessor's id is wanted, the genesis: before any entry
_MAX_EXAMINED = 100_000  # damaged entries kept for a closer look; past it they are counted
_PIN = re.compile(r"#?(\d{1,18}):([0-9a-f]{64})")

Pin = tuple[int, str]  # an entry's id and hash, as printed on a report


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: str  # as stored (``access.stamp``): the hash is over this text
    actor: str
    action: str
    subject: str
    detail: str | None
    prev_hash: str
    hash: str


def digest(
    entry_id: int, at: str, actor: str, action: str, subject: str, detail: str | None, prev_hash: str | None
) -> str:
    """SHA-256 (hex) of the UTF-8 of the compact JSON array of the columns, ``hash`` left out:
    ``json.dumps([...], ensure_ascii=False, separators=(",", ":"))``, written out by hand because
    json's encoder, set up on every call, took half of the time of a verify over a million entries
    (``tests/test_audit.py`` checks the two agree). A value of another type (a blob put in by
    hand) raises TypeError, as json would."""
    encoded = (
        f"[{entry_id:d},{_quote(at)},{_quote(actor)},{_quote(action)},{_quote(subject)},"
        f"{'null' if detail is None else _quote(detail)},"
        f"{'null' if prev_hash is None else _quote(prev_hash)}]"
    )
    return hashlib.sha256(encoded.encode()).hexdigest()


def append(
    conn: sqlite3.Connection,
    action: str,
    subject: str,
    detail: str | None = None,
    *,
    actor: str,
    at: datetime | None = None,
) -> Entry:
    """One more entry, chained to the last. In the caller's transaction when one is open (the
    change and its entry are stored together or not at all), else in its own.

    The previous hash is read and the entry written in one write transaction, so two processes
    appending at once (the booth and a command) queue on the file's lock and never fork the chain.
    """
    moment = stamp(at or datetime.now())
    if conn.in_transaction:
        return _append(conn, moment, actor, action, subject, detail)
    with transaction(conn):
        return _append(conn, moment, actor, action, subject, detail)


def _append(
    conn: sqlite3.Connection, at: str, actor: str, action: str, subject: str, detail: str | None
) -> Entry:
    # the id is chosen here, not by SQLite on insert: the hash covers it
    entry_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM audit").fetchone()[0])
    last = head(conn)
    prev = last[1] if last else GENESIS
    own = digest(entry_id, at, actor, action, subject, detail, prev)
    conn.execute(
        f"INSERT INTO audit ({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (entry_id, at, actor, action, subject, detail, prev, own),
    )
    return Entry(entry_id, at, actor, action, subject, detail, prev, own)


def chain_existing(conn: sqlite3.Connection) -> None:
    """Chain the entries written before schema 6 (no hash yet), in id order, in the caller's
    transaction (the migration's: the schema and the chain are upgraded together)."""
    last = head(conn)
    prev = last[1] if last else GENESIS
    after = last[0] if last else _BEFORE_ALL
    while True:
        rows = conn.execute(
            f"{_SELECT} WHERE id > ? AND hash IS NULL ORDER BY id LIMIT 10000", (after,)
        ).fetchall()
        if not rows:
            return
        updates = []
        for row in rows:
            entry_id, at, actor, action, subject, detail = row[:6]
            own = digest(entry_id, at, actor, action, subject, detail, prev)
            updates.append((prev, own, row[0]))
            prev, after = own, row[0]
        conn.executemany("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", updates)


def head(conn: sqlite3.Connection) -> Pin | None:
    """The latest entry of the chain, (id, hash): printed on every shift report, it pins the
    trail as it was then (an entry written without a hash is no part of the chain)."""
    row = conn.execute(
        "SELECT id, hash FROM audit WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def pin_text(pin: Pin) -> str:
    """A pin as printed on a report and typed back to ``guardpost audit verify --pin``."""
    return f"{pin[0]}:{pin[1]}"


def parse_pin(text: str) -> Pin:
    """``ID:HASH`` as printed on a report (a leading ``#`` and the case of the hash forgiven)."""
    found = _PIN.fullmatch(text.strip().lower())
    if found is None:
        raise GuardpostError("audit.bad_pin", "audit.bad_pin_hint", pin=text)
    return int(found[1]), found[2]


# --- verifying ------------------------------------------------------------------------------------


class Fault(StrEnum):
    EDITED = "edited"  # the content no longer matches its hash
    MISSING = "missing"  # no entries with these ids: removed
    INSERTED = "inserted"  # the chain passes them by: the entry after links to the one before
    MOVED = "moved"  # they hold what was written under other ids (renumbered)
    SWAPPED = "swapped"  # ``id`` and ``other`` hold each other's entry
    RELINKED = "relinked"  # ``id`` records another hash for ``other``, the entry before it
    UNCHAINED = "unchained"  # no hash at all: written outside guardpost
    PIN_MISSING = "pin_missing"  # the pinned entry is gone (``other``: where the trail ends now)
    PIN_CHANGED = "pin_changed"  # the pinned entry has another hash
    MORE = "more"  # more damaged entries from ``id`` on than are examined one by one


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, and where: entries ``id`` .. ``last`` (one entry: ``last == id``)."""

    fault: Fault
    id: int
    last: int
    other: int | None = None  # MOVED: the first id they were written under; SWAPPED, RELINKED: the
    # other entry; PIN_MISSING: the last entry there is now; MORE: how many

    def describe(self, lang: str | None = None) -> str:
        ids = _ids(self.id, self.last)
        other = f"#{self.other}" if self.other is not None else "-"
        match self.fault:
            case Fault.EDITED:
                return t("audit.edited", lang, ids=ids)
            case Fault.MISSING:
                return t("audit.missing", lang, ids=ids)
            case Fault.INSERTED:
                return t("audit.inserted", lang, ids=ids)
            case Fault.MOVED:
                was = _ids(self.other or 0, (self.other or 0) + self.last - self.id)
                return t("audit.moved", lang, ids=ids, was=was)
            case Fault.SWAPPED:
                return t("audit.swapped", lang, ids=ids, other=other)
            case Fault.RELINKED:
                return t("audit.relinked", lang, ids=ids, other=other)
            case Fault.UNCHAINED:
                return t("audit.unchained", lang, ids=ids)
            case Fault.PIN_MISSING:
                return t("audit.pin_missing", lang, ids=ids, end=other)
            case Fault.PIN_CHANGED:
                return t("audit.pin_changed", lang, ids=ids)
            case Fault.MORE:
                return t("audit.more", lang, ids=ids, count=self.other or 0)


def _ids(first: int, last: int) -> str:
    return f"#{first}" if first == last else f"#{first}–#{last}"


@dataclass(frozen=True, slots=True)
class Verdict:
    entries: int
    head: Pin | None
    problems: tuple[Problem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems


@dataclass(slots=True)
class _Suspect:
    """An entry that failed a check in the walk, kept for the second look."""

    row: tuple[Any, ...]
    before: int  # the chained entry before it in id order (``_BEFORE_ALL``: none)
    before_hash: str
    content_ok: bool
    link_ok: bool
    pred: int | None  # the entry holding the hash its prev_hash names, when known
    after_break: bool  # a gap or an entry without hash lies between ``before`` and it
    position: int | None = None  # the id its content was written under, as far as links tell
    moved: bool = False  # its content matches its hash under ``position``, not under its id


@dataclass(slots=True)
class _Walk:
    entries: int = 0
    first: int = 0
    last: int | None = None
    head: Pin | None = None
    gaps: list[tuple[int, int]] = field(default_factory=list)
    unchained: list[int] = field(default_factory=list)
    suspects: dict[int, _Suspect] = field(default_factory=dict)
    orphans: set[str] = field(default_factory=set)  # hashes no entry names as the one before it
    overflow: int = 0
    overflow_from: int = 0
    pin_hash: str | None = None  # what the pinned id holds now (None: no such entry)


def verify(conn: sqlite3.Connection, *, pinned: Pin | None = None) -> Verdict:
    """Walk the chain in id order and name every problem by its entry's id.

    One pass checks each entry's hash against its content and its prev_hash against the entry
    before; only when something failed is a second look taken, to tell an edit from entries
    renumbered, swapped or inserted (each failure then has one explanation, not a cascade).
    """
    with _snapshot(conn):
        walk = _walk(conn, pinned)
        if walk.suspects:
            _resolve(conn, walk)
        problems = _explain(walk, conn)
    if pinned is not None:
        if walk.pin_hash is None:
            problems.append(Problem(Fault.PIN_MISSING, pinned[0], pinned[0], walk.last))
        elif walk.pin_hash != pinned[1]:
            problems.append(Problem(Fault.PIN_CHANGED, pinned[0], pinned[0]))
    return Verdict(walk.entries, walk.head, tuple(problems))


@contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Every read of a check from one state of the file (a booth may append meanwhile)."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _walk(conn: sqlite3.Connection, pinned: Pin | None) -> _Walk:
    w = _Walk()
    cur = conn.cursor()
    cur.row_factory = None
    last_id: int | None = None
    before, before_hash = _BEFORE_ALL, GENESIS  # the chained entry before this one
    before2: int | None = None  # and the one before that
    before2_hash: str | None = None
    broken = False  # a gap or an entry without hash since ``before``
    for row in cur.execute(f"{_SELECT} ORDER BY id"):
        rid = row[0]
        if last_id is None:
            w.first = rid
        start = 1 if last_id is None else last_id + 1
        if rid > start:  # ids are chosen max + 1: a hole is entries removed
            w.gaps.append((start, rid - 1))
            broken = True
        last_id = rid
        w.entries += 1
        own = row[7]
        if pinned is not None and rid == pinned[0]:
            w.pin_hash = own or ""
        if own is None:
            w.unchained.append(rid)
            broken = True
            continue
        try:
            content_ok = digest(*row[:7]) == own
        except (TypeError, ValueError):  # a value no entry was written with (a blob, a number)
            content_ok = False
        link = row[6]
        link_ok = link == before_hash
        if not (content_ok and link_ok):
            if len(w.suspects) < _MAX_EXAMINED:
                pred = before if link_ok else before2 if link == before2_hash else None
                w.suspects[rid] = _Suspect(row, before, before_hash, content_ok, link_ok, pred, broken)
            else:
                w.overflow_from = w.overflow_from or rid
                w.overflow += 1
        before2, before2_hash = before, before_hash
        before, before_hash = rid, own
        broken = False
    w.last = last_id
    w.head = None if before == _BEFORE_ALL else (before, before_hash)
    return w


def _resolve(conn: sqlite3.Connection, w: _Walk) -> None:
    """For each suspect entry: the entry its prev_hash names, the id its content was written
    under, and whether the entry before it is named by any entry at all."""
    suspects = w.suspects
    wanted = {s.row[6] for s in suspects.values() if s.pred is None and s.row[6] is not None}
    holders: dict[str, int] = {GENESIS: _BEFORE_ALL} if GENESIS in wanted else {}
    unlinked = {s.before_hash for s in suspects.values() if not s.link_ok and s.before != _BEFORE_ALL}
    named: set[str] = set()
    if wanted - holders.keys() or unlinked:
        cur = conn.cursor()
        cur.row_factory = None
        for rid, link, own in cur.execute("SELECT id, prev_hash, hash FROM audit ORDER BY id"):
            if own in wanted:
                holders.setdefault(own, rid)
            if link in unlinked:
                named.add(link)
    w.orphans = unlinked - named
    for s in suspects.values():
        if s.pred is None:
            s.pred = holders.get(s.row[6])
    for rid in suspects:
        _place(rid, suspects)


def _place(start: int, suspects: dict[int, _Suspect]) -> None:
    """Set ``position`` along the links back from ``start`` (iteratively: a renumbered run may be
    a million entries long) and whether each content was written under that position."""
    path: list[int] = []
    rid: int | None = start
    while rid is not None and rid in suspects and suspects[rid].position is None:
        s = suspects[rid]
        if s.content_ok:
            s.position = rid
            break
        s.position = rid  # for now: a loop of links back to here ends the walk
        path.append(rid)
        rid = s.pred
    base = _position(rid, suspects, path)
    for rid in reversed(path):
        s = suspects[rid]
        # with the entry before it gone, it may have been renumbered to close the hole
        guess = next((g for g in _near(rid) if _written_as(g, s.row)), rid) if base is None else base + 1
        s.moved = guess != rid and _written_as(guess, s.row)
        s.position = guess
        base = guess


def _written_as(entry_id: int, row: tuple[Any, ...]) -> bool:
    """Whether the content of ``row`` hashes to its hash under ``entry_id``."""
    try:
        return bool(digest(entry_id, *row[1:7]) == row[7])
    except (TypeError, ValueError):  # a value no entry was written with (a blob, a number)
        return False


def _near(rid: int) -> Iterator[int]:
    """The ids next to ``rid``, nearest first."""
    for step in range(1, 9):
        yield rid + step
        yield rid - step


def _position(rid: int | None, suspects: dict[int, _Suspect], path: list[int]) -> int | None:
    if rid is None or rid in path:
        return None
    if rid == _BEFORE_ALL:
        return 0
    found = suspects.get(rid)
    return found.position if found is not None else rid


def _explain(w: _Walk, conn: sqlite3.Connection) -> list[Problem]:
    """One problem for each failure, the most telling one; runs of the same kind are joined."""
    found: list[Problem] = [Problem(Fault.MISSING, a, b) for a, b in w.gaps]
    found += [Problem(Fault.UNCHAINED, rid, rid) for rid in w.unchained]
    s = w.suspects
    edited = {rid for rid, x in s.items() if not x.content_ok and not x.moved}
    moved = {rid: x.position for rid, x in s.items() if x.moved and x.position is not None}
    inserted = _inserted(w, conn) - moved.keys()  # written by guardpost, only elsewhere: renumbered
    swapped = {rid for rid, was in moved.items() if moved.get(was) == rid}
    for rid in sorted(s):
        x = s[rid]
        if rid in inserted:
            continue
        if rid in edited:
            found.append(Problem(Fault.EDITED, rid, rid))
        elif rid in swapped:
            if rid < moved[rid]:
                found.append(Problem(Fault.SWAPPED, rid, rid, moved[rid]))
        elif rid in moved:
            found.append(Problem(Fault.MOVED, rid, rid, moved[rid]))
        elif not x.link_ok and not (
            x.after_break or x.before in edited or x.before in moved or x.before in inserted
        ):  # a broken link no other problem accounts for
            found.append(Problem(Fault.RELINKED, rid, rid, x.before))
    found += [Problem(Fault.INSERTED, rid, rid) for rid in sorted(inserted)]
    if w.overflow:
        found.append(Problem(Fault.MORE, w.overflow_from, w.overflow_from, w.overflow))
    return _joined(sorted(found, key=lambda p: (p.id, p.fault)))


def _inserted(w: _Walk, conn: sqlite3.Connection) -> set[int]:
    """Entries the chain passes by: an entry whose content holds (intact, or only renumbered)
    names as the one before it an entry earlier than the one just before it, and no entry names
    that one."""
    out: set[int] = set()
    for x in w.suspects.values():
        if x.link_ok or x.pred is None or not (x.content_ok or x.moved) or x.before_hash not in w.orphans:
            continue
        low = w.first if x.pred == _BEFORE_ALL else x.pred + 1
        if low <= x.before:  # else it names an entry after it: reordered, not inserted
            out.update(_existing(conn, low, x.before))
    return out


def _existing(conn: sqlite3.Connection, low: int, high: int) -> list[int]:
    """The chained entries with ids in [low, high], read from the file: an id edited by hand to a
    huge number leaves a hole nobody may count through one by one (at most ``_MAX_EXAMINED``)."""
    rows = conn.execute(
        "SELECT id FROM audit WHERE id BETWEEN ? AND ? AND hash IS NOT NULL ORDER BY id LIMIT ?",
        (low, high, _MAX_EXAMINED),
    )
    return [int(r[0]) for r in rows]


def _joined(problems: list[Problem]) -> list[Problem]:
    """Neighbouring entries with the same fault as one problem (``#7–#20``): a renumbering moves
    every entry after it, and a million lines would hide the one that matters."""
    out: list[Problem] = []
    for p in problems:
        prev = out[-1] if out else None
        if (
            prev is not None
            and p.fault in (Fault.EDITED, Fault.INSERTED, Fault.UNCHAINED, Fault.MOVED)
            and prev.fault == p.fault
            and p.id == prev.last + 1
            and (
                p.fault != Fault.MOVED or (prev.other is not None and p.other == prev.other + p.id - prev.id)
            )
        ):
            out[-1] = Problem(p.fault, prev.id, p.last, prev.other)
            continue
        out.append(p)
    return out


# --- exporting ------------------------------------------------------------------------------------


def export(conn: sqlite3.Connection, out: Path) -> int:
    """Write the trail to ``out`` as JSON Lines for a check outside guardpost; returns the count.

    One entry a line, in id order, an object with every column (``COLUMNS``), written whole or not
    at all (temporary file, fsync, rename). To recompute the chain without guardpost: for each
    line, make the JSON array ``[id, at, actor, action, subject, detail, prev_hash]`` with no
    spaces and non-ASCII characters as themselves (Python:
    ``json.dumps(values, ensure_ascii=False, separators=(",", ":"))``), take the SHA-256 of its
    UTF-8 bytes in lower-case hex: it must equal ``hash``. The first line's ``prev_hash`` is 64
    zeros (``GENESIS``), every other one the ``hash`` of the line before, and the ids go up by one.
    """
    out = out.expanduser()
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    count = 0
    try:
        with _snapshot(conn), open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            cur = conn.cursor()
            cur.row_factory = None
            for row in cur.execute(f"{_SELECT} ORDER BY id"):
                fh.write(_ENCODE(dict(zip(COLUMNS, row, strict=True))) + "\n")
                count += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
        _sync_folder(out.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GuardpostError(
            "audit.cannot_export", None, path=str(out), error=exc.strerror or str(exc)
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def _sync_folder(folder: Path) -> None:
    """The rename itself on disk, not only the file's bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def entries(conn: sqlite3.Connection, *, after: int = 0, limit: int = 50) -> list[Entry]:
    """The entries after id ``after`` (0: the latest ``limit``), oldest first: what a supervisor
    reads with ``audit list``."""
    if after:
        rows = conn.execute(f"{_SELECT} WHERE id > ? ORDER BY id LIMIT ?", (after, limit)).fetchall()
    else:
        rows = conn.execute(f"{_SELECT} ORDER BY id DESC LIMIT ?", (limit,)).fetchall()[::-1]
    return [Entry(*r) for r in rows]
