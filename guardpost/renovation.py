"""Renovation permits and worker passes (装修许可与出入证): the register, and a worker at the gate.

One module for the screen (⇧F9), ``guardpost permits`` and the shift report. A permit is a unit's:
the company, the responsible person and phone, the dates, the daily working hours and days, the
permitted area and the materials that may not be brought in; its workers carry passes with a
photo and an expiry. The rules are ``policy.renovation`` (the pass) and ``policy.visits`` (what
every caller goes through).

At the gate: ``check`` reads a typed or scanned pass and says what the gate would do (reads only,
one indexed look-up); ``admit`` decides again and stores it in one transaction: the entry
(admitted or refused, and why), the materials seen, and for an admitted worker a visit of category
worker, which puts him on the inside-now board and in the shift report's caller counts until he
is signed out. Without a pass a worker is admitted only when the owner phoned the front desk
(``admit_without_pass``: a consent step through ``visits.register``, as the people issue records
any consent); a one-time worker needs no pass and is registered as a visitor (F6).

Every change a person makes is audited in its transaction: a permit added or revoked, a worker
added; an admission without a pass is audited by its consent step.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from guardpost import audit, blocklist, lockdown, validate, visits
from guardpost.access import stamp, store_alarm
from guardpost.config import VisitSettings
from guardpost.domain import (
    ConsentChannel,
    ConsentOutcome,
    Guard,
    Lane,
    LockdownLevel,
    Source,
    VisitCategory,
    VisitStatus,
)
from guardpost.errors import GuardpostError, InvalidValue
from guardpost.policy.renovation import (
    DANGEROUS,
    MATERIALS,
    Material,
    PassReason,
    PermitFacts,
    WorkerVerdict,
    check_pass,
    check_permit,
    days_text,
    decide_worker,
    parse_days,
    parse_hours,
)
from guardpost.policy.visits import ALARM_EVENTS, is_fever, needs_temperature
from guardpost.storage import transaction
from guardpost.text import cut, first_unsafe, printable

QR_PREFIX = "GPW1."  # a worker pass's QR: ``GPW1.<pass number>`` (readers/wedge.py tells it apart)
TEXT_MAX = 60
AREA_MAX = 120
REASON_MAX = 200
TYPED_KEPT = 40  # of an unknown pass number, what the register keeps
PASS_MAX = 24
PHOTO_MAX = 240
_PASS_NO = re.compile(r"[0-9A-Z][0-9A-Z/ -]{1,22}[0-9A-Z]")

AUDIT_ADD, AUDIT_WORKER, AUDIT_REVOKE = "permit.add", "permit.add_worker", "permit.revoke"


class PermitRefused(visits.FormRefused):
    """Some fields of a permit, a worker or an entry are wrong: each named, nothing stored."""

    def message(self, lang: str | None = None) -> str:
        from guardpost.i18n import t

        lines = [t("renovation.form_refused", lang, count=len(self.problems))]
        for p in self.problems:
            lines.append(f"  {t(f'renovation.field.{p.field}', lang)}: {p.message(lang)}")
        return "\n".join(lines)


class PermitNotFound(GuardpostError):
    pass


def _refuse(field_name: str, key: str, **params: object) -> PermitRefused:
    return PermitRefused([visits.FieldProblem(field_name, key, **params)])


# --- what is read -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Permit:
    permit_id: int
    unit: str
    company: str
    responsible: str
    phone: str
    starts_on: date
    ends_on: date
    work_from: time
    work_until: time
    work_days: frozenset[int]
    area: str
    restricted: tuple[Material, ...]
    issued_by: str
    issued_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    revoked_reason: str | None
    workers: int = 0

    def facts(self) -> PermitFacts:
        return PermitFacts(
            self.starts_on,
            self.ends_on,
            self.work_from,
            self.work_until,
            self.work_days,
            revoked=self.revoked_at is not None,
        )

    @property
    def hours(self) -> str:
        return f"{self.work_from:%H:%M}-{self.work_until:%H:%M}"

    @property
    def days(self) -> str:
        return days_text(self.work_days)

    def in_force(self, today: date) -> bool:
        return self.revoked_at is None and self.starts_on <= today <= self.ends_on


@dataclass(frozen=True, slots=True)
class Worker:
    pass_id: int
    permit_id: int
    pass_no: str
    name: str
    phone: str | None
    id_last4: str | None
    photo_ref: str | None
    valid_until: date


@dataclass(frozen=True, slots=True)
class MaterialSeen:
    material: Material
    at: datetime
    gate: str
    who: str | None  # the worker it came with


@dataclass(frozen=True, slots=True)
class PermitDetail:
    """What ``permits show`` says: the permit, its workers, the materials seen, the entries."""

    permit: Permit
    workers: tuple[Worker, ...]
    materials: tuple[MaterialSeen, ...]
    admitted: int
    refused: int


@dataclass(frozen=True, slots=True)
class PassCheck:
    """A pass looked up at the gate: the worker and permit it names (None for an unknown number),
    what the pass says, and what the gate would decide now without a temperature or materials."""

    typed: str
    worker: Worker | None
    permit: Permit | None
    reason: PassReason
    level: LockdownLevel
    shut: bool
    verdict: WorkerVerdict
    needs_temperature: bool


@dataclass(frozen=True, slots=True)
class Admission:
    entry_id: int
    verdict: WorkerVerdict
    visit_id: int | None
    worker: str | None  # the worker's name
    unit: str | None
    permit_id: int | None
    pass_no: str | None
    materials: tuple[Material, ...]
    visit: visits.VisitResult | None = None  # an admission without a pass: the visit register's answer


# --- passes and their numbers -------------------------------------------------------------------


def pass_key(text: str) -> str:
    """What a pass number is matched on: a scanned ``GPW1.`` QR or the number as typed, half-width,
    upper-case, letters and digits only (``zx 2026 0001`` and ``ZX-2026-0001`` are one pass)."""
    s = validate.normalise(text).upper()
    if s.startswith(QR_PREFIX):
        s = s[len(QR_PREFIX) :]
    return "".join(ch for ch in s if "0" <= ch <= "9" or "A" <= ch <= "Z")


def qr_text(pass_no: str) -> str:
    """What a worker pass's QR holds (QR alphanumeric: digits, upper case, ``-``, ``.``, ``/``)."""
    return QR_PREFIX + pass_no


