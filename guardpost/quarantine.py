"""The quarantine ledger of the closed level (DOMAIN.md "Lockdown levels": quarantined households get
their temperature taken twice a day; "Temperature and health checks": 37.3 °C or more is a fever).

A household is a unit under home quarantine: the people in it (residents of the unit, chosen from
the person table, and names typed for anyone the table lacks), its first and last day, a note. A
squad leader or a supervisor puts it on the ledger and may end it before its last day (their code
and PIN, audited); any guard records the readings.

Each person is measured twice a day. The two readings and their windows are constants here:

- the **morning** reading: any reading before 12:00 counts as it; due from 06:00, overdue at 12:00;
- the **afternoon** reading: any reading from 12:00 counts as it; due from 12:00, overdue at 20:00.

A reading not taken by the end of its window is overdue (missed); one taken later still counts, as
taken late. A window that closed before the household was put on the ledger, or opened after it
was ended, is not expected of anyone. A slot's reading is the highest taken in it: a re-check never
hides a fever.

A reading is a ``temperature`` reading like one at the gate (``temperature.store``): a fever rings
in the booth's banner, F5 acknowledges it, and the case stays open until a handover closes it. The
ledger works at every level; it is meant for the closed one (``for_level``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from guardpost import audit, temperature, validate
from guardpost.access import stamp
from guardpost.domain import RESIDENT_ROLES, Guard, GuardRole, LockdownLevel, PersonRole, Said
from guardpost.errors import GuardpostError
from guardpost.storage import transaction
from guardpost.text import printable, strip_unsafe


class Slot(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"


class SlotState(StrEnum):
    TAKEN = "taken"
    DUE = "due"  # its window is open and nobody has taken it yet
    OVERDUE = "overdue"  # its window closed without a reading
    LATER = "later"  # its window has not opened yet
    NONE = "none"  # not expected: outside the quarantine, or before it was put on the ledger


NOON = time(12, 0)
# The windows in which each reading is due: [opens, closes). Before NOON a reading is the
# morning's, from NOON the afternoon's, whenever it was taken.
WINDOWS: dict[Slot, tuple[time, time]] = {
    Slot.MORNING: (time(6, 0), NOON),
    Slot.AFTERNOON: (NOON, time(20, 0)),
}
DEFAULT_DAYS = 14  # the usual home quarantine, both ends included
MAX_DAYS = 30
NOTE_MAX = 200
AUDIT_ADD = "quarantine.add"
AUDIT_END = "quarantine.end"
# Who may put a household on the ledger or end it: the squad leader runs the gates in a lockdown
# (DOMAIN.md "People and places"); a supervisor may do what a squad leader may.
MAY_ORDER = GuardRole.SQUAD_LEADER


# --- the rules of the two readings (pure) -----------------------------------------------------


def slot_of(moment: time) -> Slot:
    """Which of the day's two readings a reading taken at ``moment`` counts as."""
    return Slot.MORNING if moment < NOON else Slot.AFTERNOON


def window(day: date, slot: Slot) -> tuple[datetime, datetime]:
    """When ``slot``'s reading is due on ``day``: [opens, closes)."""
    opens, closes = WINDOWS[slot]
    return datetime.combine(day, opens), datetime.combine(day, closes)


def expected(
    day: date,
    slot: Slot,
    *,
    starts_on: date,
    ends_on: date,
    added_at: datetime,
    ended_at: datetime | None = None,
) -> bool:
    """Whether the reading is owed at all: a day of the quarantine, a window that closes after the
    household was put on the ledger and opens before it was ended."""
    opens, closes = window(day, slot)
    return starts_on <= day <= ends_on and closes > added_at and (ended_at is None or opens < ended_at)


def slot_state(day: date, slot: Slot, now: datetime, *, taken: bool, owed: bool) -> SlotState:
    """What the ledger shows of one reading of one person on ``day``, as things stand at ``now``."""
    if taken:
        return SlotState.TAKEN
    if not owed:
        return SlotState.NONE
    opens, closes = window(day, slot)
    if now < opens:
        return SlotState.LATER
    return SlotState.DUE if now < closes else SlotState.OVERDUE


# --- what a guard types (pure) ----------------------------------------------------------------

_DATE = re.compile(r"(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?")
_DAYS = re.compile(r"(\d{1,3})\s*(?:天|日|d|days?)?", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"[,，、;；/\n]")
_NUMBERS = re.compile(r"[\s,，、;；]+")


