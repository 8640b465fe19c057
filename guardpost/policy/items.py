"""Items leaving the compound (物品出区, DOMAIN.md "Items leaving the compound"): what a release slip
allows now, whether the service centre is open, who may take items out after office hours without
a slip, and how long the slips and the release register are kept.

Pure: the register (``guardpost.release_slips``), the screen and the CLI all decide with these
functions. The office hours, the office days and the after-hours rule are configuration
(``rules.office_hours``, ``rules.office_days``, ``rules.after_hours_items``,
``rules.after_hours_proof``), parsed here, so the settings check and the rule read them alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from guardpost.domain import CardStatus, PersonRole

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
_HOURS = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])")


class SlipStatus(StrEnum):
    OPEN = "open"  # issued, not yet shown at a gate
    COLLECTED = "collected"  # shown, checked and taken in by the guard: it never lets anything out again


class ReleaseHow(StrEnum):
    SLIP = "slip"
    AFTER_HOURS = "after_hours"  # the owner, on owner card and ID, while the service centre is closed


class WhoMay(StrEnum):
    """Who may take items out after office hours without a slip (``rules.after_hours_items``)."""

    OWNER = "owner"  # DOMAIN.md: the owner themselves
    OWNER_FAMILY = "owner_family"  # the owner and the family registered with them
    NOBODY = "nobody"  # a slip always, whatever the hour


class Proof(StrEnum):
    """What the owner shows after hours (``rules.after_hours_proof``)."""

    CARD_AND_ID = "card_and_id"  # DOMAIN.md: owner card and ID card (its last four typed)
    CARD_OR_ID = "card_or_id"  # either: a booth without a reader, or an owner without the card


class ReleaseReason(StrEnum):
    COLLECTED = "collected"  # a good slip, taken in: the items go out
    OWNER_AFTER_HOURS = "owner_after_hours"  # the owner after hours, on card and ID: logged as such
    UNKNOWN = "unknown"  # no slip has this number
    USED = "used"
    EXPIRED = "expired"
    NOT_YET = "not_yet"
    OFFICE_OPEN = "office_open"  # the service centre is open: it issues a slip
    NO_MATCH = "no_match"  # nobody of the unit has that ID on file
    MISMATCH = "mismatch"  # the card swiped and the ID shown are two different people
    CARD_NOT_VALID = "card_not_valid"  # the card swiped is lost, expired or blacklisted
    NEEDS_CARD = "needs_card"
    NEEDS_ID = "needs_id"
    NEEDS_PROOF = "needs_proof"  # neither a card nor an ID
    TENANT = "tenant"  # a tenant may not until the office reopens
    NOT_OWNER = "not_owner"  # family: only the owner themselves
    NOT_RESIDENT = "not_resident"  # company staff: a slip, as anyone else
    SLIP_ONLY = "slip_only"  # the compound lets nothing out without a slip


RELEASED = frozenset({ReleaseReason.COLLECTED, ReleaseReason.OWNER_AFTER_HOURS})
# Refusals that are told when the service centre opens again (it is the slip they need).
UNTIL_REOPENING = frozenset(
    {ReleaseReason.TENANT, ReleaseReason.NOT_OWNER, ReleaseReason.NOT_RESIDENT, ReleaseReason.SLIP_ONLY}
)


# --- the service centre's hours ------------------------------------------------------------------


def parse_hours(text: str) -> tuple[time, time]:
    """``"08:30-17:30"``: opening and closing time, the same day (ValueError otherwise)."""
    m = _HOURS.fullmatch(text.strip())
    if m is None:
        raise ValueError("format")
    opens, closes = time(int(m[1]), int(m[2])), time(int(m[3]), int(m[4]))
    if opens >= closes:
        raise ValueError("order")  # an office does not work through the night
    return opens, closes


def parse_days(text: str) -> frozenset[int]:
    """``"mon-sun"``, ``"mon-fri,sat"``, ``"sat-mon"`` (a range may wrap round the week): the
    weekdays (0 = Monday) the service centre works (ValueError otherwise)."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if len(ends) not in (1, 2) or any(e not in DAY_NAMES for e in ends):
            raise ValueError("format")
        first, last = DAY_NAMES.index(ends[0]), DAY_NAMES.index(ends[-1])
        days.update((first + i) % 7 for i in range((last - first) % 7 + 1))
    return frozenset(days)


@dataclass(frozen=True, slots=True)
class Office:
    """When the service centre (服务中心) works: from ``opens`` until ``closes`` on ``days``."""

    opens: time
    closes: time
    days: frozenset[int]

    @classmethod
    def parse(cls, hours: str, days: str) -> Office:
        opens, closes = parse_hours(hours)
        return cls(opens, closes, parse_days(days))

    def is_open(self, at: datetime) -> bool:
        """Open at ``at``: an office day, from the opening minute up to (not including) the closing one."""
        return at.weekday() in self.days and self.opens <= at.time() < self.closes

    def reopens(self, at: datetime) -> datetime:
        """The next opening after ``at`` (the service centre works at least one day a week)."""
        for ahead in range(8):
            day = at.date() + timedelta(days=ahead)
            opening = datetime.combine(day, self.opens)
            if day.weekday() in self.days and opening > at:
                return opening
        raise AssertionError("an office with no working day")  # parse_days never gives one