def photo_file(photo_ref: str | None, data_dir: Path) -> Path | None:
    """The photo a pass names, as a file: relative to the data folder (where the booth's file is),
    or absolute as given; None when there is none or it is not there."""
    if not photo_ref:
        return None
    path = Path(photo_ref)
    if not path.is_absolute():
        path = data_dir / path
    return path if path.is_file() else None


# --- reading ------------------------------------------------------------------------------------

_PERMIT_COLUMNS = (
    "p.id, u.code, p.company, p.responsible, p.phone, p.starts_on, p.ends_on, p.work_from, p.work_until,"
    " p.work_days, p.area, p.restricted, p.issued_by, p.issued_at, p.revoked_at, p.revoked_by,"
    " p.revoked_reason"
)
_PERMIT_FROM = "renovation_permit p JOIN unit u ON u.id = p.unit_id"
_WORKER_COLUMNS = "w.id, w.permit_id, w.pass_no, w.name, w.phone, w.id_last4, w.photo_ref, w.valid_until"


def _when(text: object) -> datetime | None:
    return datetime.fromisoformat(str(text)) if text else None


def _materials(text: str) -> tuple[Material, ...]:
    given = {m for m in text.split(",") if m}
    return tuple(m for m in MATERIALS if m.value in given)


def _permit(row: Sequence[object], workers: int = 0) -> Permit:
    return Permit(
        permit_id=int(str(row[0])),
        unit=str(row[1]),
        company=str(row[2]),
        responsible=str(row[3]),
        phone=str(row[4]),
        starts_on=date.fromisoformat(str(row[5])),
        ends_on=date.fromisoformat(str(row[6])),
        work_from=time.fromisoformat(str(row[7])),
        work_until=time.fromisoformat(str(row[8])),
        work_days=frozenset(int(ch) for ch in str(row[9])),
        area=str(row[10]),
        restricted=_materials(str(row[11])),
        issued_by=str(row[12]),
        issued_at=datetime.fromisoformat(str(row[13])),
        revoked_at=_when(row[14]),
        revoked_by=str(row[15]) if row[15] is not None else None,
        revoked_reason=str(row[16]) if row[16] is not None else None,
        workers=workers,
    )


def _worker(row: Sequence[object]) -> Worker:
    return Worker(
        pass_id=int(str(row[0])),
        permit_id=int(str(row[1])),
        pass_no=str(row[2]),
        name=str(row[3]),
        phone=str(row[4]) if row[4] is not None else None,
        id_last4=str(row[5]) if row[5] is not None else None,
        photo_ref=str(row[6]) if row[6] is not None else None,
        valid_until=date.fromisoformat(str(row[7])),
    )


# a pass, its permit and unit: one look-up on the unique pass_key index
_CHECK_SQL = (
    f"SELECT {_WORKER_COLUMNS}, {_PERMIT_COLUMNS} FROM worker_pass w"
    " JOIN renovation_permit p ON p.id = w.permit_id JOIN unit u ON u.id = p.unit_id WHERE w.pass_key = ?"
)


def _find_pass(conn: sqlite3.Connection, text: str) -> tuple[Worker, Permit] | None:
    key = pass_key(text)
    if not key:
        return None
    row = conn.execute(_CHECK_SQL, (key,)).fetchone()
    if row is None:
        return None
    return _worker(row[:8]), _permit(row[8:])


