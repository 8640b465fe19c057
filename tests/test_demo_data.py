"""The committed demo compound in data/demo/ is consistent and is exactly what data/make_demo.py writes."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
FILES = ("units.csv", "residents.csv", "cards.csv", "vehicles.csv", "compound.toml")

HEADERS = {
    "units.csv": ["unit"],
    "residents.csv": ["name", "role", "unit", "phone", "id_last4", "special_care"],
    "cards.csv": ["uid", "kind", "status", "valid_from", "valid_until", "unit", "holder"],
    "vehicles.csv": ["plate", "kind", "unit", "owner"],
}

UNIT_RE = re.compile(r"[1-9]\d*-[1-9]\d*-[1-9]\d?\d{2}")
PHONE_RE = re.compile(r"1[3-9]\d{9}")
ID4_RE = re.compile(r"\d{3}[\dX]")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
HAN_NAME_RE = re.compile(r"[\u4e00-\u9fff]{2,4}")
PLATE_LETTER = "A-HJ-NP-Z"
PLATE_RE = re.compile(rf"[粤湘桂赣][{PLATE_LETTER}](?:[DF]\d{{5}}|[0-9{PLATE_LETTER}]{{5}})")


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "data" / "make_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _rows(name: str) -> list[dict[str, str]]:
    with (DEMO / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def units() -> list[str]:
    return [r["unit"] for r in _rows("units.csv")]


@pytest.fixture(scope="module")
def residents() -> list[dict[str, str]]:
    return _rows("residents.csv")


@pytest.fixture(scope="module")
def cards() -> list[dict[str, str]]:
    return _rows("cards.csv")


@pytest.fixture(scope="module")
def vehicles() -> list[dict[str, str]]:
    return _rows("vehicles.csv")


@pytest.fixture(scope="module")
def compound() -> dict[str, object]:
    return tomllib.loads((DEMO / "compound.toml").read_text(encoding="utf-8"))


def _people(residents: list[dict[str, str]]) -> dict[tuple[str, str], dict[str, str]]:
    """(unit, name) -> resident; staff have unit ""."""
    return {(r["unit"], r["name"]): r for r in residents}


@pytest.mark.parametrize("name", list(HEADERS))
def test_headers_encoding_and_line_endings(name: str) -> None:
    raw = (DEMO / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert b"\r" not in raw
    assert raw.endswith(b"\n")
    text = raw.decode("utf-8")
    assert next(csv.reader([text.split("\n", 1)[0]])) == HEADERS[name]


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    _load_generator().main(tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), f"{name} is stale"


def test_units(units: list[str]) -> None:
    assert 550 <= len(units) <= 700
    assert len(set(units)) == len(units)
    for code in units:
        assert UNIT_RE.fullmatch(code), code
    buildings = {code.split("-")[0] for code in units}
    assert len(buildings) == 8
    floors = [int(code.split("-")[2][:-2]) for code in units]
    assert max(floors) > 18  # the towers


def test_residents(units: list[str], residents: list[dict[str, str]]) -> None:
    assert 1300 <= len(residents) <= 1700
    unit_set = set(units)
    roles = Counter(r["role"] for r in residents)
    assert set(roles) == {"owner", "family", "tenant", "staff"}
    assert 30 <= roles["staff"] <= 50
    assert roles["tenant"] >= 40
    people = _people(residents)
    assert len(people) == len(residents), "names unique within a unit, and among staff"
    owners = Counter(r["unit"] for r in residents if r["role"] == "owner")
    assert all(count == 1 for count in owners.values())
    for r in residents:
        assert HAN_NAME_RE.fullmatch(r["name"]), r["name"]
        if r["role"] == "staff":
            assert r["unit"] == "" and r["special_care"] == ""
        else:
            assert r["unit"] in unit_set, r
            assert r["unit"] in owners, f"{r['unit']} has no owner"
        assert r["phone"] == "" or PHONE_RE.fullmatch(r["phone"]), r
        assert r["id_last4"] == "" or ID4_RE.fullmatch(r["id_last4"]), r
        if r["role"] != "family":
            assert r["phone"] and r["id_last4"], "only children may lack phone / ID"
    care = [r for r in residents if r["special_care"]]
    assert 10 <= len(care) <= 20
    assert all(len(r["special_care"]) <= 30 for r in care)
    x_share = sum(r["id_last4"].endswith("X") for r in residents) / len(residents)
    assert 0.04 < x_share < 0.15


def test_phones_unique(residents: list[dict[str, str]], compound: dict[str, object]) -> None:
    phones = [r["phone"] for r in residents if r["phone"]]
    permits = compound["renovation_permit"]
    assert isinstance(permits, list)
    phones += [w["phone"] for p in permits for w in p["worker"]]
    for phone in phones:
        assert PHONE_RE.fullmatch(phone), phone
    assert len(set(phones)) == len(phones)


def test_cards(cards: list[dict[str, str]], residents: list[dict[str, str]]) -> None:
    assert 1600 <= len(cards) <= 2000
    uids = [c["uid"] for c in cards]
    assert len(set(uids)) == len(uids)
    for uid in uids:
        assert re.fullmatch(r"[0-9A-F]{8}|04[0-9A-F]{12}", uid), uid
        assert not uid.startswith("88"), uid
    assert 0.02 < sum(len(u) == 14 for u in uids) / len(uids) < 0.08

    people = _people(residents)
    kinds = Counter(c["kind"] for c in cards)
    assert set(kinds) == {"owner", "parking_monthly", "parking_temporary", "staff"}
    assert 30 <= kinds["parking_temporary"] <= 50
    statuses = Counter(c["status"] for c in cards)
    assert set(statuses) == {"active", "lost", "expired", "blacklisted"}
    assert 15 <= statuses["lost"] <= 35
    assert 20 <= statuses["expired"] <= 40
    assert 3 <= statuses["blacklisted"] <= 10
    for c in cards:
        for key in ("valid_from", "valid_until"):
            assert c[key] == "" or DATE_RE.fullmatch(c[key]), c
        if c["valid_from"] and c["valid_until"]:
            assert c["valid_from"] <= c["valid_until"], c
        if c["kind"] == "parking_temporary":
            assert c["unit"] == c["holder"] == "" and c["status"] == "active", c
            continue
        holder = people.get((c["unit"], c["holder"]))
        assert holder is not None, f"card {c['uid']}: no resident {c['holder']} in {c['unit']!r}"
        if c["kind"] == "staff":
            assert holder["role"] == "staff", c
        else:
            assert holder["role"] != "staff", c
        if c["status"] == "expired":
            assert c["valid_until"] and c["valid_until"] < "2026-10-01", c
        if c["kind"] == "parking_monthly" and c["status"] != "expired":
            assert "2026-12-01" <= c["valid_until"] <= "2027-06-30", c
        if c["kind"] == "owner" and holder["role"] == "tenant":
            assert c["valid_until"], "tenant cards expire"
    # A few tenant cards are past their date but still marked active.
    stale = [
        c for c in cards if c["status"] == "active" and c["valid_until"] and c["valid_until"] < "2026-11-01"
    ]
    assert 1 <= len(stale) <= 10


def test_vehicles(vehicles: list[dict[str, str]], residents: list[dict[str, str]]) -> None:
    people = _people(residents)
    kinds = Counter(v["kind"] for v in vehicles)
    assert 400 <= kinds["owner"] <= 500
    assert 5 <= kinds["staff"] <= 12
    assert set(kinds) == {"owner", "staff"}
    plates = [v["plate"] for v in vehicles]
    assert len(set(plates)) == len(plates)
    for v in vehicles:
        plate = v["plate"]
        assert PLATE_RE.fullmatch(plate), plate
        if len(plate) == 8:
            assert plate.startswith("粤A"), "new-energy plates are local"
        else:
            assert sum(ch.isalpha() and ch.isascii() for ch in plate[2:]) <= 2, plate
        owner = people.get((v["unit"], v["owner"]))
        assert owner is not None, v
        assert (owner["role"] == "staff") == (v["kind"] == "staff"), v
    nev = sum(len(p) == 8 for p in plates) / len(plates)
    assert 0.10 < nev < 0.20
    assert sum(not p.startswith("粤A") for p in plates) >= 5


def test_compound_toml(compound: dict[str, object], units: list[str]) -> None:
    gates = compound["gate"]
    assert isinstance(gates, list)
    assert {g["id"]: g["kind"] for g in gates} == {
        "east": "pedestrian",
        "west": "pedestrian",
        "garage": "garage",
        "north": "vehicle",
    }
    assert all(g["name_zh"] and g["name_en"] for g in gates)

    guards = compound["guard"]
    assert isinstance(guards, list)
    roles = Counter(g["role"] for g in guards)
    assert roles["guard"] >= 4 and roles["squad_leader"] == 1 and roles["supervisor"] == 1
    assert set(roles) == {"guard", "squad_leader", "supervisor"}
    assert len({g["code"] for g in guards}) == len(guards)
    assert all(re.fullmatch(r"\d{4}", g["pin"]) for g in guards)

    permits = compound["renovation_permit"]
    assert isinstance(permits, list) and len(permits) == 1
    permit = permits[0]
    assert permit["unit"] in set(units)
    assert permit["company"].endswith("装饰工程有限公司")
    assert permit["starts_on"] <= "2026-11-26" <= permit["ends_on"]
    workers = permit["worker"]
    assert 3 <= len(workers) <= 4
    assert len({w["pass_no"] for w in workers}) == len(workers)
    for w in workers:
        assert re.fullmatch(r"ZX-2026-\d{4}", w["pass_no"])
        assert ID4_RE.fullmatch(w["id_last4"])
        assert DATE_RE.fullmatch(w["valid_until"]) and w["valid_until"] <= permit["ends_on"]
