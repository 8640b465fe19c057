"""pytest fixtures for tests against a real ``pcscd`` with the vsmartcard ``vpcd`` virtual readers.

Use from a test module or conftest (``tests/`` is on ``sys.path`` in pytest's default import mode):

    from pcscd_fixture import pcscd  # noqa: F401  (a session fixture)

    def test_x(pcscd):                      # skipped when pcscd / vpcd / pyscard is missing,
        pcscd.readers()                     # failed instead when GUARDPOST_REQUIRE_PCSC=1 (CI)
        pcscd.stop(); pcscd.start()         # "unplug" and "plug in" every reader
        pcscd.start(config_dir=empty_dir)   # a pcscd with no reader at all

A pcscd already serving the ``Virtual PCD`` readers is used as it is; otherwise one is started
(``pcscd --foreground --info``, never ``--auto-exit``) and stopped at the end of the session.
Importing this module from several places is fine: all share one ``Pcscd`` object. pcscd and the
vpcd ports are machine-wide, so concurrent test sessions (two pytest runs, xdist workers) take turns
through an flock on ``$TMPDIR/guardpost-pcsc-tests.lock`` (held from first use to session end).
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

VIRTUAL_READER = "Virtual PCD"
SOCKET = Path("/run/pcscd/pcscd.comm")
PID_FILES = (Path(os.environ.get("PCSCD_PIDFILE", "/tmp/guardpost-pcscd.pid")),)  # .ci/pcscd-start.sh
PCSCD_PID_FILE = Path("/run/pcscd/pcscd.pid")  # written by pcscd itself


def unavailable(reason: str) -> None:
    """Skip (locally) or fail (CI: GUARDPOST_REQUIRE_PCSC=1) for a missing PC/SC test setup."""
    if os.environ.get("GUARDPOST_REQUIRE_PCSC") == "1":
        pytest.fail(f"PC/SC test setup required but unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


def _scard() -> Any | None:
    try:
        from smartcard import scard
    except Exception:
        return None
    return scard


def list_readers() -> list[str] | None:
    """PC/SC reader names, or None when pcscd does not answer."""
    sc = _scard()
    if sc is None:
        return None
    hresult, context = sc.SCardEstablishContext(sc.SCARD_SCOPE_USER)
    if hresult != sc.SCARD_S_SUCCESS:
        return None
    try:
        hresult, readers = sc.SCardListReaders(context, [])
        if hresult == sc.SCARD_E_NO_READERS_AVAILABLE:
            return []
        return [str(r) for r in readers] if hresult == sc.SCARD_S_SUCCESS else None
    finally:
        sc.SCardReleaseContext(context)


def _pcscd_path() -> str:
    return shutil.which("pcscd") or "/usr/sbin/pcscd"


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is gone for our purposes


class Pcscd:
    def __init__(self, log_dir: Path) -> None:
        self.log_path = log_dir / "pcscd.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.external = list_readers() is not None  # a pcscd ran before the session
        self.config_dir: Path | None = None  # the -c of the pcscd we started

    # -- state -------------------------------------------------------------------------------------
    def readers(self) -> list[str]:
        return [r for r in list_readers() or [] if VIRTUAL_READER in r]

    @property
    def running(self) -> bool:
        if self.proc is not None and self.proc.poll() is None:
            return True
        return list_readers() is not None

    def wait_readers(self, timeout: float = 10.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(found := self.readers()) >= 2:
                return found
            if self.proc is not None and self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise TimeoutError(f"pcscd lists no {VIRTUAL_READER} readers; log: {self._log_tail()}")

    # -- control -----------------------------------------------------------------------------------
    def start(self, timeout: float = 10.0, config_dir: Path | None = None) -> list[str]:
        """Start pcscd (unless it runs already) and wait until it lists the virtual readers.

        ``config_dir``: run ``pcscd -c config_dir`` instead of the /etc/reader.conf.d readers (an
        empty directory = no reader plugged in); then wait only until pcscd answers. A running pcscd
        with another configuration is restarted.
        """
        if self.running and config_dir != self.config_dir:
            self.stop()
        if not self.running:
            SOCKET.parent.mkdir(parents=True, exist_ok=True)
            args = [_pcscd_path(), "--foreground", "--info"]
            if config_dir is not None:
                args += ["-c", str(config_dir)]
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
            self.config_dir = config_dir
            if self.external:  # we replaced the CI's pcscd: keep its PID file true
                with contextlib.suppress(OSError):
                    if PID_FILES[0].exists():
                        PID_FILES[0].write_text(f"{self.proc.pid}\n")
        if config_dir is None:
            return self.wait_readers(timeout)
        deadline = time.monotonic() + timeout
        while (found := list_readers()) is None:
            if time.monotonic() > deadline or self.proc is None or self.proc.poll() is not None:
                raise TimeoutError(f"pcscd -c {config_dir} does not answer; log: {self._log_tail()}")
            time.sleep(0.05)
        return found

    def stop(self, timeout: float = 5.0) -> None:
        """Stop pcscd (ours or an external one we may signal) and wait until it is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        else:
            pid = self._external_pid()
            if pid is None:
                raise RuntimeError("pcscd is running but its PID is unknown: cannot stop it")
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.02)
        deadline = time.monotonic() + timeout
        while list_readers() is not None:
            if time.monotonic() > deadline:
                raise TimeoutError("pcscd still answers after being stopped")
            time.sleep(0.02)

    def close(self) -> None:
        """End of session: leave pcscd running or not, as it was before the session."""
        if self.proc is not None and self.proc.poll() is None and not self.external:
            self.stop()

    def _external_pid(self) -> int | None:
        for path in (*PID_FILES, PCSCD_PID_FILE):
            with contextlib.suppress(OSError, ValueError):
                pid = int(path.read_text().split()[0])
                if _alive(pid):
                    return pid
        return None

    def _log_tail(self) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").splitlines()[-5:])
        except OSError:
            return "(none)"


