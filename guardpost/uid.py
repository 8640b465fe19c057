"""Card UIDs: the canonical form, and the text keyboard-wedge readers type for a card.

A card is stored by its *canonical UID*: the raw UID bytes in read order (as PC/SC GET DATA
``FF CA 00 00 00`` returns them) as upper-case hex, 8, 14 or 20 characters for a 4-, 7- or
10-byte UID.

A keyboard-wedge reader types the UID in one of several conventions, set per reader in the
configuration and never guessed (``WedgeFormat``):

``hex``             8 hex digits in read order (14 or 20 for a 7- or 10-byte UID)
``hex_reversed``    8 hex digits, bytes reversed
``dec10``           the 4 bytes as a big-endian unsigned integer, typed in decimal
``dec10_reversed``  the 4 bytes reversed (little-endian), typed in decimal: the usual default of
                    Chinese 13.56 MHz wedge readers
``wiegand26``       facility (0-255) and card number (0-65535) as ``FFF,CCCCC`` or ``FFFCCCCC``,
                    from 3 of the 4 UID bytes; with ``dec24`` the same 24 bits as one 8-digit
                    decimal (``13961168``), as cheap 125 kHz EM4100 readers type a Wiegand-26 frame

A 5-byte EM4100 ID (10 hex digits, the "ID card" of older compounds) is a UID too: it matches a
``hex`` read of its 10 digits exactly, and a ``wiegand26:last3`` read of its last 3 bytes.

Options, after a colon: ``padded`` / ``unpadded`` (dec10 forms: always / never zero-padded to 10
digits; default: accept both), ``first3`` / ``last3`` and ``read`` / ``reversed`` (wiegand26:
which 3 bytes, and whether the facility is the first of them in read order or the bytes are
reversed), ``dec24`` (wiegand26: the 24 bits typed as one decimal number, not as facility + card),
``cascade`` (a 4-byte-only reader that reads a 7-byte UID as ``88`` + its first 3 bytes).

``normalise`` turns the typed text into a ``UidKey`` that finds the card: an exact UID, or only
3 of its bytes when the reader does not give more. ``typed`` is its inverse (tests, simulator);
``forms`` lists what each kind of reader types for a card (shown to a guard, used for enrolment).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from guardpost.errors import InvalidValue
from guardpost.i18n import t

Form = Literal["hex", "hex_reversed", "dec10", "dec10_reversed", "wiegand26"]
WiegandBytes = Literal["first3", "last3"]
WiegandOrder = Literal["read", "reversed"]
WiegandText = Literal["fc", "dec24"]

FORMS: tuple[Form, ...] = ("hex", "hex_reversed", "dec10", "dec10_reversed", "wiegand26")
UID_BYTE_LENGTHS = (4, 5, 7, 10)  # ISO 14443 single, double and triple size; 5: EM4100
UID_HEX_LENGTHS = (8, 10, 14, 20)
CASCADE_TAG = 0x88
"""ISO/IEC 14443-3 cascade tag: a 4-byte-only reader reads a 7-byte UID as 88 + its first 3 bytes."""

_FORM_BY_NAME: dict[str, Form] = {f: f for f in FORMS}
_BYTES_BY_NAME: dict[str, WiegandBytes] = {"first3": "first3", "last3": "last3"}
_ORDER_BY_NAME: dict[str, WiegandOrder] = {"read": "read", "reversed": "reversed"}
_PADDED_BY_NAME: dict[str, bool] = {"padded": True, "unpadded": False}
_DEC_FORMS = ("dec10", "dec10_reversed")
_MAX_U32 = 0xFFFF_FFFF

_HEX_RE = re.compile(r"[0-9A-Fa-f]*")
_DIGITS_RE = re.compile(r"[0-9]+")
_SEPARATORS_RE = re.compile(r"[\s:\-]")
_WIEGAND_COMMA_RE = re.compile(r"([0-9]{1,3})\s*,\s*([0-9]{1,5})")
_WIEGAND_DIGITS_RE = re.compile(r"([0-9]{3})([0-9]{5})")
_DEC24_RE = re.compile(r"[0-9]{8}")
_MAX_U24 = 0xFF_FFFF
_CLIP = 40


class UidError(InvalidValue):
    """A UID or typed card number that cannot be used, with a catalogue message.

    Errors about a reader's typed text carry the reader's ``fmt``; their message names it
    (``{format}``) and describes it in the message's language (``{desc}``).
    """

    def __init__(self, key: str, fmt: WedgeFormat | None = None, /, **params: object) -> None:
        if fmt is not None:
            params = {"format": str(fmt), **params}
        super().__init__(key, **params)
        self.fmt = fmt

    def message(self, lang: str | None = None) -> str:
        extra = {"desc": self.fmt.describe(lang)} if self.fmt is not None else {}
        return t(self.key, lang, **self.params, **extra)


@dataclass(frozen=True, slots=True)
class WedgeFormat:
    """How one keyboard-wedge reader types a card's UID (a setting; see the module docstring)."""

    form: Form
    padded: bool | None = None  # dec10 forms: True = always 10 digits, False = never, None = both
    wiegand_bytes: WiegandBytes = "first3"  # wiegand26: UID bytes 0,1,2 or 1,2,3
    wiegand_order: WiegandOrder = "read"  # wiegand26: facility = first taken byte, or reversed
    cascade: bool = False  # a 4-byte-only reader: a 7-byte UID arrives as 88 + its first 3 bytes
    wiegand_text: WiegandText = "fc"  # wiegand26: "FFF,CCCCC" (facility, card) or one 24-bit decimal

    def __post_init__(self) -> None:
        ok = (
            self.form in FORMS
            and self.padded in (None, True, False)
            and self.wiegand_bytes in _BYTES_BY_NAME
            and self.wiegand_order in _ORDER_BY_NAME
            and self.cascade in (True, False)
            and (self.padded is None or self.form in _DEC_FORMS)
            and self.wiegand_text in ("fc", "dec24")
            and (
                self.form == "wiegand26"
                or (self.wiegand_bytes, self.wiegand_order, self.wiegand_text) == ("first3", "read", "fc")
            )
            and not (self.cascade and self.form == "wiegand26")
        )
        if not ok:
            raise UidError("uid.bad_spec", spec=_spec_repr(self))

    @classmethod
    def parse(cls, spec: str) -> WedgeFormat:
        """``"dec10_reversed"``, ``"dec10_reversed:padded"``, ``"wiegand26:last3:reversed"`` ...

        Case and spaces around the parts do not matter; options may come in any order, each once.
        Raises ``UidError("uid.bad_spec")``, whose message needs no parameters (so it also serves
        as the hint of a config error).
        """
        if not isinstance(spec, str):
            raise UidError("uid.bad_spec", spec=repr(spec))
        name, *options = (part.strip().lower() for part in spec.split(":"))
        form = _FORM_BY_NAME.get(name)
        if form is None:
            raise UidError("uid.bad_spec", spec=spec)
        padded: bool | None = None
        wiegand_bytes: WiegandBytes | None = None
        wiegand_order: WiegandOrder | None = None
        cascade = False
        text: WiegandText | None = None
        for option in options:
            if option in _PADDED_BY_NAME and padded is None:
                padded = _PADDED_BY_NAME[option]
            elif option in _BYTES_BY_NAME and wiegand_bytes is None:
                wiegand_bytes = _BYTES_BY_NAME[option]
            elif option in _ORDER_BY_NAME and wiegand_order is None:
                wiegand_order = _ORDER_BY_NAME[option]
            elif option == "cascade" and not cascade:
                cascade = True
            elif option == "dec24" and text is None:
                text = "dec24"
            else:
                raise UidError("uid.bad_spec", spec=spec)
        return cls(form, padded, wiegand_bytes or "first3", wiegand_order or "read", cascade, text or "fc")

    def __str__(self) -> str:
        parts: list[str] = [self.form]
        if self.wiegand_bytes != "first3":
            parts.append(self.wiegand_bytes)
        if self.wiegand_order != "read":
            parts.append(self.wiegand_order)
        if self.wiegand_text != "fc":
            parts.append(self.wiegand_text)
        if self.padded is not None:
            parts.append("padded" if self.padded else "unpadded")
        if self.cascade:
            parts.append("cascade")
        return ":".join(parts)

    def describe(self, lang: str | None = None) -> str:
        """A short description for a guard or installer, e.g. "10 位十进制，字节倒序"."""
        options: list[str] = []
        if self.padded is not None:
            options.append("padded" if self.padded else "unpadded")
        if self.form == "wiegand26":
            options += [self.wiegand_bytes, self.wiegand_order]
            if self.wiegand_text != "fc":
                options.append(self.wiegand_text)
        if self.cascade:
            options.append("cascade")
        return t(f"uid.form.{self.form}", lang) + "".join(t(f"uid.opt.{o}", lang) for o in options)