def parse_day(text: str, today: date) -> date:
    """A day as a guard types it: ``2026-11-26``, ``2026/11/26``, ``2026年11月26日``, or ``11-26``
    (this year); full-width digits too. ``validate.Invalid`` otherwise."""
    shown = validate.normalise(text)
    match = _DATE.fullmatch(shown.replace(" ", ""))
    if match is None:
        raise validate.Invalid("quarantine.bad_day", value=shown)
    year, month, day = match.groups()
    try:
        return date(int(year) if year else today.year, int(month), int(day))
    except ValueError:
        raise validate.Invalid("quarantine.bad_day", value=shown) from None


def parse_end(text: str, starts_on: date, today: date) -> date:
    """The last day of the quarantine: a day (``parse_day``), or how many days it lasts counting the
    first (``14``, ``14天``, ``14d``)."""
    shown = validate.normalise(text)
    days = _DAYS.fullmatch(shown)
    if days is None:
        return parse_day(text, today)
    count = int(days.group(1))
    if not 1 <= count <= MAX_DAYS:
        raise validate.Invalid("quarantine.bad_days", value=shown, max=MAX_DAYS)
    return starts_on + timedelta(days=count - 1)


def pick(residents: Sequence[Resident], text: str) -> tuple[int, ...]:
    """The residents chosen by their numbers in the list shown (``1 3``, ``1,3``; empty: none), as
    person ids, each once, in the list's order."""
    shown = validate.normalise(text)
    chosen: set[int] = set()
    for part in _NUMBERS.split(shown):
        if not part:
            continue
        if not part.isascii() or not part.isdigit() or not 1 <= int(part) <= len(residents):
            raise validate.Invalid("quarantine.bad_pick", value=part, count=len(residents))
        chosen.add(int(part) - 1)
    return tuple(r.person_id for i, r in enumerate(residents) if i in chosen)


def split_names(text: str) -> tuple[str, ...]:
    """Names typed for people the person table lacks, separated by commas (，、;), each a valid name
    (``validate.person_name``) and each once."""
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(text):
        if not part.strip():
            continue
        name = _other(part)
        if name in names:
            raise validate.Invalid("quarantine.name_twice", name=name)
        names.append(name)
    return tuple(names)


def _other(text: str) -> str:
    try:
        return validate.person_name(text)
    except validate.Invalid as exc:
        shown = printable(text.strip()[:30])
        raise validate.Invalid(
            "quarantine.bad_name", name=shown, reason=Said(exc.key, **exc.params)
        ) from None


def for_level(level: LockdownLevel) -> bool:
    """The ledger is the closed level's: at another level it still works, and says so."""
    return level == LockdownLevel.CLOSED


# --- what the ledger holds --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resident:
    person_id: int
    name: str
    role: PersonRole


@dataclass(frozen=True, slots=True)
class UnitResidents:
    """A unit that may be put on the ledger (canonical code) and its residents, to choose from."""

    unit: str
    residents: tuple[Resident, ...]


@dataclass(frozen=True, slots=True)
class Member:
    member_id: int
    name: str
    person_id: int | None  # a resident of the unit; None: a name typed


@dataclass(frozen=True, slots=True)
class Household:
    household_id: int
    unit: str
    starts_on: date
    ends_on: date
    note: str | None
    added_by: str
    added_at: datetime
    ended_at: datetime | None
    ended_by: str | None
    members: tuple[Member, ...]

    def under_quarantine(self, moment: datetime) -> bool:
        """On one of its days, and not ended by then."""
        in_days = self.starts_on <= moment.date() <= self.ends_on
        return in_days and (self.ended_at is None or moment < self.ended_at)

    def owed(self, day: date, slot: Slot) -> bool:
        return expected(
            day,
            slot,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            added_at=self.added_at,
            ended_at=self.ended_at,
        )


@dataclass(frozen=True, slots=True)
class SlotView:
    """One of a person's two readings of a day: its state, and the reading when it was taken."""

    slot: Slot
    state: SlotState
    celsius: float | None = None
    fever: bool = False
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PersonDay:
    member: Member
    morning: SlotView
    afternoon: SlotView

    @property
    def slots(self) -> tuple[SlotView, SlotView]:
        return self.morning, self.afternoon


