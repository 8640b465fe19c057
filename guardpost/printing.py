"""Printing through CUPS, the booth's one way to paper: ``lp`` sends a file, ``lpstat`` tells what
is there. Before a file is sent, the usual reasons a print fails are found and said in a guard's
words (no print program, no print service, no such printer, a stopped printer): ``lp`` alone says
"the printer or class does not exist" when it is the scheduler that is not running.

``lp`` and ``lpstat`` inherit the environment, so ``CUPS_SERVER`` (a print server elsewhere, or
another scheduler's socket) applies; they run in the C.UTF-8 locale because their answers are
parsed. ``receipt`` makes the bytes for an 80 mm ESC/POS receipt printer (GB18030, sent raw).

Only the standard library is used (and ``rich.cells``, as ``guardpost.text``): the booth imports
this module on its first print.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from guardpost.domain import Said
from guardpost.errors import GuardpostError, os_error
from guardpost.text import cut, first_unsafe, printable, strip_unsafe

CALL_TIMEOUT_S = 15.0  # one lp / lpstat call: a print server that does not answer in this long is down
POLL_S = 0.2
# What lpadmin accepts as a queue name (controls, space, / \ ? ' " # are refused), and never an
# option to lp or lpstat.
_NAME = re.compile(r"[^\x00-\x20\x7f/\\?'\"#]{1,127}")
_REQUEST = re.compile(r"request id is (?P<printer>\S+)-(?P<job>\d+) \(")
NO_REASON = "reason unknown"  # what lpstat -p says under a stopped printer when nobody said why

# ESC/POS: ESC @ resets the printer; FS & turns on its two-byte (GB18030) characters, which a reset
# may turn off; ESC d 4 feeds four lines past the text; GS V 66 0 feeds to the cutter and cuts
# partially (the roll stays in one piece until torn).
ESC_INIT = b"\x1b@"
CHINESE_MODE = b"\x1c&"
FEED_AND_CUT = b"\x1bd\x04\x1dVB\x00"


@dataclass(frozen=True)
class PrintJob:
    printer: str
    job_id: int

    @property
    def request_id(self) -> str:
        """CUPS's name of the job (``PDF-3``), as ``lpstat -o`` and ``cancel`` take it."""
        return f"{self.printer}-{self.job_id}"


@dataclass(frozen=True)
class Printer:
    name: str
    enabled: bool  # stopped (cupsdisable, or CUPS stopped it after an error): jobs wait, none prints
    accepting: bool  # rejecting (cupsreject): lp refuses new jobs
    is_default: bool
    reason: str = ""  # what CUPS last said about it (why it stopped), made printable


def is_printer_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None and not name.startswith("-") and first_unsafe(name) is None


def printers() -> list[Printer]:
    """Every print queue the scheduler knows, as ``lpstat -p -a -d`` tells them."""
    _check_tools()
    _check_scheduler()
    return _printers()