def all_formats() -> tuple[WedgeFormat, ...]:
    """Every distinct reader format (for a settings list, and for tests)."""
    out: list[WedgeFormat] = []
    for form in FORMS:
        if form == "wiegand26":
            out += [
                WedgeFormat(form, None, b, o, wiegand_text=x)
                for b in _BYTES_BY_NAME.values()
                for o in _ORDER_BY_NAME.values()
                for x in ("fc", "dec24")
            ]
        else:
            pads: tuple[bool | None, ...] = (None, True, False) if form in _DEC_FORMS else (None,)
            out += [WedgeFormat(form, p, cascade=c) for c in (False, True) for p in pads]
    return tuple(out)


_HEX6_RE = re.compile(r"[0-9A-F]{6}")


@dataclass(frozen=True, slots=True)
class UidKey:
    """How to find the card a reader typed: exactly one of ``exact``, ``prefix3``, ``suffix3``.

    ``exact``: the canonical UID. ``prefix3``: 6 hex chars equal to the first 3 UID bytes, and if
    ``length`` is set the stored UID has that many hex chars (14 for a cascade-truncated 7-byte
    UID). ``suffix3``: 6 hex chars equal to the last 3 bytes of a 4- or 5-byte UID. A partial key
    can match several cards.
    """

    exact: str | None = None
    prefix3: str | None = None
    length: int | None = None
    suffix3: str | None = None

    def __post_init__(self) -> None:
        kinds = sum(v is not None for v in (self.exact, self.prefix3, self.suffix3))
        ok = (
            kinds == 1
            and (self.exact is None or _is_canonical(self.exact))
            and (self.prefix3 is None or _HEX6_RE.fullmatch(self.prefix3) is not None)
            and (self.suffix3 is None or _HEX6_RE.fullmatch(self.suffix3) is not None)
            and (self.length is None or (self.prefix3 is not None and self.length in UID_HEX_LENGTHS))
        )
        if not ok:
            raise ValueError(f"invalid UidKey {self!r}")

    @property
    def is_exact(self) -> bool:
        return self.exact is not None

    def sql(self) -> tuple[str, tuple[str | int, ...]]:
        """``(where_clause, params)`` matching this key against ``card.uid``.

        The expressions are exactly those of the expression indexes (``substr(uid, 1, 6)``,
        ``substr(uid, -6)``). Clauses are AND-joined: parenthesise before OR-ing them.
        """
        if self.exact is not None:
            return "uid = ?", (self.exact,)
        if self.prefix3 is not None:
            if self.length is not None:
                return "substr(uid, 1, 6) = ? AND length(uid) = ?", (self.prefix3, self.length)
            return "substr(uid, 1, 6) = ?", (self.prefix3,)
        assert self.suffix3 is not None
        return "substr(uid, -6) = ? AND length(uid) IN (8, 10)", (self.suffix3,)

    def matches(self, uid: str) -> bool:
        """Whether the stored canonical ``uid`` matches, exactly as ``sql()`` would."""
        if self.exact is not None:
            return uid == self.exact
        if self.prefix3 is not None:
            return uid[:6] == self.prefix3 and (self.length is None or len(uid) == self.length)
        return uid[-6:] == self.suffix3 and len(uid) in (8, 10)

    def __str__(self) -> str:
        if self.exact is not None:
            return self.exact
        if self.prefix3 is not None:
            return f"{self.prefix3}…" + (f" ({self.length})" if self.length else "")
        return f"??{self.suffix3}"


