"""CSV import of units, residents, cards and vehicles: every row is checked before anything is written.

A file with any bad row changes nothing and the error names each bad row, column and reason; a
good file is written in one transaction. UTF-8 (with or without BOM) and GB18030 (what Excel on a
Chinese PC writes) are both read. Headers may be English or Chinese (``unit`` or ``房号``).
Rows that already exist (same unit code, same unit + name, same UID, same plate) are updated.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from guardpost import audit, people_index, validate
from guardpost import uid as uids
from guardpost.access import stamp
from guardpost.domain import CardKind, CardStatus, PersonRole, VehicleKind
from guardpost.errors import ImportRefused, ImportRejected, InvalidValue, RowProblem, os_error
from guardpost.i18n import LANGUAGES, t
from guardpost.storage import transaction
from guardpost.text import first_unsafe

KINDS = ("units", "residents", "cards", "vehicles")
CELL_MAX = 500  # no cell of these registers is longer; a longer one is refused before it is read


class Bad(InvalidValue):
    """A cell the importer itself refuses (a choice, a date, a length)."""


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def check(text: str) -> Any:
        return parse(text) if text.strip() else None

    return check


def spellings(
    prefix: str, codes: Iterable[str], aliases: dict[str, tuple[str, ...]] | None = None
) -> dict[str, str]:
    """Every way a spreadsheet may spell each code: the code, its names in the catalogue
    (``{prefix}.{code}`` in both languages) and the office's other usual words (``aliases``)."""
    out: dict[str, str] = {}
    for code in codes:
        for spelled in (
            code,
            *(t(f"{prefix}.{code}", lang) for lang in LANGUAGES),
            *(aliases or {}).get(code, ()),
        ):
            out.setdefault(spelled.strip().lower(), code)
            out.setdefault(spelled.strip(), code)
    return out


def _choice(options: dict[str, str]) -> Callable[[str], str]:
    """Accept an English code or one of its names: ``owner``, ``业主`` or ``Owner``."""

    def check(text: str) -> str:
        value = options.get(text.strip().lower()) or options.get(text.strip())
        if value is None:
            names: dict[str, list[str]] = {}
            for spelled, code in options.items():
                if spelled != code and not spelled.isascii():
                    names.setdefault(code, []).append(spelled)
            allowed = " / ".join(
                f"{code}（{'、'.join(names[code])}）" if code in names else code
                for code in dict.fromkeys(options.values())
            )
            raise Bad("import.bad_choice", value=text, allowed=allowed)
        return value

    return check


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise Bad("import.bad_date", value=text) from None


def _text(text: str) -> str:
    if len(text.strip()) > 200:
        raise Bad("import.too_long", limit=200)
    return text.strip()


ROLES = spellings("role", PersonRole)
# what property offices write beside the catalogue's own names
CARD_KINDS = spellings(
    "kind",
    CardKind,
    {"owner": ("门禁卡", "业主卡"), "parking_temporary": ("临时停车卡",), "staff": ("员工卡",)},
)
CARD_STATUSES = spellings("status", CardStatus)
VEHICLE_KINDS = spellings("role", (VehicleKind.OWNER, VehicleKind.STAFF))


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    parse: Callable[[str], Any]
    required: bool = True


SPECS: dict[str, tuple[Column, ...]] = {
    "units": (Column("unit", "房号", validate.unit_code),),
    "residents": (
        Column("name", "姓名", validate.person_name),
        Column("role", "身份", _choice(ROLES)),
        Column("unit", "房号", _optional(validate.unit_code), required=False),
        Column("phone", "手机号", _optional(validate.mobile), required=False),
        Column("id_last4", "身份证后四位", _optional(validate.id_last4), required=False),
        Column("special_care", "特殊关照", _optional(_text), required=False),
    ),
    "cards": (
        Column("uid", "卡号", uids.canonical_hex),
        Column("kind", "类型", _choice(CARD_KINDS)),
        Column("status", "状态", _optional(_choice(CARD_STATUSES)), required=False),
        Column("valid_from", "生效日期", _optional(_date), required=False),
        Column("valid_until", "失效日期", _optional(_date), required=False),
        Column("unit", "房号", _optional(validate.unit_code), required=False),
        Column("holder", "持卡人", _optional(validate.person_name), required=False),
    ),
    "vehicles": (
        Column("plate", "车牌号", validate.plate),
        Column("kind", "类型", _optional(_choice(VEHICLE_KINDS)), required=False),
        Column("unit", "房号", _optional(validate.unit_code), required=False),
        Column("owner", "车主", validate.person_name),
    ),
}


# What identifies a row: a second row with the same key in one file is an error.
KEYS: dict[str, tuple[str, ...]] = {
    "units": ("unit",),
    "residents": ("unit", "name"),
    "cards": ("uid",),
    "vehicles": ("plate",),
}


