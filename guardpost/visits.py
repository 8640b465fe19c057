"""The visit register: callers registered, asked about, admitted or refused, signed out; who is inside.

One module for the screen, the CLI and the reports. Each write is one transaction: a visit, its
consent steps, its temperature, its alarm and its pass are stored together or not at all. What a
category asks is ``FIELDS``; nothing else is stored (a full ID number never is: its last four and a
keyed hash, so a repeat visitor matches). The rules themselves are ``policy.visits.decide_visit``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from guardpost import audit, blocklist, keys, lockdown, passes, validate
from guardpost.access import stamp, store_alarm
from guardpost.config import VisitSettings
from guardpost.domain import (
    ConsentChannel,
    ConsentOutcome,
    Guard,
    Lane,
    LockdownLevel,
    Reason,
    Said,
    Source,
    VisitCategory,
    VisitReason,
    VisitStatus,
    actor_of,
)
from guardpost.errors import GuardpostError, InvalidValue
from guardpost.policy.visits import (
    ALARM_EVENTS,
    VisitFacts,
    VisitVerdict,
    decide_visit,
    is_fever,
    needs_consent,
    pass_refusal,
)
from guardpost.storage import transaction

if TYPE_CHECKING:
    from guardpost.reports import pass_slip

NAME, PHONE, ID, COMPANY, PLATE, UNIT, NOTE = "name", "phone", "id", "company", "plate", "unit", "note"
FORM_FIELDS = (NAME, PHONE, ID, COMPANY, PLATE, UNIT, NOTE)

# What each category is asked: field -> required. Nothing the purpose does not need.
FIELDS: dict[VisitCategory, dict[str, bool]] = {
    VisitCategory.RELATIVE: {NAME: True, PHONE: False, UNIT: True, PLATE: False, ID: False},
    VisitCategory.COURIER: {COMPANY: True, PHONE: False, UNIT: False},
    VisitCategory.FOOD_DELIVERY: {COMPANY: True, PHONE: False, UNIT: False},
    VisitCategory.WORKER: {NAME: True, PHONE: True, UNIT: True, COMPANY: False, ID: False},
    VisitCategory.MOVING: {NAME: True, PHONE: True, UNIT: True, PLATE: False, COMPANY: False},
    VisitCategory.SALESPERSON: {NAME: True, PHONE: True, COMPANY: True, UNIT: True},
    VisitCategory.STAFF: {NAME: True, COMPANY: True, NOTE: False},
    VisitCategory.OFFICIAL: {NAME: True, COMPANY: True, PLATE: False, UNIT: False, NOTE: False},
    VisitCategory.TOUR: {NAME: True, COMPANY: True, NOTE: False},
}
# Where a landline is a normal number to give (a company's switchboard).
LANDLINE_OK = frozenset(
    {VisitCategory.SALESPERSON, VisitCategory.STAFF, VisitCategory.OFFICIAL, VisitCategory.TOUR}
)
PARCELS = frozenset({VisitCategory.COURIER, VisitCategory.FOOD_DELIVERY})
TEXT_MAX = 60


def fields_for(category: VisitCategory, settings: VisitSettings) -> dict[str, bool]:
    """The fields the form asks for ``category``: the destination unit of a parcel only where the
    compound's rules ask for it."""
    wanted = dict(FIELDS[category])
    if category in PARCELS:
        if settings.courier_needs_unit:
            wanted[UNIT] = True
        else:
            wanted.pop(UNIT, None)
    return wanted


class FieldProblem(InvalidValue):
    """One field's refusal: ``field`` names it (``visit.field.<name>`` in the catalogue)."""

    def __init__(self, field_name: str, key: str, /, **params: object) -> None:
        super().__init__(key, **params)
        self.field = field_name


