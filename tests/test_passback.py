"""Anti-passback for cards: at a vehicle or garage gate a card in again without going out is
admitted with a warning on the feed (never refused: guards forget exits), also after a restart,
and pedestrian gates (where people leave without a swipe) are left alone unless configured."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from guardpost import events
from guardpost.access import Gatekeeper, exact
from guardpost.config import ConfigError, load_settings
from guardpost.domain import Decision, Lane, Reason
from guardpost.storage import connect

AT = datetime(2026, 12, 2, 7, 30)


def _parking_card(conn: sqlite3.Connection) -> str:
    return str(
        conn.execute(
            "SELECT uid FROM card WHERE kind = 'parking_monthly' AND status = 'active'"
            " AND (valid_until IS NULL OR valid_until > '2026-12-03') ORDER BY id LIMIT 1"
        ).fetchone()[0]
    )


def _keeper(conn: sqlite3.Connection, gate: str = "garage", on: bool = True) -> Gatekeeper:
    keeper = Gatekeeper(conn, gate)
    keeper.passback = on
    return keeper


@pytest.fixture
def conn(demo_db: Path):  # noqa: ANN201
    c = connect(demo_db)
    yield c
    c.close()


def test_in_twice_is_admitted_with_a_warning_and_out_clears_it(conn: sqlite3.Connection) -> None:
    uid = _parking_card(conn)
    keeper = _keeper(conn)
    lanes = [Lane.IN, Lane.IN, Lane.OUT, Lane.IN, Lane.OUT, Lane.OUT]
    got = [keeper.swipe(exact(uid), lane, now=AT + timedelta(minutes=i)) for i, lane in enumerate(lanes)]
    assert [s.reason for s in got] == [Reason.OK, Reason.PASSBACK, Reason.OK, Reason.OK, Reason.OK, Reason.OK]
    assert all(s.decision == Decision.ALLOW for s in got)  # a warning, never a refusal
    stored = conn.execute("SELECT reason FROM access_event ORDER BY id DESC LIMIT 6").fetchall()
    assert [r[0] for r in reversed(stored)] == [str(s.reason) for s in got]


@pytest.mark.parametrize("indexed", [False, True])
def test_a_restarted_booth_still_knows_the_card_came_in(conn: sqlite3.Connection, indexed: bool) -> None:
    uid = _parking_card(conn)
    _keeper(conn).swipe(exact(uid), Lane.IN, now=AT)
    if indexed:  # the writer's idle work has put the event into event_card
        events.index_cards(conn)
    again = _keeper(conn).swipe(exact(uid), Lane.IN, now=AT + timedelta(hours=2))
    assert again.reason == Reason.PASSBACK
    # another gate's lane says nothing about this one
    other = _keeper(conn, "north").swipe(exact(uid), Lane.IN, now=AT + timedelta(hours=3))
    assert other.reason == Reason.OK


def test_off_the_card_passes_in_twice_as_before(conn: sqlite3.Connection) -> None:
    uid = _parking_card(conn)
    keeper = _keeper(conn, on=False)
    got = [keeper.swipe(exact(uid), Lane.IN, now=AT + timedelta(minutes=i)).reason for i in range(2)]
    assert got == [Reason.OK, Reason.OK]


def test_the_gate_kinds_are_configured_and_checked(tmp_path: Path) -> None:
    assert load_settings(env={}).rules.passback_gate_kinds == ("vehicle", "garage")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[rules]\npassback_gate_kinds = ["pedestrian"]\n', encoding="utf-8")
    assert load_settings(cfg, env={}).rules.passback_gate_kinds == ("pedestrian",)
    cfg.write_text('[rules]\npassback_gate_kinds = ["gate"]\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(cfg, env={})
