"""The guards of the compound: who they are, their role, their PIN, and checking a PIN.

A PIN is kept only as its argon2id hash (``auth``) and never written anywhere else, a log or the
audit trail included. Wrong PINs are audited (``login.fail``) and slow the next try down: after
``FREE_TRIES`` wrong PINs in a row for one code, each try waits ``5 s × 2^(n - FREE_TRIES)``, at
most ``MAX_WAIT_S``, from the last wrong one; a good PIN starts the count again. The count is read
from the audit trail, so it holds across restarts and for every booth on the file.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from guardpost import audit, auth
from guardpost.domain import Guard, GuardRole, Said
from guardpost.errors import GuardpostError
from guardpost.storage import transaction
from guardpost.text import first_unsafe, printable

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}")
NAME_MAX = 20
FREE_TRIES = 3
FIRST_WAIT_S = 5.0
MAX_WAIT_S = 300.0
# The order of authority: a squad leader may do what a guard may, a supervisor what both may.
RANK = {GuardRole.GUARD: 0, GuardRole.SQUAD_LEADER: 1, GuardRole.SUPERVISOR: 2}


@dataclass(frozen=True, slots=True)
class GuardRow:
    id: int
    code: str
    name: str
    role: GuardRole
    active: bool

    @property
    def on_duty(self) -> Guard:
        """As stamped on events: the id and the name."""
        return Guard(self.id, self.name, self.code)

    def actor(self) -> str:
        """As the audit trail names them."""
        return f"guard:{self.code}"


class PinRefused(GuardpostError):
    """A wrong PIN, an unknown or disabled guard, or a try too soon after wrong ones.

    ``wait_s`` is how long the next try must wait (0: it may come at once)."""

    def __init__(
        self, key: str, hint_key: str | None = None, /, wait_s: float = 0.0, **params: object
    ) -> None:
        super().__init__(key, hint_key, **params)
        self.wait_s = wait_s


class NotAllowed(GuardpostError):
    """The guard is known and the PIN right, but the role is too low for the action."""


def _row(r: tuple[object, ...]) -> GuardRow:
    return GuardRow(int(str(r[0])), str(r[1]), str(r[2]), GuardRole(str(r[3])), bool(r[4]))


_COLUMNS = "SELECT id, code, name, role, active FROM guard"


def list_guards(conn: sqlite3.Connection, *, include_disabled: bool = True) -> list[GuardRow]:
    where = "" if include_disabled else " WHERE active"
    return [_row(r) for r in conn.execute(f"{_COLUMNS}{where} ORDER BY code")]


def find(conn: sqlite3.Connection, code: str) -> GuardRow | None:
    r = conn.execute(f"{_COLUMNS} WHERE code = ? COLLATE NOCASE", (code.strip(),)).fetchone()
    return _row(r) if r else None


def by_id(conn: sqlite3.Connection, guard_id: int) -> GuardRow | None:
    r = conn.execute(f"{_COLUMNS} WHERE id = ?", (guard_id,)).fetchone()
    return _row(r) if r else None


def has_supervisor(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT 1 FROM guard WHERE role = 'supervisor' AND active").fetchone())


def check_code(code: str) -> str:
    code = code.strip()
    if not CODE.fullmatch(code):
        raise GuardpostError("guards.bad_code", "guards.bad_code_hint", code=printable(code[:20]))
    return code


def check_new_pin(pin: str) -> str:
    if not auth.valid_pin(pin):
        raise GuardpostError("guards.bad_pin", None)  # never echo what was typed
    return pin


def check_name(name: str) -> str:
    name = name.strip()
    unsafe = first_unsafe(name)
    if unsafe is not None:
        raise GuardpostError("guards.bad_char", None, code=unsafe[1], position=unsafe[0])
    if not name or len(name) > NAME_MAX:
        raise GuardpostError("guards.bad_name", None, max=NAME_MAX)
    return name


def role_of(text: str) -> GuardRole:
    try:
        return GuardRole(text.strip().lower().replace("-", "_"))
    except ValueError:
        raise GuardpostError(
            "guards.bad_role", None, role=printable(text[:20]), roles=" | ".join(GuardRole)
        ) from None


def add(
    conn: sqlite3.Connection, code: str, name: str, role: GuardRole, pin: str, *, actor: str, now: datetime
) -> GuardRow:
    """A new guard, audited (without the PIN). Refused: a bad code, name or PIN, a code in use."""
    code, name, pin = check_code(code), check_name(name), check_new_pin(pin)
    hashed = auth.hash_pin(pin)  # before the transaction: the file is not held while argon2 works
    with transaction(conn):
        if find(conn, code) is not None:
            raise GuardpostError("guards.exists", None, code=code)
        cur = conn.execute(
            "INSERT INTO guard (code, name, role, pin_hash, active) VALUES (?, ?, ?, ?, 1)",
            (code, name, str(role), hashed),
        )
        audit.append(conn, "guard.add", code, f"{role} {name}", actor=actor, at=now)
    return GuardRow(int(cur.lastrowid or 0), code, name, role, True)


def _known(conn: sqlite3.Connection, code: str) -> GuardRow:
    found = find(conn, code)
    if found is None:
        raise GuardpostError("guards.unknown", "guards.unknown_hint", code=printable(code[:20]))
    return found


def disable(conn: sqlite3.Connection, code: str, *, actor: str, now: datetime) -> GuardRow:
    """A guard who left: they can no longer sign in; their past shifts keep their name."""
    with transaction(conn):
        guard = _known(conn, code)
        conn.execute("UPDATE guard SET active = 0 WHERE id = ?", (guard.id,))
        audit.append(conn, "guard.disable", guard.code, None, actor=actor, at=now)
    return GuardRow(guard.id, guard.code, guard.name, guard.role, False)


def set_pin(conn: sqlite3.Connection, code: str, pin: str, *, actor: str, now: datetime) -> GuardRow:
    check_new_pin(pin)
    hashed = auth.hash_pin(pin)
    with transaction(conn):
        guard = _known(conn, code)
        conn.execute("UPDATE guard SET pin_hash = ? WHERE id = ?", (hashed, guard.id))
        audit.append(conn, "guard.set_pin", guard.code, None, actor=actor, at=now)
    return guard


UNKNOWN = "?"  # the subject of tries with a code no guard has


def _subject(conn: sqlite3.Connection, code: str) -> str:
    """What the audit trail names a try by: the guard's code (``g01`` and ``G01`` are one guard,
    with one count of wrong PINs); a code no guard has is ``?``, never the text typed (a guard who
    typed the PIN into the code field must not find it in the trail), and such tries share one
    count, so guessing codes slows down like guessing PINs."""
    guard = find(conn, code) if code.strip() else None
    return guard.code.upper() if guard is not None else UNKNOWN


def _fails(conn: sqlite3.Connection, subject: str) -> tuple[int, object]:
    """The wrong PINs for ``subject`` since its last good one: how many, and when the last was."""
    last_ok = conn.execute(
        "SELECT max(id) FROM audit WHERE action = 'login.ok' AND subject = ?", (subject,)
    ).fetchone()[0]
    fails = conn.execute(
        "SELECT count(*), max(at) FROM audit WHERE action = 'login.fail' AND subject = ? AND id > ?",
        (subject, last_ok or 0),
    ).fetchone()
    return int(fails[0]), fails[1]


def wait_left(conn: sqlite3.Connection, code: str, now: datetime) -> float:
    """Seconds before the next try for ``code`` is heard (0: now)."""
    count, last = _fails(conn, _subject(conn, code))
    if count < FREE_TRIES or last is None:
        return 0.0
    wait = min(FIRST_WAIT_S * 2 ** (count - FREE_TRIES), MAX_WAIT_S)
    until = datetime.fromisoformat(str(last)) + timedelta(seconds=wait)
    return max(0.0, (until - now).total_seconds())


def check_pin(
    conn: sqlite3.Connection, code: str, pin: str, *, where: str, now: datetime, purpose: str = "login"
) -> GuardRow:
    """The guard whose code and PIN these are, or PinRefused (audited as ``login.fail``, which slows
    the next try). A good PIN is audited as ``login.ok`` when ``purpose`` is a login, and for any
    other purpose when wrong ones came before it (a good PIN starts the count again)."""
    subject = _subject(conn, code)
    wait = wait_left(conn, code, now)
    if wait > 0:
        audit.append(conn, "login.too_soon", subject, f"{purpose} at {where}", actor=subject, at=now)
        raise PinRefused("guards.too_soon", None, wait_s=wait, seconds=int(wait + 0.999))
    guard = find(conn, code)
    stored = conn.execute(
        "SELECT pin_hash FROM guard WHERE code = ? COLLATE NOCASE", (code.strip(),)
    ).fetchone()
    good = stored is not None and auth.verify_pin(pin, str(stored[0]))
    if guard is None or not good or not guard.active:
        why = "unknown" if guard is None else ("wrong_pin" if not good else "disabled")
        audit.append(conn, "login.fail", subject, f"{purpose} at {where}: {why}", actor=subject, at=now)
        wait = wait_left(conn, code, now)
        if guard is not None and good and not guard.active:
            raise PinRefused("guards.disabled", "guards.disabled_hint", code=guard.code)
        raise PinRefused(
            "guards.wrong_pin" if wait == 0 else "guards.wrong_pin_wait",
            None,
            wait_s=wait,
            seconds=int(wait + 0.999),
        )
    if stored is not None and auth.needs_rehash(str(stored[0])):
        conn.execute("UPDATE guard SET pin_hash = ? WHERE id = ?", (auth.hash_pin(pin), guard.id))
    if purpose == "login":
        audit.append(conn, "login.ok", subject, f"at {where}", actor=guard.actor(), at=now)
    elif _fails(conn, subject)[0]:
        audit.append(conn, "login.ok", subject, f"{purpose} at {where}", actor=guard.actor(), at=now)
    return guard


def authorise(
    conn: sqlite3.Connection,
    code: str,
    pin: str,
    *,
    need: GuardRole,
    action: str,
    where: str,
    now: datetime,
) -> GuardRow:
    """A supervisor's (or squad leader's) code and PIN for ``action``: the guard, or PinRefused /
    NotAllowed. Every refusal is audited (``authorise.refused``)."""
    guard = check_pin(conn, code, pin, where=where, now=now, purpose=action)
    if RANK[guard.role] < RANK[need]:
        audit.append(
            conn, "authorise.refused", guard.code, f"{action}: role {guard.role}", actor=guard.actor(), at=now
        )
        raise NotAllowed(
            "guards.not_allowed",
            None,
            name=guard.name,
            role=Said(f"guards.role.{guard.role}"),
            need=Said(f"guards.role.{need}"),
        )
    return guard