class FormRefused(GuardpostError):
    """Some fields are wrong: each named, nothing stored."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__("visit.form_refused", None, count=len(problems))
        self.problems = list(problems)

    def message(self, lang: str | None = None) -> str:
        from guardpost.i18n import t

        lines = [self.title(lang)]
        for p in self.problems:
            lines.append(f"  {t(f'visit.field.{p.field}', lang)}: {p.message(lang)}")
        return "\n".join(lines)


class VisitNotFound(GuardpostError):
    pass


class VisitBlocked(GuardpostError):
    """Someone on the block list: no pass is issued (exit 3 on the command line)."""

    def __init__(self, hits: Sequence[blocklist.BlockHit]) -> None:
        super().__init__("visit.blocked", None, reason=hits[0].reason)
        self.hits = list(hits)


@dataclass
class VisitForm:
    """What the guard typed (or a CLI option held), raw; ``clean`` checks it for the category."""

    category: VisitCategory
    name: str = ""
    phone: str = ""
    id: str = ""  # the full 18-digit ID or its last four, if the guard typed one
    company: str = ""
    plate: str = ""
    unit: str = ""
    note: str = ""
    dangerous_goods: bool = False
    temperature: str = ""
    mask: bool | None = None


@dataclass(frozen=True)
class CleanVisit:
    category: VisitCategory
    name: str | None
    phone: str | None
    id_last4: str | None
    id_hash: str | None
    company: str | None
    plate: str | None
    unit_id: int | None
    unit: str | None
    note: str | None
    dangerous_goods: bool
    celsius: float | None
    mask: bool | None


@dataclass(frozen=True)
class ConsentStep:
    """One try at the host: on ``channel`` (None for an override or no host), the ``outcome``,
    who answered, and for an override the guard's reason."""

    outcome: ConsentOutcome
    channel: ConsentChannel | None = None
    by_whom: str | None = None
    reason: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class VisitResult:
    visit_id: int
    verdict: VisitVerdict
    pass_no: str | None = None
    token: str | None = None
    expected_leave_at: datetime | None = None
    blocked: tuple[blocklist.BlockHit, ...] = ()
    # the same caller was still inside on these passes: left without signing out, now closed
    # (marked as not a real sign-out), so the inside-now board and the muster list count them once
    was_inside: tuple[str, ...] = ()


def _still_inside(conn: sqlite3.Connection, v: CleanVisit) -> list[int]:
    """Visits of the same caller still open: the same phone, or the same name to the same unit."""
    found: set[int] = set()
    if v.phone:
        found |= {
            r[0]
            for r in conn.execute("SELECT id FROM visit WHERE status = 'inside' AND phone = ?", (v.phone,))
        }
    if v.name and v.unit_id is not None:
        found |= {
            r[0]
            for r in conn.execute(
                "SELECT id FROM visit WHERE status = 'inside' AND name = ? AND host_unit_id = ?",
                (v.name, v.unit_id),
            )
        }
    return sorted(found)


def _text(value: str, field_name: str, problems: list[FieldProblem]) -> str | None:
    from guardpost.text import first_unsafe

    s = value.strip()
    if not s:
        return None
    bad = first_unsafe(s)
    if bad is not None:
        problems.append(FieldProblem(field_name, "visit.bad_char", code=bad[1]))
        return None
    if len(s) > TEXT_MAX:
        problems.append(FieldProblem(field_name, "visit.too_long", count=len(s), most=TEXT_MAX))
        return None
    return s


