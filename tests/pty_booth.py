"""``guardpost`` in a real pseudo-terminal, seen through a real terminal emulator (pyte).

What a guard's terminal would show is ``screen_text()``: the program's bytes go through pyte's
VT100 parser, escapes and all, so a test sees exactly what an escape sequence injected by a record
would do to the screen. Keys are written to the pty as a keyboard (or a keyboard-wedge reader) would
send them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pyte

SCRIPT = Path(sys.executable).with_name("guardpost")
KEYS = {
    "f1": b"\x1bOP",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "f6": b"\x1b[17~",
    "f10": b"\x1b[21~",
    "enter": b"\r",
    "escape": b"\x1b",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "pagedown": b"\x1b[6~",
}


class PtyBooth:
    def __init__(
        self,
        args: list[str],
        *,
        cols: int = 120,
        rows: int = 40,
        env: dict[str, str] | None = None,
        command: list[str] | None = None,
    ) -> None:
        self.cols, self.rows = cols, rows
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self._lock = threading.Lock()
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("GUARDPOST_", "LC_"))}
        environ.update(TERM="xterm-256color", LANG="C.UTF-8", COLUMNS=str(cols), LINES=str(rows))
        environ["GUARDPOST_LOGIN"] = "0"  # the booth screen at once (the login screen's tests say 1)
        environ.update(env or {})
        self.proc = subprocess.Popen(
            (command or [str(SCRIPT)]) + args,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            env=environ,
        )
        os.close(slave)
        self.master = master
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.05)[0]:
                continue
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.raw += data
                self.stream.feed(data)

    def screen_text(self) -> str:
        with self._lock:
            return "\n".join(self.screen.display)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            shown = self.screen_text()
            if text in shown:
                return shown
            if self.proc.poll() is not None:
                time.sleep(0.2)
                shown = self.screen_text()
                if text in shown:
                    return shown
                raise AssertionError(f"exited {self.proc.returncode} before {text!r}:\n{shown}")
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not on screen within {timeout} s:\n{self.screen_text()}")

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def press(self, *keys: str, pause: float = 0.15) -> None:
        for key in keys:
            self.write(KEYS[key])
            time.sleep(pause)

    def type(self, text: str, gap: float = 0.2) -> None:
        """A person typing: one key every ``gap`` seconds."""
        for ch in text:
            self.write(ch.encode())
            time.sleep(gap)

    def wait_exit(self, timeout: float = 15.0) -> int:
        return self.proc.wait(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._stop.set()
        self._thread.join(2)
        with contextlib.suppress(OSError):
            os.close(self.master)

    def __enter__(self) -> PtyBooth:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