def get(conn: sqlite3.Connection, permit_id: int) -> Permit:
    row = conn.execute(
        f"SELECT {_PERMIT_COLUMNS}, (SELECT count(*) FROM worker_pass w WHERE w.permit_id = p.id)"
        f" FROM {_PERMIT_FROM} WHERE p.id = ?",
        (permit_id,),
    ).fetchone()
    if row is None:
        raise PermitNotFound("renovation.no_such_permit", None, permit=permit_id)
    return _permit(row[:-1], int(row[-1]))


def list_permits(conn: sqlite3.Connection, *, today: date | None = None) -> list[Permit]:
    """Every permit, the newest first; with ``today``, only those in force that day."""
    sql = (
        f"SELECT {_PERMIT_COLUMNS}, (SELECT count(*) FROM worker_pass w WHERE w.permit_id = p.id)"
        f" FROM {_PERMIT_FROM}"
    )
    args: tuple[object, ...] = ()
    if today is not None:
        sql += " WHERE p.revoked_at IS NULL AND p.starts_on <= ? AND p.ends_on >= ?"
        args = (today.isoformat(), today.isoformat())
    rows = conn.execute(sql + " ORDER BY p.id DESC", args).fetchall()
    return [_permit(r[:-1], int(r[-1])) for r in rows]


def active_permits(conn: sqlite3.Connection, today: date) -> list[Permit]:
    """The permits in force on ``today`` (not revoked, begun, not ended), for the shift report and
    the handover: who may be working in the compound."""
    return list_permits(conn, today=today)


def show(conn: sqlite3.Connection, permit_id: int) -> PermitDetail:
    """A permit with its workers, the materials seen at entry and how many entries it had."""
    permit = get(conn, permit_id)
    workers = tuple(
        _worker(r)
        for r in conn.execute(
            f"SELECT {_WORKER_COLUMNS} FROM worker_pass w WHERE w.permit_id = ? ORDER BY w.id", (permit_id,)
        )
    )
    seen = tuple(
        MaterialSeen(Material(m), datetime.fromisoformat(at), gate, who)
        for m, at, gate, who in conn.execute(
            "SELECT m.material, m.at, m.gate_id, coalesce(w.name, v.name) FROM permit_material m"
            " LEFT JOIN worker_entry e ON e.id = m.entry_id LEFT JOIN worker_pass w ON w.id = e.pass_id"
            " LEFT JOIN visit v ON v.id = m.visit_id WHERE m.permit_id = ? ORDER BY m.at, m.id",
            (permit_id,),
        )
    )
    counts = dict(
        conn.execute(
            "SELECT outcome, count(*) FROM worker_entry WHERE permit_id = ? GROUP BY outcome", (permit_id,)
        ).fetchall()
    )
    return PermitDetail(permit, workers, seen, int(counts.get("admitted", 0)), int(counts.get("refused", 0)))


def permit_for_unit(conn: sqlite3.Connection, unit: str, today: date) -> Permit | None:
    """The unit's permit that counts today: one in force, else the newest (revoked or ended), so a
    refusal can say which; None when the unit never had one."""
    rows = conn.execute(
        f"SELECT {_PERMIT_COLUMNS} FROM {_PERMIT_FROM} WHERE u.code = ? ORDER BY p.id DESC", (unit,)
    ).fetchall()
    permits = [_permit(r) for r in rows]
    return next((p for p in permits if p.in_force(today)), permits[0] if permits else None)


# --- a worker at the gate -----------------------------------------------------------------------


def _barred(conn: sqlite3.Connection, worker: Worker) -> list[blocklist.BlockHit]:
    return blocklist.hits(conn, name=worker.name, id_last4=worker.id_last4, phone=worker.phone)


def _decide(
    conn: sqlite3.Connection,
    found: tuple[Worker, Permit] | None,
    now: datetime,
    gate: str,
    *,
    celsius: float | None,
    fever_threshold_c: float,
    materials: Iterable[Material],
) -> tuple[PassReason, WorkerVerdict, lockdown.InForce]:
    here = lockdown.at_gate(conn, gate)
    worker, permit = found if found is not None else (None, None)
    reason = check_pass(worker.valid_until if worker else None, permit.facts() if permit else None, now)
    blocked = bool(_barred(conn, worker)) if worker is not None and reason == PassReason.VALID else False
    verdict = decide_worker(
        reason,
        level=here.level,
        shut=here.shut,
        celsius=celsius,
        fever_threshold_c=fever_threshold_c,
        blocked=blocked,
        materials=materials,
    )
    return reason, verdict, here


