"""Proving a report: is this file, or this printed copy, what the database says?

``check_file`` reads a written report's code (from a PDF's Info dictionary, or the code line of the
text, HTML, CSV or receipt), its seal and its part digests; rebuilds the shift's summary (or the
day's) from the database; and says whether the content still matches, whether the file is as it was
written (its seal), and, when not, which parts changed and by how many entries (corrections added
since, for one). ``check_hash`` does the same for a code scanned from the QR or typed from paper
(``GPR1.shift.<id>.<hash>``), or a bare hash (at least ``PREFIX_MIN`` hex digits) with or without
the shift's id: without it, the handed-over shifts are searched, the latest first.

The seal is keyed with the compound's report key (``keys.secret(conn, "report")``) when the file
was written from this database, so it cannot be remade without the file.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from guardpost import exits, keys, shifts
from guardpost.config import Settings
from guardpost.domain import Said
from guardpost.errors import GuardpostError, os_error
from guardpost.printing import ESC_INIT
from guardpost.reports import day as day_report
from guardpost.reports import document
from guardpost.storage import transaction
from guardpost.text import printable

REPORT_KEY = "report"
PREFIX_MIN = 16  # hex digits of a typed hash: 64 bits, more than enough among a compound's shifts
_PDF_CODE = re.compile(rb"guardpost-report (shift|day):([0-9-]{1,12}) sha256:([0-9a-f]{64})")
_TYPED_CODE = re.compile(document.CODE.pattern, re.IGNORECASE)
_HASH = re.compile(rf"[0-9a-fA-F]{{{PREFIX_MIN},64}}")
# a receipt prints the code over three lines: GPR1.shift.<id>. / 32 hex / 32 hex
_RECEIPT_CODE = re.compile(r"(GPR1\.(?:shift|day)\.[0-9-]{1,12}\.)\s*\n([0-9a-f]{32})\s*\n([0-9a-f]{32})")


def seal_key(conn: sqlite3.Connection) -> bytes:
    """The compound's key for report seals (made the first time, kept in the database)."""
    with transaction(conn):
        return keys.secret(conn, REPORT_KEY)


@dataclass(frozen=True)
class Change:
    part: str  # a summary part (``corrections``), or ``shift_<id>`` of a day
    was: int | None
    now: int | None


@dataclass(frozen=True)
class CheckResult:
    kind: str  # "shift" | "day"
    ident: str  # the shift's id or the day; "" when a typed hash matched no shift
    printed: str  # the hash on the report (a prefix when one was typed)
    current: str | None  # the hash of what the database says now (None: nothing found)
    seal: bool | None = None  # the file is as it was written (None: no file, or a receipt)
    keyed: bool = True  # the seal was made with the compound's key (else anybody could remake it)
    changes: tuple[Change, ...] = ()  # the parts that differ, as far as the file says
    audit_since: int | None = None  # audit entries written since the report's audit head
    still_open: bool = False  # the shift (or one of the day's) is still open: its summary moves
    file: str | None = None

    @property
    def content_matches(self) -> bool:
        return self.current is not None and self.current.startswith(self.printed)

    @property
    def matches(self) -> bool:
        return self.content_matches and self.seal is not False

    @property
    def code(self) -> str:
        return f"{document.CODE_PREFIX}.{self.kind}.{self.ident}.{self.current or self.printed}"

    def said(self) -> list[Said]:
        """What a supervisor is told, the verdict first."""
        what = (
            Said("report.check.what_shift", id=self.ident)
            if self.kind == "shift"
            else Said("report.check.what_day", day=self.ident)
        )
        if not self.ident:
            return [Said("report.check.no_match", hash=self.printed)]
        out = []
        if self.matches:
            out.append(Said("report.check.ok", what=what, hash=self.current or ""))
        elif not self.content_matches:
            out.append(Said("report.check.changed", what=what))
        if self.seal is False:
            out.append(Said("report.check.edited", file=self.file or "-"))
        elif self.seal and not self.keyed:
            out.append(Said("report.check.unkeyed"))
        for c in self.changes:
            if c.was == c.now:
                out.append(Said("report.check.part_same", part=_part_name(c.part)))
            else:
                out.append(Said("report.check.part", part=_part_name(c.part), was=_n(c.was), now=_n(c.now)))
        if not self.content_matches and self.audit_since:
            out.append(Said("report.check.audit_since", count=self.audit_since))
        if not self.content_matches and self.still_open:
            out.append(Said("report.check.still_open"))
        return out


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


