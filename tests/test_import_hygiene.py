"""The core never imports Textual: each ``guardpost`` module, imported alone in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "guardpost"
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in CORE.rglob("*.py")
    if path.name != "__main__.py"  # runs the CLI
)
FORBIDDEN = ("textual", "screens", "guardpost_screens")

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {forbidden!r})))
"""


def test_the_module_list_is_complete() -> None:
    for name in (
        "guardpost",
        "guardpost.storage",
        "guardpost.pipeline",
        "guardpost.cli",
        "guardpost.readers.base",
    ):
        assert name in MODULES


def test_the_probe_can_see_textual() -> None:
    """The check itself works: importing the UI does load Textual."""
    assert "textual" in _loaded("guardpost_screens.app")


def _loaded(module: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(forbidden=set(FORBIDDEN)), module],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    if done.returncode != 0 and "ModuleNotFoundError" in done.stderr and "smartcard" in done.stderr:
        pytest.skip("pyscard is not installed")
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return [m.split(".")[0] for m in loaded]


@pytest.mark.parametrize("module", MODULES)
def test_core_module_does_not_import_the_ui(module: str) -> None:
    loaded = set(_loaded(module))
    assert not loaded & set(FORBIDDEN), f"{module} pulls in {sorted(loaded)}"


# The booth starts in a few hundred milliseconds: the registers' libraries (30-250 ms of imports
# each) load with a register's first use, never with the booth screen.
SLOW = ("pypinyin", "phonenumbers", "stdnum", "qrcode", "zxingcpp", "fpdf", "PIL")


def test_the_booth_screen_starts_without_the_registers_libraries() -> None:
    probe = (
        "import sys, json; import guardpost_screens.app, guardpost_screens.launch; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {set(SLOW)!r})))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
