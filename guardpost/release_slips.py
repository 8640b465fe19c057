"""Release slips (放行条) and the release register (物品放行登记): DOMAIN.md "Items leaving the compound".

The service centre issues a slip (``issue``: the unit, the items, who may carry them, until when);
at the gate the guard types or scans its number, sees what it allows (``check``, reads only) and
takes it in (``collect``). While the service centre is closed an owner may take items out on owner
card and ID (``release_after_hours``). Each of these, the refusals too, is one row of the release
register and one audit entry, in one transaction with the change. The rules are ``policy.items``.

Slips and the register are kept ``rules.release_slip_retention_years`` years: every row carries its
``keep_until`` (a slip's is pushed on by any later record of it, so a slip is never removed before
the register rows that name it); the retention job (the data-safety issue) runs ``purge``.

A slip number is ``F``, the slip's id in five digits and a Luhn check digit (``F000017``): short
enough to type, and to scan. A scanner types the QR code's text through the keyboard wedge at
reader speed, and a burst of eight or more characters with Enter is taken for a card
(``readers.wedge``); seven characters are given back to the focused field as typing. (After
99,999 slips the number grows to eight characters; scanning it would then need the wedge to know
the prefix.)
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from guardpost import audit, exits, validate
from guardpost.access import stamp
from guardpost.config import RulesSettings
from guardpost.domain import CardStatus, Guard, PersonRole, Said, actor_of
from guardpost.errors import GuardpostError, InvalidValue
from guardpost.policy.items import (
    RELEASED,
    AfterHoursFacts,
    ItemRules,
    ReleaseHow,
    ReleaseReason,
    ReleaseVerdict,
    Resident,
    SlipStatus,
    after_hours,
    check_slip,
    keep_until,
)
from guardpost.storage import transaction
from guardpost.text import cut, first_unsafe, printable

PREFIX = "F"  # 放行 (fàngxíng)
SEQ_DIGITS = 5
_NUMBER = re.compile(r"F?([0-9]{2,12})")
ITEMS_MAX = 200
CARRIER_MAX = 60
MAX_VALID = timedelta(days=31)  # a slip is for a move or a delivery, not a standing permission
CARD_WINDOW = timedelta(minutes=2)  # an owner card swiped at this gate this recently was shown
CARD_LOOKBACK = 2000  # ... among the gate's newest events (a rush hour writes fewer in two minutes)

UNIT, ITEMS, CARRIER, VALID_FROM, VALID_UNTIL, ID_LAST4 = (
    "unit",
    "items",
    "carrier",
    "valid_from",
    "valid_until",
    "id_last4",
)

AUDIT_ISSUE = "slip.issue"
AUDIT_COLLECT = "slip.collect"
AUDIT_REFUSE = "slip.refuse"
AUDIT_AFTER_HOURS = "items.after_hours"
AUDIT_AFTER_HOURS_REFUSED = "items.after_hours_refused"
AUDIT_PURGE = "slip.purge"


# --- errors ------------------------------------------------------------------------------------


class SlipRefused(GuardpostError):
    """A slip (or an after-hours release) that lets nothing out: ``reason`` says why (``None``: the
    number itself is mistyped). On the command line: exit 1, as a refused card."""

    exit_code = exits.DENY

    def __init__(self, key: str, hint: str | None = None, /, **params: object) -> None:
        super().__init__(key, hint, **params)
        self.reason: ReleaseReason | None = None

    @classmethod
    def of(cls, reason: ReleaseReason, **params: object) -> SlipRefused:
        refused = cls(f"slips.reason.{reason}", f"slips.hint.{reason}", **params)
        refused.reason = reason
        return refused


class FieldProblem(InvalidValue):
    """One field's refusal: ``field`` names it (``slips.field.<name>`` in the catalogue)."""

    def __init__(self, field_name: str, key: str, /, **params: object) -> None:
        super().__init__(key, **params)
        self.field = field_name


