"""Shifts: opened at login, closed by the handover; the duty, patrol and incident logs kept in them;
and a shift's summary, which the handover screen shows and every shift report prints.

One shift is open per gate at a time. A login by the guard of the open shift resumes it (the booth
PC restarted); a login by another guard while one is open closes it as *taken over* (nobody handed
it over, which the report says). A handover is the incoming guard's PIN: both names and times are
stored, the equipment counts with them, and the shift is read-only from then on (a trigger refuses
changes; a supervisor adds a correction, audited).

The summary is computed from what is stored, as things stood at the shift's end: who was inside at
that moment, which incidents and alarms were still open then. So a report of a closed shift made
today or next year says the same, and its content hash (``content_hash``) proves a printed copy.
Nothing open is carried over by copying: the next shift's summary finds the same visitors, incidents
and alarms still open, because they are.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from guardpost import audit, events, guards, passes
from guardpost.access import stamp
from guardpost.config import ShiftSettings
from guardpost.domain import Guard, GuardRole, LogKind, Said, VisitCategory, actor_of
from guardpost.errors import GuardpostError
from guardpost.guards import GuardRow
from guardpost.i18n import catalogue, t
from guardpost.storage import transaction
from guardpost.text import first_unsafe

if TYPE_CHECKING:  # their registers load with the first summary, not with the booth
    from guardpost.quarantine import ShiftQuarantine
    from guardpost.release_slips import ShiftSlips
    from guardpost.renovation import ShiftRenovation
    from guardpost.vehicles import OutPermit, ShiftVehicles

INCIDENT_KINDS = ("fight", "theft", "traffic", "fire", "suspicious", "other")
TEXT_MAX = 500
SHORT_MAX = 40
# How far before a shift the summary looks for swipes with nobody signed in (the booth restarted
# at 3 a.m. and nobody logged in until the morning shift).
GAP_LOOKBACK = timedelta(hours=24)
# How far back a summary looks for alarms nobody acknowledged: a week, so an alarm left open goes
# from shift to shift (the booth's banner looks back a day; the partial index on refused and alarm
# rows keeps a week's scan to a few thousand rows).
OPEN_ALARMS_LOOKBACK = timedelta(days=7)
# Registers the shift report has sections for that come with the vehicles issue.
NOT_YET: tuple[str, ...] = ()
# Parts of the summary that came with later registers: left out of the content hash while they
# hold nothing, so that a report printed before the register existed still checks.
LATER_PARTS: tuple[str, ...] = ("levels", "renovation", "slips", "vehicles", "permits_out", "quarantine")


@dataclass(frozen=True, slots=True)
class ShiftRow:
    id: int
    gate_id: str
    guard_id: int
    guard_code: str
    guard_name: str
    started_at: datetime
    ended_at: datetime | None
    handed_to_code: str | None
    handed_to_name: str | None
    accepted_at: datetime | None
    handover: str | None  # 'accepted' | 'taken_over' | None (open)
    notes: str | None

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def guard(self) -> Guard:
        return Guard(self.guard_id, self.guard_name)


_SHIFT_SQL = (
    "SELECT s.id, s.gate_id, s.guard_id, g.code, g.name, s.started_at, s.ended_at, h.code, h.name,"
    " s.accepted_at, s.handover, s.notes FROM shift s JOIN guard g ON g.id = s.guard_id"
    " LEFT JOIN guard h ON h.id = s.handed_to_guard_id"
)


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value is not None else None


def _shift(r: tuple[Any, ...]) -> ShiftRow:
    return ShiftRow(
        int(r[0]),
        str(r[1]),
        int(r[2]),
        str(r[3]),
        str(r[4]),
        datetime.fromisoformat(str(r[5])),
        _when(r[6]),
        r[7],
        r[8],
        _when(r[9]),
        r[10],
        r[11],
    )


def open_shift(conn: sqlite3.Connection, gate: str) -> ShiftRow | None:
    r = conn.execute(
        f"{_SHIFT_SQL} WHERE s.gate_id = ? AND s.ended_at IS NULL ORDER BY s.id DESC LIMIT 1", (gate,)
    )
    row = r.fetchone()
    return _shift(row) if row else None


def get(conn: sqlite3.Connection, shift_id: int) -> ShiftRow:
    row = conn.execute(f"{_SHIFT_SQL} WHERE s.id = ?", (shift_id,)).fetchone()
    if row is None:
        raise GuardpostError("shifts.unknown", "shifts.unknown_hint", id=shift_id)
    return _shift(row)


def last_closed(conn: sqlite3.Connection, gate: str | None = None) -> ShiftRow:
    where, args = ("AND s.gate_id = ?", (gate,)) if gate else ("", ())
    row = conn.execute(
        f"{_SHIFT_SQL} WHERE s.ended_at IS NOT NULL {where} ORDER BY s.ended_at DESC LIMIT 1", args
    )
    found = row.fetchone()
    if found is None:
        raise GuardpostError("shifts.none_closed", "shifts.none_closed_hint")
    return _shift(found)


def on_date(conn: sqlite3.Connection, day: date, gate: str | None = None) -> list[ShiftRow]:
    """The shifts that were open at some moment of ``day`` (at any gate, or at ``gate``), by start."""
    start, end = (
        stamp(datetime.combine(day, datetime.min.time())),
        stamp(datetime.combine(day + timedelta(days=1), datetime.min.time())),
    )
    where, args = ("AND s.gate_id = ?", (gate,)) if gate else ("", ())
    rows = conn.execute(
        f"{_SHIFT_SQL} WHERE s.started_at < ? AND (s.ended_at IS NULL OR s.ended_at >= ?) {where}"
        " ORDER BY s.started_at, s.id",
        (end, start, *args),
    )
    return [_shift(r) for r in rows]


@dataclass(frozen=True, slots=True)
class Login:
    guard: GuardRow
    shift: ShiftRow
    resumed: bool  # the guard's own open shift (the booth restarted)
    took_over: ShiftRow | None  # another guard's shift that was still open, now closed as taken over


def login(conn: sqlite3.Connection, code: str, pin: str, *, gate: str, now: datetime) -> Login:
    """A guard signs in at ``gate``: their shift opens (or resumes). Raises guards.PinRefused."""
    guard = guards.check_pin(conn, code, pin, where=gate, now=now)
    with transaction(conn):
        current = open_shift(conn, gate)
        if current is not None and current.guard_id == guard.id:
            return Login(guard, current, True, None)
        took_over = None
        if current is not None:
            conn.execute(
                "UPDATE shift SET ended_at = ?, handed_to_guard_id = ?, accepted_at = ?,"
                " handover = 'taken_over'"
                " WHERE id = ?",
                (stamp(now), guard.id, stamp(now), current.id),
            )
            audit.append(
                conn,
                "shift.take_over",
                str(current.id),
                f"from {current.guard_code}",
                actor=guard.actor(),
                at=now,
            )
            took_over = get(conn, current.id)
        new_id = _open(conn, gate, guard, now)
        return Login(guard, get(conn, new_id), False, took_over)


def _open(conn: sqlite3.Connection, gate: str, guard: GuardRow, now: datetime) -> int:
    cur = conn.execute(
        "INSERT INTO shift (gate_id, guard_id, started_at) VALUES (?, ?, ?)", (gate, guard.id, stamp(now))
    )
    shift_id = int(cur.lastrowid or 0)
    audit.append(conn, "shift.open", str(shift_id), f"at {gate}", actor=guard.actor(), at=now)
    return shift_id


def _text(value: str | None, *, field_key: str, limit: int, required: bool = False) -> str | None:
    """A typed line for a log: stripped, no control or bidi characters, within its length."""
    text = (value or "").strip()
    unsafe = first_unsafe(text)
    if unsafe is not None:
        raise GuardpostError(
            "shifts.bad_char", None, field=Said(field_key), code=unsafe[1], position=unsafe[0]
        )
    if required and not text:
        raise GuardpostError("shifts.empty", None, field=Said(field_key))
    if len(text) > limit:
        raise GuardpostError("shifts.too_long", None, field=Said(field_key), max=limit)
    return text or None


def handover(
    conn: sqlite3.Connection,
    shift_id: int,
    *,
    incoming_code: str,
    pin: str,
    notes: str | None,
    counts: dict[str, int],
    settings: ShiftSettings,
    now: datetime,
) -> Login:
    """The incoming guard accepts the shift with their PIN: it closes (read-only from now on) with the
    notes and the equipment counted, and theirs opens. Refused: a wrong PIN, handing to oneself, a
    shift already closed, a count missing or impossible."""
    notes = _text(notes, field_key="shifts.field.notes", limit=TEXT_MAX)
    expected = dict(settings.equipment_expected())
    for item in counts:
        if item not in expected:
            raise GuardpostError("shifts.unknown_item", None, item=item)
    for item in expected:
        if item not in counts:
            raise GuardpostError("shifts.count_missing", None, item=item_name(item))
        if not 0 <= counts[item] <= 999:
            raise GuardpostError("shifts.bad_count", None, item=item_name(item))
    outgoing = get(conn, shift_id)
    if not outgoing.is_open:
        raise GuardpostError("shifts.closed", "shifts.closed_hint", id=shift_id)
    incoming = guards.check_pin(conn, incoming_code, pin, where=outgoing.gate_id, now=now, purpose="handover")
    if incoming.id == outgoing.guard_id:
        raise GuardpostError("shifts.to_yourself", "shifts.to_yourself_hint")
    with transaction(conn):
        if not get(conn, shift_id).is_open:  # another booth window handed it over meanwhile
            raise GuardpostError("shifts.closed", "shifts.closed_hint", id=shift_id)
        conn.executemany(
            "INSERT INTO shift_item (shift_id, item, expected, counted) VALUES (?, ?, ?, ?)",
            [(shift_id, item, expected[item], counts[item]) for item in expected],
        )
        conn.execute(
            "UPDATE shift SET ended_at = ?, handed_to_guard_id = ?, accepted_at = ?, notes = ?,"
            " handover = 'accepted'"
            " WHERE id = ?",
            (stamp(now), incoming.id, stamp(now), notes, shift_id),
        )
        short = [f"{i} {counts[i]}/{expected[i]}" for i in expected if counts[i] != expected[i]]
        audit.append(
            conn,
            "shift.handover",
            str(shift_id),
            f"{outgoing.guard_code} -> {incoming.code}" + (f"; short: {', '.join(short)}" if short else ""),
            actor=incoming.actor(),
            at=now,
        )
        new_id = _open(conn, outgoing.gate_id, incoming, now)
        return Login(incoming, get(conn, new_id), False, None)


def correct(conn: sqlite3.Connection, shift_id: int, text: str, *, by: GuardRow, now: datetime) -> int:
    """A supervisor's correction to a shift that was handed over (audited; the shift is not edited)."""
    if guards.RANK[by.role] < guards.RANK[GuardRole.SUPERVISOR]:
        raise guards.NotAllowed(
            "guards.not_allowed",
            None,
            name=by.name,
            role=Said(f"guards.role.{by.role}"),
            need=Said("guards.role.supervisor"),
        )
    body = _text(text, field_key="shifts.field.correction", limit=TEXT_MAX, required=True)
    with transaction(conn):
        shift = get(conn, shift_id)
        if shift.is_open:
            raise GuardpostError("shifts.still_open", "shifts.still_open_hint", id=shift_id)
        cur = conn.execute(
            "INSERT INTO shift_correction (shift_id, at, guard_id, text) VALUES (?, ?, ?, ?)",
            (shift_id, stamp(now), by.id, body),
        )
        audit.append(conn, "shift.correct", str(shift_id), body, actor=by.actor(), at=now)
        return int(cur.lastrowid or 0)


