"""Validators for what guards type and what CSV imports contain.

Each validator takes the raw text, normalises it (strips it, folds full-width digits and letters to
half-width, upper-cases where that is harmless, drops spaces and dashes where they carry no meaning)
and returns the clean value, or raises :class:`Invalid` carrying a catalogue key (``validate.*``)
and the parameters that say exactly what is wrong.

Phone numbers through ``phonenumbers`` (libphonenumber's allocation tables), ID check digits
through ``python-stdnum`` (ISO 7064 MOD 11-2); plates (GA 36) and units are rules of their own, no
library covers them. No Textual.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from guardpost.errors import InvalidValue
from guardpost.text import first_unsafe

if TYPE_CHECKING:
    import phonenumbers

__all__ = [
    "Invalid",
    "id_card",
    "id_check_char",
    "id_last4",
    "last4_of_id_card",
    "mobile",
    "phone",
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


def normalise(text: str) -> str:
    """What a person typed, as the validators read it: half-width, dashes folded, no edge blanks."""
    return _clean(text)


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


# --- phone numbers (libphonenumber's allocation tables, through ``phonenumbers``) ---------------

_MOBILE_SEPARATORS = re.compile(r"[\s\-().]")


def _phone_digits(text: str, empty_key: str) -> str:
    s = _MOBILE_SEPARATORS.sub("", _clean(text))
    if not s:
        raise Invalid(empty_key)
    rest = s[1:] if s.startswith("+") else s
    if not _is_digits(rest):
        raise Invalid("validate.mobile.not_digits", char=_show(_first_non_digit(rest) if rest else "+"))
    if s.startswith("+") and not rest.startswith("86"):
        raise Invalid("validate.mobile.foreign")
    if s.startswith("00") and not s.startswith("0086"):
        raise Invalid("validate.mobile.foreign")
    return s


def _parse_cn(s: str) -> phonenumbers.PhoneNumber:
    import phonenumbers  # 30 ms of tables: loaded by the first phone number, not at the booth's start

    try:
        number = phonenumbers.parse(s, "CN")
    except phonenumbers.NumberParseException:
        raise Invalid("validate.mobile.length", count=len(s.lstrip("+"))) from None
    if number.country_code != 86:
        raise Invalid("validate.mobile.foreign")
    return number


def mobile(text: str) -> str:
    """A Chinese mainland mobile number as its bare 11 digits, as libphonenumber knows the blocks.

    Accepts a leading ``+86``, ``0086`` or ``86``, a domestic trunk ``0``, spaces, dashes, brackets
    and full-width digits. A block that is not assigned (``140...``, ``174...``) is refused.
    """
    import phonenumbers

    s = _phone_digits(text, "validate.mobile.empty")
    number = _parse_cn(s)
    national = str(number.national_number)
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
        raise Invalid("validate.mobile.landline")
    if not national.startswith("1"):
        raise Invalid("validate.mobile.prefix", prefix=national[:2])
    if len(national) != 11:
        raise Invalid("validate.mobile.length", count=len(national))
    if national[1] not in "3456789":
        raise Invalid("validate.mobile.prefix", prefix=national[:2])
    if not phonenumbers.is_valid_number(number) or kind != phonenumbers.PhoneNumberType.MOBILE:
        raise Invalid("validate.mobile.unassigned", prefix=national[:3])
    return national


def phone(text: str, *, landline: bool = False) -> str:
    """A mobile number (``mobile``), or with ``landline`` also a fixed line with its area code, kept
    as the digits dialled in China (``01012345678``, ``075586013388``)."""
    if not landline:
        return mobile(text)
    import phonenumbers

    s = _phone_digits(text, "validate.phone.empty")
    number = _parse_cn(s)
    if str(number.national_number).startswith("1") and len(str(number.national_number)) == 11:
        return mobile(text)
    if not phonenumbers.is_valid_number(number):
        raise Invalid("validate.phone.invalid")
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.FIXED_LINE:
        raise Invalid("validate.phone.invalid")
    return "0" + str(number.national_number)


# --- licence plates -----------------------------------------------------------------------------

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_SPECIAL = "挂学警领港澳"
# Traditional forms guards may type (the closed-management plans mix both scripts).
_TRADITIONAL = str.maketrans("滬雲遼魯蘇贛晉陝閩貴粵寧瓊掛學領", "沪云辽鲁苏赣晋陕闽贵粤宁琼挂学领")
_PLATE_SEPARATORS = re.compile(r"[\s\-·•・‧∙⋅.．_]")
_SERIAL_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")  # a serial never uses I or O
_NEV_KIND = frozenset("DF")  # D pure electric, F the others (GA 36-2018)
_MAX_SERIAL_LETTERS = 2


def plate(text: str) -> str:
    """A Chinese licence plate (GA 36), upper-case without separators: ``粤B12345``, ``粤BD12345``.

    - Ordinary: province + issuing-authority letter (A-Z but I; O is used, e.g. 京O for police
      units) + a 5-character serial of digits and at most two letters, never I or O.
    - Special endings: the serial's last place is 挂 (trailer), 学 (driving school), 警 (police) or
      领 (consulate); 港 and 澳 only on 粤Z plates (cross-border vehicles).
    - New energy (8 characters): small cars D/F + a digit or letter + 4 digits (粤BD12345); large
      vehicles 5 digits + D/F (粤B12345D).
    - Embassy plates: 使 + 6 digits (使014578).
    """
    s = _PLATE_SEPARATORS.sub("", _clean(text).upper().translate(_TRADITIONAL))
    if not s:
        raise Invalid("validate.plate.empty")
    if s[0] == "使":
        if len(s) == 7 and _is_digits(s[1:]):
            return s
        raise Invalid("validate.plate.embassy", body=s[1:])
    if s[0] not in PROVINCES:
        raise Invalid("validate.plate.province", char=_show(s[0]))
    if len(s) < 2:
        raise Invalid("validate.plate.length", count=0)
    letter = s[1]
    if letter == "I":
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
        if body[-1] in "港澳" and s[:2] != "粤Z":
            raise Invalid("validate.plate.hk_macao", char=body[-1])
        serial = body[:-1] if body[-1] in _PLATE_SPECIAL else body
        if sum(ch in _SERIAL_LETTERS for ch in serial) > _MAX_SERIAL_LETTERS:
            raise Invalid("validate.plate.serial_letters", body=body)
        return s
    if len(body) == 6:
        small = (
            body[0] in _NEV_KIND
            and (body[1] in _SERIAL_LETTERS or body[1] in _DIGITS)
            and _is_digits(body[2:])
        )
        large = _is_digits(body[:5]) and body[5] in _NEV_KIND
        if small or large:
            return s
        raise Invalid("validate.plate.new_energy", body=body)
    raise Invalid("validate.plate.length", count=len(body))


# --- resident ID cards --------------------------------------------------------------------------

_ID_SEPARATORS = re.compile(r"[\s\-]")


def id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2, ``stdnum``) for the first 17 digits."""
    if len(first17) != 17 or not _is_digits(first17):
        raise ValueError("need exactly 17 ASCII digits")
    from stdnum.iso7064 import mod_11_2  # 30 ms of imports: not at the booth's start

    return str(mod_11_2.calc_check_digit(first17))


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
    # The region code is not checked: real holders carry codes of counties renamed since
    # (``stdnum.cn.ric`` refuses them); the check digit and the birth date are what a guard can trust.
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
    from stdnum.iso7064 import mod_11_2

    if not mod_11_2.is_valid(s):
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
# What a thermometer shows when it could not measure: too cold, too hot, an error.
_NOT_MEASURED = frozenset({"LO", "HI", "ER", "ERR", "ERROR", "E", "---", "--", "LLL", "HHH"})


def temperature(text: str) -> float:
    """A body temperature in °C, rounded (half up) to 0.1, between 34.0 and 43.0.

    Accepts ``37.3``, ``37,3``, ``37.3℃``, ``37.3°C``, ``37.3度``, full-width digits, and ``365``
    typed without the point (read as 36.5: three digits whose tenths are a body temperature); a
    reading suffixed ``°F`` / ``F`` / ``℉`` is taken as Fahrenheit and converted. What a
    thermometer shows when it could not measure (``Lo``, ``HI``, ``Er``) asks for another reading.
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
    if s in _NOT_MEASURED:
        raise Invalid("validate.temperature.measure_again", shown=_clean(text))
    if not _NUMBER.fullmatch(s):
        raise Invalid("validate.temperature.not_number", value=_clean(text))
    if not fahrenheit and len(s) == 3 and _is_digits(s):
        # "365" typed without the point: 36.5 is the only reading a body can have (365 or 3.65
        # cannot be); "335" is then 33.5, refused as too low with that reading
        s = str(Decimal(s) / 10)
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