def clean(
    conn: sqlite3.Connection, form: VisitForm, settings: VisitSettings, *, today: date | None = None
) -> CleanVisit:
    """Every field the category asks, checked; ``FormRefused`` naming each bad one. Fields the
    category does not ask are dropped, whatever they hold."""
    wanted = fields_for(form.category, settings)
    problems: list[FieldProblem] = []

    def given(name: str) -> str:
        value = str(getattr(form, name)).strip() if name in wanted else ""
        if not value and wanted.get(name):
            problems.append(FieldProblem(name, "visit.required"))
        return value

    def check(name: str, fn: object) -> str | None:
        raw = given(name)
        if not raw:
            return None
        try:
            return fn(raw)  # type: ignore[operator, no-any-return]
        except InvalidValue as exc:
            problems.append(FieldProblem(name, exc.key, **exc.params))
            return None

    name = check(NAME, validate.person_name)
    phone = check(PHONE, lambda s: validate.phone(s, landline=form.category in LANDLINE_OK))
    plate = check(PLATE, validate.plate)
    unit = check(UNIT, validate.unit_code)
    company = _text(given(COMPANY), COMPANY, problems)
    note = _text(given(NOTE), NOTE, problems)
    id_last4 = id_hash = None
    raw_id = given(ID)
    if raw_id:
        try:
            if len(raw_id.replace(" ", "")) > 4:
                number = validate.id_card(raw_id, today=today)
                id_last4, id_hash = number[-4:], keys.id_hash(keys.secret(conn, keys.ID_HASH), number)
            else:
                id_last4 = validate.id_last4(raw_id)
        except InvalidValue as exc:
            problems.append(FieldProblem(ID, exc.key, **exc.params))
    celsius = None
    if form.temperature.strip():
        try:
            celsius = validate.temperature(form.temperature)
        except InvalidValue as exc:
            problems.append(FieldProblem("temperature", exc.key, **exc.params))
    unit_id = None
    if unit is not None:
        row = conn.execute("SELECT id FROM unit WHERE code = ?", (unit,)).fetchone()
        if row is None:
            problems.append(FieldProblem(UNIT, "visit.no_such_unit", unit=unit))
        else:
            unit_id = int(row[0])
    if problems:
        raise FormRefused(problems)
    return CleanVisit(
        category=form.category,
        name=name,
        phone=phone,
        id_last4=id_last4,
        id_hash=id_hash,
        company=company,
        plate=plate,
        unit_id=unit_id,
        unit=unit,
        note=note,
        dangerous_goods=form.dangerous_goods,
        celsius=celsius,
        mask=form.mask,
    )


def precheck(conn: sqlite3.Connection, form: VisitForm, settings: VisitSettings, *, today: date) -> bool:
    """Before the host is asked: the fields (``FormRefused`` naming each bad one) and whether the
    caller is on the block list (True: refused whatever the host says). Reads only."""
    return bool(_barred(conn, clean(conn, form, settings, today=today)))


def _barred(conn: sqlite3.Connection, visit: CleanVisit) -> list[blocklist.BlockHit]:
    """The block-list entries a caller matches (registration, pre-registration, the pre-check)."""
    return blocklist.hits(
        conn, name=visit.name, id_last4=visit.id_last4, phone=visit.phone, plate=visit.plate
    )


def expected_stay(category: VisitCategory, settings: VisitSettings) -> timedelta:
    if category in PARCELS:
        return timedelta(minutes=settings.courier_overstay_min)
    if category == VisitCategory.MOVING:
        return timedelta(minutes=settings.moving_limit_min)
    return timedelta(hours=settings.visit_hours)


def closing_of(day: date, settings: VisitSettings) -> datetime:
    hh, mm = (int(x) for x in settings.closing_time.split(":"))
    return datetime.combine(day, time(hh, mm))


WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")


def parse_when(text: str, now: datetime, *, after: datetime | None = None) -> datetime:
    """``YYYY-MM-DD HH:MM`` (or with a ``T``, or seconds) or ``HH:MM`` (today); ValueError if not.

    ``after``: an end time; ``HH:MM`` not later than it is that time the next day (at 23:48 a
    pass "until 01:00" means tonight, not last night)."""
    s = validate.normalise(text)
    for fmt in WHEN_FORMATS:
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            pass
    when = datetime.combine(now.date(), datetime.strptime(s, "%H:%M").time())
    if after is not None and when <= after:
        when += timedelta(days=1)
    return when


def expected_window(
    now: datetime, settings: VisitSettings, start: datetime | None = None, until: datetime | None = None
) -> tuple[datetime, datetime]:
    """An expected visitor's pass: from ``start`` (now) until ``until``, by default that day's
    closing time, or four hours when the closing time has passed."""
    valid_from = start or now
    closing = closing_of(valid_from.date(), settings)
    return valid_from, until or (closing if closing > valid_from else valid_from + timedelta(hours=4))


def _pass_window(now: datetime, settings: VisitSettings) -> tuple[datetime, datetime]:
    """A walk-in's pass: from now until the closing time (tomorrow's, if today's has passed)."""
    closing = closing_of(now.date(), settings)
    if closing <= now:
        closing = closing_of(now.date() + timedelta(days=1), settings)
    return now, closing


def _consent_outcome(
    category: VisitCategory, level: LockdownLevel, steps: Sequence[ConsentStep]
) -> ConsentOutcome:
    if not steps:
        return ConsentOutcome.NOT_NEEDED if not needs_consent(category, level) else ConsentOutcome.NO_ANSWER
    return steps[-1].outcome