# --- canonical UIDs ---------------------------------------------------------------------------


def canonical(raw: bytes) -> str:
    """Raw UID bytes in read order → canonical upper-case hex. Only 4, 7 or 10 bytes."""
    if len(raw) not in UID_BYTE_LENGTHS:
        raise UidError("uid.bad_byte_count", count=len(raw))
    return bytes(raw).hex().upper()


def canonical_hex(text: str) -> str:
    """A UID typed or imported as hex (any case; spaces, colons or dashes allowed) → canonical.

    Must come to 8, 10, 14 or 20 hex digits. Full-width characters count as their ASCII forms.
    """
    digits = _SEPARATORS_RE.sub("", _nfkc(text))
    if not digits or not _HEX_RE.fullmatch(digits):
        raise UidError("uid.bad_hex", text=_clip(text))
    if len(digits) not in UID_HEX_LENGTHS:
        raise UidError("uid.bad_hex_length", text=_clip(text), count=len(digits))
    return digits.upper()


_CANONICAL_RE = re.compile(r"[0-9A-F]+")


def _is_canonical(uid: str) -> bool:
    return len(uid) in UID_HEX_LENGTHS and _CANONICAL_RE.fullmatch(uid) is not None


# --- reader text → key ------------------------------------------------------------------------


def normalise(typed: str, fmt: WedgeFormat) -> UidKey:
    """What a reader with format ``fmt`` typed (Enter and surrounding spaces allowed) → a UidKey.

    Raises ``UidError`` naming the reader's format when the text cannot come from such a reader.
    """
    text = _nfkc(typed).strip()
    shown = _clip(typed.strip())

    def fail(key: str, **params: object) -> UidError:
        return UidError(key, fmt, text=shown, **params)

    if not text:
        raise fail("uid.empty")
    if fmt.form in ("hex", "hex_reversed"):
        digits = _SEPARATORS_RE.sub("", text)
        if not _HEX_RE.fullmatch(digits):
            raise fail("uid.not_hex")
        if fmt.form == "hex" and not fmt.cascade and len(digits) in (10, 14, 20):
            return UidKey(exact=digits.upper())
        if len(digits) != 8:
            raise fail("uid.hex_length_any" if fmt.form == "hex" else "uid.hex_length", count=len(digits))
        raw = bytes.fromhex(digits)
        return _four_byte_key(raw if fmt.form == "hex" else raw[::-1], fmt)
    if fmt.form in _DEC_FORMS:
        if not _DIGITS_RE.fullmatch(text):
            raise fail("uid.not_digits")
        if len(text) > 10:
            raise fail("uid.dec_too_long", count=len(text))
        if fmt.padded is True and len(text) != 10:
            raise fail("uid.dec_short", count=len(text))
        if fmt.padded is False and len(text) > 1 and text.startswith("0"):
            raise fail("uid.dec_leading_zero")
        value = int(text)
        if value > _MAX_U32:
            raise fail("uid.dec_too_big")
        raw = value.to_bytes(4, "big")
        return _four_byte_key(raw if fmt.form == "dec10" else raw[::-1], fmt)
    # wiegand26
    if fmt.wiegand_text == "dec24":
        if not _DEC24_RE.fullmatch(text):
            raise fail("uid.dec24_syntax")
        if int(text) > _MAX_U24:
            raise fail("uid.dec24_too_big")
        taken = int(text).to_bytes(3, "big")
    else:
        match = _WIEGAND_COMMA_RE.fullmatch(text) or _WIEGAND_DIGITS_RE.fullmatch(text)
        if match is None:
            raise fail("uid.wiegand_syntax")
        facility, card = int(match[1]), int(match[2])
        if facility > 0xFF:
            raise fail("uid.wiegand_facility", facility=facility)
        if card > 0xFFFF:
            raise fail("uid.wiegand_card", card=card)
        taken = bytes([facility]) + card.to_bytes(2, "big")
    if fmt.wiegand_order == "reversed":
        taken = taken[::-1]
    if fmt.wiegand_bytes == "first3":
        return UidKey(prefix3=taken.hex().upper())
    return UidKey(suffix3=taken.hex().upper())