# --- the logs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogRow:
    id: int
    kind: LogKind
    at: datetime
    guard: str | None
    text: str
    category: str | None = None
    place: str | None = None
    handled_by: str | None = None
    reported_to: str | None = None
    usb_label: str | None = None
    closed_at: datetime | None = None
    shift_id: int | None = None


def write_log(
    conn: sqlite3.Connection,
    kind: LogKind,
    text: str,
    *,
    gate: str,
    guard: Guard | None,
    shift_id: int | None,
    now: datetime,
    category: str | None = None,
    place: str | None = None,
    handled_by: str | None = None,
    reported_to: str | None = None,
    usb_label: str | None = None,
) -> int:
    """A duty-log line or an incident (open until closed). Each field is checked; nothing is half-written."""
    body = _text(text, field_key="shifts.field.text", limit=TEXT_MAX, required=True)
    if kind == LogKind.INCIDENT:
        if category not in INCIDENT_KINDS:
            raise GuardpostError("shifts.bad_incident_kind", None, kinds=" | ".join(INCIDENT_KINDS))
    elif kind != LogKind.DUTY:
        raise GuardpostError("shifts.bad_log_kind", None, kind=str(kind))
    values = {
        "place": _text(place, field_key="shifts.field.place", limit=SHORT_MAX),
        "handled_by": _text(handled_by, field_key="shifts.field.handled_by", limit=SHORT_MAX),
        "reported_to": _text(reported_to, field_key="shifts.field.reported_to", limit=SHORT_MAX),
        "usb_label": _text(usb_label, field_key="shifts.field.usb_label", limit=SHORT_MAX),
    }
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO log_entry (kind, at, gate_id, guard_id, text, category, place, handled_by,"
            " reported_to,"
            " usb_label, shift_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(kind),
                stamp(now),
                gate,
                guard.id if guard else None,
                body,
                category if kind == LogKind.INCIDENT else None,
                values["place"],
                values["handled_by"],
                values["reported_to"],
                values["usb_label"],
                shift_id,
            ),
        )
        return int(cur.lastrowid or 0)