def _guard_id(guard: Guard | None) -> int | None:
    return guard.id if guard else None


def register(
    conn: sqlite3.Connection,
    form: VisitForm,
    steps: Sequence[ConsentStep],
    *,
    gate: str,
    level: LockdownLevel | None = None,
    settings: VisitSettings,
    fever_threshold_c: float,
    guard: Guard | None = None,
    now: datetime | None = None,
) -> VisitResult:
    """Check, decide and store one caller at the gate, in one transaction. The lockdown level is
    the one in force at ``gate`` (``level`` given: that level, as a test or a replay says)."""
    now = now or datetime.now()
    with transaction(conn):
        here = lockdown.at_gate(conn, gate)
        level = here.level if level is None else level
        shut = here.shut and level == LockdownLevel.CLOSED
        visit = clean(conn, form, settings, today=now.date())
        for step in steps:
            if step.outcome == ConsentOutcome.OVERRIDE and not (step.reason or "").strip():
                raise FormRefused([FieldProblem("override", "visit.override_needs_reason")])
        hits = _barred(conn, visit)
        verdict = decide_visit(
            VisitFacts(
                category=visit.category,
                level=level,
                consent=_consent_outcome(visit.category, level, steps),
                celsius=visit.celsius,
                fever_threshold_c=fever_threshold_c,
                dangerous_goods=visit.dangerous_goods,
                blocked=bool(hits),
                shut=shut,
            )
        )
        status = VisitStatus.INSIDE if verdict.admits else VisitStatus.REFUSED
        valid_from, valid_until = _pass_window(now, settings)
        leave = min(now + expected_stay(visit.category, settings), valid_until) if verdict.admits else None
        visit_id = _insert_visit(
            conn,
            visit,
            status=status,
            reason=verdict.reason,
            gate=gate,
            guard=guard,
            now=now,
            entered_at=now if verdict.admits else None,
            expected_leave_at=leave,
            valid=(valid_from, valid_until) if verdict.admits else (None, None),
        )
        earlier = [i for i in _still_inside(conn, visit) if i != visit_id] if verdict.admits else []
        for other in earlier:
            _mark_left(conn, other, gate, now, auto=True)
        for step in steps:
            _insert_consent(conn, visit_id, step, guard, now)
        if not steps:
            _insert_consent(
                conn, visit_id, ConsentStep(_consent_outcome(visit.category, level, steps)), guard, now
            )
        if visit.celsius is not None:
            conn.execute(
                "INSERT INTO temperature_reading (at, celsius, fever, mask, visit_id, gate_id, guard_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    stamp(now),
                    visit.celsius,
                    is_fever(visit.celsius, fever_threshold_c),
                    visit.mask,
                    visit_id,
                    gate,
                    _guard_id(guard),
                ),
            )
        if verdict.reason in ALARM_EVENTS:  # rung in the banner like a lost card, acknowledged with F5
            store_alarm(
                conn,
                ALARM_EVENTS[verdict.reason],
                gate=gate,
                lane=Lane.IN,
                at=now,
                source=Source.VISIT,
                visit_id=visit_id,
                guard=guard,
            )
        token = number = None
        if verdict.admits:
            token = _token(conn, visit_id, visit.category, visit.unit, valid_from, valid_until)
            number = passes.pass_number(visit_id)
    return VisitResult(
        visit_id, verdict, number, token, leave, tuple(hits), tuple(passes.pass_number(i) for i in earlier)
    )


def _insert_visit(
    conn: sqlite3.Connection,
    v: CleanVisit,
    *,
    status: VisitStatus,
    reason: VisitReason,
    gate: str,
    guard: Guard | None,
    now: datetime,
    entered_at: datetime | None,
    expected_leave_at: datetime | None,
    valid: tuple[datetime | None, datetime | None],
) -> int:
    cur = conn.execute(
        "INSERT INTO visit (category, status, reason, name, phone, id_last4, id_hash, company, plate, note,"
        " host_unit_id, gate_id, guard_id, created_at, valid_from, valid_until, entered_at,"
        " expected_leave_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            v.category.value,
            status.value,
            reason.value,
            v.name,
            v.phone,
            v.id_last4,
            v.id_hash,
            v.company,
            v.plate,
            v.note,
            v.unit_id,
            gate,
            _guard_id(guard),
            stamp(now),
            stamp(valid[0]) if valid[0] else None,
            stamp(valid[1]) if valid[1] else None,
            stamp(entered_at) if entered_at else None,
            stamp(expected_leave_at) if expected_leave_at else None,
        ),
    )
    return int(cur.lastrowid or 0)