class SlipFormRefused(GuardpostError):
    """Some fields are wrong: each named, nothing stored."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__("slips.form_refused", None, count=len(problems))
        self.problems = list(problems)

    def message(self, lang: str | None = None) -> str:
        from guardpost.i18n import t

        lines = [self.title(lang)]
        lines += [f"  {t(f'slips.field.{p.field}', lang)}: {p.message(lang)}" for p in self.problems]
        return "\n".join(lines)


# --- numbers -------------------------------------------------------------------------------------


def slip_number(slip_id: int) -> str:
    """``F`` + the id in five digits + a Luhn check digit: one mistyped digit is caught at once."""
    from stdnum import luhn

    digits = f"{slip_id:0{SEQ_DIGITS}d}"
    return PREFIX + digits + luhn.calc_check_digit(digits)


def slip_id_of(text: str) -> int:
    """The slip id a typed or scanned number names (the ``F``, leading zeros, spaces and dashes
    may be left out); ``SlipRefused`` for what is not a slip number or has a wrong check digit."""
    from stdnum import luhn
    from stdnum.exceptions import ValidationError

    shown = validate.normalise(text).upper()
    m = _NUMBER.fullmatch(re.sub(r"[\s-]", "", shown))
    if m is None:
        raise SlipRefused("slips.bad_number", "slips.bad_number_hint", number=cut(printable(shown), 24))
    try:
        luhn.validate(m[1])
    except ValidationError:
        raise SlipRefused("slips.bad_check_digit", "slips.bad_number_hint", number=shown) from None
    return int(m[1][:-1])


def normalise_number(text: str) -> str:
    """The number as printed on the slip (``F000017`` for ``f17``)."""
    return slip_number(slip_id_of(text))


# --- what a slip is ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slip:
    slip_id: int
    number: str
    unit: str
    items: str
    carrier: str
    valid_from: datetime
    valid_until: datetime
    issued_at: datetime
    issued_by: str
    status: SlipStatus
    collected_at: datetime | None
    collected_gate: str | None  # its id
    collected_gate_names: tuple[str, str] | None  # its Chinese and English names
    collected_by: str | None  # the guard who took it in (code and name)
    keep_until: date

    def gate_name(self, lang: str | None = None) -> str:
        """Where it was taken in, in ``lang`` (the current language)."""
        from guardpost.i18n import current_language

        if self.collected_gate_names is None:
            return self.collected_gate or "-"
        return self.collected_gate_names[0 if (lang or current_language()) == "zh-CN" else 1]


@dataclass(frozen=True, slots=True)
class Checked:
    """A number shown at the gate: the slip it names (None: no slip has it) and what it allows now
    (``COLLECTED``: take it in and let the items out)."""

    number: str
    slip: Slip | None
    reason: ReleaseReason

    @property
    def ok(self) -> bool:
        return self.reason == ReleaseReason.COLLECTED

    def refusal(self) -> SlipRefused:
        s = self.slip
        if s is None or self.reason == ReleaseReason.UNKNOWN:
            return SlipRefused.of(ReleaseReason.UNKNOWN, number=self.number)
        return SlipRefused.of(
            self.reason,
            number=self.number,
            at=f"{s.collected_at:%Y-%m-%d %H:%M}" if s.collected_at else "-",
            gate=s.gate_name(),
            start=f"{s.valid_from:%Y-%m-%d %H:%M}",
            end=f"{s.valid_until:%Y-%m-%d %H:%M}",
        )


_SLIP_SQL = """
SELECT s.id, s.slip_no, u.code, s.items, s.carrier, s.valid_from, s.valid_until, s.issued_at,
       s.issued_by, s.status, s.collected_at, s.collected_gate_id, g.code, g.name, s.keep_until,
       gt.name_zh, gt.name_en