def check(
    conn: sqlite3.Connection, text: str, *, gate: str, now: datetime, fever_threshold_c: float = 37.3
) -> PassCheck:
    """What the gate would do with this pass now (reads only): the guard sees the worker, the
    unit, the hours, the area and the restricted materials before pressing Enter."""
    found = _find_pass(conn, text)
    reason, verdict, here = _decide(
        conn, found, now, gate, celsius=None, fever_threshold_c=fever_threshold_c, materials=()
    )
    worker, permit = found if found is not None else (None, None)
    return PassCheck(
        typed=text,
        worker=worker,
        permit=permit,
        reason=reason,
        level=here.level,
        shut=here.shut,
        verdict=verdict,
        needs_temperature=needs_temperature(here.level),
    )


def _celsius(text: str) -> float | None:
    if not text.strip():
        return None
    try:
        return validate.temperature(text)
    except InvalidValue as exc:
        raise PermitRefused([visits.FieldProblem("temperature", exc.key, **exc.params)]) from None


def _store_entry(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    gate: str,
    guard: Guard | None,
    verdict: WorkerVerdict,
    pass_id: int | None,
    permit_id: int | None,
    visit_id: int | None,
    typed: str | None,
) -> int:
    cur = conn.execute(
        "INSERT INTO worker_entry (at, gate_id, guard_id, pass_id, permit_id, visit_id, typed, outcome,"
        " reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            stamp(now),
            gate,
            guard.id if guard else None,
            pass_id,
            permit_id,
            visit_id,
            typed,
            "admitted" if verdict.admits else "refused",
            verdict.reason,
        ),
    )
    return int(cur.lastrowid or 0)


def _store_materials(
    conn: sqlite3.Connection,
    materials: Iterable[Material],
    *,
    permit_id: int,
    entry_id: int | None,
    visit_id: int | None,
    gate: str,
    guard: Guard | None,
    now: datetime,
) -> None:
    for m in materials:
        conn.execute(
            "INSERT INTO permit_material (permit_id, entry_id, visit_id, material, at, gate_id, guard_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (permit_id, entry_id, visit_id, m.value, stamp(now), gate, guard.id if guard else None),
        )


def _insert_visit(
    conn: sqlite3.Connection,
    worker: Worker,
    permit: Permit,
    verdict: WorkerVerdict,
    *,
    gate: str,
    guard: Guard | None,
    now: datetime,
) -> int:
    """The worker as a caller of the visit register: inside until signed out, expected to leave
    when the day's working hours end."""
    assert verdict.visit is not None
    admits = verdict.admits
    leave = datetime.combine(now.date(), permit.work_until)
    unit_id = conn.execute("SELECT id FROM unit WHERE code = ?", (permit.unit,)).fetchone()[0]
    cur = conn.execute(
        "INSERT INTO visit (category, status, reason, name, phone, id_last4, company, note, host_unit_id,"
        " gate_id, guard_id, created_at, valid_from, valid_until, entered_at, expected_leave_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            VisitCategory.WORKER.value,
            (VisitStatus.INSIDE if admits else VisitStatus.REFUSED).value,
            verdict.visit.reason.value,
            worker.name,
            worker.phone,
            worker.id_last4,
            permit.company,
            worker.pass_no,
            unit_id,
            gate,
            guard.id if guard else None,
            stamp(now),
            stamp(now) if admits else None,
            stamp(leave) if admits else None,
            stamp(now) if admits else None,
            stamp(leave) if admits else None,
        ),
    )
    return int(cur.lastrowid or 0)


def _close_earlier(conn: sqlite3.Connection, pass_id: int, gate: str, now: datetime) -> None:
    """The same pass still inside from an earlier entry (an exit not logged): closed as not a real
    sign-out, so the inside-now board counts the worker once."""
    conn.execute(
        "UPDATE visit SET status = 'left', left_at = ?, left_gate_id = ?, auto_signed_out = 1"
        " WHERE status = 'inside' AND id IN (SELECT visit_id FROM worker_entry WHERE pass_id = ?"
        " AND visit_id IS NOT NULL)",
        (stamp(now), gate, pass_id),
    )