def _insert_consent(
    conn: sqlite3.Connection, visit_id: int, step: ConsentStep, guard: Guard | None, now: datetime
) -> None:
    conn.execute(
        "INSERT INTO consent (visit_id, channel, outcome, by_whom, reason, at, guard_id) VALUES (?,"
        " ?, ?, ?, ?, ?, ?)",
        (
            visit_id,
            step.channel.value if step.channel else None,
            step.outcome.value,
            step.by_whom,
            step.reason,
            stamp(step.at or now),
            _guard_id(guard),
        ),
    )
    # the host's answer, or the guard's override and its reason, is a person's decision: audited
    detail = " ".join(str(x) for x in (step.channel and step.channel.value, step.by_whom, step.reason) if x)
    audit.append(
        conn,
        f"consent.{step.outcome.value}",
        passes.pass_number(visit_id),
        detail or None,
        actor=actor_of(guard),
        at=step.at or now,
    )


def _token(
    conn: sqlite3.Connection,
    visit_id: int,
    category: VisitCategory,
    unit: str | None,
    valid_from: datetime,
    valid_until: datetime,
) -> str:
    claim = passes.PassClaim(visit_id, category, unit, valid_from, valid_until)
    return passes.sign(keys.secret(conn, keys.PASS), claim)


def token_of(conn: sqlite3.Connection, visit_id: int) -> str | None:
    """The pass token of a visit that has one (the same claim signs to the same token)."""
    row = conn.execute(
        "SELECT v.category, u.code, v.valid_from, v.valid_until FROM visit v"
        " LEFT JOIN unit u ON u.id = v.host_unit_id WHERE v.id = ? AND v.valid_from IS NOT NULL",
        (visit_id,),
    ).fetchone()
    if row is None:
        return None
    cat, unit, start, end = row
    return _token(
        conn, visit_id, VisitCategory(cat), unit, datetime.fromisoformat(start), datetime.fromisoformat(end)
    )


def slip_of(conn: sqlite3.Connection, text: str, now: datetime | None = None) -> pass_slip.Slip:
    """What a pass slip prints, for a scanned token or a typed pass number (its window is not
    checked: a slip can be printed again for a pass that is still to come or ran out)."""
    from guardpost.reports import pass_slip

    visit_id = _visit_named(conn, text, now or datetime.now(), check_time=False)
    row = _visit_row(conn, visit_id)
    token = token_of(conn, visit_id) if row is not None else None
    if row is None or token is None:
        raise passes.PassRefused("pass.unknown")
    if row["revoked_at"]:  # a slip never looks like a good pass when the gate would refuse it
        raise passes.PassRefused("pass.revoked", at=str(row["revoked_at"])[:16])
    if row["status"] in (VisitStatus.LEFT, VisitStatus.REFUSED):
        raise passes.PassRefused("pass.used")
    return pass_slip.Slip(
        pass_no=passes.pass_number(visit_id),
        token=token,
        category=VisitCategory(row["category"]),
        name=row["name"] or row["company"],
        unit=row["unit"],
        valid_from=datetime.fromisoformat(row["valid_from"]),
        valid_until=datetime.fromisoformat(row["valid_until"]),
    )


# --- expected visitors --------------------------------------------------------------------------