@dataclass(frozen=True, slots=True)
class HouseholdDay:
    """A household on the ledger as the screen shows it: each person's two readings of the day."""

    household: Household
    people: tuple[PersonDay, ...]


@dataclass(frozen=True, slots=True)
class DueReading:
    """A reading owed and not taken: due now, or overdue (its window closed)."""

    household_id: int
    unit: str
    member_id: int
    name: str
    day: date
    slot: Slot
    overdue: bool


@dataclass(frozen=True, slots=True)
class Recorded:
    household_id: int
    unit: str
    member: Member
    slot: Slot
    reading: temperature.Reading
    at: datetime


@dataclass(frozen=True, slots=True)
class QuarantineFever:
    at: datetime
    name: str
    unit: str
    celsius: float


@dataclass(frozen=True, slots=True)
class ShiftQuarantine:
    """The ledger over a shift, for its report and handover: the households under quarantine then
    and their people, the readings taken, what was still due at the end and what was missed (a
    window that closed during the shift without a reading), and the fevers."""

    households: int
    people: int
    readings: int
    due: tuple[DueReading, ...]
    missed: tuple[DueReading, ...]
    fevers: tuple[QuarantineFever, ...]


# --- reading it -------------------------------------------------------------------------------

_HOUSEHOLD_SQL = (
    "SELECT h.id, u.code, h.starts_on, h.ends_on, h.note, h.added_by, h.added_at, h.ended_at, h.ended_by"
    " FROM quarantine_household h JOIN unit u ON u.id = h.unit_id"
)


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value is not None else None


def _households(conn: sqlite3.Connection, where: str, params: tuple[object, ...]) -> list[Household]:
    rows = conn.execute(f"{_HOUSEHOLD_SQL} WHERE {where} ORDER BY h.id", params).fetchall()
    members: dict[int, list[Member]] = {int(r[0]): [] for r in rows}
    if members:
        marks = ",".join("?" * len(members))
        for mid, hid, name, person_id in conn.execute(
            f"SELECT id, household_id, name, person_id FROM quarantine_member WHERE household_id IN ({marks})"
            " ORDER BY id",
            tuple(members),
        ):
            members[int(hid)].append(Member(int(mid), str(name), int(person_id) if person_id else None))
    out = []
    for r in rows:
        added_at = _when(r[6])
        assert added_at is not None
        out.append(
            Household(
                household_id=int(r[0]),
                unit=str(r[1]),
                starts_on=date.fromisoformat(str(r[2])),
                ends_on=date.fromisoformat(str(r[3])),
                note=str(r[4]) if r[4] is not None else None,
                added_by=str(r[5]),
                added_at=added_at,
                ended_at=_when(r[7]),
                ended_by=str(r[8]) if r[8] is not None else None,
                members=tuple(members[int(r[0])]),
            )
        )
    return out


def households(conn: sqlite3.Connection, today: date, *, every: bool = False) -> list[Household]:
    """The households on the ledger now or to come (not ended, last day not past), in the order
    they were put on it; ``every``: all of them, ended ones too."""
    if every:
        return _households(conn, "1", ())
    return _households(conn, "h.ended_at IS NULL AND h.ends_on >= ?", (today.isoformat(),))


def household(conn: sqlite3.Connection, household_id: int) -> Household:
    found = _households(conn, "h.id = ?", (household_id,))
    if not found:
        raise GuardpostError("quarantine.unknown_household", "quarantine.list_hint", household=household_id)
    return found[0]


def _taken(
    conn: sqlite3.Connection, first: date, last: date, before: datetime | None = None
) -> dict[tuple[int, str, str], tuple[float, bool, datetime]]:
    """The readings of the days ``first``..``last`` (taken before ``before``): the highest of each
    person's slot, whether any of them was a fever, and when the highest was taken."""
    sql = (
        "SELECT q.member_id, q.day, q.slot, t.celsius, t.fever, t.at FROM quarantine_reading q"
        " JOIN temperature_reading t ON t.id = q.reading_id WHERE q.day >= ? AND q.day <= ?"
    )
    params: list[object] = [first.isoformat(), last.isoformat()]
    if before is not None:
        sql += " AND t.at < ?"
        params.append(stamp(before))
    out: dict[tuple[int, str, str], tuple[float, bool, datetime]] = {}
    for member_id, day, slot, celsius, fever, at in conn.execute(sql + " ORDER BY t.at, t.id", params):
        key = (int(member_id), str(day), str(slot))
        seen = out.get(key)
        any_fever = bool(fever) or (seen is not None and seen[1])
        if seen is None or float(celsius) > seen[0]:
            out[key] = (float(celsius), any_fever, datetime.fromisoformat(str(at)))
        else:
            out[key] = (seen[0], any_fever, seen[2])
    return out