def admit(
    conn: sqlite3.Connection,
    text: str,
    *,
    gate: str,
    materials: Iterable[Material] = (),
    temperature: str = "",
    fever_threshold_c: float = 37.3,
    guard: Guard | None = None,
    now: datetime | None = None,
) -> Admission:
    """A worker at the gate on a pass: decided again and stored in one transaction, admitted or
    refused (the refusal is an entry too, with its reason). ``PermitRefused`` for a temperature
    that cannot be read (nothing stored)."""
    now = now or datetime.now()
    seen = tuple(m for m in MATERIALS if m in set(materials))
    celsius = _celsius(temperature)
    with transaction(conn):
        found = _find_pass(conn, text)
        reason, verdict, _here = _decide(
            conn, found, now, gate, celsius=celsius, fever_threshold_c=fever_threshold_c, materials=seen
        )
        visit_id = None
        if found is None:
            entry = _store_entry(
                conn,
                now=now,
                gate=gate,
                guard=guard,
                verdict=verdict,
                pass_id=None,
                permit_id=None,
                visit_id=None,
                typed=cut(printable(validate.normalise(text)), TYPED_KEPT) or "-",
            )
            return Admission(entry, verdict, None, None, None, None, None, seen)
        worker, permit = found
        if verdict.visit is not None:  # the pass was good: the worker is a caller, admitted or not
            if verdict.admits:
                _close_earlier(conn, worker.pass_id, gate, now)
            visit_id = _insert_visit(conn, worker, permit, verdict, gate=gate, guard=guard, now=now)
            if celsius is not None:
                conn.execute(
                    "INSERT INTO temperature_reading (at, celsius, fever, visit_id, gate_id, guard_id)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        stamp(now),
                        celsius,
                        is_fever(celsius, fever_threshold_c),
                        visit_id,
                        gate,
                        guard.id if guard else None,
                    ),
                )
            if verdict.visit.reason in ALARM_EVENTS:  # rung in the banner, acknowledged with F5
                store_alarm(
                    conn,
                    ALARM_EVENTS[verdict.visit.reason],
                    gate=gate,
                    lane=Lane.IN,
                    at=now,
                    source=Source.VISIT,
                    visit_id=visit_id,
                    guard=guard,
                )
        entry = _store_entry(
            conn,
            now=now,
            gate=gate,
            guard=guard,
            verdict=verdict,
            pass_id=worker.pass_id,
            permit_id=permit.permit_id,
            visit_id=visit_id,
            typed=None,
        )
        _store_materials(
            conn,
            seen,
            permit_id=permit.permit_id,
            entry_id=entry,
            visit_id=visit_id,
            gate=gate,
            guard=guard,
            now=now,
        )
    return Admission(
        entry, verdict, visit_id, worker.name, permit.unit, permit.permit_id, worker.pass_no, seen
    )


def admit_without_pass(
    conn: sqlite3.Connection,
    *,
    name: str,
    phone: str,
    unit: str,
    front_desk_by: str,
    materials: Iterable[Material] = (),
    temperature: str = "",
    gate: str,
    settings: VisitSettings,
    fever_threshold_c: float,
    guard: Guard | None = None,
    now: datetime | None = None,
) -> Admission:
    """A worker without a pass whom the owner announced by phoning the front desk: the unit must
    have a permit in force (and its day and hours); then a consent step (front desk, given, who
    there confirmed it) through ``visits.register``, which decides and stores the visit, its
    consent and the audit entry, and what ties the visit to the permit (the entry, the materials
    seen), all in one transaction."""
    now = now or datetime.now()
    seen = tuple(m for m in MATERIALS if m in set(materials))
    who = (front_desk_by or "").strip()
    problems = []
    if not who:
        problems.append(visits.FieldProblem("front_desk", "visit.required"))
    elif first_unsafe(who) is not None or len(who) > TEXT_MAX:
        problems.append(visits.FieldProblem("front_desk", "renovation.bad_text", most=TEXT_MAX))
    try:
        code = validate.unit_code(unit)
    except InvalidValue as exc:
        problems.append(visits.FieldProblem("unit", exc.key, **exc.params))
        code = ""
    if problems:
        raise PermitRefused(problems)
    permit = permit_for_unit(conn, code, now.date())
    reason = check_permit(permit.facts() if permit else None, now)
    if reason != PassReason.VALID:
        verdict = WorkerVerdict(reason)
        with transaction(conn):
            entry = _store_entry(
                conn,
                now=now,
                gate=gate,
                guard=guard,
                verdict=verdict,
                pass_id=None,
                permit_id=permit.permit_id if permit else None,
                visit_id=None,
                typed=code,
            )
        return Admission(entry, verdict, None, None, code, permit.permit_id if permit else None, None, seen)
    assert permit is not None
    form = visits.VisitForm(
        VisitCategory.WORKER,
        name=name,
        phone=phone,
        unit=code,
        company=permit.company,
        dangerous_goods=bool(DANGEROUS & set(seen)),
        temperature=temperature,
    )
    step = visits.ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.FRONT_DESK, by_whom=who, at=now)
    with transaction(conn):  # the visit register's own transaction runs inside it (a savepoint)
        result = visits.register(
            conn,
            form,
            [step],
            gate=gate,
            settings=settings,
            fever_threshold_c=fever_threshold_c,
            guard=guard,
            now=now,
        )
        verdict = WorkerVerdict(PassReason.VALID, result.verdict)
        entry = _store_entry(
            conn,
            now=now,
            gate=gate,
            guard=guard,
            verdict=verdict,
            pass_id=None,
            permit_id=permit.permit_id,
            visit_id=result.visit_id,
            typed=None,
        )
        _store_materials(
            conn,
            seen,
            permit_id=permit.permit_id,
            entry_id=entry,
            visit_id=result.visit_id,
            gate=gate,
            guard=guard,
            now=now,
        )
    name_row = conn.execute("SELECT name FROM visit WHERE id = ?", (result.visit_id,)).fetchone()
    return Admission(
        entry,
        verdict,
        result.visit_id,
        str(name_row[0]) if name_row else None,
        code,
        permit.permit_id,
        None,
        seen,
        result,
    )


