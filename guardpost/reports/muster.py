"""The muster list (疏散清点表): everyone registered who is inside now, to be ticked off at the
assembly point in an evacuation. The rows are ``visits.inside``, the same as the F7 board and
``guardpost inside``; what it prints is what a roll call needs (the pass, who, the host unit, since
when), never a phone or an ID number."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from guardpost.i18n import t
from guardpost.reports import pdf
from guardpost.visits import Inside

COLUMNS = ("no", "pass", "category", "who", "unit", "since", "minutes", "present")
WIDTHS = (10, 22, 28, 42, 22, 16, 28, 22)  # mm, 190 in all (A4 less its margins)


def rows(inside: list[Inside]) -> list[list[str]]:
    """The table's rows, the longest inside first, an overstay marked after its minutes."""
    out = []
    for i, r in enumerate(inside, 1):
        minutes = f"{r.minutes}" + (f" {t('inside.overstay')}" if r.overstay else "")
        out.append(
            [
                str(i),
                r.pass_no,
                t(f"category.{r.category}"),
                r.name or r.company or "-",
                r.unit or "-",
                f"{r.entered_at:%H:%M}",
                minutes,
                "",
            ]
        )
    return out


def write(
    inside: list[Inside], target: Path, *, compound: str, gate: str, now: datetime, font: str | None = None
) -> Path:
    doc = pdf.new_page(
        t("muster.title", compound=compound),
        t("muster.subtitle", gate=gate, at=f"{now:%Y-%m-%d %H:%M}", count=len(inside)),
        pdf.find_font(font),
    )
    if inside:
        pdf.table(doc, [t(f"muster.col.{c}") for c in COLUMNS], rows(inside), WIDTHS)
    else:
        doc.cell(0, 8, t("inside.nobody"), new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.cell(0, 6, t("muster.signed"), new_x="LMARGIN", new_y="NEXT")
    return pdf.write(doc, target)
