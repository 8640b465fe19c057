"""A crash leaves a note, not a mess: the details go to ``crash.log``, the person sees one line.

Used by the command line and by the booth screen alike (STYLE.md, harlequin's ``crash.py``). The log
is kept bounded: past ``MAX_BYTES`` it is moved to ``crash.log.1`` (the one before is dropped), so a
booth that crashes in a loop never fills its disk with tracebacks.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

from guardpost import exits
from guardpost.i18n import t

EXIT_CRASH = exits.CRASH
MAX_BYTES = 1_000_000
NAME = "crash.log"


def crash_dir() -> Path:
    from guardpost.config import user_data_dir

    return user_data_dir()


def write_note(exc: BaseException, context: str = "") -> Path:
    """Append the traceback of ``exc`` (and what was running) to the crash log; returns its path.

    Never raises: when the data folder cannot be written, the note goes to the temporary folder.
    """
    text = _note(exc, context)
    for folder in (crash_dir(), Path(tempfile.gettempdir())):
        path = folder / NAME
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _rotate(path)
            with path.open("a", encoding="utf-8", errors="replace") as fh:
                fh.write(text)
            return path
        except OSError:
            continue
    return Path(tempfile.gettempdir()) / NAME


def one_line(exc: BaseException, path: Path) -> str:
    """What the guard reads: the error in a few words and where the details are, in the UI language."""
    first = (str(exc).splitlines() or [""])[0][:200]
    return t("crash.one_line", error=f"{type(exc).__name__}: {first}".rstrip(": "), path=path)


def _note(exc: BaseException, context: str) -> str:
    from guardpost import __version__

    head = (
        f"--- {datetime.now().isoformat(timespec='seconds')} guardpost {__version__}"
        f" (Python {platform.python_version()}, pid {os.getpid()})"
        f" {context or ' '.join(sys.argv[1:])}\n"
    )
    return head + "".join(traceback.format_exception(exc)) + "\n"


def _rotate(path: Path) -> None:
    try:
        if path.stat().st_size > MAX_BYTES:
            os.replace(path, path.with_name(NAME + ".1"))
    except FileNotFoundError:
        pass