def _four_byte_key(raw: bytes, fmt: WedgeFormat) -> UidKey:
    if fmt.cascade and raw[0] == CASCADE_TAG:
        return UidKey(prefix3=raw[1:].hex().upper(), length=14)
    return UidKey(exact=raw.hex().upper())


# --- card → reader text -----------------------------------------------------------------------


def typed(uid: str, fmt: WedgeFormat) -> str:
    """What a reader with format ``fmt`` types for the card ``uid`` (without the Enter).

    The inverse of ``normalise``. dec10 forms are zero-padded unless ``padded`` is False;
    wiegand26 is typed as ``FFF,CCCCC``. Raises ``UidError`` for a 7- or 10-byte UID on a
    4-byte-only format (a cascade format takes a 7-byte UID as 88 + its first 3 bytes; a
    wiegand26 first3 format takes the first 3 bytes of any UID).
    """
    raw = bytes.fromhex(canonical_hex(uid))
    if fmt.form == "hex" and not fmt.cascade:
        return raw.hex().upper()
    if fmt.form == "wiegand26":
        return _typed_wiegand(raw, fmt)
    if len(raw) == 4:
        four = raw
    elif len(raw) == 7 and fmt.cascade:
        four = bytes([CASCADE_TAG]) + raw[:3]
    else:
        raise UidError("uid.too_long_for_form", fmt, uid=raw.hex().upper(), count=len(raw))
    if fmt.form == "hex":
        return four.hex().upper()
    if fmt.form == "hex_reversed":
        return four[::-1].hex().upper()
    if fmt.form in _DEC_FORMS:
        value = int.from_bytes(four if fmt.form == "dec10" else four[::-1], "big")
        return str(value) if fmt.padded is False else f"{value:010d}"
    raise AssertionError(fmt)  # every form is handled above