def expect(
    conn: sqlite3.Connection,
    form: VisitForm,
    *,
    asked_by: str,
    valid_from: datetime,
    valid_until: datetime,
    gate: str,
    settings: VisitSettings,
    guard: Guard | None = None,
    now: datetime | None = None,
) -> VisitResult:
    """A visitor registered ahead: consent recorded with who asked; a pass to show at the gate."""
    now = now or datetime.now()
    if valid_until <= valid_from:
        raise FormRefused([FieldProblem("until", "visit.until_before_from")])
    if valid_until <= now:
        raise FormRefused([FieldProblem("until", "visit.until_past")])
    who = (asked_by or "").strip()
    if not who:
        raise FormRefused([FieldProblem("asked_by", "visit.required")])
    with transaction(conn):
        visit = clean(conn, form, settings, today=now.date())
        hits = _barred(conn, visit)
        if hits:
            raise VisitBlocked(hits)  # no pass for someone the compound has barred
        verdict = VisitVerdict(VisitReason.ADMITTED)
        visit_id = _insert_visit(
            conn,
            visit,
            status=VisitStatus.EXPECTED,
            reason=verdict.reason,
            gate=gate,
            guard=guard,
            now=now,
            entered_at=None,
            expected_leave_at=valid_until,
            valid=(valid_from, valid_until),
        )
        _insert_consent(
            conn,
            visit_id,
            ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.PRE_REGISTERED, by_whom=who),
            guard,
            now,
        )
        token = _token(conn, visit_id, visit.category, visit.unit, valid_from, valid_until)
    return VisitResult(visit_id, verdict, passes.pass_number(visit_id), token, valid_until)


# --- passes at the gate -------------------------------------------------------------------------


@dataclass(frozen=True)
class PassUse:
    visit_id: int
    lane: Lane
    category: VisitCategory
    name: str | None
    unit: str | None


def _visit_row(conn: sqlite3.Connection, visit_id: int) -> sqlite3.Row | None:
    conn.row_factory = sqlite3.Row
    try:
        row: sqlite3.Row | None = conn.execute(
            "SELECT v.*, u.code AS unit FROM visit v LEFT JOIN unit u ON u.id = v.host_unit_id WHERE"
            " v.id = ?",
            (visit_id,),
        ).fetchone()
    finally:
        conn.row_factory = None
    return row


def _visit_named(conn: sqlite3.Connection, text: str, now: datetime, *, check_time: bool) -> int:
    """The visit a scanned token (signature checked, and its window with ``check_time``) or a typed
    pass number (check digit checked) names."""
    if passes.looks_like_token(text):
        return passes.verify(keys.secret(conn, keys.PASS), text, now, check_time=check_time).visit_id
    return passes.visit_of_number(text)


def check_pass(conn: sqlite3.Connection, text: str, now: datetime, *, lane: Lane = Lane.IN) -> int:
    """The visit a scanned token or a typed pass number names, if it is a good pass for ``lane``
    now; ``passes.PassRefused`` with the reason otherwise. Reads only."""
    # leaving: a pass that ran out while its holder was inside still lets them out
    visit_id = _visit_named(conn, text, now, check_time=lane == Lane.IN)
    row = _visit_row(conn, visit_id)
    if row is None:
        raise passes.PassRefused("pass.unknown")
    if row["revoked_at"]:
        raise passes.PassRefused("pass.revoked", at=str(row["revoked_at"])[:16])
    status = VisitStatus(row["status"])
    if lane == Lane.IN:
        if status == VisitStatus.INSIDE:
            raise passes.PassRefused("pass.replayed", at=str(row["entered_at"])[:16])
        if status != VisitStatus.EXPECTED:
            raise passes.PassRefused("pass.used")
        start = datetime.fromisoformat(row["valid_from"])
        end = datetime.fromisoformat(row["valid_until"])
        if now < start:
            raise passes.PassRefused("pass.not_yet", start=f"{start:%Y-%m-%d %H:%M}")
        if now > end:
            raise passes.PassRefused("pass.expired", end=f"{end:%Y-%m-%d %H:%M}")
    elif status != VisitStatus.INSIDE:
        raise passes.PassRefused("pass.not_inside")
    return visit_id


