"""May this renovation worker come in now: the renovation row of DOMAIN.md "Who may come in, and how".

A renovation worker (装修工人) needs an entry pass (出入证, with photo and expiry) tied to a unit
with a registered renovation permit. Pure: ``guardpost.renovation`` reads the pass and its permit,
``check_pass`` says whether the pass itself is good now, and ``decide_worker`` adds what every
caller goes through (the block list, the thermometer, what they carry, the lockdown level), in one
place: ``policy.visits.decide_visit``, with the permit standing as the owner's consent.

What a worker with a good pass gets in each lockdown level (``decide_worker``; tested in
``tests/test_renovation.py``):

- normal: admitted;
- restricted: admitted once a temperature is taken (none: ``needs_temperature``; a fever: refused
  and an alarm), the permit being the owner's explicit consent registered ahead;
- closed: refused (``lockdown_closed``): only registered *service* workers pass
  (``policy.visits.PASS_WHEN_CLOSED``: public service and the compound's staff), and renovation
  is not a service the closed level keeps running; at a shut gate ``gate_shut`` as for everyone.

Restricted materials (露天太阳能、雨棚、大型槽钢，易燃易爆物品禁止进入园区) are recorded against
the permit whatever comes of the entry; they stay outside. Flammables are dangerous goods as well
(来访者及施工人员携带易燃、易爆、剧毒等危险物品 ... 拒绝): seen, the worker is refused with them,
as the visit register refuses any caller carrying them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from guardpost.domain import ConsentOutcome, LockdownLevel, VisitCategory
from guardpost.policy.visits import VisitFacts, VisitVerdict, decide_visit


class Material(StrEnum):
    """The restricted materials a guard looks for (in the order the screen's digit keys toggle)."""

    SOLAR_PANELS = "solar_panels"  # 太阳能板
    RAIN_SHED = "rain_shed"  # 雨棚
    LARGE_STEEL = "large_steel"  # 大型钢材（槽钢）
    FLAMMABLES = "flammables"  # 易燃物品


MATERIALS: tuple[Material, ...] = tuple(Material)
DANGEROUS = frozenset({Material.FLAMMABLES})  # carried in: the worker is refused (dangerous goods)


class PassReason(StrEnum):
    """What the pass itself says, in the order a guard checks it."""

    VALID = "valid"
    UNKNOWN_PASS = "unknown_pass"  # no such pass number
    PERMIT_REVOKED = "permit_revoked"  # the property office took the permit back
    NO_PERMIT = "no_permit"  # the unit has no permit in force (not begun yet, or ended)
    PASS_EXPIRED = "pass_expired"
    NOT_WORKING_DAY = "not_working_day"
    OUTSIDE_HOURS = "outside_hours"


@dataclass(frozen=True, slots=True)
class PermitFacts:
    starts_on: date
    ends_on: date
    work_from: time
    work_until: time
    work_days: frozenset[int]  # ISO weekdays: Monday 1 ... Sunday 7
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class WorkerVerdict:
    """The pass's answer, and when the pass was good, the visit rules' (None otherwise)."""

    pass_reason: PassReason
    visit: VisitVerdict | None = None

    @property
    def admits(self) -> bool:
        return self.pass_reason == PassReason.VALID and self.visit is not None and self.visit.admits

    @property
    def reason(self) -> str:
        """One word for the register: the pass's reason, or the visit rules' when the pass was good."""
        return self.visit.reason.value if self.visit is not None else self.pass_reason.value


def check_permit(permit: PermitFacts | None, now: datetime) -> PassReason:
    """Whether a permit lets work be done at ``now``: in force today, a working day, working hours
    (from inclusive, until exclusive)."""
    if permit is None:
        return PassReason.NO_PERMIT
    if permit.revoked:
        return PassReason.PERMIT_REVOKED
    if not permit.starts_on <= now.date() <= permit.ends_on:
        return PassReason.NO_PERMIT
    if now.isoweekday() not in permit.work_days:
        return PassReason.NOT_WORKING_DAY
    if not permit.work_from <= now.time() < permit.work_until:
        return PassReason.OUTSIDE_HOURS
    return PassReason.VALID


def check_pass(valid_until: date | None, permit: PermitFacts | None, now: datetime) -> PassReason:
    """A pass (``valid_until`` None: no such pass) at ``now``: the permit first (revoked, not in
    force), then the pass's own expiry (the whole day it names), then the day and the hours."""
    if valid_until is None:
        return PassReason.UNKNOWN_PASS
    reason = check_permit(permit, now)
    if reason in (PassReason.PERMIT_REVOKED, PassReason.NO_PERMIT):
        return reason
    if now.date() > valid_until:
        return PassReason.PASS_EXPIRED
    return reason


def decide_worker(
    pass_reason: PassReason,
    *,
    level: LockdownLevel,
    shut: bool = False,
    celsius: float | None = None,
    fever_threshold_c: float = 37.3,
    blocked: bool = False,
    materials: Iterable[Material] = (),
) -> WorkerVerdict:
    """The decision for a worker at the gate: a pass that is not good refuses on its own; a good
    one is a caller whose host agreed ahead (the permit), decided as every caller is."""
    if pass_reason != PassReason.VALID:
        return WorkerVerdict(pass_reason)
    facts = VisitFacts(
        category=VisitCategory.WORKER,
        level=level,
        consent=ConsentOutcome.GIVEN,
        celsius=celsius,
        fever_threshold_c=fever_threshold_c,
        dangerous_goods=bool(DANGEROUS & set(materials)),
        blocked=blocked,
        shut=shut,
    )
    return WorkerVerdict(pass_reason, decide_visit(facts))


def parse_days(text: str) -> frozenset[int]:
    """Working days as typed: ``1-6`` (Monday to Saturday), ``1,3,5``, ``123456``, ``7`` (Sunday);
    ValueError when it is none of these."""
    s = text.replace(" ", "").replace("，", ",").replace("～", "-").replace("~", "-")
    if not s:
        raise ValueError(text)
    days: set[int] = set()
    for part in s.split(","):
        if "-" in part:
            first, _, last = part.partition("-")
            if not (first.isdigit() and last.isdigit() and len(first) == len(last) == 1):
                raise ValueError(text)
            a, b = int(first), int(last)
            if not 1 <= a <= b <= 7:
                raise ValueError(text)
            days.update(range(a, b + 1))
        elif part.isdigit() and all("1" <= ch <= "7" for ch in part):
            days.update(int(ch) for ch in part)
        else:
            raise ValueError(text)
    return frozenset(days)


def days_text(days: frozenset[int]) -> str:
    """The stored form: the weekday digits in order (``123456``)."""
    return "".join(str(d) for d in sorted(days))


def parse_hours(text: str) -> tuple[time, time]:
    """Daily working hours ``08:00-18:00`` (or ``8:00～18:00``, ``0800-1800``); ValueError when it
    is not two times with the start before the end (no night work)."""
    s = text.replace(" ", "").replace("～", "-").replace("~", "-").replace("：", ":").replace("—", "-")
    first, sep, last = s.partition("-")
    if not sep:
        raise ValueError(text)
    start, end = _clock(first), _clock(last)
    if not start < end:
        raise ValueError(text)
    return start, end


def _clock(text: str) -> time:
    if ":" in text:
        hh, _, mm = text.partition(":")
    elif len(text) in (3, 4) and text.isdigit():
        hh, mm = text[:-2], text[-2:]
    else:
        hh, mm = text, "00"
    if not (hh.isdigit() and mm.isdigit() and len(mm) == 2 and len(hh) <= 2):
        raise ValueError(text)
    hour, minute = int(hh), int(mm)
    if hour == 24 and minute == 0:
        return time(23, 59)
    return time(hour, minute)  # ValueError past 23:59