def _typed_wiegand(raw: bytes, fmt: WedgeFormat) -> str:
    """The 24 bits a Wiegand-26 reader sends: the first 3 bytes of any UID, or the last 3 of a 4-
    or 5-byte one; typed as facility,card or as one decimal number."""
    if fmt.wiegand_bytes == "first3":
        taken = raw[:3]
    elif len(raw) in (4, 5):
        taken = raw[-3:]
    else:
        raise UidError("uid.too_long_for_form", fmt, uid=raw.hex().upper(), count=len(raw))
    if fmt.wiegand_order == "reversed":
        taken = taken[::-1]
    if fmt.wiegand_text == "dec24":
        return f"{int.from_bytes(taken, 'big'):08d}"
    return f"{taken[0]:03d},{int.from_bytes(taken[1:], 'big'):05d}"


_FORM_SPECS = (
    "hex",
    "hex_reversed",
    "dec10",
    "dec10_reversed",
    "wiegand26",
    "wiegand26:reversed",
    "wiegand26:last3",
    "wiegand26:last3:reversed",
    "wiegand26:dec24",
    "wiegand26:last3:dec24",
    "hex:cascade",
    "hex_reversed:cascade",
    "dec10:cascade",
    "dec10_reversed:cascade",
)


def forms(uid: str) -> dict[str, str]:
    """Every text a reader could type for the card ``uid``, keyed by the reader's format spec.

    ``forms(uid)[spec] == typed(uid, WedgeFormat.parse(spec))``. A 4-byte UID gets the 8 forms
    without ``cascade`` (the same text); a 7-byte UID its full hex, the cascade forms and the
    wiegand26 first3 forms; a 10-byte UID its hex and the wiegand26 first3 forms.
    """
    uid = canonical_hex(uid)
    out: dict[str, str] = {}
    for spec in _FORM_SPECS:
        fmt = WedgeFormat.parse(spec)
        if fmt.cascade and len(uid) == 8:
            continue
        try:
            out[spec] = typed(uid, fmt)
        except UidError:
            continue
    return out


# --- helpers ----------------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    """Full-width digits, letters and commas (a Chinese IME left on) → ASCII."""
    return unicodedata.normalize("NFKC", text)


def _clip(text: str) -> str:
    return text if len(text) <= _CLIP else text[: _CLIP - 1] + "…"


def _spec_repr(fmt: WedgeFormat) -> str:
    return (
        f"WedgeFormat({fmt.form!r}, padded={fmt.padded!r}, wiegand_bytes={fmt.wiegand_bytes!r}, "
        f"wiegand_order={fmt.wiegand_order!r}, cascade={fmt.cascade!r})"
    )