def close_incident(conn: sqlite3.Connection, entry_id: int, *, guard: Guard | None, now: datetime) -> None:
    with transaction(conn):
        row = conn.execute("SELECT kind, closed_at FROM log_entry WHERE id = ?", (entry_id,)).fetchone()
        if row is None or row[0] != "incident":
            raise GuardpostError("shifts.no_incident", None, id=entry_id)
        if row[1] is not None:
            raise GuardpostError("shifts.incident_closed", None, id=entry_id)
        conn.execute("UPDATE log_entry SET closed_at = ? WHERE id = ?", (stamp(now), entry_id))
        audit.append(conn, "incident.close", str(entry_id), None, actor=actor_of(guard), at=now)


_LOG_SQL = (
    "SELECT l.id, l.kind, l.at, g.name, l.text, l.category, l.place, l.handled_by, l.reported_to,"
    " l.usb_label,"
    " l.closed_at, l.shift_id FROM log_entry l LEFT JOIN guard g ON g.id = l.guard_id"
)


def _log(r: tuple[Any, ...]) -> LogRow:
    return LogRow(
        int(r[0]),
        LogKind(r[1]),
        datetime.fromisoformat(r[2]),
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        r[9],
        _when(r[10]),
        r[11],
    )


def logs(conn: sqlite3.Connection, shift_id: int) -> list[LogRow]:
    return [
        _log(r) for r in conn.execute(f"{_LOG_SQL} WHERE l.shift_id = ? ORDER BY l.at, l.id", (shift_id,))
    ]