# The parts of a shift's summary (``shifts.Summary``'s fields), as a check names them.
PART_NAMES = {
    "shift": Said("report.part.shift"),
    "until": Said("report.part.until"),
    "gap": Said("report.part.gap"),
    "swipes": Said("report.part.swipes"),
    "per_hour": Said("report.part.per_hour"),
    "admitted": Said("report.part.admitted"),
    "by_hand": Said("report.part.by_hand"),
    "overrides": Said("report.part.overrides"),
    "callers_in": Said("report.part.callers_in"),
    "callers_out": Said("report.part.callers_out"),
    "fevers": Said("report.part.fevers"),
    "still_inside": Said("report.part.still_inside"),
    "open_incidents": Said("report.part.open_incidents"),
    "open_alarms": Said("report.part.open_alarms"),
    "logs": Said("report.part.logs"),
    "rounds": Said("report.part.rounds"),
    "equipment": Said("report.part.equipment"),
    "corrections": Said("report.part.corrections"),
    "levels": Said("report.part.levels"),
    "renovation": Said("report.part.renovation"),
    "slips": Said("report.part.slips"),
    "vehicles": Said("report.part.vehicles"),
    "permits_out": Said("report.part.permits_out"),
    "quarantine": Said("report.part.quarantine"),
    "not_yet": Said("report.part.not_yet"),
}


def _part_name(part: str) -> Said | str:
    if part.startswith("shift_"):
        return Said("report.check.part_shift", id=part.removeprefix("shift_"))
    return PART_NAMES.get(part, part)


class ReportMismatch(GuardpostError):
    """A report the database (or its own seal) does not bear out: the CLI exits ``exits.DENY``."""

    exit_code = exits.DENY

    def __init__(self, result: CheckResult) -> None:
        super().__init__("report.check.refused", None)
        self.result = result

    def message(self, lang: str | None = None) -> str:
        return "\n".join([self.title(lang), *(line.text(lang) for line in self.result.said())])


# --- what a file says ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    kind: str
    ident: str
    hash: str
    parts: dict[str, str] = field(default_factory=dict)
    audit_head: int | None = None
    receipt: bool = False


def read_report(data: bytes, path: Path) -> Written:
    """The code, part digests and audit head a report file holds (``report.no_code`` if none)."""
    if data.startswith(b"%PDF"):
        found = list(_PDF_CODE.finditer(data))
        if not found:
            raise GuardpostError("report.no_code", "report.no_code_hint", path=printable(str(path)))
        kind, ident, digest = (g.decode("ascii") for g in found[-1].groups())
        tail = data[found[-1].start() :].decode("latin-1")
        return Written(kind, ident, digest, _parts(data.decode("latin-1")), _audit(tail))
    receipt = data.startswith(ESC_INIT)
    text = data.decode("gb18030" if receipt else "utf-8-sig", errors="replace")
    if receipt:
        text = _RECEIPT_CODE.sub(lambda m: m[1] + m[2] + m[3], text)
    codes = list(document.CODE.finditer(text))
    if not codes:
        raise GuardpostError("report.no_code", "report.no_code_hint", path=printable(str(path)))
    code = codes[-1]
    return Written(code[1], code[2], code[3].lower(), _parts(text), _audit(text[code.start() :]), receipt)


def _parts(text: str) -> dict[str, str]:
    found = list(document.PARTS.finditer(text))
    return document.parse_parts(found[-1][1]) if found else {}