def ledger(conn: sqlite3.Connection, now: datetime) -> list[HouseholdDay]:
    """The households on the ledger with each person's two readings of today, as things stand."""
    today = now.date()
    found = households(conn, today)
    taken = _taken(conn, today, today)
    out = []
    for h in found:
        people = []
        for m in h.members:
            views = []
            for slot in Slot:
                got = taken.get((m.member_id, today.isoformat(), slot.value))
                state = slot_state(today, slot, now, taken=got is not None, owed=h.owed(today, slot))
                if got is None:
                    views.append(SlotView(slot, state))
                else:
                    views.append(SlotView(slot, state, got[0], got[1], got[2]))
            people.append(PersonDay(m, views[0], views[1]))
        out.append(HouseholdDay(h, tuple(people)))
    return out


def due(conn: sqlite3.Connection, now: datetime) -> list[DueReading]:
    """Today's readings owed and not taken: the overdue first, then those due now."""
    owed = [
        DueReading(
            d.household.household_id,
            d.household.unit,
            p.member.member_id,
            p.member.name,
            now.date(),
            v.slot,
            v.state == SlotState.OVERDUE,
        )
        for d in ledger(conn, now)
        for p in d.people
        for v in p.slots
        if v.state in (SlotState.DUE, SlotState.OVERDUE)
    ]
    return sorted(owed, key=lambda r: (not r.overdue, r.slot != Slot.MORNING))


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def shift_summary(conn: sqlite3.Connection, start: datetime, end: datetime) -> ShiftQuarantine:
    """The ledger over ``[start, end)`` (a shift), for the whole compound: the ledger is kept for
    every booth alike."""
    found = _households(
        conn,
        "h.starts_on <= ? AND h.ends_on >= ? AND h.added_at < ? AND (h.ended_at IS NULL OR h.ended_at > ?)",
        (end.date().isoformat(), start.date().isoformat(), stamp(end), stamp(start)),
    )
    taken = _taken(conn, start.date(), end.date(), before=end)
    due_now: list[DueReading] = []
    missed: list[DueReading] = []
    for h in found:
        for day in _days(max(start.date(), h.starts_on), min(end.date(), h.ends_on)):
            for slot in Slot:
                if not h.owed(day, slot):
                    continue
                opens, closes = window(day, slot)
                for m in h.members:
                    if (m.member_id, day.isoformat(), slot.value) in taken:
                        continue
                    row = DueReading(h.household_id, h.unit, m.member_id, m.name, day, slot, closes <= end)
                    if start < closes <= end:
                        missed.append(row)
                    elif opens <= end < closes:
                        due_now.append(row)
    readings = int(
        conn.execute(
            "SELECT count(*) FROM quarantine_reading q JOIN temperature_reading t ON t.id = q.reading_id"
            " WHERE t.at >= ? AND t.at < ?",
            (stamp(start), stamp(end)),
        ).fetchone()[0]
    )
    fevers = tuple(
        QuarantineFever(datetime.fromisoformat(str(at)), str(name), str(unit), float(celsius))
        for at, name, unit, celsius in conn.execute(
            "SELECT t.at, m.name, u.code, t.celsius FROM quarantine_reading q"
            " JOIN temperature_reading t ON t.id = q.reading_id"
            " JOIN quarantine_member m ON m.id = q.member_id"
            " JOIN quarantine_household h ON h.id = m.household_id JOIN unit u ON u.id = h.unit_id"
            " WHERE t.fever AND t.at >= ? AND t.at < ? ORDER BY t.at, t.id",
            (stamp(start), stamp(end)),
        )
    )
    return ShiftQuarantine(
        households=len(found),
        people=sum(len(h.members) for h in found),
        readings=readings,
        due=tuple(due_now),
        missed=tuple(missed),
        fevers=fevers,
    )


# --- changing it ------------------------------------------------------------------------------