def use_pass(
    conn: sqlite3.Connection,
    text: str,
    *,
    lane: Lane,
    gate: str,
    guard: Guard | None = None,
    now: datetime | None = None,
) -> PassUse:
    """An entry or an exit on a pass, as the screen and ``guardpost pass use`` record it."""
    now = now or datetime.now()
    barred: list[blocklist.BlockHit] = []
    with transaction(conn):
        visit_id = check_pass(conn, text, now, lane=lane)
        if lane == Lane.IN:
            held = conn.execute(
                "SELECT name, id_last4, phone, plate, category FROM visit WHERE id = ?", (visit_id,)
            ).fetchone()
            here = lockdown.at_gate(conn, gate)
            refusal = pass_refusal(VisitCategory(held[4]), here.level, here.shut)
            if refusal is not None:
                raise passes.PassRefused("pass.lockdown", reason=Said(f"visit_reason.{refusal}"))
            barred = blocklist.hits(conn, name=held[0], id_last4=held[1], phone=held[2], plate=held[3])
        if barred:  # put on the block list after the pass was issued: refused, and an alarm
            conn.execute("UPDATE visit SET status = 'refused', reason = 'blocked' WHERE id = ?", (visit_id,))
            store_alarm(
                conn,
                Reason.VISITOR_BLOCKED,
                gate=gate,
                lane=lane,
                at=now,
                source=Source.VISIT,
                visit_id=visit_id,
                guard=guard,
            )
        elif lane == Lane.IN:
            conn.execute(
                "UPDATE visit SET status = 'inside', entered_at = ?, gate_id = ? WHERE id = ? AND"
                " status = 'expected'",
                (stamp(now), gate, visit_id),
            )
        else:
            _mark_left(conn, visit_id, gate, now, auto=False)
        row = _visit_row(conn, visit_id)
    if barred:
        raise passes.PassRefused("pass.blocked", reason=barred[0].reason)
    assert row is not None
    return PassUse(visit_id, lane, VisitCategory(row["category"]), row["name"], row["unit"])


def revoke(conn: sqlite3.Connection, text: str, *, by: str, now: datetime | None = None) -> int:
    """A supervisor takes a pass back: it never admits anyone again (audited)."""
    now = now or datetime.now()
    who = by.strip()
    if not who:
        raise FormRefused([FieldProblem("by", "visit.required")])
    # a forged token names nobody; an expired one can still be revoked
    visit_id = _visit_named(conn, text, now, check_time=False)
    with transaction(conn):
        row = _visit_row(conn, visit_id)
        if row is None:
            raise passes.PassRefused("pass.unknown")
        if row["revoked_at"]:
            raise passes.PassRefused("pass.revoked", at=str(row["revoked_at"])[:16])
        conn.execute(
            "UPDATE visit SET revoked_at = ?, revoked_by = ? WHERE id = ?", (stamp(now), who, visit_id)
        )
        audit.append(conn, "pass.revoke", passes.pass_number(visit_id), actor=who, at=now)
    return visit_id


# --- leaving ------------------------------------------------------------------------------------


def _mark_left(conn: sqlite3.Connection, visit_id: int, gate: str, now: datetime, *, auto: bool) -> None:
    done = conn.execute(
        "UPDATE visit SET status = 'left', left_at = ?, left_gate_id = ?, auto_signed_out = ?"
        " WHERE id = ? AND status = 'inside'",
        (stamp(now), gate, auto, visit_id),
    ).rowcount
    if not done:
        raise passes.PassRefused("pass.not_inside")


def sign_out(conn: sqlite3.Connection, visit_id: int, *, gate: str, now: datetime | None = None) -> None:
    with transaction(conn):
        _mark_left(conn, visit_id, gate, now or datetime.now(), auto=False)


def auto_sign_out(conn: sqlite3.Connection, settings: VisitSettings, now: datetime | None = None) -> int:
    """Visitors still inside at the closing time are signed out at that time, marked as automatic
    (never mixed with real sign-outs). Returns how many."""
    now = now or datetime.now()
    closing = closing_of(now.date(), settings)
    if now < closing:
        closing -= timedelta(days=1)
    with transaction(conn):
        return conn.execute(
            "UPDATE visit SET status = 'left', left_at = ?, auto_signed_out = 1"
            " WHERE status = 'inside' AND entered_at < ?",
            (stamp(closing), stamp(closing)),
        ).rowcount


