"""The SQL migrations and the SQLModel classes describe the same tables, and the ORM reads raw-SQL rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Table
from sqlmodel import SQLModel, col, select

from guardpost import domain, models, storage
from guardpost.access import Gatekeeper, exact, stamp
from guardpost.importer import import_csv
from guardpost.orm import session

TABLES: dict[str, Table] = dict(SQLModel.metadata.tables)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    conn = storage.connect(tmp_path_factory.mktemp("schema") / "fresh.db", create=True)
    yield conn
    conn.close()


def test_the_models_declare_tables() -> None:
    for name in ("gate", "unit", "person", "card", "access_event", "alarm_ack", "audit"):
        assert name in TABLES


def test_every_migrated_table_has_a_model(db: sqlite3.Connection) -> None:
    in_db = {
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    assert in_db == set(TABLES)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_columns_and_not_null_agree(db: sqlite3.Connection, name: str) -> None:
    info = db.execute(f"PRAGMA table_info({name})").fetchall()
    assert info, f"table {name} is missing from the migrated database"
    in_db = {r[1]: bool(r[3]) for r in info}
    in_model = {c.name: not c.nullable for c in TABLES[name].columns}
    assert in_db == in_model


@pytest.mark.parametrize("name", sorted(TABLES))
def test_primary_and_foreign_keys_agree(db: sqlite3.Connection, name: str) -> None:
    table = TABLES[name]
    pk_db = {r[1] for r in db.execute(f"PRAGMA table_info({name})") if r[5]}
    assert pk_db == {c.name for c in table.primary_key.columns}
    fk_db = {(r[3], r[2], r[4]) for r in db.execute(f"PRAGMA foreign_key_list({name})")}
    fk_model = {(fk.parent.name, fk.column.table.name, fk.column.name) for fk in table.foreign_keys}
    assert fk_db == fk_model


@pytest.mark.parametrize("name", sorted(TABLES))
def test_unique_columns_agree(db: sqlite3.Connection, name: str) -> None:
    table = TABLES[name]
    unique_db: set[tuple[str, ...]] = set()
    for _seq, index, unique, origin, _partial in db.execute(f"PRAGMA index_list({name})"):
        if unique and origin != "pk":
            unique_db.add(tuple(r[2] for r in db.execute(f"PRAGMA index_info('{index}')")))
    unique_model = {(c.name,) for c in table.columns if c.unique}
    unique_model |= {tuple(c.name for c in ix.columns) for ix in table.indexes if ix.unique}
    assert unique_db == unique_model


# --- the ORM reads what the raw-SQL paths wrote ----------------------------------------------

UNITS = "unit\n3-2-1201\n"
RESIDENTS = "name,role,unit,phone,id_last4,special_care\n王伟,owner,3-2-1201,13812345678,123X,独居老人\n"
CARDS = (
    "uid,kind,status,valid_from,valid_until,unit,holder\n"
    "04A1B2C3D4E5F6,owner,lost,2025-01-01,2027-12-31,3-2-1201,王伟\n"
    "DEADBEEF,parking_temporary,active,,,,\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_orm_reads_rows_written_by_the_importer_and_the_swipe_path(tmp_path: Path) -> None:
    path = tmp_path / "booth.db"
    conn = storage.connect(path, create=True)
    conn.execute(
        "INSERT INTO gate (id, name_zh, name_en, kind) VALUES ('east', '东门', 'East gate', 'pedestrian')"
    )
    import_csv(conn, "units", _write(tmp_path, "u.csv", UNITS))
    import_csv(conn, "residents", _write(tmp_path, "r.csv", RESIDENTS))
    import_csv(conn, "cards", _write(tmp_path, "c.csv", CARDS))
    moment = datetime(2026, 3, 4, 7, 45, 12, 345678)
    swiped = Gatekeeper(conn, "east").swipe(exact("04A1B2C3D4E5F6"), "in", now=moment)
    conn.close()
    assert swiped.decision == "alarm"

    with session(path) as ses:
        card = ses.exec(select(models.Card).where(col(models.Card.uid) == "04A1B2C3D4E5F6")).one()
        assert card.kind == domain.CardKind.OWNER
        assert card.status == domain.CardStatus.LOST
        assert card.valid_from == date(2025, 1, 1)
        assert card.valid_until == date(2027, 12, 31)
        assert isinstance(card.updated_at, datetime)

        temporary = ses.exec(select(models.Card).where(col(models.Card.uid) == "DEADBEEF")).one()
        assert temporary.person_id is None and temporary.valid_from is None

        person = ses.get(models.Person, card.person_id)
        assert person is not None
        assert (person.name, person.role, person.id_last4) == ("王伟", "owner", "123X")
        assert person.special_care == "独居老人"
        assert isinstance(person.created_at, datetime)
        unit = ses.get(models.Unit, person.unit_id)
        assert unit is not None and (unit.code, unit.building, unit.entrance, unit.room) == (
            "3-2-1201",
            3,
            2,
            "1201",
        )

        event = ses.exec(select(models.AccessEvent)).one()
        assert event.id == swiped.event_id
        assert event.at == moment
        assert (event.gate_id, event.lane, event.decision, event.reason) == ("east", "in", "alarm", "lost")
        assert (event.card_id, event.person_id) == (card.id, person.id)

        gate = ses.get(models.Gate, "east")
        assert gate is not None and gate.is_open is True and gate.kind == domain.GateKind.PEDESTRIAN


def test_orm_reads_every_demo_card(demo_db: Path) -> None:
    raw = sqlite3.connect(demo_db)
    expected = raw.execute("SELECT count(*) FROM card").fetchone()[0]
    expired = raw.execute("SELECT count(*) FROM card WHERE status = 'expired'").fetchone()[0]
    raw.close()
    with session(demo_db) as ses:
        cards = ses.exec(select(models.Card)).all()
        assert len(cards) == expected > 0
        assert sum(c.status == domain.CardStatus.EXPIRED for c in cards) == expired
        for card in cards:
            assert card.valid_until is None or isinstance(card.valid_until, date)
            assert card.kind in set(domain.CardKind)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_times_are_stored_as_local_wall_clock(name: str) -> None:
    """Times are naive local times (models docstring): no column may convert them to or from UTC."""
    for column in TABLES[name].columns:
        kind = type(column.type).__name__
        if "date" in kind.lower() and kind != "Date":
            assert kind == "DateTime", f"{name}.{column.name} is {kind}"
            assert column.type.timezone is False, f"{name}.{column.name}"


def test_orm_writes_naive_times_as_the_swipe_path_does(tmp_path: Path) -> None:
    path = tmp_path / "booth.db"
    storage.connect(path, create=True).close()
    moment = datetime(2026, 11, 26, 7, 45, 0, 123456)
    with session(path) as ses:
        ses.add(models.Audit(at=moment, actor="test", action="card.set_status", subject="DEADBEEF"))
        ses.commit()
    with session(path) as ses:
        assert ses.exec(select(models.Audit)).one().at == moment
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT at FROM audit").fetchone()[0] == stamp(moment)
    raw.close()
