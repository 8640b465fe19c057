"""One booth per gate and file: the writer holds a lock for its whole life.

Two booths writing for the same gate of the same database would both read the shared PC/SC
readers and store every swipe twice. The lock is an ``flock`` on a small file beside the database
(``NAME.GATE.lock``, holding the owner's pid and host): the kernel drops it when the process ends,
however it ends, so a booth killed by a power cut never leaves a stale lock. The database file
itself is never opened for this (closing any descriptor of it would drop SQLite's own locks).
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

from guardpost import exits
from guardpost.domain import Said
from guardpost.errors import GuardpostError, StorageError, os_error
from guardpost.text import printable

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; one booth per PC is the rule there
    fcntl = None  # type: ignore[assignment]


class BoothBusy(GuardpostError):
    exit_code = exits.BAD_VALUE


def lock_path(db_path: Path, gate: str) -> Path:
    return db_path.with_name(f"{db_path.name}.{gate}.lock")


class BoothLock:
    """``with BoothLock(db, gate):`` or ``acquire()`` / ``release()``. Raises BoothBusy if held."""

    def __init__(self, db_path: Path, gate: str) -> None:
        self.path = lock_path(Path(db_path), gate)
        self.gate = gate
        self._fd: int | None = None

    def acquire(self) -> BoothLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o640)
        except OSError as exc:
            raise StorageError(
                "booth.lock_failed", "storage.path_hint", path=self.path, error=os_error(exc)
            ) from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                owner = _owner(_read(fd))
                os.close(fd)
                raise BoothBusy(
                    "booth.busy", "booth.busy_hint", gate=self.gate, owner=owner, path=self.path
                ) from None
        with contextlib.suppress(OSError):  # who holds it: only for the message of the next one
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __enter__(self) -> BoothLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read(fd: int) -> str:
    with contextlib.suppress(OSError):
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    return ""


def _owner(text: str) -> Said:
    """The holder as the lock file names it (``PID HOST``), in the reader's words."""
    pid, _, host = text.removeprefix("pid ").replace(" on ", " ", 1).partition(" ")
    if not pid.isdigit():
        return Said("booth.owner_unknown")
    return Said("booth.owner", pid=pid, host=printable(host.strip()) or "?")