@dataclass(frozen=True, slots=True)
class ItemRules:
    """The configured rule for items leaving: the office, and who may go out without a slip after it."""

    office: Office
    who_may: WhoMay = WhoMay.OWNER
    proof: Proof = Proof.CARD_AND_ID

    @classmethod
    def parse(cls, hours: str, days: str, who_may: str = "owner", proof: str = "card_and_id") -> ItemRules:
        return cls(Office.parse(hours, days), WhoMay(who_may), Proof(proof))


# --- a release slip ----------------------------------------------------------------------------


def check_slip(
    status: SlipStatus | None, valid_from: datetime | None, valid_until: datetime | None, now: datetime
) -> ReleaseReason:
    """What a slip shown at the gate allows now: ``COLLECTED`` (take it in, let the items out) or
    why not. ``status`` None: no slip has the number. Valid from and until the minute it says."""
    if status is None or valid_from is None or valid_until is None:
        return ReleaseReason.UNKNOWN
    if status == SlipStatus.COLLECTED:
        return ReleaseReason.USED
    if now < valid_from:
        return ReleaseReason.NOT_YET
    if now > valid_until:
        return ReleaseReason.EXPIRED
    return ReleaseReason.COLLECTED


# --- after office hours ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resident:
    person_id: int
    role: PersonRole


@dataclass(frozen=True, slots=True)
class AfterHoursFacts:
    """Who the guard identified, all of the unit the items come from: the holder of the owner card
    swiped at this gate just now (and the card's status), and the people whose ID card ends in the
    four digits typed (None: no ID was typed)."""

    card: tuple[Resident, CardStatus] | None
    by_id: tuple[Resident, ...] | None


@dataclass(frozen=True, slots=True)
class ReleaseVerdict:
    reason: ReleaseReason
    person_id: int | None = None  # who it was decided for (None: nobody identified)
    reopens: datetime | None = None  # a refusal until the service centre opens again: when it does

    @property
    def released(self) -> bool:
        return self.reason in RELEASED


def after_hours(facts: AfterHoursFacts, rules: ItemRules, now: datetime) -> ReleaseVerdict:
    """Items out without a slip (DOMAIN.md): only while the service centre is closed; the owner
    shows the owner card and the ID card (``rules.proof``); a tenant may not until the office
    reopens, nor family unless the compound allows it (``rules.who_may``). Checked in the order
    the guard meets them: the office, who the person is, what they may, what they showed."""
    if rules.office.is_open(now):
        return ReleaseVerdict(ReleaseReason.OFFICE_OPEN)
    holder = facts.card[0] if facts.card is not None else None
    if facts.by_id is not None and not facts.by_id:
        return ReleaseVerdict(ReleaseReason.NO_MATCH)
    if holder is not None and facts.by_id is not None and holder not in facts.by_id:
        return ReleaseVerdict(ReleaseReason.MISMATCH, holder.person_id)
    person = holder or _likeliest(facts.by_id or ())
    if person is None:
        need = ReleaseReason.NEEDS_CARD if rules.proof == Proof.CARD_AND_ID else ReleaseReason.NEEDS_PROOF
        return ReleaseVerdict(need)
    refusal = _role_refusal(person.role, rules.who_may)
    if refusal is not None:
        return ReleaseVerdict(refusal, person.person_id, rules.office.reopens(now))
    if facts.card is not None and facts.card[1] != CardStatus.ACTIVE:
        return ReleaseVerdict(ReleaseReason.CARD_NOT_VALID, person.person_id)
    if rules.proof == Proof.CARD_AND_ID:
        if facts.card is None:
            return ReleaseVerdict(ReleaseReason.NEEDS_CARD, person.person_id)
        if facts.by_id is None:
            return ReleaseVerdict(ReleaseReason.NEEDS_ID, person.person_id)
    return ReleaseVerdict(ReleaseReason.OWNER_AFTER_HOURS, person.person_id)


def _likeliest(people: tuple[Resident, ...]) -> Resident | None:
    """Of the unit's people with the same last four (rare), the owner if one is."""
    return next((p for p in people if p.role == PersonRole.OWNER), people[0] if people else None)


def _role_refusal(role: PersonRole, who_may: WhoMay) -> ReleaseReason | None:
    if who_may == WhoMay.NOBODY:
        return ReleaseReason.SLIP_ONLY
    if role == PersonRole.OWNER:
        return None
    if role == PersonRole.FAMILY:
        return None if who_may == WhoMay.OWNER_FAMILY else ReleaseReason.NOT_OWNER
    if role == PersonRole.TENANT:
        return ReleaseReason.TENANT
    return ReleaseReason.NOT_RESIDENT


# --- keeping the slips and the register --------------------------------------------------------


def keep_until(moment: date, years: int) -> date:
    """The last day a record of ``moment`` is kept: ``years`` full years on (a 29 February is kept
    to 1 March, never a day short). From the day after, the retention job may remove it."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February, into a year without one
        return date(moment.year + years, 3, 1)


def purgeable(kept_until: date, today: date) -> bool:
    return today > kept_until


__all__ = [
    "DAY_NAMES",
    "RELEASED",
    "UNTIL_REOPENING",
    "AfterHoursFacts",
    "ItemRules",
    "Office",
    "Proof",
    "ReleaseHow",
    "ReleaseReason",
    "ReleaseVerdict",
    "Resident",
    "SlipStatus",
    "WhoMay",
    "after_hours",
    "check_slip",
    "keep_until",
    "parse_days",
    "parse_hours",
    "purgeable",
]