FROM release_slip s JOIN unit u ON u.id = s.unit_id LEFT JOIN guard g ON g.id = s.collected_guard_id
LEFT JOIN gate gt ON gt.id = s.collected_gate_id
"""


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _slip(r: Sequence[object]) -> Slip:
    def text(i: int) -> str:
        return str(r[i])

    guard = f"{r[12]} {r[13]}" if r[12] else None
    return Slip(
        slip_id=int(text(0)),
        number=text(1),
        unit=text(2),
        items=text(3),
        carrier=text(4),
        valid_from=datetime.fromisoformat(text(5)),
        valid_until=datetime.fromisoformat(text(6)),
        issued_at=datetime.fromisoformat(text(7)),
        issued_by=text(8),
        status=SlipStatus(text(9)),
        collected_at=_when(r[10] if isinstance(r[10], str) else None),
        collected_gate=r[11] if isinstance(r[11], str) else None,
        collected_gate_names=(str(r[15]), str(r[16])) if r[15] else None,
        collected_by=guard,
        keep_until=date.fromisoformat(text(14)),
    )


def _find(conn: sqlite3.Connection, number: str) -> Slip | None:
    row = conn.execute(f"{_SLIP_SQL} WHERE s.slip_no = ?", (number,)).fetchone()
    return _slip(row) if row else None


def get(conn: sqlite3.Connection, text: str) -> Slip:
    """The slip a number names, whatever its state; ``SlipRefused`` when there is none."""
    number = normalise_number(text)
    found = _find(conn, number)
    if found is None:
        raise SlipRefused.of(ReleaseReason.UNKNOWN, number=number)
    return found


def check(conn: sqlite3.Connection, text: str, now: datetime) -> Checked:
    """What the slip a typed or scanned number names allows now (reads only: the guard looks
    before taking it in). A mistyped number raises ``SlipRefused`` (nothing to look up)."""
    number = normalise_number(text)
    found = _find(conn, number)
    if found is None:
        return Checked(number, None, ReleaseReason.UNKNOWN)
    return Checked(number, found, check_slip(found.status, found.valid_from, found.valid_until, now))


def slips(
    conn: sqlite3.Connection,
    *,
    status: SlipStatus | None = None,
    unit: str | None = None,
    limit: int = 200,
) -> list[Slip]:
    """Slips, the newest first: all, or of one status, or of one unit."""
    sql, args = f"{_SLIP_SQL} WHERE 1 = 1", []
    if status is not None:
        sql += " AND s.status = ?"
        args.append(status.value)
    if unit is not None:
        sql += " AND u.code = ?"
        args.append(validate.unit_code(unit))
    sql += " ORDER BY s.id DESC LIMIT ?"
    return [_slip(r) for r in conn.execute(sql, (*args, limit))]


def _minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def describe(slip: Slip) -> list[tuple[str, str]]:
    """What a slip allows, as (catalogue key of the label, value) lines: ``slips show`` and the
    screen show the same. Values from outside are made printable."""
    from guardpost.i18n import t

    lines = [
        ("slips.field.number", slip.number),
        ("slips.field.unit", slip.unit),
        ("slips.field.items", printable(slip.items)),
        ("slips.field.carrier", printable(slip.carrier)),
        (
            "slips.field.valid",
            t("slips.valid_range", start=_minute(slip.valid_from), end=_minute(slip.valid_until)),
        ),
        ("slips.field.issued", f"{_minute(slip.issued_at)} {printable(slip.issued_by)}"),
    ]
    status = t(f"slips.status.{slip.status}")
    if slip.collected_at is not None:
        status = t(
            "slips.collected_line",
            at=_minute(slip.collected_at),
            gate=slip.gate_name(),
            guard=printable(slip.collected_by or "-"),
        )
    lines.append(("slips.field.status", status))
    return lines


# --- issuing (the service centre) ------------------------------------------------------------


def _text(value: str, name: str, most: int, problems: list[FieldProblem]) -> str | None:
    s = " ".join(value.split())  # Chinese punctuation stays as typed (not folded to ASCII)
    if not s:
        problems.append(FieldProblem(name, "slips.required"))
        return None
    bad = first_unsafe(value)
    if bad is not None:
        problems.append(FieldProblem(name, "slips.bad_char", code=bad[1]))
        return None
    if len(s) > most:
        problems.append(FieldProblem(name, "slips.too_long", count=len(s), most=most))
        return None
    return s


def _unit(conn: sqlite3.Connection, text: str, problems: list[FieldProblem]) -> tuple[int, str] | None:
    try:
        code = validate.unit_code(text)
    except InvalidValue as exc:
        problems.append(FieldProblem(UNIT, exc.key, **exc.params))
        return None
    row = conn.execute("SELECT id FROM unit WHERE code = ?", (code,)).fetchone()
    if row is None:
        problems.append(FieldProblem(UNIT, "slips.no_such_unit", unit=code))
        return None
    return int(row[0]), code


def parse_until(text: str, now: datetime) -> datetime:
    """``YYYY-MM-DD`` (to the end of that day), ``YYYY-MM-DD HH:MM`` or ``HH:MM`` (today, or
    tomorrow when that has passed); ValueError otherwise."""
    from guardpost.visits import parse_when

    s = validate.normalise(text)
    try:
        return datetime.combine(date.fromisoformat(s), time(23, 59))
    except ValueError:
        return parse_when(s, now, after=now)


def _next_id(conn: sqlite3.Connection) -> int:
    """The id the next slip gets (in the issuing transaction: nobody else writes meanwhile)."""
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'release_slip'").fetchone()
    top = conn.execute("SELECT coalesce(max(id), 0) FROM release_slip").fetchone()[0]
    return max(int(seq[0]) if seq else 0, int(top)) + 1


@dataclass(frozen=True, slots=True)
class SlipForm:
    """What the service centre gave (the command line's options), raw; ``clean`` checks it."""

    unit: str
    items: str
    carrier: str
    valid_until: datetime
    valid_from: datetime | None = None


@dataclass(frozen=True, slots=True)
class CleanSlip:
    unit_id: int
    unit: str
    items: str
    carrier: str
    valid_from: datetime
    valid_until: datetime


def clean(conn: sqlite3.Connection, form: SlipForm, now: datetime) -> CleanSlip:
    """Every field checked, ``SlipFormRefused`` naming each bad one (reads only: the command line
    says what is wrong before it asks for a PIN)."""
    start = form.valid_from or now
    problems: list[FieldProblem] = []
    where = _unit(conn, form.unit, problems)
    what = _text(form.items, ITEMS, ITEMS_MAX, problems)
    who = _text(form.carrier, CARRIER, CARRIER_MAX, problems)
    if form.valid_until <= now:
        problems.append(FieldProblem(VALID_UNTIL, "slips.until_past"))
    elif form.valid_until <= start:
        problems.append(FieldProblem(VALID_UNTIL, "slips.until_before_from"))
    elif form.valid_until - start > MAX_VALID:
        problems.append(FieldProblem(VALID_UNTIL, "slips.until_too_far", days=MAX_VALID.days))
    if problems or where is None or what is None or who is None:
        raise SlipFormRefused(problems)
    return CleanSlip(where[0], where[1], what, who, start, form.valid_until)


def issue(
    conn: sqlite3.Connection,
    form: SlipForm,
    *,
    by: str,
    retention_years: int,
    now: datetime | None = None,
) -> Slip:
    """A slip for the unit's items, carried out by the carrier, valid from ``valid_from`` (now)
    until ``valid_until``: checked (``clean``), stored and audited in one transaction."""
    now = now or datetime.now()
    with transaction(conn):
        slip = clean(conn, form, now)
        slip_id = _next_id(conn)
        number = slip_number(slip_id)
        conn.execute(
            "INSERT INTO release_slip (id, slip_no, unit_id, items, carrier, valid_from, valid_until,"
            " issued_at, issued_by, status, keep_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)",
            (
                slip_id,
                number,
                slip.unit_id,
                slip.items,
                slip.carrier,
                stamp(slip.valid_from),
                stamp(slip.valid_until),
                stamp(now),
                by,
                keep_until(slip.valid_until.date(), retention_years).isoformat(),
            ),
        )
        audit.append(conn, AUDIT_ISSUE, number, slip.unit, actor=by, at=now)
        found = _find(conn, number)
    assert found is not None
    return found


# --- at the gate: a slip ---------------------------------------------------------------------


def _shift_id(conn: sqlite3.Connection, gate: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM shift WHERE gate_id = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1", (gate,)
    ).fetchone()
    return int(row[0]) if row else None


def _record(
    conn: sqlite3.Connection,
    *,
    how: ReleaseHow,
    reason: ReleaseReason,
    gate: str,
    guard: Guard | None,
    now: datetime,
    retention_years: int,
    slip: Slip | None = None,
    slip_no: str | None = None,
    unit_id: int | None = None,
    person_id: int | None = None,
    card: CardSeen | None = None,
    id_last4: str | None = None,
    items: str | None = None,
) -> int:
    """One row of the release register; the slip it names is kept at least as long as it is."""
    keep = keep_until(now.date(), retention_years).isoformat()
    if slip is not None:
        unit_id = conn.execute("SELECT unit_id FROM release_slip WHERE id = ?", (slip.slip_id,)).fetchone()[0]
        conn.execute(
            "UPDATE release_slip SET keep_until = max(keep_until, ?) WHERE id = ?", (keep, slip.slip_id)
        )
    cur = conn.execute(
        "INSERT INTO item_release (at, gate_id, guard_id, shift_id, how, released, reason, slip_id, slip_no,"
        " unit_id, person_id, card_id, event_id, id_last4, items, keep_until)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            stamp(now),
            gate,
            guard.id if guard else None,
            _shift_id(conn, gate),
            how.value,
            reason in RELEASED,
            reason.value,
            slip.slip_id if slip else None,
            slip_no,
            unit_id,
            person_id,
            card.card_id if card else None,
            card.event_id if card else None,
            id_last4,
            items,
            keep,
        ),
    )
    return int(cur.lastrowid or 0)