def open_incidents(conn: sqlite3.Connection, at: datetime) -> list[LogRow]:
    """Incidents reported by ``at`` and not closed by then, at any gate, the oldest first."""
    t = stamp(at)
    rows = conn.execute(
        f"{_LOG_SQL} WHERE l.kind = 'incident' AND l.at <= ? AND (l.closed_at IS NULL OR l.closed_at > ?)"
        " ORDER BY l.at, l.id",
        (t, t),
    )
    return [_log(r) for r in rows]


# --- patrol rounds ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Round:
    id: int
    started_at: datetime
    ended_at: datetime | None
    guard: str | None
    findings: str | None
    checked: dict[str, str] = field(default_factory=dict)  # checkpoint -> 'tick' | 'scan'
    missed: tuple[str, ...] = ()


def start_round(
    conn: sqlite3.Connection, *, gate: str, guard: Guard | None, shift_id: int | None, now: datetime
) -> int:
    with transaction(conn):
        if _open_round(conn, gate) is not None:
            raise GuardpostError("shifts.round_open", "shifts.round_open_hint")
        cur = conn.execute(
            "INSERT INTO patrol_round (shift_id, gate_id, guard_id, started_at) VALUES (?, ?, ?, ?)",
            (shift_id, gate, guard.id if guard else None, stamp(now)),
        )
        return int(cur.lastrowid or 0)


def _open_round(conn: sqlite3.Connection, gate: str) -> int | None:
    r = conn.execute(
        "SELECT id FROM patrol_round WHERE gate_id = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1", (gate,)
    ).fetchone()
    return int(r[0]) if r else None


def check_point(
    conn: sqlite3.Connection, checkpoint: str, *, how: str, gate: str, settings: ShiftSettings, now: datetime
) -> str:
    """Tick (by key) or scan (its tag) a checkpoint of the open round; the checkpoint's code."""
    code = settings.checkpoint_code(checkpoint)
    if code is None:
        raise GuardpostError(
            "shifts.unknown_checkpoint",
            None,
            checkpoint=checkpoint[:20],
            known=", ".join(c.code for c in settings.checkpoints),
        )
    with transaction(conn):
        round_id = _open_round(conn, gate)
        if round_id is None:
            raise GuardpostError("shifts.no_round", "shifts.no_round_hint")
        conn.execute(
            "INSERT OR IGNORE INTO patrol_check (round_id, checkpoint, at, how) VALUES (?, ?, ?, ?)",
            (round_id, code, stamp(now), how),
        )
    return code


