"""A pass's QR code as terminal text: half-block characters, two modules a cell, with the quiet zone.

Drawn dark on light (the screen gives the lines black on white), as every scanner expects. The token
is upper-case letters, digits, ``.`` and ``-``, so ``qrcode`` encodes it in alphanumeric mode: a
version 3 or 4 code for a pass, small enough for a phone's camera or a cheap scanner at the booth.
"""

from __future__ import annotations

QUIET_ZONE = 4  # modules: the standard's minimum

_CELL = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def matrix(data: str) -> list[list[bool]]:
    """The code's modules (True = dark), quiet zone included."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def half_blocks(data: str) -> list[str]:
    """The code as lines of text: each character is two modules, one above the other."""
    rows = matrix(data)
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    return [
        "".join(_CELL[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1], strict=True))
        for i in range(0, len(rows), 2)
    ]