def present(
    conn: sqlite3.Connection,
    text: str,
    *,
    gate: str,
    guard: Guard | None,
    retention_years: int,
    now: datetime | None = None,
) -> Checked:
    """A number shown at the gate: what its slip allows now. A good slip is only looked at (the
    guard takes it in with ``collect``); one that allows nothing is registered and audited as
    refused, in one transaction, then ``SlipRefused`` says why."""
    now = now or datetime.now()
    number = normalise_number(text)  # a mistyped number is said, not registered
    with transaction(conn):
        checked = check(conn, number, now)
        if not checked.ok:
            _refused(conn, checked, gate=gate, guard=guard, retention_years=retention_years, now=now)
    if not checked.ok:
        raise checked.refusal()
    return checked


def _refused(
    conn: sqlite3.Connection,
    checked: Checked,
    *,
    gate: str,
    guard: Guard | None,
    retention_years: int,
    now: datetime,
) -> None:
    slip = checked.slip
    _record(
        conn,
        how=ReleaseHow.SLIP,
        reason=checked.reason,
        gate=gate,
        guard=guard,
        now=now,
        retention_years=retention_years,
        slip=slip,
        slip_no=checked.number,
        items=slip.items if slip else None,
    )
    audit.append(conn, AUDIT_REFUSE, checked.number, checked.reason.value, actor=actor_of(guard), at=now)