def end_round(
    conn: sqlite3.Connection, *, gate: str, findings: str | None, settings: ShiftSettings, now: datetime
) -> Round:
    text = _text(findings, field_key="shifts.field.findings", limit=TEXT_MAX)
    with transaction(conn):
        round_id = _open_round(conn, gate)
        if round_id is None:
            raise GuardpostError("shifts.no_round", "shifts.no_round_hint")
        conn.execute(
            "UPDATE patrol_round SET ended_at = ?, findings = ? WHERE id = ?", (stamp(now), text, round_id)
        )
    return _rounds(conn, "r.id = ?", (round_id,), settings)[0]


def _rounds(
    conn: sqlite3.Connection,
    where: str,
    args: tuple[Any, ...],
    settings: ShiftSettings,
    until: datetime | None = None,
) -> list[Round]:
    """The rounds ``where`` says; with ``until``, as they stood then (a round ended later was still
    open, and the checkpoints checked later not checked yet)."""
    cut = stamp(until) if until is not None else None
    rows = conn.execute(
        "SELECT r.id, r.started_at, r.ended_at, g.name, r.findings FROM patrol_round r"
        f" LEFT JOIN guard g ON g.id = r.guard_id WHERE {where} ORDER BY r.started_at, r.id",
        args,
    ).fetchall()
    out = []
    for rid, started, ended, who, findings in rows:
        if cut is not None and ended is not None and ended > cut:
            ended = findings = None
        checked = {
            str(c): str(h)
            for c, h in conn.execute(
                "SELECT checkpoint, how FROM patrol_check WHERE round_id = ? AND (? IS NULL OR at <= ?)",
                (rid, cut, cut),
            )
        }
        missed = tuple(c.code for c in settings.checkpoints if c.code not in checked) if ended else ()
        out.append(
            Round(int(rid), datetime.fromisoformat(started), _when(ended), who, findings, checked, missed)
        )
    return out


def current_round(conn: sqlite3.Connection, gate: str, settings: ShiftSettings) -> Round | None:
    rid = _open_round(conn, gate)
    return _rounds(conn, "r.id = ?", (rid,), settings)[0] if rid else None


