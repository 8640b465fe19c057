"""SQLModel sessions over the same safely-opened connections (``storage.connect``).

For the registers, lists and reports; the swipe path uses plain sqlite3 (see ``access``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from guardpost.storage import connect


def engine(path: Path) -> Engine:
    """An engine whose one connection is opened (checked, configured, upgraded) by ``storage.connect``."""
    conn = connect(path)
    eng = create_engine("sqlite://", creator=lambda: conn, poolclass=StaticPool)

    @event.listens_for(eng, "begin")
    def _begin(connection: Any) -> None:  # the connection is in autocommit mode: begin explicitly
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return eng


def session(path: Path) -> Session:
    return Session(engine(path))