def collect(
    conn: sqlite3.Connection,
    text: str,
    *,
    gate: str,
    guard: Guard | None,
    retention_years: int,
    now: datetime | None = None,
) -> Slip:
    """The guard takes the slip in and lets its items out: checked again, marked collected at this
    gate by this guard in this shift, registered and audited, in one transaction. A slip that
    allows nothing now is registered as refused, then ``SlipRefused`` says why."""
    now = now or datetime.now()
    number = normalise_number(text)  # a mistyped number is said, not registered
    with transaction(conn):
        checked = check(conn, number, now)
        if not checked.ok:
            _refused(conn, checked, gate=gate, guard=guard, retention_years=retention_years, now=now)
        else:
            assert checked.slip is not None
            done = conn.execute(
                "UPDATE release_slip SET status = 'collected', collected_at = ?, collected_gate_id = ?,"
                " collected_guard_id = ?, collected_shift_id = ? WHERE id = ? AND status = 'open'",
                (stamp(now), gate, guard.id if guard else None, _shift_id(conn, gate), checked.slip.slip_id),
            ).rowcount
            assert done == 1  # in the same write transaction as the check
            _record(
                conn,
                how=ReleaseHow.SLIP,
                reason=checked.reason,
                gate=gate,
                guard=guard,
                now=now,
                retention_years=retention_years,
                slip=checked.slip,
                slip_no=number,
                items=checked.slip.items,
            )
            audit.append(conn, AUDIT_COLLECT, number, checked.slip.unit, actor=actor_of(guard), at=now)
        found = _find(conn, number)
    if not checked.ok or found is None:
        raise checked.refusal()
    return found