def reminders(conn: sqlite3.Connection, gate: str, settings: ShiftSettings, now: datetime) -> list[Said]:
    """What the header reminds the guard of: the last round missed a checkpoint; no round for longer
    than the configured interval (counted from the shift's start when there was none)."""
    out: list[Said] = []
    if not settings.checkpoints or settings.patrol_interval_min <= 0:
        return out
    last = conn.execute(
        "SELECT id, started_at FROM patrol_round WHERE gate_id = ? ORDER BY id DESC LIMIT 1", (gate,)
    ).fetchone()
    if last is not None:
        r = _rounds(conn, "r.id = ?", (int(last[0]),), settings)[0]
        if r.missed:
            out.append(Said("shifts.reminder_missed", checkpoints=", ".join(r.missed)))
        since = datetime.fromisoformat(last[1])
    else:
        since = None
    shift = open_shift(conn, gate)
    if shift is not None and (since is None or since < shift.started_at):
        since = shift.started_at  # a new shift has its first interval to go out in
    if since is None:
        return out
    if now - since > timedelta(minutes=settings.patrol_interval_min):
        out.append(Said("shifts.reminder_due", minutes=int((now - since).total_seconds() // 60)))
    return out


# --- the summary --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gap:
    """Swipes stored with nobody signed in: the first one, the last one, how many."""

    since: datetime
    until: datetime
    events: int


@dataclass(frozen=True, slots=True)
class Override:
    at: datetime
    who: str | None
    unit: str | None
    reason: str | None
    guard: str | None


@dataclass(frozen=True, slots=True)
class Fever:
    at: datetime
    celsius: float
    who: str | None


@dataclass(frozen=True, slots=True)
class StillInside:
    pass_no: str
    category: str
    name: str | None
    unit: str | None
    entered_at: datetime


@dataclass(frozen=True, slots=True)
class OpenAlarm:
    event_id: int
    at: datetime
    reason: str
    who: str | None


@dataclass(frozen=True, slots=True)
class Item:
    item: str
    expected: int
    counted: int | None


@dataclass(frozen=True, slots=True)
class Correction:
    at: datetime
    by: str
    text: str


@dataclass(frozen=True, slots=True)
class Level:
    """A lockdown level in force at the shift's gate during the shift (the one at its start, then
    each one ordered until its end)."""

    at: datetime
    level: str
    scope: str  # gate ids, comma-separated, or "" for the whole compound
    entrance: str | None
    shut: bool  # this gate shut by it
    ordered_by: str
    note: str | None


@dataclass(frozen=True)
class Summary:
    shift: ShiftRow
    until: datetime  # the shift's end, or the moment this was made for an open shift
    gap: Gap | None
    swipes: dict[str, int]  # allow / deny / alarm, card swipes and alarms at this gate
    per_hour: list[tuple[datetime, int]]
    admitted: int  # swipes allowed + callers let in
    by_hand: int  # residents admitted by hand (forgot card)
    overrides: list[Override]
    callers_in: dict[str, int]  # by category
    callers_out: dict[str, int]
    fevers: list[Fever]
    still_inside: list[StillInside]
    open_incidents: list[LogRow]
    open_alarms: list[OpenAlarm]
    logs: list[LogRow]
    rounds: list[Round]
    equipment: list[Item]
    corrections: list[Correction]
    levels: list[Level] = field(default_factory=list)
    renovation: ShiftRenovation | None = None
    slips: ShiftSlips | None = None
    vehicles: ShiftVehicles | None = None
    permits_out: list[OutPermit] = field(default_factory=list)  # temporary parking permits not back
    quarantine: ShiftQuarantine | None = None
    not_yet: tuple[str, ...] = NOT_YET

    @property
    def override_share(self) -> float:
        return len(self.overrides) / self.admitted if self.admitted else 0.0

    def content(self) -> dict[str, Any]:
        """Everything the report says about the shift, as plain values (the content hash is taken
        over this). Not which registers are still to come: a report printed today must still
        check after the vehicles register lands."""
        plain: dict[str, Any] = _plain(asdict(self))
        plain.pop("not_yet", None)
        for part, empty in self._later_empty().items():
            if empty:
                plain.pop(part, None)
        return plain

    def _later_empty(self) -> dict[str, bool]:
        """Which of the later registers' parts say nothing about this shift."""
        r, s, v, q = self.renovation, self.slips, self.vehicles, self.quarantine
        empty = {
            "levels": all(lv.level == "normal" for lv in self.levels),  # as before levels were kept
            "renovation": r is None or not (r.admitted or r.refused or r.materials),
            "slips": s is None or not (s.collected or s.after_hours or s.refused),
            "vehicles": v is None
            or not (
                v.entries
                or v.exits
                or v.refused
                or v.passbacks
                or v.overstays
                or v.receipts
                or v.permits_issued
            )
            and not v.permits_missing,
            "permits_out": not self.permits_out,
            "quarantine": q is None or not (q.households or q.readings or q.due or q.missed or q.fevers),
        }
        assert set(empty) == set(LATER_PARTS)
        return empty


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return round(value, 2)
    return value


def content_hash(summary: Summary) -> str:
    """SHA-256 over the canonical JSON of the summary: the same shift, the same hash, whenever made."""
    text = json.dumps(summary.content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _ids(conn: sqlite3.Connection, start: datetime, end: datetime) -> tuple[int, int]:
    """Event ids in [start, end): the lower id bound included, the upper excluded."""
    return events.first_id_since(conn, start), events.first_id_since(conn, end)


def summary(conn: sqlite3.Connection, shift_id: int, settings: ShiftSettings, now: datetime) -> Summary:
    """The shift's summary, as things stood at its end (or at ``now`` while it is open)."""
    from guardpost import quarantine, release_slips, renovation, vehicles

    shift = get(conn, shift_id)
    until = shift.ended_at or now
    gate = shift.gate_id
    start, end = stamp(shift.started_at), stamp(until)
    low, high = _ids(conn, shift.started_at, until)
    swipes = Counter({"allow": 0, "deny": 0, "alarm": 0})
    hours: Counter[datetime] = Counter()
    by_hand = 0
    # counted by SQLite (a 5,000-event shift in a few ms): the decision, the hour, manual admissions
    for decision, hour_text, count, manual in conn.execute(
        "SELECT decision, substr(at, 1, 13), count(*), sum(source = 'manual' AND decision = 'allow')"
        " FROM access_event WHERE id >= ? AND id < ? AND gate_id = ? GROUP BY 1, 2",
        (low, high, gate),
    ):
        swipes[decision] += count
        hours[datetime.fromisoformat(f"{hour_text}:00:00")] += count
        by_hand += int(manual or 0)
    per_hour = []
    hour = shift.started_at.replace(minute=0, second=0, microsecond=0)
    while hour < until:
        per_hour.append((hour, hours.get(hour, 0)))
        hour += timedelta(hours=1)
    callers_in: Counter[str] = Counter()
    callers_out: Counter[str] = Counter()
    for cat, entered, left, left_gate, vgate in conn.execute(
        "SELECT category, entered_at, left_at, left_gate_id, gate_id FROM visit"
        " WHERE (entered_at >= ? AND entered_at < ?) OR (left_at >= ? AND left_at < ?)",
        (start, end, start, end),
    ):
        if entered and start <= entered < end and vgate == gate:
            callers_in[cat] += 1
        if left and start <= left < end and (left_gate or vgate) == gate:
            callers_out[cat] += 1
    overrides = [
        Override(datetime.fromisoformat(at), name, unit, reason, who)
        for at, name, unit, reason, who in conn.execute(
            "SELECT c.at, v.name, u.code, c.reason, g.name FROM consent c JOIN visit v ON v.id = c.visit_id"
            " LEFT JOIN unit u ON u.id = v.host_unit_id LEFT JOIN guard g ON g.id = c.guard_id"
            " WHERE c.outcome = 'override' AND c.at >= ? AND c.at < ? AND v.gate_id = ? ORDER BY c.at",
            (start, end, gate),
        )
    ]
    fevers = [
        Fever(datetime.fromisoformat(at), float(c), who)
        for at, c, who in conn.execute(
            "SELECT t.at, t.celsius, coalesce(p.name, v.name) FROM temperature_reading t"
            " LEFT JOIN person p ON p.id = t.person_id LEFT JOIN visit v ON v.id = t.visit_id"
            " WHERE t.fever AND t.at >= ? AND t.at < ? AND t.gate_id = ? ORDER BY t.at",
            (start, end, gate),
        )
    ]
    still = [
        StillInside(passes.pass_number(int(vid)), str(cat), name, unit, datetime.fromisoformat(entered))
        for vid, cat, name, unit, entered in conn.execute(
            "SELECT v.id, v.category, v.name, u.code, v.entered_at FROM visit v"
            " LEFT JOIN unit u ON u.id = v.host_unit_id"
            " WHERE v.entered_at IS NOT NULL AND v.entered_at < ? AND (v.left_at IS NULL OR v.left_at >= ?)"
            " AND v.status IN ('inside', 'left') ORDER BY v.entered_at, v.id",
            (end, end),
        )
    ]
    alarm_low = events.first_id_since(conn, until - OPEN_ALARMS_LOOKBACK)
    open_alarms = [
        OpenAlarm(int(eid), datetime.fromisoformat(at), str(reason), who)
        for eid, at, reason, who in conn.execute(
            "SELECT e.id, e.at, e.reason, coalesce(p.name, v.name, e.uid) FROM access_event e"
            " LEFT JOIN person p ON p.id = e.person_id LEFT JOIN visit v ON v.id = e.visit_id"
            " WHERE e.decision <> 'allow' AND e.decision = 'alarm' AND e.id >= ? AND e.id < ?"
            " AND e.gate_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM alarm_ack a WHERE a.event_id = e.id AND a.at < ?) ORDER BY e.id",
            (alarm_low, high, gate, end),
        )
    ]
    stored = {
        str(i): (int(e), int(c))
        for i, e, c in conn.execute(
            "SELECT item, expected, counted FROM shift_item WHERE shift_id = ?", (shift_id,)
        )
    }
    if stored:  # handed over: as counted then, against what was expected then
        equipment = [Item(i, e, c) for i, (e, c) in stored.items()]
    else:
        equipment = [Item(i, e, None) for i, e in settings.equipment_expected()]
    corrections = [
        Correction(datetime.fromisoformat(at), str(by), str(text))
        for at, by, text in conn.execute(
            "SELECT c.at, g.name, c.text FROM shift_correction c JOIN guard g ON g.id = c.guard_id"
            " WHERE c.shift_id = ? ORDER BY c.id",
            (shift_id,),
        )
    ]
    return Summary(
        shift=shift,
        until=until,
        gap=_gap(conn, shift, until),
        swipes=dict(swipes),
        per_hour=per_hour,
        admitted=swipes["allow"] + sum(callers_in.values()),
        by_hand=by_hand,
        overrides=overrides,
        callers_in=dict(sorted(callers_in.items())),
        callers_out=dict(sorted(callers_out.items())),
        fevers=fevers,
        still_inside=still,
        open_incidents=[_as_at(e, until) for e in open_incidents(conn, until)],
        open_alarms=open_alarms,
        logs=[_as_at(e, until) for e in logs(conn, shift_id)],
        # its own rounds, and one still open when it began (started by the shift before)
        rounds=_rounds(
            conn,
            "(r.shift_id = ? OR (r.gate_id = ? AND r.started_at < ?"
            " AND (r.ended_at IS NULL OR r.ended_at > ?)))",
            (shift_id, gate, start, start),
            settings,
            until,
        ),
        equipment=equipment,
        corrections=corrections,
        levels=_levels(conn, gate, shift.started_at, until),
        renovation=renovation.shift_summary(conn, gate, shift.started_at, until),
        slips=release_slips.shift_summary(conn, gate, shift.started_at, until),
        vehicles=vehicles.shift_summary(conn, gate, shift.started_at, until),
        permits_out=vehicles.unreturned_permits(conn, until),
        quarantine=quarantine.shift_summary(conn, shift.started_at, until),
    )


def _levels(conn: sqlite3.Connection, gate: str, start: datetime, until: datetime) -> list[Level]:
    from guardpost import lockdown

    return [
        Level(
            at=lv.started_at or start,
            level=str(lv.level),
            scope=",".join(lv.scope),
            entrance=lv.entrance,
            shut=lv.shut,
            ordered_by=lockdown.who(conn, lv.ordered_by),
            note=lv.note,
        )
        for lv in lockdown.in_force_between(conn, gate, start, until)
    ]


def _as_at(entry: LogRow, moment: datetime) -> LogRow:
    """A log entry as it stood at ``moment``: an incident closed after it was still open then."""
    return entry if entry.closed_at is None or entry.closed_at <= moment else replace(entry, closed_at=None)


def _gap(conn: sqlite3.Connection, shift: ShiftRow, until: datetime) -> Gap | None:
    """Swipes at this gate with nobody signed in (the booth PC restarted at 3 a.m. and nobody logged
    in until later): from the end of the shift before (at most a day back) to this one's end, the
    first and last such swipe and how many."""
    prev = conn.execute(
        "SELECT max(ended_at) FROM shift WHERE gate_id = ? AND id <> ? AND started_at < ?",
        (shift.gate_id, shift.id, stamp(shift.started_at)),
    ).fetchone()[0]
    since = max(_when(prev) or shift.started_at - GAP_LOOKBACK, shift.started_at - GAP_LOOKBACK)
    low, high = _ids(conn, since, until)
    count, first, last = conn.execute(
        "SELECT count(*), min(at), max(at) FROM access_event WHERE id >= ? AND id < ? AND gate_id = ?"
        " AND guard_id IS NULL",
        (low, high, shift.gate_id),
    ).fetchone()
    return Gap(datetime.fromisoformat(first), datetime.fromisoformat(last), int(count)) if count else None


def item_name(item: str, lang: str | None = None) -> str:
    """An equipment item's name: from the catalogue for the usual ones, else its configured code."""
    key = f"shifts.item.{item}"
    return t(key, lang) if key in catalogue() else item


def category_key(category: str) -> str:
    """The catalogue key naming a caller category."""
    return f"category.{VisitCategory(category)}"


def recent(conn: sqlite3.Connection, gate: str | None = None, limit: int = 30) -> list[ShiftRow]:
    """The latest shifts (at ``gate``, or anywhere), the newest first."""
    where, args = ("WHERE s.gate_id = ?", (gate,)) if gate else ("", ())
    rows = conn.execute(f"{_SHIFT_SQL} {where} ORDER BY s.started_at DESC, s.id DESC LIMIT ?", (*args, limit))
    return [_shift(r) for r in rows]
