"""Canonical UIDs and keyboard-wedge reader formats (guardpost.uid)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import guardpost.uid as uid_module
from guardpost.i18n import LANGUAGES, catalogue
from guardpost.uid import (
    UidError,
    UidKey,
    WedgeFormat,
    all_formats,
    canonical,
    canonical_hex,
    forms,
    normalise,
    typed,
)

ALL = all_formats()
CASCADE = tuple(f for f in ALL if f.cascade)
FOUR_BYTE_ONLY = tuple(f for f in ALL if not (f.form == "hex" and not f.cascade) and f.form != "wiegand26")
EXACT_FORMS = tuple(f for f in ALL if f.form != "wiegand26")

uids4 = st.binary(min_size=4, max_size=4)
uids7 = st.binary(min_size=7, max_size=7)
uids_any = st.sampled_from((4, 7, 10)).flatmap(lambda n: st.binary(min_size=n, max_size=n))


def fmt(spec: str) -> WedgeFormat:
    return WedgeFormat.parse(spec)


# --- WedgeFormat ------------------------------------------------------------------------------


def test_all_formats_are_distinct_and_complete() -> None:
    assert len(ALL) == len(set(ALL)) == 24
    assert {str(f) for f in ALL} >= {"hex", "dec10_reversed:padded", "wiegand26:last3:reversed"}


@pytest.mark.parametrize("f", ALL, ids=str)
def test_parse_str_round_trip(f: WedgeFormat) -> None:
    assert WedgeFormat.parse(str(f)) == f
    assert str(WedgeFormat.parse(str(f))) == str(f)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("hex", WedgeFormat("hex")),
        ("dec10_reversed", WedgeFormat("dec10_reversed")),
        ("dec10_reversed:padded", WedgeFormat("dec10_reversed", padded=True)),
        ("dec10:unpadded:cascade", WedgeFormat("dec10", padded=False, cascade=True)),
        (
            "wiegand26:last3:reversed",
            WedgeFormat("wiegand26", wiegand_bytes="last3", wiegand_order="reversed"),
        ),
        (
            " Wiegand26 : REVERSED : last3 ",
            WedgeFormat("wiegand26", wiegand_bytes="last3", wiegand_order="reversed"),
        ),
        ("wiegand26:first3:read", WedgeFormat("wiegand26")),
    ],
)
def test_parse_examples(spec: str, expected: WedgeFormat) -> None:
    assert WedgeFormat.parse(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "dec",
        "hex:padded",
        "dec10:padded:unpadded",
        "dec10:padded:padded",
        "wiegand26:cascade",
        "wiegand26:first3:last3",
        "hex:last3",
        "dec10_reversed:",
        "hex:cascade:cascade",
        "hex_reversed:reversed",
    ],
)
def test_parse_rejects(spec: str) -> None:
    with pytest.raises(UidError) as info:
        WedgeFormat.parse(spec)
    assert info.value.key == "uid.bad_spec"
    assert info.value.args[0] == "uid.bad_spec"  # usable as a config validator's hint key
    for lang in LANGUAGES:
        assert "dec10_reversed" in info.value.message(lang)


def test_invalid_direct_construction() -> None:
    with pytest.raises(UidError):
        WedgeFormat("hex", padded=True)
    with pytest.raises(UidError):
        WedgeFormat("dec10", wiegand_order="reversed")
    with pytest.raises(UidError):
        WedgeFormat("nonsense")  # type: ignore[arg-type]


@given(st.text(max_size=40))
def test_parse_garbage_raises_only_uid_error(spec: str) -> None:
    try:
        f = WedgeFormat.parse(spec)
    except UidError:
        return
    assert WedgeFormat.parse(str(f)) == f


def test_describe() -> None:
    assert fmt("dec10_reversed").describe("zh-CN") == "10 位十进制，字节倒序"
    assert fmt("dec10_reversed").describe("en") == "10-digit decimal, bytes reversed"
    for f in ALL:
        for lang in LANGUAGES:
            assert f.describe(lang)


# --- canonical forms --------------------------------------------------------------------------


def test_canonical() -> None:
    assert canonical(bytes([0x36, 0xDA, 0x92, 0x06])) == "36DA9206"
    assert canonical(bytes.fromhex("04a1b2c3d4e5f6")) == "04A1B2C3D4E5F6"
    assert canonical(bytes(range(10))) == "00010203040506070809"
    assert canonical(bytes.fromhex("0a01d507d0")) == "0A01D507D0"  # a 5-byte EM4100 ID
    for n in (0, 1, 3, 6, 8, 11):
        with pytest.raises(UidError) as info:
            canonical(bytes(n))
        assert info.value.key == "uid.bad_byte_count"
        assert str(n) in info.value.message("en")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("36da9206", "36DA9206"),
        (" 36:DA:92:06 ", "36DA9206"),
        ("36-da-92-06", "36DA9206"),
        ("04 A1 B2 C3 D4 E5 F6", "04A1B2C3D4E5F6"),
        ("３６ＤＡ９２０６", "36DA9206"),  # full-width, from a spreadsheet or an IME
        ("0102030405060708090a", "0102030405060708090A"),
    ],
)
def test_canonical_hex(text: str, expected: str) -> None:
    assert canonical_hex(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "uid.bad_hex"),
        ("   ", "uid.bad_hex"),
        ("36DA92G6", "uid.bad_hex"),
        ("0x36DA9206", "uid.bad_hex"),
        ("36DA92", "uid.bad_hex_length"),
        ("36DA92060", "uid.bad_hex_length"),
        ("36DA92060012", "uid.bad_hex_length"),
    ],
)
def test_canonical_hex_rejects(text: str, key: str) -> None:
    with pytest.raises(UidError) as info:
        canonical_hex(text)
    assert info.value.key == key


@given(uids_any)
def test_canonical_hex_round_trip(raw: bytes) -> None:
    uid = canonical(raw)
    assert canonical_hex(uid) == uid
    assert canonical_hex(uid.lower()) == uid
    assert canonical_hex(" ".join(uid[i : i + 2] for i in range(0, len(uid), 2))) == uid


@given(st.text(max_size=30))
def test_canonical_hex_garbage_raises_only_uid_error(text: str) -> None:
    try:
        uid = canonical_hex(text)
    except UidError:
        return
    assert re.fullmatch(r"[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20}", uid)


# --- concrete numbers -------------------------------------------------------------------------

# UID bytes 36 DA 92 06: 0x36DA9206 = 920293894, reversed 0x0692DA36 = 110287414;
# wiegand first3 36 DA 92 = 54, 0xDA92 = 55954; reversed 92 DA 36 = 146, 0xDA36 = 55862;
# last3 DA 92 06 = 218, 0x9206 = 37382; reversed 06 92 DA = 6, 0x92DA = 37594.
EXAMPLE = {
    "hex": "36DA9206",
    "hex_reversed": "0692DA36",
    "dec10": "0920293894",
    "dec10_reversed": "0110287414",
    "wiegand26": "054,55954",
    "wiegand26:reversed": "146,55862",
    "wiegand26:last3": "218,37382",
    "wiegand26:last3:reversed": "006,37594",
    "wiegand26:dec24": "03594898",  # 0x36DA92
    "wiegand26:last3:dec24": "14324230",  # 0xDA9206
}


def test_forms_of_a_four_byte_uid() -> None:
    assert forms("36DA9206") == EXAMPLE
    assert forms("36 da 92 06") == EXAMPLE


@pytest.mark.parametrize(("spec", "text"), EXAMPLE.items())
def test_example_normalises(spec: str, text: str) -> None:
    key = normalise(text, fmt(spec))
    assert key.matches("36DA9206")
    if spec.startswith("wiegand26"):
        assert not key.is_exact
    else:
        assert key == UidKey(exact="36DA9206")


def test_wiegand_partial_keys() -> None:
    assert normalise("054,55954", fmt("wiegand26")) == UidKey(prefix3="36DA92")
    assert normalise("05455954", fmt("wiegand26")) == UidKey(prefix3="36DA92")
    assert normalise("54,55954", fmt("wiegand26")) == UidKey(prefix3="36DA92")
    assert normalise("146,55862", fmt("wiegand26:reversed")) == UidKey(prefix3="36DA92")
    assert normalise("218,37382", fmt("wiegand26:last3")) == UidKey(suffix3="DA9206")
    assert normalise("006,37594", fmt("wiegand26:last3:reversed")) == UidKey(suffix3="DA9206")
    # wiegand first3:reversed is the low 24 bits of dec10_reversed (110287414 = 0x0692DA36)
    assert (0x92, 0xDA36) == (146, 55862)


def test_pcsc_note_example_padded_or_not() -> None:
    """The same reader types 0920244102 or 920244102 depending on its padding mode."""
    # 920244102 = 0x36D9CF86: read order 36 D9 CF 86 (dec10) or 86 CF D9 36 (dec10_reversed)
    for text in ("0920244102", "920244102", " 0920244102\r\n"):
        assert normalise(text, fmt("dec10_reversed")) == UidKey(exact="86CFD936")
        assert normalise(text, fmt("dec10")) == UidKey(exact="36D9CF86")
    assert normalise("0920244102", fmt("dec10_reversed:padded")) == UidKey(exact="86CFD936")
    assert normalise("920244102", fmt("dec10_reversed:unpadded")) == UidKey(exact="86CFD936")
    with pytest.raises(UidError) as info:
        normalise("920244102", fmt("dec10_reversed:padded"))
    assert info.value.key == "uid.dec_short"
    with pytest.raises(UidError) as info:
        normalise("0920244102", fmt("dec10_reversed:unpadded"))
    assert info.value.key == "uid.dec_leading_zero"
    assert typed("86CFD936", fmt("dec10_reversed:padded")) == "0920244102"
    assert typed("86CFD936", fmt("dec10_reversed:unpadded")) == "920244102"
    assert typed("86CFD936", fmt("dec10_reversed")) == "0920244102"


def test_full_width_digits_from_an_ime() -> None:
    assert normalise("０９２０２４４１０２", fmt("dec10_reversed")) == UidKey(exact="86CFD936")
    assert normalise("０５４，５５９５４", fmt("wiegand26")) == UidKey(prefix3="36DA92")


def test_non_ascii_digits_are_not_numbers() -> None:
    with pytest.raises(UidError):
        normalise("٠٩٢٠٢٤٤١٠٢", fmt("dec10"))  # Arabic-Indic digits: int() would take them


def test_seven_byte_uid() -> None:
    uid = "04A1B2C3D4E5F6"
    assert forms(uid) == {
        "hex": uid,
        "wiegand26": "004,41394",
        "wiegand26:reversed": "178,41220",
        "wiegand26:dec24": "00303538",  # 0x04A1B2
        "hex:cascade": "8804A1B2",
        "hex_reversed:cascade": "B2A10488",
        "dec10:cascade": "2282004914",  # 0x8804A1B2
        "dec10_reversed:cascade": "2996896904",  # 0xB2A10488
    }
    assert normalise("04a1b2c3d4e5f6", fmt("hex")) == UidKey(exact=uid)
    assert normalise("8804A1B2", fmt("hex:cascade")) == UidKey(prefix3="04A1B2", length=14)
    assert normalise("2996896904", fmt("dec10_reversed:cascade")) == UidKey(prefix3="04A1B2", length=14)
    # Without the cascade setting 88... is taken as it is: an exact 4-byte UID.
    assert normalise("8804A1B2", fmt("hex")) == UidKey(exact="8804A1B2")
    for spec in ("hex_reversed", "dec10", "dec10_reversed:padded", "wiegand26:last3"):
        with pytest.raises(UidError) as info:
            typed(uid, fmt(spec))
        assert info.value.key == "uid.too_long_for_form"
        assert uid in info.value.message("en")


def test_error_message_names_the_reader_setting() -> None:
    with pytest.raises(UidError) as info:
        normalise("ABC123", fmt("dec10_reversed"))
    err = info.value
    assert isinstance(err, ValueError)
    assert err.key == "uid.not_digits"
    assert err.params["format"] == "dec10_reversed"
    zh = err.message("zh-CN")
    assert "读卡器格式为 dec10_reversed（10 位十进制，字节倒序），收到的 'ABC123' 不是数字" in zh
    en = err.message("en")
    assert "dec10_reversed" in en and "'ABC123'" in en and "not a number" in en


@pytest.mark.parametrize(
    ("spec", "text", "key"),
    [
        ("dec10", "", "uid.empty"),
        ("dec10", " \r\n", "uid.empty"),
        ("dec10", "12a4", "uid.not_digits"),
        ("dec10", "-1", "uid.not_digits"),
        ("dec10", "12 34", "uid.not_digits"),
        ("dec10_reversed", "12345678901", "uid.dec_too_long"),
        ("dec10_reversed", "4294967296", "uid.dec_too_big"),
        ("dec10_reversed", "9999999999", "uid.dec_too_big"),
        ("dec10:padded", "123", "uid.dec_short"),
        ("dec10:unpadded", "0000000123", "uid.dec_leading_zero"),
        ("hex", "36DA92", "uid.hex_length_any"),
        ("hex", "36DA9206121", "uid.hex_length_any"),
        ("hex", "XYZ", "uid.not_hex"),
        ("hex_reversed", "04A1B2C3D4E5F6", "uid.hex_length"),
        ("hex_reversed", "0692DA3G", "uid.not_hex"),
        ("wiegand26", "0110287414", "uid.wiegand_syntax"),
        ("wiegand26", "054-55954", "uid.wiegand_syntax"),
        ("wiegand26", "1234,5", "uid.wiegand_syntax"),
        ("wiegand26", "256,00001", "uid.wiegand_facility"),
        ("wiegand26:last3", "25600001", "uid.wiegand_facility"),
        ("wiegand26", "001,65536", "uid.wiegand_card"),
        ("wiegand26", "00199999", "uid.wiegand_card"),
    ],
)
def test_normalise_rejects(spec: str, text: str, key: str) -> None:
    with pytest.raises(UidError) as info:
        normalise(text, fmt(spec))
    assert info.value.key == key
    for lang in LANGUAGES:
        message = info.value.message(lang)
        assert str(fmt(spec)) in message
        assert "{" not in message


def test_long_garbage_is_clipped_in_the_message() -> None:
    with pytest.raises(UidError) as info:
        normalise("x" * 5000, fmt("dec10"))
    assert len(info.value.message("en")) < 300


def test_boundaries() -> None:
    assert normalise("4294967295", fmt("dec10")) == UidKey(exact="FFFFFFFF")
    assert normalise("0", fmt("dec10:unpadded")) == UidKey(exact="00000000")
    assert normalise("0000000000", fmt("dec10_reversed:padded")) == UidKey(exact="00000000")
    assert typed("00000000", fmt("dec10:unpadded")) == "0"
    assert normalise("255,65535", fmt("wiegand26:last3")) == UidKey(suffix3="FFFFFF")


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=300)
@given(uids4, st.sampled_from(ALL))
def test_typed_then_normalise_matches_four_byte(raw: bytes, f: WedgeFormat) -> None:
    # ISO/IEC 14443-3: 88 (the cascade tag) is never the first byte of a 4-byte UID.
    assume(not (f.cascade and raw[0] == 0x88))
    uid = canonical(raw)
    text = typed(uid, f)
    key = normalise(text, f)
    assert key.matches(uid)
    if f.form != "wiegand26":
        assert key == UidKey(exact=uid)
    if f.form in ("dec10", "dec10_reversed") and f.padded is not False:
        assert len(text) == 10


@given(uids7, st.sampled_from(CASCADE))
def test_cascade_formats_find_seven_byte_uids(raw: bytes, f: WedgeFormat) -> None:
    uid = canonical(raw)
    text = typed(uid, f)
    key = normalise(text, f)
    assert key == UidKey(prefix3=uid[:6], length=14)
    assert key.matches(uid)
    assert not key.matches("88" + uid[:6])  # a 4-byte card 88xxxxxx is not this card


@given(uids_any)
def test_hex_round_trips_every_length(raw: bytes) -> None:
    uid = canonical(raw)
    assert normalise(typed(uid, fmt("hex")), fmt("hex")) == UidKey(exact=uid)
    assert normalise(uid.lower(), fmt("hex")) == UidKey(exact=uid)


@given(uids7, st.sampled_from(FOUR_BYTE_ONLY))
def test_four_byte_only_forms_refuse_seven_byte_uids(raw: bytes, f: WedgeFormat) -> None:
    if f.cascade:
        typed(canonical(raw), f)  # truncated to 88 + first 3, fine
        return
    with pytest.raises(UidError):
        typed(canonical(raw), f)


@given(uids_any)
def test_every_listed_form_finds_the_card(raw: bytes) -> None:
    uid = canonical(raw)
    shown = forms(uid)
    assert shown["hex"] == uid
    for spec, text in shown.items():
        f = fmt(spec)
        assert typed(uid, f) == text
        assert normalise(text, f).matches(uid)


DEC_FORMATS = tuple(f for f in ALL if f.form in ("dec10", "dec10_reversed") and not f.cascade)


@given(uids4, st.sampled_from(DEC_FORMATS))
def test_padding_accepted_as_configured(raw: bytes, f: WedgeFormat) -> None:
    uid = canonical(raw)
    value = int.from_bytes(raw if f.form == "dec10" else raw[::-1], "big")
    padded, bare = f"{value:010d}", str(value)
    for text, is_padded in ((padded, True), (bare, False)):
        # 10 significant digits (padded == bare) suit every setting.
        if padded == bare or f.padded is None or f.padded == is_padded:
            assert normalise(text, f) == UidKey(exact=uid)
        else:
            with pytest.raises(UidError):
                normalise(text, f)


garbage = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\s*[0-9]{0,12}\s*", fullmatch=True),
    st.from_regex(r"[0-9]{1,4},[0-9]{1,6}", fullmatch=True),
    st.from_regex(r"[0-9A-Fa-f:\- ]{0,24}", fullmatch=True),
)


@settings(max_examples=400)
@given(garbage, st.sampled_from(ALL))
def test_garbage_raises_only_uid_error(text: str, f: WedgeFormat) -> None:
    try:
        key = normalise(text, f)
    except UidError as err:
        for lang in LANGUAGES:
            assert err.message(lang)
        return
    # Whatever was accepted is what such a reader types for a card that the key matches.
    if key.exact is not None:
        card = key.exact
    elif key.prefix3 is not None:
        card = key.prefix3 + "0" * ((key.length or 8) - 6)
    else:
        card = "00" + str(key.suffix3)
    assert key.matches(card)
    assert normalise(typed(card, f), f) == key


# --- UidKey: Python and SQL agree -------------------------------------------------------------


def test_uid_key_sql() -> None:
    assert UidKey(exact="36DA9206").sql() == ("uid = ?", ("36DA9206",))
    assert UidKey(prefix3="36DA92").sql() == ("substr(uid, 1, 6) = ?", ("36DA92",))
    assert UidKey(prefix3="04A1B2", length=14).sql() == (
        "substr(uid, 1, 6) = ? AND length(uid) = ?",
        ("04A1B2", 14),
    )
    assert UidKey(suffix3="DA9206").sql() == ("substr(uid, -6) = ? AND length(uid) IN (8, 10)", ("DA9206",))


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"exact": "36DA9206", "prefix3": "36DA92"},
        {"exact": "36da9206"},
        {"exact": "36DA92"},
        {"prefix3": "36DA9"},
        {"suffix3": "DA9206", "length": 8},
        {"prefix3": "36DA92", "length": 9},
    ],
)
def test_uid_key_rejects_bad_shapes(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        UidKey(**kwargs)  # type: ignore[arg-type]


def _db(uids: list[str]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE card (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE)")
    db.execute("CREATE INDEX card_uid_prefix3 ON card (substr(uid, 1, 6))")
    db.execute("CREATE INDEX card_uid_suffix3 ON card (substr(uid, -6))")
    db.executemany("INSERT INTO card (uid) VALUES (?)", [(u,) for u in uids])
    return db


@settings(max_examples=100)
@given(st.lists(uids_any, min_size=1, max_size=12, unique=True), st.data())
def test_sql_agrees_with_matches(raws: list[bytes], data: st.DataObject) -> None:
    uids = [canonical(r) for r in raws]
    # Cards that share 3 bytes with others, so partial keys have something to tell apart.
    seed = bytes.fromhex(uids[0])
    uids += [canonical(seed[:3] + bytes(4)), canonical(bytes(1) + seed[1:4]), canonical(seed[:3] + bytes(1))]
    uids = sorted(set(uids))
    db = _db(uids)
    target = data.draw(st.sampled_from(uids))
    f = data.draw(st.sampled_from(ALL))
    try:
        key = normalise(typed(target, f), f)
    except UidError:
        return
    where, params = key.sql()
    found = sorted(row[0] for row in db.execute(f"SELECT uid FROM card WHERE {where}", params))
    assert found == [u for u in uids if key.matches(u)]


def test_partial_keys_use_the_expression_indexes() -> None:
    db = _db(["36DA9206", "04A1B2C3D4E5F6"])
    for key, index in (
        (UidKey(prefix3="36DA92"), "card_uid_prefix3"),
        (UidKey(prefix3="04A1B2", length=14), "card_uid_prefix3"),
        (UidKey(suffix3="DA9206"), "card_uid_suffix3"),
    ):
        where, params = key.sql()
        plan = " ".join(
            str(r[-1]) for r in db.execute(f"EXPLAIN QUERY PLAN SELECT * FROM card WHERE {where}", params)
        )
        assert index in plan, plan


# --- catalogue --------------------------------------------------------------------------------


def test_every_key_in_the_code_is_in_the_catalogue() -> None:
    source = Path(uid_module.__file__).read_text(encoding="utf-8")
    keys = set(re.findall(r'"(uid\.[a-z0-9_]+)"', source))
    assert keys, "no catalogue keys found in guardpost/uid.py"
    missing = keys - set(catalogue())
    assert not missing
    defined = {k for k in catalogue() if k.startswith("uid.") and not k.startswith(("uid.form.", "uid.opt."))}
    assert defined <= keys, f"unused catalogue keys: {defined - keys}"


# --- 125 kHz EM4100 cards (the "ID cards" of older compounds) ---------------------------------

EM = "0A01D507D0"  # version byte 0A, then the 32-bit ID 01D507D0


def test_a_five_byte_em4100_id_is_a_uid_both_ways() -> None:
    assert canonical_hex("0a01d507d0") == EM
    assert typed(EM, fmt("hex")) == EM
    assert normalise("0a01d507d0", fmt("hex")) == UidKey(exact=EM)


def test_the_24_bit_decimal_of_a_wiegand_frame_both_ways() -> None:
    """Cheap readers type a Wiegand-26 frame's 24 bits as one 8-digit decimal: 13961168 = 0xD507D0."""
    spec = fmt("wiegand26:last3:dec24")
    assert typed(EM, spec) == "13961168"
    key = normalise("13961168", spec)
    assert key == UidKey(suffix3="D507D0")
    assert key.matches(EM) and key.matches("01D507D0")  # the 5-byte ID and a 4-byte card alike
    assert not key.matches("0A01D507D0AA")
    # read as facility + card (the old setting) the same digits are 139,61168: another card
    assert not normalise("13961168", fmt("wiegand26:last3")).matches(EM)


@pytest.mark.parametrize(
    ("text", "key"),
    [("1396116", "uid.dec24_syntax"), ("16777216", "uid.dec24_too_big"), ("139,61168", "uid.dec24_syntax")],
)
def test_the_24_bit_decimal_refuses_what_no_such_reader_types(text: str, key: str) -> None:
    with pytest.raises(UidError) as info:
        normalise(text, fmt("wiegand26:dec24"))
    assert info.value.key == key
    assert "wiegand26:dec24" in info.value.message("en")


def test_a_four_byte_only_form_cannot_read_a_five_byte_id() -> None:
    for spec in ("dec10", "hex_reversed", "dec10_reversed:cascade"):
        with pytest.raises(UidError) as info:
            typed(EM, fmt(spec))
        assert info.value.key == "uid.too_long_for_form"


@given(
    st.binary(min_size=5, max_size=5),
    st.sampled_from(["hex", "wiegand26:last3", "wiegand26:last3:dec24", "wiegand26:dec24", "wiegand26"]),
)
def test_five_byte_ids_round_trip(raw: bytes, spec: str) -> None:
    uid = canonical(raw)
    assert normalise(typed(uid, fmt(spec)), fmt(spec)).matches(uid)