# --- at the gate: after office hours -------------------------------------------------------------


def item_rules(rules: RulesSettings) -> ItemRules:
    """The configured rule for items leaving (validated with the settings)."""
    r = rules
    return ItemRules.parse(r.office_hours, r.office_days, r.after_hours_items, r.after_hours_proof)


@dataclass(frozen=True, slots=True)
class CardSeen:
    """An owner card of the unit's people swiped at this gate just now (``CARD_WINDOW``)."""

    event_id: int
    card_id: int
    person_id: int
    name: str
    role: PersonRole
    status: CardStatus
    at: datetime


def card_seen(conn: sqlite3.Connection, gate: str, unit: str, now: datetime) -> CardSeen | None:
    """The newest owner card of ``unit``'s people swiped at ``gate`` in the last ``CARD_WINDOW``
    and not yet shown for a release (whatever the swipe decided: a lost card's alarm rang at the
    feed; here its status proves nothing)."""
    row = conn.execute(
        "SELECT e.id, c.id, p.id, p.name, p.role, c.status, e.at FROM access_event e"
        " JOIN card c ON c.id = e.card_id JOIN person p ON p.id = c.person_id JOIN unit u ON u.id = p.unit_id"
        " WHERE e.id > (SELECT coalesce(max(id), 0) FROM access_event) - ? AND e.gate_id = ? AND e.at >= ?"
        " AND u.code = ? AND c.kind = 'owner' AND NOT EXISTS (SELECT 1 FROM item_release r"
        " WHERE r.event_id = e.id AND r.released) ORDER BY e.id DESC LIMIT 1",
        (CARD_LOOKBACK, gate, stamp(now - CARD_WINDOW), unit),
    ).fetchone()
    if row is None:
        return None
    return CardSeen(
        int(row[0]),
        int(row[1]),
        int(row[2]),
        str(row[3]),
        PersonRole(row[4]),
        CardStatus(row[5]),
        datetime.fromisoformat(row[6]),
    )


@dataclass(frozen=True, slots=True)
class AfterHours:
    """An after-hours release, or its refusal, as registered."""

    release_id: int
    verdict: ReleaseVerdict
    unit: str
    name: str | None  # who it was decided for
    role: PersonRole | None
    card: CardSeen | None
    items: str

    @property
    def released(self) -> bool:
        return self.verdict.released

    def refusal(self) -> SlipRefused | None:
        if self.released:
            return None
        reopens = self.verdict.reopens
        return SlipRefused.of(
            self.verdict.reason,
            unit=self.unit,
            name=self.name or "-",
            reopens=f"{reopens:%Y-%m-%d %H:%M}" if reopens else "-",
        )