def print_file(
    path: Path,
    *,
    printer: str | None = None,
    raw: bool = False,
    title: str | None = None,
    wait_s: float = 0,
) -> PrintJob:
    """Send ``path`` to ``printer`` (None: CUPS's default destination; callers pass
    ``Settings.print_printer`` or ``print_receipt_printer`` first) with ``lp``; ``raw`` passes the
    bytes through unchanged (a receipt). ``wait_s > 0`` waits until CUPS has finished the job.

    A ``GuardpostError`` says why nothing was printed, or (``printing.not_done``) that the job did
    not finish in time and is still queued.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise GuardpostError("printing.no_file", None, path=printable(str(path)))
    _check_tools()
    _check_scheduler()
    target = _ready(printer)
    args = ["lp", "-d", target.name]
    if raw:
        args += ["-o", "raw"]
    shown = strip_unsafe(title or "").strip()[:127]
    if shown:
        args += ["-t", shown]
    args.append(str(path.resolve()))  # absolute: a file name never reads as an option
    done = _run(args)
    match = _REQUEST.search(done.stdout)
    if done.returncode != 0 or match is None:
        raise GuardpostError("printing.lp_failed", "printing.lp_failed_hint", error=_said_by(done))
    job = PrintJob(match["printer"], int(match["job"]))
    if wait_s > 0:
        _wait(job, wait_s)
    return job


def receipt(lines: list[str], *, width: int = 48) -> bytes:
    """The bytes for an 80 mm ESC/POS receipt printer: reset, each line (control and bidi
    characters removed, ``guardpost.text.strip_unsafe``) wrapped at ``width`` columns, encoded
    GB18030 (never UTF-8: the printer would print it garbled), then feed and a partial cut.

    A column is the printer's: one for an ASCII character, two for any other, since a printer in
    Chinese mode draws every two- and four-byte code full width (``·`` and ``é`` too, which a
    terminal shows one cell wide). GB18030 encodes every Unicode character; what the printer's font
    lacks (an emoji) comes out as its blank glyph, never garbling the characters after it.
    """
    if width < 2:
        raise ValueError("a receipt line holds at least one Chinese character: width >= 2")
    out = bytearray(ESC_INIT + CHINESE_MODE)
    for line in lines:
        for part in line.splitlines() or [""]:
            for piece in _wrap(strip_unsafe(part), width):
                out += piece.encode("gb18030", errors="replace") + b"\n"  # a lone surrogate: "?"
    out += FEED_AND_CUT
    return bytes(out)


def columns(text: str) -> int:
    """How many columns ``text`` takes on a receipt printer in Chinese mode."""
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for ch in text:
        wide = 1 if ord(ch) < 0x80 else 2
        if used + wide > width:
            pieces.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += wide
    pieces.append("".join(current))
    return pieces


# --- what is there ----------------------------------------------------------------------------


def _check_tools() -> None:
    for program in ("lp", "lpstat"):
        if shutil.which(program) is None:
            raise GuardpostError("printing.no_lp", "printing.no_lp_hint", program=program)


def _server() -> str | Said:
    return os.environ.get("CUPS_SERVER") or Said("printing.this_computer")


def _check_scheduler() -> None:
    # ``lpstat -r`` exits 0 either way; it is the one call that tells "no scheduler" apart
    if _run(["lpstat", "-r"]).stdout.strip() != "scheduler is running":
        raise GuardpostError("printing.no_scheduler", "printing.no_scheduler_hint", server=_server())


def _ready(name: str | None) -> Printer:
    """The printer a job goes to, known to the scheduler, enabled and accepting jobs."""
    there = _printers()
    known: str | Said = ", ".join(p.name for p in there) or Said("printing.none_known")
    if name is None:
        name = next((p.name for p in there if p.is_default), None)
        if name is None:
            raise GuardpostError("printing.no_default", "printing.no_default_hint", known=known)
    elif not is_printer_name(name):
        raise GuardpostError("printing.bad_printer", "printing.bad_printer_hint", printer=printable(name))
    # CUPS compares queue names without regard to case
    found = next((p for p in there if p.name.casefold() == name.casefold()), None)
    if found is None:
        raise GuardpostError("printing.no_such_printer", "printing.known_printers", printer=name, known=known)
    reason: str | Said = Said("printing.reason", reason=found.reason) if found.reason else ""
    if not found.enabled:
        raise GuardpostError("printing.stopped", "printing.stopped_hint", printer=found.name, reason=reason)
    if not found.accepting:
        raise GuardpostError(
            "printing.not_accepting", "printing.not_accepting_hint", printer=found.name, reason=reason
        )
    return found


def _printers() -> list[Printer]:
    enabled = {
        name: (not rest.startswith("disabled"), _reason(notes))
        for name, rest, notes in _entries(_lpstat("-p"), re.compile(r"printer (\S+) (.*)"))
    }
    accepting = {
        name: not rest.startswith("not")
        for name, rest, _ in _entries(_lpstat("-a"), re.compile(r"(\S+) ((?:not )?accepting .*)"))
    }
    said = _lpstat("-d").strip()
    default = said.split(": ", 1)[1].split("/")[0] if said.startswith("system default destination:") else None
    return [
        Printer(
            name,
            enabled=enabled.get(name, (True, ""))[0],
            accepting=accepting.get(name, True),
            is_default=name == default,
            reason=enabled.get(name, (True, ""))[1],
        )
        for name in sorted(enabled.keys() | accepting.keys())  # -a lists classes too
    ]


def _reason(notes: list[str]) -> str:
    return printable(cut(" / ".join(n for n in notes if n != NO_REASON), 200))


def _lpstat(option: str) -> str:
    done = _run(["lpstat", option])
    if done.returncode != 0 and "No destinations added" not in done.stderr:
        raise GuardpostError("printing.lp_failed", "printing.lp_failed_hint", error=_said_by(done))
    return done.stdout


def _entries(text: str, head: re.Pattern[str]) -> list[tuple[str, str, list[str]]]:
    """``(name, rest of the line, the indented lines under it)`` for each entry ``head`` matches."""
    found: list[tuple[str, str, list[str]]] = []
    for line in text.splitlines():
        if line[:1].isspace():
            if found and line.strip():
                found[-1][2].append(line.strip())
        elif match := head.fullmatch(line.rstrip()):
            found.append((match[1], match[2], []))
    return found


# --- a job ------------------------------------------------------------------------------------


def _wait(job: PrintJob, wait_s: float) -> None:
    deadline = time.monotonic() + wait_s
    while not _finished(job):
        left = deadline - time.monotonic()
        if left <= 0:
            raise GuardpostError(
                "printing.not_done",
                "printing.not_done_hint",
                job=job.request_id,
                printer=job.printer,
                seconds=f"{wait_s:g}",
                status=_status(job),
            )
        time.sleep(min(POLL_S, left))


def _finished(job: PrintJob) -> bool:
    """CUPS is done with the job: it is among the completed ones, or (a server that keeps no job
    history) no longer among those waiting."""
    done = _run(["lpstat", "-W", "completed", "-o", job.printer])
    if done.returncode == 0 and job.request_id in _job_ids(done.stdout):
        return True
    pending = _run(["lpstat", "-o", job.printer])
    if pending.returncode != 0:
        _check_scheduler()  # it went away while we waited: say so, not lpstat's words
        raise GuardpostError("printing.lp_failed", "printing.lp_failed_hint", error=_said_by(pending))
    return job.request_id not in _job_ids(pending.stdout)


def _job_ids(listing: str) -> set[str]:
    return {line.split()[0] for line in listing.splitlines() if line.strip() and not line[:1].isspace()}


def _status(job: PrintJob) -> str | Said:
    """Why the job is still waiting: its own status line, else its printer's, else "no reason"."""
    listing = _run(["lpstat", "-l", "-o", job.printer]).stdout
    for _, _, notes in _entries(listing, re.compile(rf"({re.escape(job.request_id)})(\s.*)")):
        for note in notes:
            if note.startswith("Status:") and (status := note.removeprefix("Status:").strip()):
                return printable(cut(status, 200))
    printer = next((p for p in _printers() if p.name == job.printer), None)
    return printer.reason if printer is not None and printer.reason else Said("printing.status_unknown")


def _said_by(done: subprocess.CompletedProcess[str]) -> str:
    """What lp or lpstat said, on one line, printable and not too long for a guard to read."""
    text = " / ".join(line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip())
    return printable(cut(text or f"exit status {done.returncode}", 300))


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}  # CUPS_SERVER passes through
    env.pop("LANGUAGE", None)
    try:
        return subprocess.run(
            args,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            timeout=CALL_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GuardpostError(
            "printing.no_answer",
            "printing.no_scheduler_hint",
            server=_server(),
            seconds=f"{CALL_TIMEOUT_S:g}",
        ) from None
    except OSError as exc:
        raise GuardpostError("printing.lp_failed", "printing.lp_failed_hint", error=os_error(exc)) from None
