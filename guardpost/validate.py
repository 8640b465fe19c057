"""Validators for what guards type and what CSV imports contain.

Each validator takes the raw text, normalises it (strips it, folds full-width digits and letters to
half-width, upper-cases where that is harmless, drops spaces and dashes where they carry no meaning)
and returns the clean value, or raises :class:`Invalid` carrying a catalogue key (``validate.*``)
and the parameters that say exactly what is wrong.

Pure standard library; no Textual.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from guardpost.errors import InvalidValue
from guardpost.text import first_unsafe

__all__ = [
    "Invalid",
    "id_card",
    "id_check_char",
    "id_last4",
    "last4_of_id_card",
    "mobile",
    "person_name",
    "plate",
    "temperature",
    "unit_code",
    "unit_prefix",
]


class Invalid(InvalidValue):
    """The text is not a valid value; ``key`` names the reason in the catalogue (``validate.*``)."""


# --- normalisation helpers ----------------------------------------------------------------------

# Full-width ASCII (U+FF01..U+FF5E) to half-width, the ideographic space and no-break space to a space.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH[0x3000] = 0x20
_HALF_WIDTH[0x00A0] = 0x20
# Every dash a keyboard or an input method produces, folded to "-" (after the full-width fold).
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u30fc"
_DASH_FOLD = {ord(ch): "-" for ch in _DASHES}
# What str.isspace() calls whitespace (a test checks the list), and the BOM and zero-width characters.
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_EDGE_CHARS = _WHITESPACE + "\ufeff\u200b\u200c\u200d\u2060"
_DIGITS = frozenset("0123456789")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _clean(text: str) -> str:
    """Full-width to half-width, dashes folded, surrounding blanks (and BOM / zero-width) removed."""
    return text.translate(_HALF_WIDTH).translate(_DASH_FOLD).strip(_EDGE_CHARS)


def _is_digits(text: str) -> bool:
    """Non-empty and ASCII digits only (``str.isdigit`` accepts ² and ٣)."""
    return bool(text) and all(ch in _DIGITS for ch in text)


def _first_non_digit(text: str) -> str:
    return next(ch for ch in text if ch not in _DIGITS)


def _show(ch: str) -> str:
    """A character as a guard can read it in a message: invisible ones become U+XXXX."""
    if ch.isprintable() and not ch.isspace():
        return ch
    return f"U+{ord(ch):04X}"


# --- mobile -------------------------------------------------------------------------------------

_MOBILE_SEPARATORS = re.compile(r"[\s\-().]")


def mobile(text: str) -> str:
    """A Chinese mainland mobile number as its bare 11 digits (``1[3-9]`` + 9 digits).

    Accepts a leading ``+86``, ``0086`` or ``86``, spaces, dashes, brackets and full-width digits.
    """
    s = _MOBILE_SEPARATORS.sub("", _clean(text))
    if not s:
        raise Invalid("validate.mobile.empty")
    if s.startswith("+"):
        rest = s[1:]
        if not _is_digits(rest):
            raise Invalid("validate.mobile.not_digits", char=_show(_first_non_digit(rest) if rest else "+"))
        if not rest.startswith("86"):
            raise Invalid("validate.mobile.foreign")
        s = rest[2:]
    elif s.startswith("00") and _is_digits(s):
        if not s.startswith("0086"):
            raise Invalid("validate.mobile.foreign")
        s = s[4:]
    elif s.startswith("86") and len(s) > 11:
        s = s[2:]
    if s and not _is_digits(s):
        raise Invalid("validate.mobile.not_digits", char=_show(_first_non_digit(s)))
    if s.startswith("0"):
        raise Invalid("validate.mobile.landline")
    if len(s) != 11:
        raise Invalid("validate.mobile.length", count=len(s))
    if s[0] != "1" or s[1] not in "3456789":
        raise Invalid("validate.mobile.prefix", prefix=s[:2])
    return s


# --- licence plates -----------------------------------------------------------------------------

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_SPECIAL = "挂学警港澳"
# Traditional forms guards may type (the closed-management plans mix both scripts).
_TRADITIONAL = str.maketrans("滬雲遼魯蘇贛晉陝閩貴粵寧瓊掛學", "沪云辽鲁苏赣晋陕闽贵粤宁琼挂学")
_PLATE_SEPARATORS = re.compile(r"[\s\-·•・‧∙⋅.．_]")
_PLATE_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")  # no I, no O
_NEV_SMALL_FIRST = frozenset("DABCEFGHJK")
_NEV_SMALL_SECOND = _PLATE_LETTERS | _DIGITS
_NEV_LARGE_LAST = frozenset("DF")


def plate(text: str) -> str:
    """A Chinese licence plate, upper-case without separators: ``粤B12345``, ``粤BD12345``.

    Ordinary plates: province + authority letter + 5 characters (digits or letters except I and O;
    the last may be 挂/学/警/港/澳). New-energy plates: 6 characters after the letter, small cars
    D/F (or A-K except I) + a digit or letter + 4 digits, large vehicles 5 digits + D or F.
    """
    s = _PLATE_SEPARATORS.sub("", _clean(text).upper().translate(_TRADITIONAL))
    if not s:
        raise Invalid("validate.plate.empty")
    if s[0] not in PROVINCES:
        raise Invalid("validate.plate.province", char=_show(s[0]))
    if len(s) < 2:
        raise Invalid("validate.plate.length", count=0)
    letter = s[1]
    if letter in "IO":
        raise Invalid("validate.plate.letter_io", char=letter)
    if letter not in _UPPER:
        raise Invalid("validate.plate.authority", char=_show(letter))
    body = s[2:]
    for i, ch in enumerate(body):
        if ch in "IO":
            raise Invalid("validate.plate.letter_io", char=ch)
        if ch in _PLATE_SPECIAL:
            if i != len(body) - 1:
                raise Invalid("validate.plate.special_position", char=ch)
        elif ch not in _DIGITS and ch not in _UPPER:
            raise Invalid("validate.plate.bad_char", char=_show(ch))
    if len(body) == 5:
        return s
    if len(body) == 6:
        small = body[0] in _NEV_SMALL_FIRST and body[1] in _NEV_SMALL_SECOND and _is_digits(body[2:])
        large = _is_digits(body[:5]) and body[5] in _NEV_LARGE_LAST
        if small or large:
            return s
        raise Invalid("validate.plate.new_energy", body=body)
    raise Invalid("validate.plate.length", count=len(body))


# --- resident ID cards --------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SEPARATORS = re.compile(r"[\s\-]")


def id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of a resident ID."""
    if len(first17) != 17 or not _is_digits(first17):
        raise ValueError("need exactly 17 ASCII digits")
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_card(text: str, *, today: date | None = None) -> str:
    """An 18-character PRC resident ID, upper-case, with its checksum and birth date checked.

    ``today`` (default: the real date) is the day after which a birth date counts as in the future.
    """
    s = _ID_SEPARATORS.sub("", _clean(text)).upper()
    if not s:
        raise Invalid("validate.id_card.empty")
    if len(s) == 15 and _is_digits(s):
        raise Invalid("validate.id_card.old_15")
    if len(s) != 18:
        raise Invalid("validate.id_card.length", count=len(s))
    for pos, ch in enumerate(s[:17], start=1):
        if ch not in _DIGITS:
            raise Invalid("validate.id_card.not_digits", pos=pos, char=_show(ch))
    if s[17] not in _DIGITS and s[17] != "X":
        raise Invalid("validate.id_card.last_char", char=_show(s[17]))
    if s[0] not in "12345678":
        raise Invalid("validate.id_card.region", digit=s[0])
    raw = s[6:14]
    shown = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    try:
        born = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise Invalid("validate.id_card.birth_date", date=shown) from None
    if born.year < 1900:
        raise Invalid("validate.id_card.birth_year", year=born.year)
    if born > (today or date.today()):
        raise Invalid("validate.id_card.birth_future", date=shown)
    if id_check_char(s[:17]) != s[17]:
        raise Invalid("validate.id_card.checksum")
    return s