def decode(raw: bytes) -> str:
    """UTF-8 (BOM or not), else GB18030; anything else is refused rather than guessed."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRefused("import.bad_encoding", "import.bad_encoding_hint") from None


@dataclass
class Parsed:
    row: int  # the row number as a spreadsheet shows it (the header is row 1)
    values: dict[str, Any]
    complete: bool = True  # every cell was good (else only the good cells are in ``values``)


def parse(kind: str, path: Path) -> list[Parsed]:
    """Read and check every row of ``path``; raise ImportRejected listing every problem."""
    rows, problems = check(kind, path)
    if problems:
        raise ImportRejected(problems)
    return rows


def check(kind: str, path: Path) -> tuple[list[Parsed], list[RowProblem]]:
    """Every row of ``path`` whose cells are all good, and every problem found in the others."""
    spec = SPECS[kind]
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise ImportRefused("import.unreadable", None, path=path, error=os_error(exc)) from None
    # a cell longer than Python's csv limit (131,072) is refused by its row and column below, not
    # by the csv module's own error
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise ImportRefused("import.empty", None, path=path)
    names = {c.name: c for c in spec} | {c.zh: c for c in spec}
    columns: list[Column | None] = [names.get(h.strip().lower()) or names.get(h.strip()) for h in header]
    missing = [c.name for c in spec if c.required and c not in columns]
    if missing:
        expected = ", ".join(f"{c.name} ({c.zh})" for c in spec)
        raise ImportRefused("import.missing_columns", None, columns=", ".join(missing), expected=expected)
    problems: list[RowProblem] = []
    out: list[Parsed] = []
    first_seen: dict[tuple[Any, ...], int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                RowProblem(number, "-", "import.too_many_cells", cells=len(cells), header=len(header))
            )
            continue
        values: dict[str, Any] = {c.name: None for c in spec}
        for column, cell in zip(columns, cells, strict=False):
            if column is None:
                continue
            if not cell.strip():
                if column.required:
                    problems.append(RowProblem(number, column.name, "import.required"))
                continue
            refusal = _refusal(cell)
            if refusal is not None:
                problems.append(RowProblem.of(number, column.name, refusal))
                continue
            try:
                values[column.name] = column.parse(cell)
            except InvalidValue as exc:
                problems.append(RowProblem.of(number, column.name, exc))
        for column in spec:  # short rows: missing trailing cells
            if column.required and values[column.name] is None and column in columns[len(cells) :]:
                problems.append(RowProblem(number, column.name, "import.required"))
        key = tuple(values[k] for k in KEYS[kind])
        if None not in key[-1:]:
            if key in first_seen:
                problems.append(RowProblem(number, KEYS[kind][-1], "import.duplicate", first=first_seen[key]))
            first_seen.setdefault(key, number)
        out.append(Parsed(number, values, complete=not problems or problems[-1].row != number))
    return out, problems


def _refusal(cell: str) -> Bad | None:
    """What makes a cell unreadable whatever its column: too long, or holding a control or bidi
    character (a terminal escape in a resident's note would paint over the booth screen)."""
    if len(cell) > CELL_MAX:
        return Bad("import.too_long", limit=CELL_MAX)
    unsafe = first_unsafe(cell)
    if unsafe is not None:
        return Bad("import.control_char", position=unsafe[0], code=unsafe[1])
    return None


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def import_csv(
    conn: sqlite3.Connection, kind: str, path: Path, now: datetime | None = None, *, actor: str = "import"
) -> Counts:
    """Check all of ``path``, then write it in one transaction. Any problem: nothing is written.
    What was imported is audited (by ``actor``), in the same transaction."""
    rows, problems = check(kind, path)
    counts = Counts()
    with transaction(conn):
        writer = _WRITERS[kind]
        for parsed in rows:  # rows are checked against the database too, so one report lists all
            if parsed.complete:
                writer(conn, parsed, problems, counts, now or datetime.now())
            elif parsed.values.get("unit") is not None:
                _unit_id(conn, parsed.values["unit"], parsed, problems)
        if problems:
            problems.sort(key=lambda p: p.row)
            raise ImportRejected(problems)  # rolls the transaction back: nothing written
        if kind == "residents":
            people_index.index_people(conn, _unindexed(conn))
        if counts.added or counts.updated:  # an import that changes nothing leaves no trace
            audit.append(
                conn,
                "import",
                kind,
                f"{path.name}: +{counts.added} ~{counts.updated} ={counts.unchanged}",
                actor=actor,
                at=now or datetime.now(),
            )
    return counts


def _unindexed(conn: sqlite3.Connection) -> list[int]:
    """People whose names have no pinyin yet (new ones: a name is part of a resident's key)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM person"
            " WHERE NOT EXISTS (SELECT 1 FROM person_pinyin y WHERE y.person_id = person.id)"
        )
    ]


Writer = Callable[[sqlite3.Connection, Parsed, list[RowProblem], Counts, datetime], None]


def _unit_id(
    conn: sqlite3.Connection, code: str | None, parsed: Parsed, problems: list[RowProblem]
) -> int | None:
    if code is None:
        return None
    row = conn.execute("SELECT id FROM unit WHERE code = ?", (code,)).fetchone()
    if row is None:
        problems.append(RowProblem(parsed.row, "unit", "import.no_such_unit", unit=code))
        return None
    return int(row[0])


def _person_id(
    conn: sqlite3.Connection,
    unit: str | None,
    name: str,
    column: str,
    parsed: Parsed,
    problems: list[RowProblem],
) -> int | None:
    if unit is None:
        found = conn.execute("SELECT id FROM person WHERE unit_id IS NULL AND name = ?", (name,)).fetchall()
    else:
        found = conn.execute(
            "SELECT p.id FROM person p JOIN unit u ON u.id = p.unit_id WHERE u.code = ? AND p.name = ?",
            (unit, name),
        ).fetchall()
    if len(found) != 1:
        key = "import.no_such_person" if not found else "import.ambiguous_person"
        problems.append(RowProblem(parsed.row, column, key, name=name, unit=unit or "-"))
        return None
    return int(found[0][0])


def _upsert(
    conn: sqlite3.Connection,
    table: str,
    key: dict[str, Any],
    values: dict[str, Any],
    counts: Counts,
    stamped: dict[str, str] | None = None,
) -> None:
    """Insert or update one row by ``key``; ``stamped`` columns are written on insert and on change."""
    stamped = stamped or {}
    where = " AND ".join(f"{k} IS ?" for k in key)
    row = conn.execute(
        f"SELECT id, {', '.join(values)} FROM {table} WHERE {where}", tuple(key.values())
    ).fetchone()
    if row is None:
        cols = {**key, **values, **stamped}
        conn.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            tuple(cols.values()),
        )
        counts.added += 1
    elif tuple(row[1:]) != tuple(values.values()):
        changed = {**values, **{k: v for k, v in stamped.items() if k == "updated_at"}}
        sets = ", ".join(f"{k} = ?" for k in changed)
        conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*changed.values(), row[0]))
        counts.updated += 1
    else:
        counts.unchanged += 1


def _write_unit(
    conn: sqlite3.Connection, p: Parsed, problems: list[RowProblem], counts: Counts, now: datetime
) -> None:
    code: str = p.values["unit"]
    building, entrance, room = code.split("-")
    _upsert(
        conn,
        "unit",
        {"code": code},
        {"building": int(building), "entrance": int(entrance), "room": room},
        counts,
    )


def _write_resident(
    conn: sqlite3.Connection, p: Parsed, problems: list[RowProblem], counts: Counts, now: datetime
) -> None:
    v = p.values
    unit_id = _unit_id(conn, v["unit"], p, problems)
    if v["unit"] is not None and unit_id is None:
        return
    if v["role"] != "staff" and unit_id is None:
        problems.append(RowProblem(p.row, "unit", "import.resident_needs_unit"))
        return
    _upsert(
        conn,
        "person",
        {"unit_id": unit_id, "name": v["name"]},
        {
            "role": v["role"],
            "phone": v["phone"],
            "id_last4": v["id_last4"],
            "special_care": v["special_care"],
        },
        counts,
        {"created_at": stamp(now)},
    )


def _write_card(
    conn: sqlite3.Connection, p: Parsed, problems: list[RowProblem], counts: Counts, now: datetime
) -> None:
    v = p.values
    person_id = None
    if v["holder"] is not None:
        person_id = _person_id(conn, v["unit"], v["holder"], "holder", p, problems)
        if person_id is None:
            return
    elif v["kind"] != "parking_temporary":
        problems.append(RowProblem(p.row, "holder", "import.card_needs_holder"))
        return
    if v["valid_from"] and v["valid_until"] and v["valid_from"] > v["valid_until"]:
        problems.append(RowProblem(p.row, "valid_until", "import.dates_reversed"))
        return
    values = {
        "kind": v["kind"],
        "status": v["status"] or "active",
        "valid_from": v["valid_from"] and v["valid_from"].isoformat(),
        "valid_until": v["valid_until"] and v["valid_until"].isoformat(),
        "person_id": person_id,
    }
    _upsert(conn, "card", {"uid": v["uid"]}, values, counts, {"updated_at": stamp(now)})


def _write_vehicle(
    conn: sqlite3.Connection, p: Parsed, problems: list[RowProblem], counts: Counts, now: datetime
) -> None:
    v = p.values
    person_id = _person_id(conn, v["unit"], v["owner"], "owner", p, problems)
    if person_id is None:
        return
    _upsert(
        conn, "vehicle", {"plate": v["plate"]}, {"kind": v["kind"] or "owner", "person_id": person_id}, counts
    )


_WRITERS: dict[str, Writer] = {
    "units": _write_unit,
    "residents": _write_resident,
    "cards": _write_card,
    "vehicles": _write_vehicle,
}
