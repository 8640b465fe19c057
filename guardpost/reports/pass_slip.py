"""A visitor's pass slip (临时通行证): the pass number, its QR (drawn as vector squares from the
same modules as the terminal's, so any scanner reads the slip), who, the host unit and the window.
What a gate needs to check the pass, and no phone or ID number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from guardpost import qr
from guardpost.domain import VisitCategory
from guardpost.i18n import t
from guardpost.reports import pdf
from guardpost.text import printable

MODULE_MM = 1.6  # a version 3-4 code is 37-41 modules with its quiet zone: about 6 cm across an A6


@dataclass(frozen=True)
class Slip:
    pass_no: str
    token: str
    category: VisitCategory
    name: str | None
    unit: str | None
    valid_from: datetime
    valid_until: datetime


def write(slip: Slip, target: Path, *, compound: str, font: str | None = None) -> Path:
    doc = pdf.new_page(
        t("slip.title", compound=compound), t("slip.number", number=slip.pass_no), pdf.find_font(font), "A6"
    )
    modules = qr.matrix(slip.token)
    x0, y0 = doc.get_x(), doc.get_y()
    doc.set_fill_color(0, 0, 0)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                doc.rect(x0 + c * MODULE_MM, y0 + r * MODULE_MM, MODULE_MM, MODULE_MM, style="F")
    doc.set_y(y0 + len(modules) * MODULE_MM + 4)
    doc.set_font(pdf.FONT, size=10)
    lines = [
        (t("slip.category"), t(f"category.{slip.category}")),
        (t("slip.who"), slip.name or "-"),
        (t("slip.unit"), slip.unit or "-"),
        (t("slip.valid"), f"{slip.valid_from:%Y-%m-%d %H:%M} – {slip.valid_until:%Y-%m-%d %H:%M}"),
    ]
    for label, value in lines:
        doc.cell(0, 6, printable(t("slip.line", label=label, value=value)), new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.set_font(pdf.FONT, size=9)
    doc.multi_cell(0, 5, t("slip.note"))
    return pdf.write(doc, target)