def _current_in(conn: sqlite3.Connection, unit_id: int, today: date) -> tuple[int, str] | None:
    row = conn.execute(
        "SELECT id, ends_on FROM quarantine_household WHERE unit_id = ? AND ended_at IS NULL AND ends_on >= ?"
        " ORDER BY id DESC LIMIT 1",
        (unit_id, today.isoformat()),
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _unit(conn: sqlite3.Connection, text: str, today: date) -> tuple[int, str]:
    """The unit's id and code, refused when it is not one or is on the ledger already."""
    try:
        code = validate.unit_code(text)
    except validate.Invalid as exc:
        raise GuardpostError("quarantine.bad_unit", None, reason=Said(exc.key, **exc.params)) from None
    row = conn.execute("SELECT id FROM unit WHERE code = ?", (code,)).fetchone()
    if row is None:
        raise GuardpostError("quarantine.no_unit", None, unit=code)
    current = _current_in(conn, int(row[0]), today)
    if current is not None:
        raise GuardpostError("quarantine.already", None, unit=code, household=current[0], until=current[1])
    return int(row[0]), code


def unit_residents(conn: sqlite3.Connection, unit: str, today: date) -> UnitResidents:
    """A unit to put on the ledger and its residents (owners, family, tenants) to choose from."""
    unit_id, code = _unit(conn, unit, today)
    roles = tuple(str(r) for r in RESIDENT_ROLES)
    rows = conn.execute(
        f"SELECT id, name, role FROM person WHERE unit_id = ? AND role IN ({','.join('?' * len(roles))})"
        " ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'family' THEN 1 ELSE 2 END, id",
        (unit_id, *roles),
    ).fetchall()
    return UnitResidents(code, tuple(Resident(int(i), str(n), PersonRole(str(r))) for i, n, r in rows))


def check_days(starts_on: date, ends_on: date, today: date) -> None:
    """A quarantine of 1 to ``MAX_DAYS`` days that is not over already."""
    if ends_on < starts_on:
        raise GuardpostError("quarantine.ends_before", None, start=starts_on, end=ends_on)
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise GuardpostError("quarantine.too_long", None, max=MAX_DAYS)
    if ends_on < today:
        raise GuardpostError("quarantine.over_already", None, end=ends_on)


def _note(note: str | None) -> str | None:
    text = strip_unsafe(note or "").strip() or None
    if text is not None and len(text) > NOTE_MAX:
        raise GuardpostError("quarantine.note_too_long", None, max=NOTE_MAX)
    return text


@dataclass(frozen=True, slots=True)
class NewHousehold:
    """A household as it will be stored, every field checked."""

    unit: str
    people: tuple[tuple[int | None, str], ...]  # (person id of a resident, or None; the name)
    starts_on: date
    ends_on: date
    note: str | None


def check_new(
    conn: sqlite3.Connection,
    unit: str,
    *,
    residents: Sequence[int],
    others: Sequence[str],
    starts_on: date,
    ends_on: date,
    note: str | None,
    today: date,
) -> NewHousehold:
    """Everything about a new household that can be wrong, said before anyone's PIN is asked: the
    unit, the residents chosen (person ids of the unit's residents), the names typed for others,
    the days, the note."""
    found = unit_residents(conn, unit, today)
    by_id = {r.person_id: r for r in found.residents}
    chosen = list(dict.fromkeys(residents))
    for person_id in chosen:
        if person_id not in by_id:
            raise GuardpostError("quarantine.not_resident", None, person=person_id, unit=found.unit)
    people: list[tuple[int | None, str]] = [(p, by_id[p].name) for p in chosen]
    for name in (_other(n) for n in others):
        if any(name == known for _, known in people):
            raise GuardpostError("quarantine.name_twice_here", None, name=name)
        people.append((None, name))
    if not people:
        raise GuardpostError("quarantine.nobody", None, unit=found.unit)
    check_days(starts_on, ends_on, today)
    return NewHousehold(found.unit, tuple(people), starts_on, ends_on, _note(note))


def add(
    conn: sqlite3.Connection,
    unit: str,
    *,
    residents: Sequence[int],
    others: Sequence[str],
    starts_on: date,
    ends_on: date,
    note: str | None,
    code: str,
    pin: str,
    where: str,
    now: datetime,
) -> int:
    """Put a household on the ledger (``check_new``) with a squad leader's or supervisor's code and
    PIN (refusals audited by ``guards.authorise``), stored and audited in one transaction. Returns
    the household's id."""
    from guardpost import guards

    new = check_new(
        conn,
        unit,
        residents=residents,
        others=others,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        today=now.date(),
    )
    boss = guards.authorise(conn, code, pin, need=MAY_ORDER, action=AUDIT_ADD, where=where, now=now)
    with transaction(conn):
        unit_id, _ = _unit(conn, new.unit, now.date())  # again inside: another booth may have just added it
        cur = conn.execute(
            "INSERT INTO quarantine_household (unit_id, starts_on, ends_on, note, added_by, added_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (unit_id, new.starts_on.isoformat(), new.ends_on.isoformat(), new.note, boss.actor(), stamp(now)),
        )
        household_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO quarantine_member (household_id, person_id, name) VALUES (?, ?, ?)",
            [(household_id, p, n) for p, n in new.people],
        )
        # who is under quarantine is health data: the trail counts them, the ledger names them
        detail = f"unit={new.unit} {new.starts_on}..{new.ends_on} people={len(new.people)}"
        audit.append(conn, AUDIT_ADD, str(household_id), detail, actor=boss.actor(), at=now)
    return household_id


