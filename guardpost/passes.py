"""Visitor passes any gate checks offline: a pass number a guard can type, and a signed token in a QR.

The token is ``GP1`` and five fields joined by ``.``, every character in the QR code's alphanumeric
set (digits, upper-case letters, ``-`` and ``.``), so a cheap scanner reads it in a small code::

    GP1.<visit id, base 36>.<category code>.<host unit or ->.<valid from>.<valid until>.<mac>

Times are minutes since 2020-01-01 in base 36; ``mac`` is the first 80 bits of HMAC-SHA256 over
everything before it, keyed with the compound's pass secret (``secrets.py``), in base 32 without
padding. A gate holding the secret verifies the token without asking anyone; whether the pass was
revoked or is already inside is the visit register's part (``visits.use_pass``).

The pass number is the visit id, zero-padded to seven digits, with a Luhn check digit
(``stdnum.luhn``), so one mistyped digit is caught before the register is asked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from guardpost import exits
from guardpost.domain import VisitCategory
from guardpost.errors import GuardpostError

PREFIX = "GP1"
MAC_BYTES = 10
EPOCH = datetime(2020, 1, 1)
MAX_TOKEN = 100

# One letter per category in the token; the order is fixed forever (tokens in pockets use it).
CATEGORY_CODE: dict[VisitCategory, str] = {
    VisitCategory.RELATIVE: "R",
    VisitCategory.COURIER: "C",
    VisitCategory.FOOD_DELIVERY: "F",
    VisitCategory.WORKER: "W",
    VisitCategory.MOVING: "M",
    VisitCategory.SALESPERSON: "S",
    VisitCategory.STAFF: "E",
    VisitCategory.OFFICIAL: "O",
    VisitCategory.TOUR: "T",
}
CODE_CATEGORY = {code: category for category, code in CATEGORY_CODE.items()}

_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TOKEN = re.compile(
    r"GP1\.([0-9A-Z]{1,10})\.([A-Z])\.([0-9A-Z-]{1,16})\.([0-9A-Z]{1,8})\.([0-9A-Z]{1,8})\.([A-Z2-7]{16})"
)
_PASS_NO = re.compile(r"\d{2,8}")  # read out without its leading zeros too


class PassRefused(GuardpostError):
    """The token or number is not a good pass; ``key`` names the reason in the catalogue (``pass.*``).
    On the command line: exit 1, as a refused card."""

    exit_code = exits.DENY

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key, None, **params)


@dataclass(frozen=True, slots=True)
class PassClaim:
    """What a verified token says."""

    visit_id: int
    category: VisitCategory
    unit: str | None
    valid_from: datetime
    valid_until: datetime


def _b36(n: int) -> str:
    if n < 0:
        raise ValueError(n)
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _B36[r] + out
        if n == 0:
            return out


def _minutes(at: datetime) -> int:
    return max(0, int((at - EPOCH).total_seconds() // 60))


def _mac(secret: bytes, body: str) -> str:
    digest = hmac.new(secret, body.encode("ascii"), hashlib.sha256).digest()[:MAC_BYTES]
    return base64.b32encode(digest).decode("ascii").rstrip("=")


def sign(secret: bytes, claim: PassClaim) -> str:
    """The token for ``claim`` (at most ``MAX_TOKEN`` characters, QR alphanumeric)."""
    unit = claim.unit or "-"
    if not re.fullmatch(r"[0-9A-Z-]{1,16}", unit):
        raise ValueError(f"unit {unit!r} cannot go into a pass")
    body = ".".join(
        (
            PREFIX,
            _b36(claim.visit_id),
            CATEGORY_CODE[claim.category],
            unit,
            _b36(_minutes(claim.valid_from)),
            _b36(_minutes(claim.valid_until)),
        )
    )
    token = f"{body}.{_mac(secret, body)}"
    assert len(token) <= MAX_TOKEN
    return token


def looks_like_token(text: str) -> bool:
    """Whether a scanned burst is meant as a pass (``GP1.``), not a card number."""
    return text.strip().upper().startswith(PREFIX + ".")


def verify(secret: bytes, token: str, now: datetime, *, check_time: bool = True) -> PassClaim:
    """The claim of a genuine token valid at ``now``; ``PassRefused`` otherwise (never anything else,
    whatever the text: a scanner can type anything). ``check_time=False`` checks only that the token
    is genuine (a visitor leaving on a pass that ran out while inside; a revocation)."""
    text = token.strip().upper()
    if len(text) > MAX_TOKEN:
        raise PassRefused("pass.malformed")
    match = _TOKEN.fullmatch(text)
    if match is None:
        raise PassRefused("pass.malformed")
    body, mac = text.rsplit(".", 1)
    if not hmac.compare_digest(_mac(secret, body), mac):
        raise PassRefused("pass.forged")
    visit, code, unit, start, end = match.groups()[:5]
    if code not in CODE_CATEGORY:
        raise PassRefused("pass.malformed")
    valid_from = EPOCH + timedelta(minutes=int(start, 36))
    valid_until = EPOCH + timedelta(minutes=int(end, 36))
    if check_time and now < valid_from:
        raise PassRefused("pass.not_yet", start=f"{valid_from:%Y-%m-%d %H:%M}")
    if check_time and now > valid_until:
        raise PassRefused("pass.expired", end=f"{valid_until:%Y-%m-%d %H:%M}")
    return PassClaim(
        visit_id=int(visit, 36),
        category=CODE_CATEGORY[code],
        unit=None if unit == "-" else unit,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def pass_number(visit_id: int) -> str:
    """Seven digits of the visit id and a Luhn check digit: what the guard types without a scanner."""
    from stdnum import luhn  # loaded with the first pass, not at the booth's start

    digits = f"{visit_id:07d}"
    return digits + luhn.calc_check_digit(digits)


def visit_of_number(text: str) -> int:
    """The visit id a typed pass number names; ``PassRefused`` for a typo (the check digit)."""
    digits = text.strip().translate({code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)})
    if not _PASS_NO.fullmatch(digits):
        raise PassRefused("pass.bad_number")
    digits = digits.zfill(8)
    from stdnum import luhn
    from stdnum.exceptions import ValidationError

    try:
        luhn.validate(digits)
    except ValidationError:
        raise PassRefused("pass.bad_check_digit") from None
    return int(digits[:-1])
