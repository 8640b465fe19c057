"""A PDF page in Chinese or English: fpdf2 with a system CJK font (WenQuanYi, Noto CJK), found at
known paths or named by ``print.font``, subset into the file (an A4 page of Chinese is ~10 KB, and
``pdftotext`` gets the text back). fpdf2 loads with the first document, never at the booth's start.

The file is written to a temporary name beside the target, flushed to disk and renamed: a printer
spooler or a USB stick never sees half a document.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from guardpost.errors import GuardpostError
from guardpost.text import printable

if TYPE_CHECKING:
    from fpdf import FPDF

# Debian's packages first (fonts-wqy-microhei is the one .ci/run installs), then other CJK fonts.
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
FONT = "cjk"
PAGE_SIZES: dict[str, str | tuple[float, float]] = {"A4": "A4", "A6": (105.0, 148.0)}  # mm


class NoFont(GuardpostError):
    """No font that can write Chinese was found."""


def find_font(configured: str | None = None) -> Path:
    """The font file to write with: ``print.font`` if set (it must exist), else a known CJK font,
    else what fontconfig offers for Chinese; ``NoFont`` names the package to install."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise NoFont("print.font_missing", "print.font_hint", path=printable(str(path)))
        return path
    for known in KNOWN_FONTS:
        if Path(known).is_file():
            return Path(known)
    found = _fc_match()
    if found is not None:
        return found
    raise NoFont("print.no_font", "print.font_hint", path="-")


def _fc_match() -> Path | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(out) if out else None
    return (
        path
        if path is not None and path.suffix.lower() in (".ttf", ".ttc", ".otf") and path.is_file()
        else None
    )


def new_page(title: str, subtitle: str, font: Path, size: str = "A4") -> FPDF:
    """A document (A4, or A6 for a slip) with one page begun: the title, a line under it, the CJK
    font set."""
    from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format=PAGE_SIZES[size])
    pdf.set_auto_page_break(auto=True, margin=15)
    if font.suffix.lower() == ".ttc":
        pdf.add_font(FONT, fname=str(font), collection_font_number=0)
    else:
        pdf.add_font(FONT, fname=str(font))
    pdf.set_title(title)
    pdf.set_creator("guardpost")
    pdf.add_page()
    pdf.set_font(FONT, size=16 if size == "A4" else 13)
    pdf.cell(0, 10, printable(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.cell(0, 6, printable(subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    return pdf


def table(pdf: FPDF, headings: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> None:
    """Rows under headings, repeated on every page; every cell is text from outside made printable."""
    from fpdf.fonts import FontFace

    pdf.set_font(FONT, size=10)
    with pdf.table(
        col_widths=tuple(widths),
        headings_style=FontFace(emphasis=""),  # no bold face is registered
        line_height=6,
        repeat_headings=1,
    ) as t:
        head = t.row()
        for h in headings:
            head.cell(printable(h))
        for r in rows:
            row = t.row()
            for cell in r:
                row.cell(printable(cell))


def write(pdf: FPDF, target: Path) -> Path:
    """The document at ``target``, whole or not at all (temporary name, fsync, rename)."""
    target = target.expanduser()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        data = bytes(pdf.output())
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GuardpostError(
            "print.cannot_write", None, path=printable(str(target)), error=printable(exc.strerror or str(exc))
        ) from exc
    return target
