"""Run ``guardpost run`` in a real pseudo-terminal and watch what reaches the terminal.

A drain thread reads the pty master continuously (a full pty would block the app), stamps the
first sighting of every feed row id (``#000123``) with ``time.monotonic_ns()`` (the same clock
the app's ``GUARDPOST_TRACE`` uses), and keeps the arrival time of every output chunk (to find
gaps between frames). See /work/shared/notes/TEXTUAL.md "Measuring technique".
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-out"
GUARDPOST = ROOT / ".venv" / "bin" / "guardpost"
if not GUARDPOST.exists():  # running from another venv: use the one running this script
    GUARDPOST = Path(sys.executable).with_name("guardpost")
PYTHON = GUARDPOST.with_name("python")
LAUNCH = Path(__file__).resolve().parent / "gp_launch.py"

# a row id, only when followed by a non-digit (the rest may still be in the next chunk)
ROW_ID = re.compile(rb"#(\d{6,})(?=\D)")
F10 = b"\x1b[21~"


def write_config(path: Path, rate_per_min: int | None = None, kind: str | None = None) -> Path:
    lines = ["[reader]"]
    if kind:
        lines.append(f'kind = "{kind}"')
    if rate_per_min:
        lines.append(f"sim_rate_per_min = {rate_per_min}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class PtyApp:
    """``with PtyApp(db, reader="sim", config=...) as app: ...``; ``app.seen`` = {event_id: ns}."""

    def __init__(
        self,
        db: Path,
        *,
        reader: str = "sim",
        config: Path | None = None,
        trace: Path | None = None,
        rows: int = 40,
        cols: int = 120,
        extra_env: dict[str, str] | None = None,
        shim: bool = False,
        argv: list[str] | None = None,
    ) -> None:
        self.db = Path(db)
        self.reader = reader
        self.config = config
        self.trace = trace
        self.rows = rows
        self.cols = cols
        self.extra_env = extra_env or {}
        self.shim = shim  # start through gp_launch.py (widens a too-narrow event-id column)
        self.argv = argv  # another program instead (a reference app)
        self.seen: dict[int, int] = {}
        self.chunks: list[tuple[int, int]] = []  # (monotonic_ns, bytes)
        self.markers: dict[bytes, int] = {}  # marker -> first sighting
        self._watch: list[bytes] = []
        self._lock = threading.Lock()
        self.proc: subprocess.Popen[bytes] | None = None
        self.master = -1
        self.t_spawn = 0
        self.eof_ns = 0
        self.total_bytes = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self, watch: tuple[bytes, ...] = ()) -> PtyApp:
        self._watch = list(watch)
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        env = dict(
            os.environ, TERM="xterm-256color", LANG="C.UTF-8", COLUMNS=str(self.cols), GUARDPOST_LOGIN="0"
        )
        env.pop("GUARDPOST_CONFIG", None)
        env.pop("GUARDPOST_TRACE", None)
        if self.config is not None:
            env["GUARDPOST_CONFIG"] = str(self.config)
        if self.trace is not None:
            env["GUARDPOST_TRACE"] = str(self.trace)
        env.update(self.extra_env)
        head = [str(PYTHON), str(LAUNCH)] if self.shim else [str(GUARDPOST)]
        argv = [*head, "run", "--db", str(self.db)]
        if self.reader:
            argv += ["--reader", self.reader]
        if self.argv is not None:
            argv = self.argv
        self.t_spawn = time.monotonic_ns()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True, env=env, cwd=ROOT
        )
        os.close(slave)
        self.master = master
        self._thread = threading.Thread(target=self._drain, name="pty-drain", daemon=True)
        self._thread.start()
        return self

    def __enter__(self) -> PtyApp:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.kill()

    def _drain(self) -> None:
        tail = b""
        master = self.master
        while not self._stop.is_set():
            try:
                ready = select.select([master], [], [], 0.05)[0]
            except (OSError, ValueError):
                break
            if not ready:
                continue
            try:
                data = os.read(master, 1 << 16)
            except OSError:  # EIO: the app exited
                data = b""
            now = time.monotonic_ns()
            if not data:
                self.eof_ns = now
                break
            buf = tail + data
            with self._lock:
                self.total_bytes += len(data)
                self.chunks.append((now, len(data)))
                for m in ROW_ID.finditer(buf):
                    self.seen.setdefault(int(m.group(1)), now)
                for marker in self._watch:
                    if marker not in self.markers and marker in buf:
                        self.markers[marker] = now
            tail = buf[-64:]

    # --- interaction --------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def wait_marker(self, marker: bytes, timeout: float) -> int | None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if marker in self.markers:
                return self.markers[marker]
            if self.proc is not None and self.proc.poll() is not None:
                return None
            time.sleep(0.002)
        return self.markers.get(marker)

    def wait_seen(self, count: int, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.seen) >= count:
                return True
            time.sleep(0.01)
        return False

    def snapshot(self) -> tuple[dict[int, int], list[tuple[int, int]]]:
        with self._lock:
            return dict(self.seen), list(self.chunks)

    def rss_kb(self) -> int:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    # --- ending -------------------------------------------------------------------------------
    def quit(self, timeout: float = 10.0) -> int | None:
        """F10 then y: the clean way out (writes the trace)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.write(F10)
            time.sleep(0.3)
            self.write(b"y")
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout)
        if self.proc.poll() is None:
            self.terminate(timeout)
        self._finish()
        return self.proc.returncode

    def terminate(self, timeout: float = 10.0) -> int | None:
        assert self.proc is not None
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._finish()
        return self.proc.returncode

    def sigkill(self) -> int:
        """SIGKILL the app's process group now; returns the kill time (monotonic ns)."""
        assert self.proc is not None
        t = time.monotonic_ns()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._finish()
        return t

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self._finish()

    def _finish(self) -> None:
        if self._thread is not None:
            self._thread.join(2.0)  # reads what is left until EIO
            self._stop.set()
            self._thread.join(1.0)
            self._thread = None
        if self.master >= 0:
            os.close(self.master)
            self.master = -1

    def read_trace(self) -> dict[int, int]:
        if self.trace is None or not self.trace.exists():
            return {}
        return {int(k): int(v) for k, v in json.loads(self.trace.read_text()).items()}


def percentiles(values: list[float], ps: tuple[float, ...] = (50, 90, 99)) -> dict[str, float]:
    """Nearest-rank percentiles plus max and count."""
    if not values:
        return {f"p{p:g}": float("nan") for p in ps} | {"max": float("nan"), "n": 0}
    s = sorted(values)
    out: dict[str, float] = {}
    for p in ps:
        k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
        out[f"p{p:g}"] = s[k]
    out["max"] = s[-1]
    out["n"] = len(s)
    return out


def fmt_stats(st: dict[str, float], unit: str = "ms", digits: int = 1) -> str:
    keys = [k for k in st if k.startswith("p")] + ["max"]
    return " / ".join(f"{k} {st[k]:.{digits}f}" for k in keys) + f" {unit} (n={int(st['n'])})"