# --- what is said -------------------------------------------------------------------------------


def said(verdict: WorkerVerdict, lang: str | None = None) -> str:
    """The decision as the guard reads it: admitted on the pass, or the reason it was refused."""
    from guardpost.i18n import t

    if verdict.admits:
        return t("renovation.admitted", lang)
    if verdict.visit is None:
        return t(f"renovation.reason.{verdict.pass_reason}", lang)
    return t(f"visit_reason.{verdict.visit.reason}", lang)


def materials_said(materials: Iterable[Material], lang: str | None = None) -> str:
    from guardpost.i18n import t

    return "、".join(t(f"renovation.material.{m}", lang) for m in materials) or "-"


def weekdays_said(days: frozenset[int], lang: str | None = None) -> str:
    """``1-6`` as 周一至周六 / Mon-Sat; other sets day by day."""
    from guardpost.i18n import t

    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return t(
            "renovation.weekdays_span",
            lang,
            first=t(f"renovation.weekday.{ordered[0]}", lang),
            last=t(f"renovation.weekday.{ordered[-1]}", lang),
        )
    return "、".join(t(f"renovation.weekday.{d}", lang) for d in ordered)


# --- the register -------------------------------------------------------------------------------


@dataclass
class PermitForm:
    """A permit as typed (the CLI's options, a form): raw text, checked by ``add_permit``."""

    unit: str
    company: str
    responsible: str
    phone: str
    starts_on: str
    ends_on: str
    hours: str = "08:00-18:00"
    days: str = "1-6"
    area: str = ""
    restricted: str = ""  # material numbers (1-4) or names, comma-separated; "" = all four; "-" none


@dataclass
class WorkerForm:
    name: str
    pass_no: str
    phone: str = ""
    id_last4: str = ""
    photo: str = ""
    valid_until: str = ""  # "" = the permit's last day


def _text_field(value: str, field_name: str, problems: list[visits.FieldProblem], most: int) -> str:
    s = (value or "").strip()
    if not s:
        problems.append(visits.FieldProblem(field_name, "visit.required"))
    elif first_unsafe(s) is not None or len(s) > most:
        problems.append(visits.FieldProblem(field_name, "renovation.bad_text", most=most))
    return s


def _date_field(value: str, field_name: str, problems: list[visits.FieldProblem]) -> date | None:
    s = validate.normalise(value or "")
    if not s:
        problems.append(visits.FieldProblem(field_name, "visit.required"))
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        problems.append(visits.FieldProblem(field_name, "renovation.bad_date", value=s))
        return None


def parse_materials(text: str) -> tuple[Material, ...]:
    """``1,2,4`` or ``solar_panels,flammables`` (or 太阳能板 ...); "" is all four, ``-`` none.
    ValueError naming what is not a material."""
    s = validate.normalise(text or "")
    if not s:
        return MATERIALS
    if s in ("-", "none"):
        return ()
    chosen: set[Material] = set()
    for part in re.split(r"[,，、\s]+", s):
        if not part:
            continue
        if part.isdigit() and 1 <= int(part) <= len(MATERIALS):
            chosen.add(MATERIALS[int(part) - 1])
            continue
        found = next((m for m in MATERIALS if part.lower() == m.value or part in _CHINESE[m]), None)
        if found is None:
            raise ValueError(part)
        chosen.add(found)
    return tuple(m for m in MATERIALS if m in chosen)


_CHINESE: dict[Material, tuple[str, ...]] = {
    Material.SOLAR_PANELS: ("太阳能板", "太阳能"),
    Material.RAIN_SHED: ("雨棚",),
    Material.LARGE_STEEL: ("大型钢材", "槽钢", "钢材"),
    Material.FLAMMABLES: ("易燃物品", "易燃品", "易燃"),
}


