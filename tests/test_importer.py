"""CSV import: every row checked first; one bad row changes nothing and is named by row and column."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardpost import storage
from guardpost.errors import GuardpostError, ImportRejected, RowProblem
from guardpost.importer import Counts, import_csv

NOW = datetime(2026, 11, 26, 7, 45)
LATER = datetime(2026, 11, 27, 8, 0)

UNITS = "unit\n3-2-1201\n3-2-1202\n1-1-101\n"
RESIDENTS = (
    "name,role,unit,phone,id_last4,special_care\n"
    "王伟,owner,3-2-1201,13812345678,123X,\n"
    "李娜,family,3-2-1201,,0419,\n"
    "张秀英,owner,3-2-1202,13900001111,,独居老人\n"
    "刘洋,tenant,1-1-101,15000002222,5566,\n"
    "陈静,staff,,18600003333,,\n"
)
CARDS = (
    "uid,kind,status,valid_from,valid_until,unit,holder\n"
    "04A1B2C3,owner,active,,,3-2-1201,王伟\n"
    "04A1B2C3D4E5F6,owner,lost,,,3-2-1201,李娜\n"
    "1122334455667788AABB,parking_monthly,active,2026-01-01,2026-12-31,3-2-1202,张秀英\n"
    "DEADBEEF,parking_temporary,,,,,\n"
    "CAFEBABE,staff,active,,,,陈静\n"
)
VEHICLES = "plate,kind,unit,owner\n粤A12345,owner,3-2-1201,王伟\n粤BD12345,owner,1-1-101,刘洋\n"
GOOD = {"units": UNITS, "residents": RESIDENTS, "cards": CARDS, "vehicles": VEHICLES}
ROWS = {kind: text.count("\n") - 1 for kind, text in GOOD.items()}


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = storage.connect(tmp_path / "booth.db", create=True)
    yield c
    c.close()


def _file(folder: Path, text: str, encoding: str = "utf-8", name: str = "in.csv") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def _import(conn: sqlite3.Connection, folder: Path, kind: str, text: str, **kw: object) -> Counts:
    return import_csv(conn, kind, _file(folder, text, name=f"{kind}.csv"), **kw)  # type: ignore[arg-type]


def _load(conn: sqlite3.Connection, folder: Path, *kinds: str) -> None:
    for kind in kinds:
        _import(conn, folder, kind, GOOD[kind], now=NOW)


def _dump(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    return {
        name: conn.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in storage.counts(conn)
    }


def _rejected(conn: sqlite3.Connection, folder: Path, kind: str, text: str) -> list[RowProblem]:
    before = _dump(conn)
    with pytest.raises(ImportRejected) as caught:
        _import(conn, folder, kind, text, now=LATER)
    assert _dump(conn) == before
    assert not conn.in_transaction
    assert caught.value.params["count"] == len(caught.value.problems) > 0
    return caught.value.problems


def _one(problems: list[RowProblem]) -> RowProblem:
    assert len(problems) == 1, problems
    return problems[0]


def _names_it(problem: RowProblem, row: int, column: str, key: str) -> None:
    assert (problem.row, problem.column, problem.key) == (row, column, key)
    for lang in ("zh-CN", "en"):
        text = problem.describe(lang)
        assert str(row) in text and column in text
        assert problem.reason(lang) in text and problem.reason(lang).strip()
    assert problem.reason("zh-CN") != problem.reason("en")


# --- each kind: added, unchanged, updated ---------------------------------------------------


@pytest.mark.parametrize("kind", ["units", "residents", "cards", "vehicles"])
def test_a_good_file_imports_and_reimport_is_unchanged(
    conn: sqlite3.Connection, tmp_path: Path, kind: str
) -> None:
    order = ["units", "residents", "cards", "vehicles"]
    _load(conn, tmp_path, *order[: order.index(kind)])
    table = {"units": "unit", "residents": "person", "cards": "card", "vehicles": "vehicle"}[kind]
    first = _import(conn, tmp_path, kind, GOOD[kind], now=NOW)
    assert (first.added, first.updated, first.unchanged) == (ROWS[kind], 0, 0)
    assert storage.counts(conn)[table] == ROWS[kind]
    snapshot = _dump(conn)
    again = _import(conn, tmp_path, kind, GOOD[kind], now=LATER)
    assert (again.added, again.updated, again.unchanged) == (0, 0, ROWS[kind])
    assert _dump(conn) == snapshot  # not even a time stamp moved


def test_units_are_stored_canonically(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _import(conn, tmp_path, "units", "房号\n3栋2单元1201\n03-02-0101\n")
    rows = conn.execute("SELECT code, building, entrance, room FROM unit ORDER BY code").fetchall()
    assert rows == [("3-2-101", 3, 2, "101"), ("3-2-1201", 3, 2, "1201")]
    counts = _import(conn, tmp_path, "units", "unit\n3-2-1201\n3-2-101\n")
    assert (counts.added, counts.unchanged) == (0, 2)


def test_changed_residents_count_as_updated(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path, "units", "residents")
    ids = dict(conn.execute("SELECT name, id FROM person").fetchall())
    changed = RESIDENTS.replace("13812345678", "13812349999").replace("刘洋,tenant", "刘洋,owner")
    counts = _import(conn, tmp_path, "residents", changed, now=LATER)
    assert (counts.added, counts.updated, counts.unchanged) == (0, 2, ROWS["residents"] - 2)
    assert conn.execute("SELECT phone FROM person WHERE name = '王伟'").fetchone()[0] == "13812349999"
    assert conn.execute("SELECT role FROM person WHERE name = '刘洋'").fetchone()[0] == "owner"
    assert dict(conn.execute("SELECT name, id FROM person").fetchall()) == ids  # updated in place


def test_changed_cards_count_as_updated_and_are_stamped(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path, "units", "residents", "cards")
    changed = CARDS.replace("04A1B2C3,owner,active", "04A1B2C3,owner,lost")
    counts = _import(conn, tmp_path, "cards", changed, now=LATER)
    assert (counts.added, counts.updated, counts.unchanged) == (0, 1, ROWS["cards"] - 1)
    stamps = dict(conn.execute("SELECT uid, updated_at FROM card").fetchall())
    assert stamps.pop("04A1B2C3").startswith("2026-11-27 08:00")
    assert all(s.startswith("2026-11-26 07:45") for s in stamps.values())
    assert conn.execute("SELECT status FROM card WHERE uid = '04A1B2C3'").fetchone()[0] == "lost"


def test_changed_vehicles_count_as_updated(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path, "units", "residents", "vehicles")
    changed = VEHICLES.replace("粤BD12345,owner,1-1-101,刘洋", "粤BD12345,owner,3-2-1201,王伟")
    counts = _import(conn, tmp_path, "vehicles", changed)
    assert (counts.added, counts.updated, counts.unchanged) == (0, 1, 1)
    owner = conn.execute(
        "SELECT p.name FROM vehicle v JOIN person p ON p.id = v.person_id WHERE v.plate = '粤BD12345'"
    ).fetchone()[0]
    assert owner == "王伟"


def test_cards_with_7_and_10_byte_uids_and_separators(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path, "units", "residents")
    text = (
        "uid,kind,status,valid_from,valid_until,unit,holder\n"
        "04:a1:b2:c3:d4:e5:f6,owner,active,,,3-2-1201,王伟\n"
        "ａｂ ｃｄ ｅｆ ０１,owner,正常,2026/01/01,,3-2-1201,李娜\n"
    )
    counts = _import(conn, tmp_path, "cards", text)
    assert counts.added == 2
    assert {r[0] for r in conn.execute("SELECT uid FROM card")} == {"04A1B2C3D4E5F6", "ABCDEF01"}
    assert conn.execute("SELECT valid_from FROM card WHERE uid = 'ABCDEF01'").fetchone()[0] == "2026-01-01"


# --- encodings and headers ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings_all_import_the_same(conn: sqlite3.Connection, tmp_path: Path, encoding: str) -> None:
    _import(conn, tmp_path, "units", UNITS)
    counts = import_csv(conn, "residents", _file(tmp_path, RESIDENTS, encoding))
    assert counts.added == ROWS["residents"]
    names = {r[0] for r in conn.execute("SELECT name FROM person")}
    assert names == {"王伟", "李娜", "张秀英", "刘洋", "陈静"}
    assert conn.execute("SELECT special_care FROM person WHERE name = '张秀英'").fetchone()[0] == "独居老人"


def test_gb18030_with_chinese_headers_and_values(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _import(conn, tmp_path, "units", "房号\n3-2-1201\n")
    residents = (
        "姓名,身份,房号,手机号,身份证后四位,特殊关照\n王伟,业主,3-2-1201,,,\n李娜,租户,3-2-1201,,,行动不便\n"
    )
    import_csv(conn, "residents", _file(tmp_path, residents, "gb18030", "r.csv"))
    cards = "卡号,类型,状态,生效日期,失效日期,房号,持卡人\n04A1B2C3,业主卡,挂失,,,3-2-1201,王伟\n"
    import_csv(conn, "cards", _file(tmp_path, cards, "gb18030", "c.csv"))
    vehicles = "车牌号,类型,房号,车主\n粤A12345,业主,3-2-1201,李娜\n"
    import_csv(conn, "vehicles", _file(tmp_path, vehicles, "utf-8-sig", "v.csv"))
    assert conn.execute("SELECT name, role FROM person ORDER BY id").fetchall() == [
        ("王伟", "owner"),
        ("李娜", "tenant"),
    ]
    assert conn.execute("SELECT uid, kind, status FROM card").fetchall() == [("04A1B2C3", "owner", "lost")]
    assert conn.execute("SELECT plate, kind FROM vehicle").fetchall() == [("粤A12345", "owner")]


def test_an_undecodable_file_is_refused(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"unit\n\xff\xfe\xfd\x80\n")
    with pytest.raises(GuardpostError) as caught:
        import_csv(conn, "units", path)
    assert caught.value.key == "import.bad_encoding"


def test_missing_required_column(conn: sqlite3.Connection, tmp_path: Path) -> None:
    with pytest.raises(GuardpostError) as caught:
        _import(conn, tmp_path, "residents", "name,unit,phone\n王伟,3-2-1201,\n")
    assert caught.value.key == "import.missing_columns"
    assert caught.value.params["columns"] == "role"
    assert "role" in caught.value.message("en") and "身份" in caught.value.message("zh-CN")
    assert storage.counts(conn)["person"] == 0


def test_an_empty_file_is_refused(conn: sqlite3.Connection, tmp_path: Path) -> None:
    with pytest.raises(GuardpostError) as caught:
        _import(conn, tmp_path, "units", "")
    assert caught.value.key == "import.empty"


# --- one bad row: nothing changes, and the row and column are named -------------------------


def test_one_bad_row_among_good_ones_changes_nothing(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path, "units", "residents")
    text = (
        "name,role,unit,phone,id_last4,special_care\n"
        "王伟,owner,3-2-1201,13812349999,123X,\n"  # a change
        "赵磊,family,3-2-1202,13700004444,,\n"  # new
        "孙丽,owner,3-2-1202,12345,,\n"  # row 4: bad phone
        "周杰,tenant,1-1-101,,,\n"  # new
    )
    problem = _one(_rejected(conn, tmp_path, "residents", text))
    _names_it(problem, 4, "phone", "validate.mobile.length")


def test_blank_lines_still_count_as_rows(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path, "units")
    text = "name,role,unit,phone,id_last4,special_care\n王伟,owner,3-2-1201,,,\n\n李娜,boss,3-2-1201,,,\n"
    problem = _one(_rejected(conn, tmp_path, "residents", text))
    _names_it(problem, 4, "role", "import.bad_choice")
    assert "boss" in problem.reason("en")


def test_every_bad_row_is_listed(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path, "units")
    text = (
        "name,role,unit,phone,id_last4,special_care\n"
        "王伟,owner,3-2-1201,,12,\n"  # row 2: id_last4
        ",owner,3-2-1201,,,\n"  # row 3: name required
        "李娜,owner,99-99-9999,,,\n"  # row 4: unit
        "刘洋,owner,3-2-1201,,,,,\n"  # row 5: too many cells
    )
    problems = _rejected(conn, tmp_path, "residents", text)
    assert [(p.row, p.column) for p in problems] == [(2, "id_last4"), (3, "name"), (4, "unit"), (5, "-")]
    assert problems[1].key == "import.required"
    assert problems[3].key == "import.too_many_cells"


def test_a_short_row_misses_its_required_cells(conn: sqlite3.Connection, tmp_path: Path) -> None:
    problem = _one(_rejected(conn, tmp_path, "cards", "uid,kind,status\nDEADBEEF\n"))
    _names_it(problem, 2, "kind", "import.required")


def test_duplicates_within_a_file_are_flagged(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path, "units", "residents")
    text = (
        "uid,kind,status,valid_from,valid_until,unit,holder\n"
        "04A1B2C3,owner,active,,,3-2-1201,王伟\n"
        "DEADBEEF,parking_temporary,,,,,\n"
        "04 a1 b2 c3,owner,lost,,,3-2-1201,李娜\n"  # the same UID written differently
    )
    problem = _one(_rejected(conn, tmp_path, "cards", text))
    _names_it(problem, 4, "uid", "import.duplicate")
    assert problem.params["first"] == 2
    assert "2" in problem.reason("en")


def test_duplicate_residents_are_per_unit(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path, "units")
    ok = "name,role,unit\n王伟,owner,3-2-1201\n王伟,owner,3-2-1202\n"
    assert _import(conn, tmp_path, "residents", ok).added == 2
    problem = _one(_rejected(conn, tmp_path, "residents", ok + "王伟,family,3-2-1201\n"))
    _names_it(problem, 4, "name", "import.duplicate")


def test_card_holder_not_found_changes_nothing(conn: sqlite3.Connection, tmp_path: Path) -> None:
    """Found while writing, after earlier rows were written in the transaction: all rolled back."""
    _load(conn, tmp_path, "units", "residents")
    text = CARDS + "0BADCAFE,owner,active,,,3-2-1202,王伟\n"  # 王伟 lives in 3-2-1201
    problem = _one(_rejected(conn, tmp_path, "cards", text))
    _names_it(problem, ROWS["cards"] + 2, "holder", "import.no_such_person")
    assert "王伟" in problem.reason("zh-CN") and "3-2-1202" in problem.reason("en")
    assert storage.counts(conn)["card"] == 0


def test_write_time_problems(conn: sqlite3.Connection, tmp_path: Path) -> None:
    _load(conn, tmp_path, "units", "residents")
    residents = "name,role,unit\n马超,owner,5-5-505\n牛犇,owner,\n"
    problems = _rejected(conn, tmp_path, "residents", residents)
    assert [(p.row, p.column, p.key) for p in problems] == [
        (2, "unit", "import.no_such_unit"),
        (3, "unit", "import.resident_needs_unit"),
    ]
    cards = (
        "uid,kind,valid_from,valid_until,unit,holder\n"
        "AABBCCDD,owner,,,,\n"
        "11223344,owner,2027-01-01,2026-01-01,3-2-1201,王伟\n"
    )
    problems = _rejected(conn, tmp_path, "cards", cards)
    assert [(p.row, p.column, p.key) for p in problems] == [
        (2, "holder", "import.card_needs_holder"),
        (3, "valid_until", "import.dates_reversed"),
    ]


@pytest.mark.parametrize(
    ("uid", "key"),
    [
        ("04A1B2C3D4E", "uid.bad_hex_length"),
        ("GHIJKLMN", "uid.bad_hex"),
        ("04A1B2C3D4E5F6A7", "uid.bad_hex_length"),
    ],
)
def test_bad_uids_are_named(conn: sqlite3.Connection, tmp_path: Path, uid: str, key: str) -> None:
    text = f"uid,kind\nDEADBEEF,parking_temporary\n{uid},parking_temporary\n"
    problem = _one(_rejected(conn, tmp_path, "cards", text))
    _names_it(problem, 3, "uid", key)


# --- garbage never escapes as anything but a refusal ----------------------------------------

_cell = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]),  # surrogates cannot be written to a file
    max_size=40,
)
_row = st.lists(_cell, min_size=0, max_size=8)
_COLUMNS = ["name", "role", "unit", "phone", "id_last4", "special_care"]


def _csv(rows: list[list[str]], header: list[str] = _COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "template.db"
    conn = storage.connect(path, create=True)
    _load(conn, tmp_path, "units", "residents")
    conn.close()
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(_row, max_size=6),
    at=st.integers(min_value=0, max_value=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_garbage_with_a_bad_row_is_refused_and_changes_nothing(
    template: Path, tmp_path: Path, rows: list[list[str]], at: int, encoding: str
) -> None:
    rows = list(rows)
    rows.insert(min(at, len(rows)), ["王伟", "landlord", "3-2-1201", "", "", ""])  # certainly bad
    conn = storage.connect(template)
    try:
        before = _dump(conn)
        with pytest.raises(GuardpostError):
            import_csv(conn, "residents", _file(tmp_path, _csv(rows), encoding, "garbage.csv"), now=LATER)
        assert _dump(conn) == before
        assert not conn.in_transaction
    finally:
        conn.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, max_size=6), raw=st.binary(max_size=60))
def test_garbage_either_imports_or_is_refused_without_a_trace(
    template: Path, tmp_path: Path, rows: list[list[str]], raw: bytes
) -> None:
    db = tmp_path / "try.db"
    shutil.copyfile(template, db)
    conn = storage.connect(db)
    try:
        for data in (_csv(rows).encode("utf-8"), b"name,role,unit\n" + raw):
            before = _dump(conn)
            path = tmp_path / "garbage.csv"
            path.write_bytes(data)
            try:
                import_csv(conn, "residents", path, now=LATER)
            except GuardpostError as exc:
                assert _dump(conn) == before
                assert exc.message("en") and exc.message("zh-CN")
                for problem in getattr(exc, "problems", []):
                    assert problem.describe("en") and problem.describe("zh-CN")
            assert not conn.in_transaction
        assert storage.integrity(conn) == []
    finally:
        conn.close()


def test_one_report_lists_bad_cells_and_missing_units_together(demo_db: Path, tmp_path: Path) -> None:
    """A row with a bad cell is still checked against the database: the office fixes it all at once."""
    from guardpost.errors import ImportRejected
    from guardpost.importer import import_csv
    from guardpost.storage import connect

    path = tmp_path / "r.csv"
    path.write_text(
        "name,role,unit,phone\n张三,landlord,9-9-101,13812345678\n李四,owner,1-1-101,12345\n",
        encoding="utf-8",
    )
    conn = connect(demo_db)
    before = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    with pytest.raises(ImportRejected) as err:
        import_csv(conn, "residents", path)
    found = sorted((p.row, p.column, p.key) for p in err.value.problems)
    assert found == [
        (2, "role", "import.bad_choice"),
        (2, "unit", "import.no_such_unit"),
        (3, "phone", found[2][2]),
    ]
    assert found[2][2].startswith("validate.")
    assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == before
    conn.close()