def release_after_hours(
    conn: sqlite3.Connection,
    *,
    unit: str,
    id_last4: str,
    items: str,
    rules: ItemRules,
    gate: str,
    guard: Guard | None,
    retention_years: int,
    now: datetime | None = None,
) -> AfterHours:
    """Items out without a slip while the service centre is closed: the unit, the last four of the
    ID shown ("" when none was), the owner card swiped at this gate just now, what is taken out.
    The fields are checked first (``SlipFormRefused``); then decided (``policy.items.after_hours``),
    registered and audited, released or refused, in one transaction."""
    now = now or datetime.now()
    with transaction(conn):
        problems: list[FieldProblem] = []
        where = _unit(conn, unit, problems)
        last4 = None
        if id_last4.strip():
            try:
                last4 = validate.id_last4(id_last4)
            except InvalidValue as exc:
                problems.append(FieldProblem(ID_LAST4, exc.key, **exc.params))
        what = _text(items, ITEMS, ITEMS_MAX, problems)
        if problems or where is None or what is None:
            raise SlipFormRefused(problems)
        unit_id, code = where
        seen = card_seen(conn, gate, code, now)
        names: dict[int, str] = {seen.person_id: seen.name} if seen else {}
        by_id = None
        if last4 is not None:
            rows = conn.execute(
                "SELECT id, name, role FROM person WHERE unit_id = ? AND id_last4 = ? ORDER BY id",
                (unit_id, last4),
            ).fetchall()
            by_id = tuple(Resident(int(r[0]), PersonRole(r[2])) for r in rows)
            names.update({int(r[0]): str(r[1]) for r in rows})
        card = (Resident(seen.person_id, seen.role), seen.status) if seen else None
        verdict = after_hours(AfterHoursFacts(card, by_id), rules, now)
        roles = {r.person_id: r.role for r in by_id or ()} | ({seen.person_id: seen.role} if seen else {})
        release_id = _record(
            conn,
            how=ReleaseHow.AFTER_HOURS,
            reason=verdict.reason,
            gate=gate,
            guard=guard,
            now=now,
            retention_years=retention_years,
            unit_id=unit_id,
            person_id=verdict.person_id,
            card=seen,
            id_last4=last4,
            items=what,
        )
        action = AUDIT_AFTER_HOURS if verdict.released else AUDIT_AFTER_HOURS_REFUSED
        audit.append(conn, action, code, verdict.reason.value, actor=actor_of(guard), at=now)
    pid = verdict.person_id
    return AfterHours(
        release_id,
        verdict,
        code,
        names.get(pid) if pid else None,
        roles.get(pid) if pid else None,
        seen,
        what,
    )


def office_note(rules: ItemRules, now: datetime) -> Said:
    """What the screen says of the service centre now: open until, or closed until it reopens."""
    office = rules.office
    if office.is_open(now):
        return Said("slips.office_open_now", until=f"{office.closes:%H:%M}")
    return Said("slips.office_closed_now", reopens=f"{office.reopens(now):%m-%d %H:%M}")


# --- the register, and the shift ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    release_id: int
    at: datetime
    gate: str
    how: ReleaseHow
    released: bool
    reason: ReleaseReason
    slip_no: str | None
    unit: str | None
    person: str | None
    items: str | None
    guard: str | None  # code


_RELEASE_SQL = """
SELECT r.id, r.at, r.gate_id, r.how, r.released, r.reason, r.slip_no, u.code, p.name, r.items, g.code
FROM item_release r LEFT JOIN unit u ON u.id = r.unit_id LEFT JOIN person p ON p.id = r.person_id
LEFT JOIN guard g ON g.id = r.guard_id
"""


def _release(r: Sequence[object]) -> ReleaseRow:
    return ReleaseRow(
        release_id=int(str(r[0])),
        at=datetime.fromisoformat(str(r[1])),
        gate=str(r[2]),
        how=ReleaseHow(str(r[3])),
        released=bool(r[4]),
        reason=ReleaseReason(str(r[5])),
        slip_no=r[6] if isinstance(r[6], str) else None,
        unit=r[7] if isinstance(r[7], str) else None,
        person=r[8] if isinstance(r[8], str) else None,
        items=r[9] if isinstance(r[9], str) else None,
        guard=r[10] if isinstance(r[10], str) else None,
    )


def releases(
    conn: sqlite3.Connection,
    *,
    gate: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 500,
) -> list[ReleaseRow]:
    """The release register from ``start`` up to (not including) ``end``, the oldest first."""
    sql, args = f"{_RELEASE_SQL} WHERE 1 = 1", []
    if gate is not None:
        sql += " AND r.gate_id = ?"
        args.append(gate)
    if start is not None:
        sql += " AND r.at >= ?"
        args.append(stamp(start))
    if end is not None:
        sql += " AND r.at < ?"
        args.append(stamp(end))
    sql += " ORDER BY r.at, r.id LIMIT ?"
    return [_release(r) for r in conn.execute(sql, (*args, limit))]