def add_permit(conn: sqlite3.Connection, form: PermitForm, *, by: str, now: datetime | None = None) -> int:
    """A permit registered by the service centre (audited); ``PermitRefused`` naming every bad
    field, nothing stored. Returns its id."""
    now = now or datetime.now()
    problems: list[visits.FieldProblem] = []
    unit_id = None
    try:
        unit = validate.unit_code(form.unit)
        row = conn.execute("SELECT id FROM unit WHERE code = ?", (unit,)).fetchone()
        if row is None:
            problems.append(visits.FieldProblem("unit", "visit.no_such_unit", unit=unit))
        else:
            unit_id = int(row[0])
    except InvalidValue as exc:
        problems.append(visits.FieldProblem("unit", exc.key, **exc.params))
    company = _text_field(form.company, "company", problems, TEXT_MAX)
    try:
        responsible = validate.person_name(form.responsible)
    except InvalidValue as exc:
        problems.append(visits.FieldProblem("responsible", exc.key, **exc.params))
        responsible = ""
    try:
        phone = validate.phone(form.phone, landline=True)
    except InvalidValue as exc:
        problems.append(visits.FieldProblem("phone", exc.key, **exc.params))
        phone = ""
    starts = _date_field(form.starts_on, "from", problems)
    ends = _date_field(form.ends_on, "until", problems)
    if starts and ends and ends < starts:
        problems.append(visits.FieldProblem("until", "renovation.until_before_from"))
    elif ends and ends < now.date():
        problems.append(visits.FieldProblem("until", "renovation.until_past"))
    try:
        work_from, work_until = parse_hours(validate.normalise(form.hours))
    except ValueError:
        problems.append(visits.FieldProblem("hours", "renovation.bad_hours", value=printable(form.hours)))
        work_from = work_until = time()
    try:
        days = parse_days(validate.normalise(form.days))
    except ValueError:
        problems.append(visits.FieldProblem("days", "renovation.bad_days", value=printable(form.days)))
        days = frozenset()
    area = _text_field(form.area, "area", problems, AREA_MAX)
    try:
        restricted = parse_materials(form.restricted)
    except ValueError as exc:
        problems.append(visits.FieldProblem("restricted", "renovation.bad_material", value=str(exc)))
        restricted = ()
    who = by.strip()
    if not who:
        problems.append(visits.FieldProblem("by", "visit.required"))
    if problems:
        raise PermitRefused(problems)
    assert starts is not None and ends is not None and unit_id is not None
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO renovation_permit (unit_id, company, responsible, phone, starts_on, ends_on,"
            " work_from, work_until, work_days, area, restricted, issued_by, issued_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                unit_id,
                company,
                responsible,
                phone,
                starts.isoformat(),
                ends.isoformat(),
                f"{work_from:%H:%M}",
                f"{work_until:%H:%M}",
                days_text(days),
                area,
                ",".join(m.value for m in restricted),
                who,
                stamp(now),
            ),
        )
        permit_id = int(cur.lastrowid or 0)
        audit.append(
            conn,
            AUDIT_ADD,
            str(permit_id),
            f"unit={form.unit.strip()} company={company} {starts}..{ends}",
            actor=who,
            at=now,
        )
    return permit_id


def add_worker(
    conn: sqlite3.Connection, permit_id: int, form: WorkerForm, *, by: str, now: datetime | None = None
) -> Worker:
    """A worker's pass on a permit (audited); ``PermitRefused`` naming every bad field."""
    now = now or datetime.now()
    permit = get(conn, permit_id)
    problems: list[visits.FieldProblem] = []
    if permit.revoked_at is not None:
        raise _refuse("permit", "renovation.permit_revoked_already", at=f"{permit.revoked_at:%Y-%m-%d %H:%M}")
    try:
        name = validate.person_name(form.name)
    except InvalidValue as exc:
        problems.append(visits.FieldProblem("name", exc.key, **exc.params))
        name = ""
    number = validate.normalise(form.pass_no).upper()
    key = pass_key(number)
    if not number:
        problems.append(visits.FieldProblem("pass", "visit.required"))
    elif len(number) > PASS_MAX or not _PASS_NO.fullmatch(number):
        problems.append(visits.FieldProblem("pass", "renovation.bad_pass_no", most=PASS_MAX))
    elif conn.execute("SELECT 1 FROM worker_pass WHERE pass_key = ?", (key,)).fetchone():
        problems.append(visits.FieldProblem("pass", "renovation.pass_taken", number=number))
    phone = None
    if form.phone.strip():
        try:
            phone = validate.phone(form.phone)
        except InvalidValue as exc:
            problems.append(visits.FieldProblem("phone", exc.key, **exc.params))
    last4 = None
    if form.id_last4.strip():
        try:
            last4 = validate.id_last4(form.id_last4)
        except InvalidValue as exc:
            problems.append(visits.FieldProblem("id_last4", exc.key, **exc.params))
    photo = form.photo.strip() or None
    if photo is not None and (
        first_unsafe(photo) is not None or ".." in Path(photo).parts or len(photo) > 240
    ):
        problems.append(visits.FieldProblem("photo", "renovation.bad_photo"))
    until = permit.ends_on
    if form.valid_until.strip():
        parsed = _date_field(form.valid_until, "valid_until", problems)
        if parsed is not None and parsed > permit.ends_on:
            problems.append(
                visits.FieldProblem("valid_until", "renovation.after_permit", end=permit.ends_on.isoformat())
            )
        until = parsed or until
    who = by.strip()
    if not who:
        problems.append(visits.FieldProblem("by", "visit.required"))
    if problems:
        raise PermitRefused(problems)
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO worker_pass (permit_id, pass_no, pass_key, name, phone, id_last4, photo_ref,"
            " valid_until, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (permit_id, number, key, name, phone, last4, photo, until.isoformat(), stamp(now), who),
        )
        pass_id = int(cur.lastrowid or 0)
        audit.append(conn, AUDIT_WORKER, number, f"permit={permit_id} name={name}", actor=who, at=now)
    return Worker(pass_id, permit_id, number, name, phone, last4, photo, until)


