"""The registers' keys as a real terminal sends them: Shift+F2, F6, F8, F9, F12 from an xterm or
tmux are ``ESC [1;2Q``, ``ESC [17;2~`` ... (Textual names them shift+f6 ...), from the Linux console
F14, F18 ... Each opens its screen on a booth in a real pty (pilot tests press Textual's names and
would not see a terminal's sequence bound wrongly)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pty_booth import PtyBooth

from guardpost.i18n import catalogue

XTERM = {
    "vehicles": (b"\x1b[17;2~", "vehicle.title"),
    "renovation": (b"\x1b[20;2~", "renovation.title"),
    "release slips": (b"\x1b[1;2Q", "slips.title"),
    "quarantine": (b"\x1b[19;2~", "quarantine.title"),
    "lockdown": (b"\x1b[24;2~", "lockdown_screen.history_title"),
}


def _title(key: str) -> str:
    return catalogue()[key]["en"].split("{", 1)[0].strip().rstrip(":")[:14]


@pytest.mark.parametrize("name", list(XTERM))
def test_the_shift_key_as_xterm_sends_it_opens_the_screen(demo_db: Path, tmp_path: Path, name: str) -> None:
    sequence, title = XTERM[name]
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with PtyBooth(
        ["run", "--db", str(demo_db), "--reader", "wedge", "--gate", "north", "--lang", "en"], env=env
    ) as booth:
        booth.wait_for("F10")
        booth.write(sequence)
        booth.wait_for(_title(title))
        booth.write(b"\x1b")