# --- who is inside ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inside:
    visit_id: int
    pass_no: str
    category: VisitCategory
    name: str | None
    company: str | None
    unit: str | None
    phone: str | None
    entered_at: datetime
    expected_leave_at: datetime | None
    minutes: int
    overstay: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def inside(conn: sqlite3.Connection, now: datetime | None = None) -> list[Inside]:
    """Everyone registered who is inside now, the longest there first; overstays marked."""
    now = now or datetime.now()
    rows = conn.execute(
        "SELECT v.id, v.category, v.name, v.company, u.code, v.phone, v.entered_at, v.expected_leave_at"
        " FROM visit v LEFT JOIN unit u ON u.id = v.host_unit_id WHERE v.status = 'inside' ORDER BY"
        " v.entered_at"
    ).fetchall()
    out = []
    for vid, cat, name, company, unit, phone, entered, leave in rows:
        entered_at = datetime.fromisoformat(entered)
        leave_at = datetime.fromisoformat(leave) if leave else None
        out.append(
            Inside(
                visit_id=vid,
                pass_no=passes.pass_number(vid),
                category=VisitCategory(cat),
                name=name,
                company=company,
                unit=unit,
                phone=phone,
                entered_at=entered_at,
                expected_leave_at=leave_at,
                minutes=max(0, int((now - entered_at).total_seconds() // 60)),
                overstay=leave_at is not None and now > leave_at,
            )
        )
    return out


# --- returning visitors -------------------------------------------------------------------------


def last_visit(conn: sqlite3.Connection, phone_text: str) -> VisitForm | None:
    """The form as the last visit by this phone number left it (name, category, host unit, plate):
    a returning visitor is registered in a few keys."""
    try:
        phone = validate.phone(phone_text, landline=True)
    except InvalidValue:
        return None
    row = conn.execute(
        "SELECT v.category, v.name, v.company, v.plate, u.code FROM visit v LEFT JOIN unit u ON u.id"
        " = v.host_unit_id"
        " WHERE v.phone = ? ORDER BY v.id DESC LIMIT 1",
        (phone,),
    ).fetchone()
    if row is None:
        return None
    cat, name, company, plate, unit = row
    return VisitForm(
        category=VisitCategory(cat),
        name=name or "",
        phone=phone,
        company=company or "",
        plate=plate or "",
        unit=unit or "",
    )


@dataclass(frozen=True)
class VisitRow:
    visit_id: int
    pass_no: str
    category: VisitCategory
    status: VisitStatus
    reason: VisitReason
    name: str | None
    company: str | None
    unit: str | None
    created_at: datetime
    entered_at: datetime | None
    left_at: datetime | None
    auto_signed_out: bool
    valid_from: datetime | None
    valid_until: datetime | None


def list_visits(
    conn: sqlite3.Connection, *, status: VisitStatus | None = None, day: date | None = None, limit: int = 500
) -> list[VisitRow]:
    sql = (
        "SELECT v.id, v.category, v.status, v.reason, v.name, v.company, u.code, v.created_at, v.entered_at,"
        " v.left_at, v.auto_signed_out, v.valid_from, v.valid_until"
        " FROM visit v LEFT JOIN unit u ON u.id = v.host_unit_id WHERE 1 = 1"
    )
    args: list[object] = []
    if status is not None:
        sql += " AND v.status = ?"
        args.append(status.value)
    if day is not None:
        start = datetime.combine(day, time())
        sql += " AND ((v.created_at >= ? AND v.created_at < ?) OR (v.entered_at >= ? AND v.entered_at < ?))"
        args += [stamp(start), stamp(start + timedelta(days=1))] * 2
    sql += " ORDER BY v.id DESC LIMIT ?"
    args.append(limit)

    def when(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    return [
        VisitRow(
            visit_id=r[0],
            pass_no=passes.pass_number(r[0]),
            category=VisitCategory(r[1]),
            status=VisitStatus(r[2]),
            reason=VisitReason(r[3]),
            name=r[4],
            company=r[5],
            unit=r[6],
            created_at=datetime.fromisoformat(r[7]),
            entered_at=when(r[8]),
            left_at=when(r[9]),
            auto_signed_out=bool(r[10]),
            valid_from=when(r[11]),
            valid_until=when(r[12]),
        )
        for r in conn.execute(sql, args)
    ]


__all__ = [
    "FIELDS",
    "CleanVisit",
    "ConsentStep",
    "FieldProblem",
    "FormRefused",
    "Inside",
    "PassUse",
    "VisitForm",
    "VisitResult",
    "VisitRow",
    "auto_sign_out",
    "check_pass",
    "clean",
    "expect",
    "fields_for",
    "inside",
    "last_visit",
    "list_visits",
    "register",
    "revoke",
    "sign_out",
    "use_pass",
]