def revoke_permit(
    conn: sqlite3.Connection, permit_id: int, *, by: str, reason: str, now: datetime | None = None
) -> Permit:
    """A supervisor takes a permit back: none of its passes admits anyone from now on (audited)."""
    now = now or datetime.now()
    why = (reason or "").strip()
    if not why:
        raise _refuse("reason", "visit.required")
    if first_unsafe(why) is not None or len(why) > REASON_MAX:
        raise _refuse("reason", "renovation.bad_text", most=REASON_MAX)
    who = by.strip()
    if not who:
        raise _refuse("by", "visit.required")
    with transaction(conn):
        permit = get(conn, permit_id)
        if permit.revoked_at is not None:
            raise GuardpostError(
                "renovation.permit_revoked_already", None, at=f"{permit.revoked_at:%Y-%m-%d %H:%M}"
            )
        conn.execute(
            "UPDATE renovation_permit SET revoked_at = ?, revoked_by = ?, revoked_reason = ? WHERE id = ?",
            (stamp(now), who, why, permit_id),
        )
        audit.append(conn, AUDIT_REVOKE, str(permit_id), why, actor=who, at=now)
        return get(conn, permit_id)


# --- the shift report ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PermitCount:
    permit_id: int
    unit: str
    company: str
    admitted: int
    refused: int


@dataclass(frozen=True, slots=True)
class ShiftRenovation:
    """Renovation workers at one gate in one shift: how many admitted and refused (by reason, and
    by permit), how many of the admitted came without a pass, and the materials seen."""

    admitted: int
    refused: int
    without_pass: int
    refusals: dict[str, int]  # reason -> count (a pass reason or a visit reason)
    by_permit: tuple[PermitCount, ...]
    materials: dict[str, int]  # material -> times seen


def shift_summary(conn: sqlite3.Connection, gate: str, start: datetime, end: datetime) -> ShiftRenovation:
    """What the shift report says about renovation for ``[start, end)`` at ``gate``."""
    admitted = refused = without_pass = 0
    refusals: Counter[str] = Counter()
    per_permit: dict[int, list[int]] = {}
    for outcome, reason, permit_id, pass_id, count in conn.execute(
        "SELECT outcome, reason, permit_id, pass_id IS NOT NULL, count(*) FROM worker_entry"
        " WHERE at >= ? AND at < ? AND gate_id = ? GROUP BY 1, 2, 3, 4",
        (stamp(start), stamp(end), gate),
    ):
        n = int(count)
        if outcome == "admitted":
            admitted += n
            without_pass += 0 if pass_id else n
        else:
            refused += n
            refusals[str(reason)] += n
        if permit_id is not None:
            counts = per_permit.setdefault(int(permit_id), [0, 0])
            counts[0 if outcome == "admitted" else 1] += n
    by_permit = []
    for permit_id in sorted(per_permit):
        p = get(conn, permit_id)
        by_permit.append(PermitCount(permit_id, p.unit, p.company, *per_permit[permit_id]))
    materials = Counter(
        {
            str(m): int(n)
            for m, n in conn.execute(
                "SELECT material, count(*) FROM permit_material WHERE at >= ? AND at < ? AND gate_id = ?"
                " GROUP BY material",
                (stamp(start), stamp(end), gate),
            )
        }
    )
    return ShiftRenovation(
        admitted,
        refused,
        without_pass,
        dict(sorted(refusals.items())),
        tuple(by_permit),
        dict(sorted(materials.items())),
    )


def workers_inside(conn: sqlite3.Connection) -> int:
    """Renovation workers inside now (for the handover's "who is still inside")."""
    return int(
        conn.execute("SELECT count(*) FROM visit WHERE status = 'inside' AND category = 'worker'").fetchone()[
            0
        ]
    )


__all__ = [
    "QR_PREFIX",
    "Admission",
    "MaterialSeen",
    "PassCheck",
    "Permit",
    "PermitCount",
    "PermitDetail",
    "PermitForm",
    "PermitNotFound",
    "PermitRefused",
    "ShiftRenovation",
    "Worker",
    "WorkerForm",
    "active_permits",
    "add_permit",
    "add_worker",
    "admit",
    "admit_without_pass",
    "check",
    "get",
    "list_permits",
    "materials_said",
    "pass_key",
    "permit_for_unit",
    "photo_file",
    "qr_text",
    "revoke_permit",
    "said",
    "shift_summary",
    "show",
    "weekdays_said",
    "workers_inside",
]