def _missing_setup() -> str | None:
    if _scard() is None:
        return "pyscard not installed (pip install pyscard==2.3.1)"
    if not Path(_pcscd_path()).exists():
        return "pcscd not installed (apt-get install pcscd)"
    if not glob.glob("/usr/lib/pcsc/drivers/**/libifdvpcd.so*", recursive=True) and not glob.glob(
        "/usr/lib/*/pcsc/drivers/**/libifdvpcd.so*", recursive=True
    ):
        return "vpcd driver not installed (apt-get install vsmartcard-vpcd)"
    return None


LOCK_FILE = Path(tempfile.gettempdir()) / "guardpost-pcsc-tests.lock"
LOCK_WAIT_S = 600.0


def _lock_machine() -> IO[bytes]:
    """One test session at a time may drive pcscd and the vpcd slots (they are machine-wide)."""
    handle = open(LOCK_FILE, "ab")  # noqa: SIM115  (held for the whole session)
    deadline = time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() > deadline:
                handle.close()
                raise TimeoutError(f"another test session holds {LOCK_FILE}") from None
            time.sleep(0.2)


_shared: Pcscd | None = None
_lock: IO[bytes] | None = None
_users = 0
_failure: str | None = None


@pytest.fixture(scope="session")
def pcscd() -> Iterator[Pcscd]:
    """A pcscd serving ``Virtual PCD 00 00`` (vpcd port 35963) and ``Virtual PCD 00 01`` (35964)."""
    global _shared, _users, _failure, _lock
    if _failure is not None:
        unavailable(_failure)
    if _shared is None:
        if (reason := _missing_setup()) is not None:
            _failure = reason
            unavailable(reason)
        if _lock is None:
            _lock = _lock_machine()
        service = Pcscd(Path(tempfile.mkdtemp(prefix="guardpost-pcscd-")))
        if list_readers() is not None and not service.readers():
            _failure = f"a pcscd without the {VIRTUAL_READER} readers is already running"
            unavailable(_failure)
        if list_readers() is None and os.geteuid() != 0 and not os.access(SOCKET.parent, os.W_OK):
            _failure = f"pcscd not running and {SOCKET.parent} is not writable (start it as root)"
            unavailable(_failure)
        try:
            service.start()
        except Exception as exc:
            service.close()
            _failure = f"could not start pcscd: {exc}"
            unavailable(_failure)
        _shared = service
    _users += 1
    try:
        yield _shared
    finally:
        _users -= 1
        if _users == 0 and _shared is not None:
            _shared.close()
            _shared = None
            if _lock is not None:
                _lock.close()  # releases the flock
                _lock = None