@dataclass(frozen=True, slots=True)
class CollectedSlip:
    number: str
    unit: str
    items: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AfterHoursRelease:
    at: datetime
    unit: str
    person: str | None
    items: str


@dataclass(frozen=True, slots=True)
class ReleaseRefusal:
    at: datetime
    how: ReleaseHow
    reason: ReleaseReason
    subject: str  # the slip number as shown, or the unit


@dataclass(frozen=True, slots=True)
class ShiftSlips:
    """Items leaving in a shift, for its report and the handover: the slips collected (all of
    which go to the squad leader), the owners' after-hours releases, and the refusals."""

    collected: tuple[CollectedSlip, ...]
    after_hours: tuple[AfterHoursRelease, ...]
    refused: tuple[ReleaseRefusal, ...]

    @property
    def collected_count(self) -> int:
        return len(self.collected)


def shift_summary(conn: sqlite3.Connection, gate: str, start: datetime, end: datetime) -> ShiftSlips:
    """What went out at ``gate`` from ``start`` up to ``end`` (a shift's times)."""
    collected, out, refused = [], [], []
    for r in releases(conn, gate=gate, start=start, end=end, limit=100_000):
        if r.released and r.how == ReleaseHow.SLIP:
            collected.append(CollectedSlip(r.slip_no or "-", r.unit or "-", r.items or "", r.at))
        elif r.released:
            out.append(AfterHoursRelease(r.at, r.unit or "-", r.person, r.items or ""))
        else:
            refused.append(ReleaseRefusal(r.at, r.how, r.reason, r.slip_no or r.unit or "-"))
    return ShiftSlips(tuple(collected), tuple(out), tuple(refused))


# --- keeping: the retention rule and its query ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Purgeable:
    """What the retention rule lets go now: slips and register rows past their ``keep_until``."""

    slips: tuple[int, ...]
    releases: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.slips) + len(self.releases)


def purgeable(conn: sqlite3.Connection, now: datetime) -> Purgeable:
    """Rows kept long enough: their last day to be kept is before today. A slip still named by a
    register row that is kept on stays too (``_record`` keeps them in step; this checks it)."""
    today = now.date().isoformat()
    gone = tuple(
        int(r[0]) for r in conn.execute("SELECT id FROM item_release WHERE keep_until < ?", (today,))
    )
    old = conn.execute(
        "SELECT s.id FROM release_slip s WHERE s.keep_until < ? AND NOT EXISTS (SELECT 1 FROM item_release r"
        " WHERE r.slip_id = s.id AND r.keep_until >= ?) ORDER BY s.id",
        (today, today),
    )
    return Purgeable(tuple(int(r[0]) for r in old), gone)


def purge(conn: sqlite3.Connection, now: datetime, *, by: str = "retention") -> Purgeable:
    """Remove what ``purgeable`` names, in one transaction with its audit entry (the entry says how
    many; the audit trail itself is kept)."""
    with transaction(conn):
        found = purgeable(conn, now)
        conn.executemany("DELETE FROM item_release WHERE id = ?", [(i,) for i in found.releases])
        conn.executemany("DELETE FROM release_slip WHERE id = ?", [(i,) for i in found.slips])
        if found.count:
            detail = f"slips={len(found.slips)} releases={len(found.releases)}"
            audit.append(conn, AUDIT_PURGE, "release_slip", detail, actor=by, at=now)
    return found


__all__ = [
    "AfterHours",
    "AfterHoursRelease",
    "CardSeen",
    "Checked",
    "CleanSlip",
    "CollectedSlip",
    "FieldProblem",
    "Purgeable",
    "ReleaseRefusal",
    "ReleaseRow",
    "ShiftSlips",
    "Slip",
    "SlipForm",
    "SlipFormRefused",
    "SlipRefused",
    "card_seen",
    "check",
    "clean",
    "collect",
    "describe",
    "get",
    "issue",
    "item_rules",
    "normalise_number",
    "office_note",
    "parse_until",
    "present",
    "purge",
    "purgeable",
    "release_after_hours",
    "releases",
    "shift_summary",
    "slip_id_of",
    "slip_number",
    "slips",
]
