"""The pass's QR as the screen draws it scans with a real decoder (zxing-cpp)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
import zxingcpp

from guardpost import passes
from guardpost.domain import VisitCategory
from guardpost.qr import QUIET_ZONE, half_blocks

NOW = datetime(2026, 12, 1, 10, 0)
TOP = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}


def image_of(lines: list[str], scale: int = 6) -> np.ndarray:
    """The text as a terminal shows it black on white: each character two modules high."""
    rows = []
    for line in lines:
        top = [TOP[ch][0] for ch in line]
        bottom = [TOP[ch][1] for ch in line]
        rows += [top, bottom]
    dark = np.array(rows, dtype=np.uint8)
    pixels = np.where(dark == 1, 0, 255).astype(np.uint8)
    return np.kron(pixels, np.ones((scale, scale), dtype=np.uint8))


@pytest.mark.parametrize("visit", [1, 4321, 9_999_999])
def test_the_drawn_pass_scans_back_to_its_token(visit: int) -> None:
    claim = passes.PassClaim(visit, VisitCategory.RELATIVE, "12-3-2801", NOW, NOW + timedelta(hours=13))
    token = passes.sign(b"s" * 32, claim)
    lines = half_blocks(token)
    assert all(len(line) == len(lines[0]) for line in lines)
    assert lines[0].strip() == ""  # the quiet zone is drawn
    assert len(lines[0]) <= 45  # fits a form at 80 columns
    found = zxingcpp.read_barcodes(image_of(lines))
    assert [f.text for f in found] == [token]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    assert passes.verify(b"s" * 32, found[0].text, NOW) == claim


def test_the_quiet_zone_is_four_modules() -> None:
    lines = half_blocks("GP1.1.R.-.0.0.AAAAAAAAAAAAAAAA")
    width = len(lines[0])
    assert all(line[:QUIET_ZONE] == " " * QUIET_ZONE for line in lines)
    assert width > 2 * QUIET_ZONE