def check_end(conn: sqlite3.Connection, household_id: int, today: date) -> Household:
    """A household whose quarantine may be ended now: known, not ended, its last day not past."""
    h = household(conn, household_id)
    if h.ended_at is not None:
        raise GuardpostError(
            "quarantine.ended_already", None, household=household_id, at=f"{h.ended_at:%m-%d %H:%M}"
        )
    if h.ends_on < today:
        raise GuardpostError("quarantine.over_already", None, end=h.ends_on)
    return h


def end(
    conn: sqlite3.Connection, household_id: int, *, code: str, pin: str, where: str, now: datetime
) -> Household:
    """End a household's quarantine before its last day (a squad leader's or supervisor's code and
    PIN); audited. Its readings stay; nothing is owed after ``now``."""
    from guardpost import guards

    h = check_end(conn, household_id, now.date())
    boss = guards.authorise(conn, code, pin, need=MAY_ORDER, action=AUDIT_END, where=where, now=now)
    with transaction(conn):
        cur = conn.execute(
            "UPDATE quarantine_household SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL",
            (stamp(now), boss.actor(), household_id),
        )
        if cur.rowcount != 1:  # ended meanwhile from another booth
            raise GuardpostError("quarantine.ended_already", None, household=household_id, at="-")
        audit.append(conn, AUDIT_END, str(household_id), f"unit={h.unit}", actor=boss.actor(), at=now)
    return household(conn, household_id)


def _member(conn: sqlite3.Connection, member_id: int) -> tuple[Member, Household]:
    row = conn.execute("SELECT household_id FROM quarantine_member WHERE id = ?", (member_id,)).fetchone()
    if row is None:
        raise GuardpostError("quarantine.unknown_member", "quarantine.list_hint", member=member_id)
    h = household(conn, int(row[0]))
    return next(m for m in h.members if m.member_id == member_id), h


def record(
    conn: sqlite3.Connection,
    member_id: int,
    text: str,
    *,
    gate: str,
    threshold_c: float,
    guard: Guard | None,
    now: datetime,
) -> Recorded:
    """One reading of a person on the ledger (``validate.Invalid`` for a typo or a failed
    measurement, nothing stored), stored as a temperature reading (a fever rings in the banner and
    stays an open case) and as the morning's or afternoon's reading of the day, in one transaction."""
    celsius = validate.temperature(text)
    with transaction(conn):
        member, h = _member(conn, member_id)
        if not h.under_quarantine(now):
            raise GuardpostError(
                "quarantine.not_now",
                None,
                name=member.name,
                start=h.starts_on,
                end=h.ended_at.date() if h.ended_at else h.ends_on,
            )
        reading = temperature.store(
            conn,
            celsius,
            gate=gate,
            threshold_c=threshold_c,
            now=now,
            guard=guard,
            person_id=member.person_id,
            who=f"{member.name} {h.unit}",  # a name typed: the fever's event names them itself
        )
        slot = slot_of(now.time())
        conn.execute(
            "INSERT INTO quarantine_reading (reading_id, member_id, day, slot) VALUES (?, ?, ?, ?)",
            (reading.reading_id, member_id, now.date().isoformat(), slot.value),
        )
    return Recorded(h.household_id, h.unit, member, slot, reading, now)