def _audit(text: str) -> int | None:
    found = list(document.AUDIT.finditer(text))
    return int(found[-1][1]) if found and found[-1][1] != "-" else None


# --- against the database ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Now:
    hash: str
    parts: dict[str, str]
    still_open: bool


def _current(conn: sqlite3.Connection, kind: str, ident: str, settings: Settings, now: datetime) -> _Now:
    if kind == "shift":
        s = shifts.summary(conn, int(ident), settings.shifts, now)
        return _Now(shifts.content_hash(s), document.part_digests(s.content()), s.shift.is_open)
    try:
        day = date.fromisoformat(ident)
    except ValueError:
        raise GuardpostError("cli.bad_date", None, value=printable(ident)) from None
    d = day_report.collect(conn, day, settings.shifts, now)
    return _Now(day_report.day_hash(d), d.parts(), any(s.shift.is_open for s in d.summaries))


def _changes(was: dict[str, str], now: dict[str, str]) -> tuple[Change, ...]:
    def count(value: str | None) -> int | None:
        return int(value.split(".")[0]) if value else None

    return tuple(
        Change(part, count(was.get(part)), count(now.get(part)))
        for part in [*now, *[p for p in was if p not in now]]
        if was.get(part) != now.get(part)
    )


def _audit_since(conn: sqlite3.Connection, head: int | None) -> int | None:
    if head is None:
        return None
    return int(conn.execute("SELECT count(*) FROM audit WHERE id > ?", (head,)).fetchone()[0])


def check_file(
    conn: sqlite3.Connection, path: Path, settings: Settings, *, now: datetime | None = None
) -> CheckResult:
    """Whether the report at ``path`` is what the database says, and as it was written."""
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise GuardpostError(
            "report.cannot_read", None, path=printable(str(path)), error=os_error(exc)
        ) from None
    written = read_report(data, path)
    current = _current(conn, written.kind, written.ident, settings, now or datetime.now())
    seal = None if written.receipt else bool(document.seal_holds(data, seal_key(conn)))
    keyed = written.receipt or document.seal_is_keyed(data)
    return CheckResult(
        written.kind,
        written.ident,
        written.hash,
        current.hash,
        seal=seal,
        keyed=keyed,
        changes=_changes(written.parts, current.parts) if current.hash != written.hash else (),
        audit_since=_audit_since(conn, written.audit_head),
        still_open=current.still_open,
        file=printable(str(path)),
    )


def check_hash(
    conn: sqlite3.Connection,
    text: str,
    settings: Settings,
    *,
    shift_id: int | None = None,
    now: datetime | None = None,
) -> CheckResult:
    """Whether a scanned or typed code (or a bare hash, of shift ``shift_id`` or of any shift
    handed over) is what the database says now."""
    now = now or datetime.now()
    given = "".join(text.split())  # a hash typed in groups, or broken over lines
    code = _TYPED_CODE.fullmatch(given)  # a scanner may give it in capitals
    if code is not None:
        kind, ident, digest = code[1].lower(), code[2], code[3].lower()
        if shift_id is not None and (kind != "shift" or int(ident) != shift_id):
            raise GuardpostError("report.check.other_id", None, id=shift_id, code=printable(given[:90]))
        current = _current(conn, kind, ident, settings, now)
        return CheckResult(kind, ident, digest, current.hash, still_open=current.still_open)
    if not _HASH.fullmatch(given):
        raise GuardpostError(
            "report.check.bad_code", "report.check.bad_code_hint", code=printable(given[:90]), min=PREFIX_MIN
        )
    digest = given.lower()
    if shift_id is not None:
        current = _current(conn, "shift", str(shift_id), settings, now)
        return CheckResult("shift", str(shift_id), digest, current.hash, still_open=current.still_open)
    for (found,) in conn.execute(
        "SELECT id FROM shift WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC"
    ).fetchall():
        h = shifts.content_hash(shifts.summary(conn, int(found), settings.shifts, now))
        if h.startswith(digest):
            return CheckResult("shift", str(found), digest, h)
    return CheckResult("shift", "", digest, None)