def id_last4(text: str) -> str:
    """The last four characters of a resident ID: 3 digits then a digit or X (upper-case)."""
    s = _ID_SEPARATORS.sub("", _clean(text)).upper()
    if not s:
        raise Invalid("validate.id_last4.empty")
    if len(s) != 4:
        raise Invalid("validate.id_last4.length", count=len(s))
    if not _is_digits(s[:3]) or (s[3] not in _DIGITS and s[3] != "X"):
        raise Invalid("validate.id_last4.format", value="".join(_show(ch) for ch in s))
    return s


def last4_of_id_card(text: str) -> str:
    """Validate a full resident ID and keep only its last four characters (all the app stores)."""
    return id_card(text)[-4:]


# --- body temperature ---------------------------------------------------------------------------

_CELSIUS_SUFFIXES = ("摄氏度", "°C", "ºC", "℃", "度", "C", "°")
_FAHRENHEIT_SUFFIXES = ("华氏度", "°F", "ºF", "℉", "F")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?")
_LOWEST = Decimal("33.95")  # rounds to 34.0
_HIGHEST = Decimal("43.05")  # rounds to 43.1, so excluded
_TENTH = Decimal("0.1")


def temperature(text: str) -> float:
    """A body temperature in °C, rounded (half up) to 0.1, between 34.0 and 43.0.

    Accepts ``37.3``, ``37,3``, ``37.3℃``, ``37.3°C``, ``37.3度``, full-width digits; a reading
    suffixed ``°F`` / ``F`` / ``℉`` is taken as Fahrenheit and converted.
    """
    s = re.sub(r"\s", "", _clean(text)).upper().replace(",", ".").replace("。", ".")
    if not s:
        raise Invalid("validate.temperature.empty")
    fahrenheit = False
    for suffix in _FAHRENHEIT_SUFFIXES:
        if s.endswith(suffix):
            s, fahrenheit = s[: -len(suffix)], True
            break
    else:
        for suffix in _CELSIUS_SUFFIXES:
            if s.endswith(suffix):
                s = s[: -len(suffix)]
                break
    if not _NUMBER.fullmatch(s):
        raise Invalid("validate.temperature.not_number", value=_clean(text))
    reading = Decimal(s)
    celsius = (reading - 32) * 5 / 9 if fahrenheit else reading
    shown = f"{s} °F" if fahrenheit else f"{s} °C"
    if celsius < _LOWEST:
        raise Invalid("validate.temperature.too_low", reading=shown)
    if celsius >= _HIGHEST:
        raise Invalid("validate.temperature.too_high", reading=shown)
    return float(celsius.quantize(_TENTH, rounding=ROUND_HALF_UP))


