"""The compound's gates (门岗): a booth runs one; ``guardpost gates add`` sets a new compound up."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from guardpost import audit
from guardpost.domain import GateKind
from guardpost.errors import GuardpostError
from guardpost.storage import transaction
from guardpost.text import first_unsafe

GATE_ID = re.compile(r"[a-z0-9_-]{1,32}")


@dataclass(frozen=True, slots=True)
class Gate:
    id: str
    name_zh: str
    name_en: str
    kind: GateKind
    is_open: bool


def list_gates(conn: sqlite3.Connection) -> list[Gate]:
    return [
        Gate(str(r[0]), str(r[1]), str(r[2]), GateKind(str(r[3])), bool(r[4]))
        for r in conn.execute("SELECT id, name_zh, name_en, kind, is_open FROM gate ORDER BY id")
    ]


def gate_name(conn: sqlite3.Connection, gate_id: str, lang: str | None = None) -> str:
    """A gate's name in ``lang`` (the current language), or its id for a gate the file lacks."""
    from guardpost.i18n import current_language

    row = conn.execute("SELECT name_zh, name_en FROM gate WHERE id = ?", (gate_id,)).fetchone()
    if row is None:
        return gate_id
    return str(row[0] if (lang or current_language()) == "zh-CN" else row[1])


def add_gate(
    conn: sqlite3.Connection, gate_id: str, name_zh: str, name_en: str, kind: str, actor: str
) -> Gate:
    """A new gate, audited. Refused: a malformed id, an empty name, an unknown kind, a gate that exists."""
    if not GATE_ID.fullmatch(gate_id):
        raise GuardpostError("gates.bad_id", "gates.bad_id_hint", gate=gate_id)
    if kind not in tuple(GateKind):
        raise GuardpostError("gates.bad_kind", None, kind=kind, kinds=" | ".join(GateKind))
    names = (name_zh.strip(), name_en.strip())
    for name in names:
        unsafe = first_unsafe(name)
        if unsafe is not None:
            raise GuardpostError("gates.bad_char", None, code=unsafe[1], position=unsafe[0])
    if not all(names) or any(len(n) > 40 for n in names):
        raise GuardpostError("gates.bad_name", None)
    with transaction(conn):
        if conn.execute("SELECT 1 FROM gate WHERE id = ?", (gate_id,)).fetchone():
            raise GuardpostError("gates.exists", None, gate=gate_id)
        conn.execute(
            "INSERT INTO gate (id, name_zh, name_en, kind, is_open) VALUES (?, ?, ?, ?, 1)",
            (gate_id, *names, kind),
        )
        audit.append(conn, "gate.add", gate_id, f"{kind} {names[0]} / {names[1]}", actor=actor)
    return Gate(gate_id, names[0], names[1], GateKind(kind), True)
