"""Finding a host by unit, by characters, by pinyin initials and by full pinyin (pypinyin)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from guardpost import storage
from guardpost.importer import import_csv
from guardpost.people_index import find_hosts, readings


def _compound(tmp_path: Path, residents: list[tuple[str, str]]) -> sqlite3.Connection:
    conn = storage.connect(tmp_path / "c.db", create=True)
    units = sorted({u for _, u in residents})
    (tmp_path / "u.csv").write_text("unit\n" + "\n".join(units) + "\n", encoding="utf-8")
    import_csv(conn, "units", tmp_path / "u.csv")
    body = "".join(f"{name},owner,{unit}\n" for name, unit in residents)
    (tmp_path / "r.csv").write_text("name,role,unit\n" + body, encoding="utf-8")
    import_csv(conn, "residents", tmp_path / "r.csv")
    return conn


PEOPLE = [
    ("张三丰", "3-2-1201"),
    ("王晓明", "3-2-1202"),
    ("单雄信", "5-1-301"),
    ("曾国藩", "6-1-101"),
    ("解缙", "7-1-102"),
    ("李四", "3-2-1101"),
]


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("zsf", "3-2-1201"),
        ("wxm", "3-2-1202"),
        ("zhangsanfeng", "3-2-1201"),
        ("ZSF", "3-2-1201"),
        ("张三", "3-2-1201"),
        ("sxx", "5-1-301"),  # 单 as a surname is shan
        ("dxx", "5-1-301"),  # ... and as a word dan: both are indexed
        ("zgf", "6-1-101"),  # 曾 zeng
        ("cgf", "6-1-101"),  # ... and ceng
        ("xiejin", "7-1-102"),  # 解 xie as a surname
        ("jiejin", "7-1-102"),
    ],
)
def test_a_resident_is_found_however_the_guard_types_the_name(tmp_path: Path, typed: str, unit: str) -> None:
    conn = _compound(tmp_path, PEOPLE)
    found = find_hosts(conn, typed)
    assert unit in [m.unit for m in found], found


def test_a_unit_prefix_offers_the_matching_units_with_their_residents(tmp_path: Path) -> None:
    conn = _compound(tmp_path, PEOPLE)
    found = find_hosts(conn, "3-2-12")
    assert [m.unit for m in found] == ["3-2-1201", "3-2-1202"]
    assert found[0].residents == ("张三丰",)
    assert find_hosts(conn, "9-9") == []
    assert find_hosts(conn, "   ") == []


def test_hostile_and_odd_text_finds_nothing_and_never_raises(tmp_path: Path) -> None:
    conn = _compound(tmp_path, PEOPLE)
    for typed in ["[/]", "%", "_", "'; DROP TABLE person; --", "\x1b[2J", "z" * 500, "3-2-1201-"]:
        assert isinstance(find_hosts(conn, typed), list)
    assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == len(PEOPLE)


def test_the_common_reading_comes_first() -> None:
    assert readings("张三丰")[0] == ("zsf", "zhangsanfeng")
    shan = {full for _, full in readings("单雄信")}
    assert {"shanxiongxin", "danxiongxin"} <= shan


def test_an_upgraded_file_has_its_residents_indexed(demo_db: Path) -> None:
    conn = sqlite3.connect(demo_db)
    people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    indexed = conn.execute("SELECT count(DISTINCT person_id) FROM person_pinyin").fetchone()[0]
    assert indexed == people > 0