# --- units (楼栋-单元-房号) ----------------------------------------------------------------------

_UNIT_MARKERS = re.compile(r"号楼|单元|栋|幢|座|楼|号|#|室|房|/")


def unit_code(text: str) -> str:
    """A unit as canonical ``B-E-R``: building and entrance 1-99, room = floor (1-60) + 01-20.

    Accepts ``3-2-1201``, ``3栋2单元1201``, ``3号楼2单元1201室``, ``3#2-1201``, ``3 2 1201``,
    full-width dashes and spaces. Leading zeros are dropped: ``03-02-0101`` becomes ``3-2-101``.
    """
    shown = _clean(text)
    parts = _unit_parts(shown)
    if not parts:
        raise Invalid("validate.unit.empty")
    if len(parts) != 3:
        raise Invalid("validate.unit.format", value=shown)
    building, entrance, room = parts
    if not _is_digits(building) or not 1 <= _small_int(building) <= 99:
        raise Invalid("validate.unit.building", value=building)
    if not _is_digits(entrance) or not 1 <= _small_int(entrance) <= 99:
        raise Invalid("validate.unit.entrance", value=entrance)
    if not _is_digits(room) or not 3 <= len(room) <= 4:
        raise Invalid("validate.unit.room", value=room)
    floor, number = int(room[:-2]), int(room[-2:])
    if not 1 <= floor <= 60:
        raise Invalid("validate.unit.floor", room=room, floor=floor)
    if not 1 <= number <= 20:
        raise Invalid("validate.unit.room_number", room=room, number=room[-2:])
    return f"{_small_int(building)}-{_small_int(entrance)}-{floor}{number:02d}"


def _unit_parts(cleaned: str) -> list[str]:
    """``3栋2单元1201`` / ``3 2 1201`` / ``3--2-1201`` -> ``["3", "2", "1201"]`` (spaces and markers
    separate the parts; each pattern matches in one pass)."""
    s = _UNIT_MARKERS.sub("-", re.sub(r"\s+", "-", cleaned))
    return [part for part in s.split("-") if part]


def unit_prefix(text: str) -> str:
    """The start of a unit, canonical: ``3栋2单元`` or ``3-2`` -> ``3-2``, ``3栋`` -> ``3`` (searches)."""
    parts = _unit_parts(_clean(text))
    if not 1 <= len(parts) <= 2 or not all(_is_digits(p) and 1 <= _small_int(p) <= 99 for p in parts):
        raise Invalid("validate.unit.format", value=_clean(text))
    return "-".join(str(_small_int(p)) for p in parts)


def _small_int(digits: str) -> int:
    """The value of an ASCII digit string, or 1000 for anything with more than three significant digits."""
    significant = digits.lstrip("0")
    if len(significant) > 3:
        return 1000
    return int(significant) if significant else 0


# --- person names -------------------------------------------------------------------------------

_NAME_DOTS = re.compile(r" ?[·•・‧∙⋅･] ?")
_NAME_SPACES = re.compile(r"\s+")
_NAME_PUNCTUATION = frozenset(" ·'-.")
NAME_MAX = 30


def person_name(text: str) -> str:
    """A person's name, 1-30 characters: Han or Latin (or other) letters, spaces, ``·``, ``'``, ``-``, ``.``.

    Runs of spaces collapse to one, every middle-dot variant becomes ``·`` without spaces around it.
    Digits (Unicode Nd/No) and control characters are refused; 〇 and Roman numerals count as letters.
    """
    unsafe = first_unsafe(text.strip(_EDGE_CHARS))
    if unsafe is not None:  # a tab, an escape, a bidi override: never part of a name
        raise Invalid("validate.name.control", code=unsafe[1])
    # spaces first: each pattern then matches in one pass (a long run of blanks stays linear)
    s = _NAME_DOTS.sub("·", _NAME_SPACES.sub(" ", _clean(text)))
    if not s:
        raise Invalid("validate.name.empty")
    if len(s) > NAME_MAX:
        raise Invalid("validate.name.too_long", count=len(s), limit=NAME_MAX)
    for ch in s:
        category = unicodedata.category(ch)
        if category in ("Nd", "No"):
            raise Invalid("validate.name.digit", char=ch)
        if category.startswith("C") or category in ("Zl", "Zp"):
            raise Invalid("validate.name.control", code=f"U+{ord(ch):04X}")
        if not category.startswith(("L", "M", "N")) and ch not in _NAME_PUNCTUATION:
            raise Invalid("validate.name.bad_char", char=_show(ch))
    for ch in (s[0], s[-1]):
        if not unicodedata.category(ch).startswith(("L", "Nl")):
            raise Invalid("validate.name.edge", char=_show(ch))
    return s
