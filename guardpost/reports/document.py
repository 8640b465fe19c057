"""One report, five shapes: the shift and day reports are built once as a ``Document`` (sections of
rows, in the language asked for), and rendered here as text for the terminal, an A4 PDF, one HTML
file, CSV for a spreadsheet, or a receipt (ESC/POS bytes in GB18030 through ``printing.receipt``).

Every shape carries the report's code, ``GPR1.<kind>.<id>.<content hash>`` (the QR in the PDF and
the HTML, a line in the others), the audit chain's head when it was made, and a seal: a SHA-256
(HMAC with the compound's report key when one is given) over the file itself, written with the seal
as zeros, so ``check`` tells a file edited by hand from one the database no longer agrees with. The
PDF says it all in its Info dictionary too (Keywords, Subject), which fpdf2 writes uncompressed.

Text from outside (names, notes, reasons) is made printable everywhere, escaped in the HTML, and a
CSV cell that a spreadsheet would take for a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import html
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.cells import cell_len

from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.text import cut, printable

if TYPE_CHECKING:
    from fpdf import FPDF  # fpdf2 loads with the first document

FORMATS = ("text", "pdf", "html", "csv", "receipt")
EXTENSIONS = {"text": "txt", "pdf": "pdf", "html": "html", "csv": "csv", "receipt": "bin"}
CODE_PREFIX = "GPR1"
ZEROS = "0" * 64
# What the file says of itself, in ASCII whatever the language: found by ``check`` without OCR.
SEAL = re.compile(rb"seal:(hmac-sha256|sha256):([0-9a-f]{64})")
CODE = re.compile(r"GPR1\.(shift|day)\.([0-9]{1,12}|[0-9]{4}-[0-9]{2}-[0-9]{2})\.([0-9a-fA-F]{64})")
PARTS = re.compile(r"parts:([a-z0-9_.=,]*)")
AUDIT = re.compile(r"audit:(-|[0-9]+)")
TEXT_COLUMN_MAX = 40  # cells: a column wider than this is cut (the last column never is)
RECEIPT_WIDTH = 48
QR_MODULE_MM = 0.8  # a 78-character code is a version 5 QR: 45 modules with its quiet zone, 36 mm
QR_COLUMN_MM = 46  # the QR's column at the top right, wide enough for half the hash in 7 pt
FACT_LABEL_MM = 34
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Section:
    """A titled block of the report: rows under headings, or a line saying why there are none."""

    name: str  # stable: the CSV block's first cell, the HTML id
    title: str
    headings: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[int, ...] = ()  # mm on A4 (190 in all)
    empty: str = ""  # said when there are no rows: none, or the register does not exist yet
    lines: tuple[str, ...] = ()  # said under the title, before the rows


@dataclass(frozen=True)
class Document:
    kind: str  # "shift" | "day"
    ident: str  # the shift's id, or the day as YYYY-MM-DD
    content_hash: str
    lang: str
    title: str
    subtitle: str
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    printed_at: datetime
    audit_head: tuple[int, str] | None
    warning: str | None = None  # shown first and framed: swipes with nobody signed in
    chart_title: str = ""
    chart: tuple[tuple[str, int], ...] = ()  # (hour label, swipes)
    signatures: tuple[str, ...] = ()
    receipt: tuple[str, ...] = ()  # the key counts, each within 48 cells
    parts: dict[str, str] = field(default_factory=dict)  # part -> "count.digest", to say what changed

    @property
    def code(self) -> str:
        return f"{CODE_PREFIX}.{self.kind}.{self.ident}.{self.content_hash}"


def part_digests(content: dict[str, object]) -> dict[str, str]:
    """Each top-level part of a report's content as ``count.digest`` (6 hex digits), so a check
    can name the parts that changed since a file was written and by how many entries."""
    import json

    out = {}
    for name, value in content.items():
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        out[name] = f"{_count(value)}.{hashlib.sha256(text.encode('utf-8')).hexdigest()[:6]}"
    return out


def _count(value: object) -> int:
    """How many entries a part holds: a list's length, a tally's sum (swipes, callers), a number."""
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        numbers = list(value.values())
        return sum(numbers) if all(isinstance(n, int) for n in numbers) else 0
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _parts_text(parts: dict[str, str]) -> str:
    return "parts:" + ",".join(f"{k}={v}" for k, v in parts.items())


def parse_parts(text: str) -> dict[str, str]:
    out = {}
    for item in text.split(","):
        name, _, value = item.partition("=")
        if name and value:
            out[name] = value
    return out


def _audit_text(doc: Document) -> str:
    return f"audit:{doc.audit_head[0] if doc.audit_head else '-'}"


def _seal_text(key: bytes | None) -> str:
    return f"seal:{'hmac-sha256' if key else 'sha256'}:{ZEROS}"


def _audit_line(doc: Document) -> str:
    if doc.audit_head is None:
        return t("report.audit_none", doc.lang)
    return t("report.audit_head", doc.lang, id=doc.audit_head[0], hash=doc.audit_head[1])


# --- text ---------------------------------------------------------------------------------------


def _fit(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def _columns(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows aligned by terminal cells (a Chinese character is two), every column but the last
    padded, and cut at ``TEXT_COLUMN_MAX``."""
    table = [[printable(c) for c in headings], *[[printable(c) for c in r] for r in rows]]
    widths = [min(TEXT_COLUMN_MAX, max(cell_len(r[i]) for r in table)) for i in range(len(headings))]
    out = []
    for r in table:
        cells = [_fit(cut(c, widths[i]), widths[i]) for i, c in enumerate(r[:-1])]
        out.append("  ".join([*cells, r[-1]]).rstrip())
    return out


def text(doc: Document, seal_key: bytes | None = None, *, footer: bool = True) -> str:
    """The report for a terminal or a plain file: no markup, columns aligned by cell width.
    ``footer=False`` (the handover screen, not a copy to keep): no signature lines, report code,
    audit head or seal."""
    lines = [printable(doc.title), printable(doc.subtitle), ""]
    label_width = max((cell_len(label) for label, _ in doc.facts), default=0)
    lines += [f"{_fit(label, label_width)}  {printable(value)}" for label, value in doc.facts]
    if doc.warning:
        bar = "!" * min(78, cell_len(doc.warning) + 4)
        lines += ["", bar, f"! {printable(doc.warning)}", bar]
    if doc.chart:
        top = max(n for _, n in doc.chart) or 1
        lines += ["", doc.chart_title, "-" * cell_len(doc.chart_title)]
        lines += [f"{label}  {n:>5}  {'#' * round(40 * n / top)}".rstrip() for label, n in doc.chart]
    for s in doc.sections:
        lines += ["", printable(s.title), "-" * cell_len(printable(s.title))]
        lines += [printable(line) for line in s.lines]
        lines += _columns(s.headings, s.rows) if s.rows else [printable(s.empty)]
    if not footer:
        return "\n".join(lines)
    if doc.signatures:
        lines += [""] + [
            f"{label} ______________  {t('report.sign_time', doc.lang)} __________"
            for label in doc.signatures
        ]
    lines += [
        "",
        t("report.code", doc.lang, code=doc.code),
        _audit_line(doc),
        t("report.seal_line", doc.lang, printed=f"{doc.printed_at:%Y-%m-%d %H:%M:%S}"),
        f"{_audit_text(doc)} {_seal_text(seal_key)}",
        _parts_text(doc.parts),
        "",
    ]
    return "\n".join(lines)


# --- CSV ----------------------------------------------------------------------------------------


def _cell(value: str) -> str:
    """A cell as data: a spreadsheet never runs it as a formula (OWASP CSV injection)."""
    value = printable(value)
    return "'" + value if value.startswith(FORMULA_START) and not _number(value) else value


def _number(value: str) -> bool:
    return re.fullmatch(r"-?[0-9]+(\.[0-9]+)?%?", value) is not None


def csv_text(doc: Document, seal_key: bytes | None = None) -> str:
    """One block per section (its name and title, a header row, the rows; a blank row after);
    the first block is the report itself, the last how to check it."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["report", doc.title])
    w.writerow([t("report.col.item", doc.lang), t("report.col.value", doc.lang)])
    w.writerow([t("report.fact.subtitle", doc.lang), _cell(doc.subtitle)])
    for label, value in doc.facts:
        w.writerow([_cell(label), _cell(value)])
    if doc.warning:
        w.writerow([t("report.fact.warning", doc.lang), _cell(doc.warning)])
    if doc.chart:
        w.writerow([])
        w.writerow(["per_hour", doc.chart_title])
        w.writerow([t("report.col.hour", doc.lang), t("report.col.swipes", doc.lang)])
        for label, n in doc.chart:
            w.writerow([label, str(n)])
    for s in doc.sections:
        w.writerow([])
        w.writerow([s.name, _cell(s.title)])
        for line in s.lines:
            w.writerow([_cell(line)])
        w.writerow([_cell(h) for h in s.headings] if s.headings else [t("report.col.item", doc.lang)])
        for r in s.rows:
            w.writerow([_cell(c) for c in r])
        if not s.rows:
            w.writerow([_cell(s.empty)])
    w.writerow([])
    w.writerow(["verify", t("report.verify", doc.lang)])
    w.writerow([t("report.col.item", doc.lang), t("report.col.value", doc.lang)])
    w.writerow(["code", doc.code])
    w.writerow(["audit", _audit_line(doc)])
    w.writerow(["printed", f"{doc.printed_at:%Y-%m-%d %H:%M:%S}"])
    w.writerow(["seal", f"{_audit_text(doc)} {_seal_text(seal_key)} {_parts_text(doc.parts)}"])
    return "\ufeff" + buf.getvalue()  # with a BOM, Excel opens the Chinese as UTF-8


# --- HTML ---------------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       font-size: 10pt; color: #000; background: #fff; max-width: 190mm; margin: 0 auto; }
h1 { font-size: 16pt; margin: 0 0 2pt; } h2 { font-size: 12pt; margin: 10pt 0 3pt; }
p.sub { margin: 0 0 6pt; } dl.facts { display: grid; grid-template-columns: max-content auto; gap: 1pt 8pt; }
dl.facts dt { color: #333; } dl.facts dd { margin: 0; }
.warning { border: 2pt solid #b00; background: #fee; padding: 4pt 6pt; font-weight: bold; margin: 6pt 0;
  print-color-adjust: exact; -webkit-print-color-adjust: exact; }
table { border-collapse: collapse; width: 100%; } th, td { border: 0.5pt solid #777; padding: 1pt 4pt;
  text-align: left; vertical-align: top; } th { background: #eee; font-weight: normal; }
thead { display: table-header-group; } tr { break-inside: avoid; }
p.empty { color: #444; font-style: italic; margin: 2pt 0; }
.chart svg { width: 100%; height: 36mm; } .chart rect { fill: #333; } .chart text { font-size: 7px; }
.signatures { display: flex; gap: 12mm; margin-top: 14pt; } .signatures div { flex: 1;
  border-bottom: 0.5pt solid #000; padding-bottom: 14pt; }
footer { margin-top: 14pt; display: flex; gap: 8mm; align-items: flex-start; break-inside: avoid; }
footer code { font-size: 8pt; word-break: break-all; } footer svg { width: 36mm; height: 36mm; flex: none; }
@media print { section { break-inside: avoid-page; } a { color: #000; } }
"""


def _e(value: str) -> str:
    return html.escape(printable(value), quote=True)


def _qr_svg(data: str) -> str:
    from guardpost import qr

    modules = qr.matrix(data)
    path = "".join(f"M{c},{r}h1v1h-1z" for r, row in enumerate(modules) for c, dark in enumerate(row) if dark)
    n = len(modules)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#fff"/><path d="{path}" fill="#000"/></svg>'
    )


def _chart_svg(bars: Sequence[tuple[str, int]]) -> str:
    top = max(n for _, n in bars) or 1
    width, height, w = 190 * 4, 140, (190 * 4) / len(bars)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 24}">']
    for i, (label, n) in enumerate(bars):
        h = height * n / top
        x = i * w
        out.append(
            f'<rect x="{x + w * 0.1:.1f}" y="{height - h + 10:.1f}" width="{w * 0.8:.1f}" height="{h:.1f}"/>'
        )
        out.append(f'<text x="{x + w / 2:.1f}" y="{height + 20}" text-anchor="middle">{_e(label)}</text>')
        if n:
            out.append(f'<text x="{x + w / 2:.1f}" y="{height - h + 8:.1f}" text-anchor="middle">{n}</text>')
    out.append("</svg>")
    return "".join(out)


def html_text(doc: Document, seal_key: bytes | None = None) -> str:
    """One self-contained page (styles, chart and QR inline; nothing fetched), printable on A4."""
    lang = "zh-CN" if doc.lang == "zh-CN" else "en"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{_e(doc.title)}</title>",
        f'<meta name="guardpost-report" content="{doc.kind}:{doc.ident} sha256:{doc.content_hash}">',
        f"<style>{_CSS}</style></head><body>",
        f'<header><h1>{_e(doc.title)}</h1><p class="sub">{_e(doc.subtitle)}</p>',
        '<dl class="facts">',
        *[f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in doc.facts],
        "</dl></header>",
    ]
    if doc.warning:
        out.append(f'<p class="warning" role="alert">{_e(doc.warning)}</p>')
    if doc.chart:
        chart = _chart_svg(doc.chart)
        out.append(f'<section class="chart" id="per_hour"><h2>{_e(doc.chart_title)}</h2>{chart}</section>')
    for s in doc.sections:
        out.append(f'<section id="{_e(s.name)}"><h2>{_e(s.title)}</h2>')
        out += [f"<p>{_e(line)}</p>" for line in s.lines]
        if s.rows:
            out.append(
                "<table><thead><tr>"
                + "".join(f"<th>{_e(h)}</th>" for h in s.headings)
                + "</tr></thead><tbody>"
            )
            out += ["<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in s.rows]
            out.append("</tbody></table>")
        else:
            out.append(f'<p class="empty">{_e(s.empty)}</p>')
        out.append("</section>")
    if doc.signatures:
        out.append(
            '<div class="signatures">'
            + "".join(f"<div>{_e(label)}</div>" for label in doc.signatures)
            + "</div>"
        )
    out += [
        f"<footer>{_qr_svg(doc.code)}<div>",
        f"<p>{_e(t('report.verify', doc.lang))}</p>",
        f"<p><code>{_e(doc.code)}</code></p>",
        f"<p>{_e(_audit_line(doc))}</p>",
        f"<p>{_e(t('report.seal_line', doc.lang, printed=f'{doc.printed_at:%Y-%m-%d %H:%M:%S}'))}</p>",
        f"<p><code>{_audit_text(doc)} {_parts_text(doc.parts)} {_seal_text(seal_key)}</code></p>",
        "</div></footer></body></html>",
        "",
    ]
    return "\n".join(out)


# --- PDF ----------------------------------------------------------------------------------------


def pdf_bytes(doc: Document, font: Path, seal_key: bytes | None = None) -> bytes:
    """A4: the title and facts with the code's QR beside them (the hash in full beneath it), the
    warning framed, the chart drawn with rectangles, a table per section, the signature lines, how
    to check it, "page N of M"; the code, audit head and seal in the Info dictionary too."""
    from guardpost.reports import pdf

    out = pdf.new_page(doc.title, doc.subtitle, font)
    out.set_creation_date(doc.printed_at.astimezone())
    about = f"guardpost-report {doc.kind}:{doc.ident} sha256:{doc.content_hash}"
    out.set_keywords(f"{about} {_audit_text(doc)} {_seal_text(seal_key)}")
    out.set_subject(_parts_text(doc.parts))
    top = out.get_y()
    below_qr = _pdf_qr(out, doc, top)
    out.set_xy(out.l_margin, top)
    out.set_font(pdf.FONT, size=9)
    for label, value in doc.facts:
        out.cell(FACT_LABEL_MM, 5, printable(label))
        out.multi_cell(
            out.epw - FACT_LABEL_MM - QR_COLUMN_MM - 4, 5, printable(value), new_x="LMARGIN", new_y="NEXT"
        )
    out.set_y(max(out.get_y(), below_qr))
    if doc.warning:
        _pdf_warning(out, doc.warning)
    if doc.chart:
        _pdf_chart(out, doc.chart_title, doc.chart)
    for s in doc.sections:
        _pdf_section(out, s)
    if doc.signatures:
        _pdf_signatures(out, doc)
    _pdf_verify(out, doc)
    _pdf_page_numbers(out, doc)
    return bytes(out.output())


def _pdf_warning(out: FPDF, warning: str) -> None:
    from guardpost.reports.pdf import FONT

    out.ln(2)
    out.set_fill_color(255, 228, 228)
    out.set_draw_color(180, 0, 0)
    out.set_line_width(0.6)
    out.set_font(FONT, size=11)
    out.multi_cell(0, 7, printable(warning), border=1, fill=True, new_x="LMARGIN", new_y="NEXT")
    out.set_line_width(0.2)
    out.set_draw_color(0, 0, 0)
    out.set_fill_color(255, 255, 255)  # tables fill with the colour last set


def _heading(out: FPDF, title: str, room: float = 26) -> None:
    from guardpost.reports.pdf import FONT

    if out.get_y() + room > out.page_break_trigger:
        out.add_page()
    out.ln(3)
    out.set_font(FONT, size=12)
    out.cell(0, 7, printable(title), new_x="LMARGIN", new_y="NEXT")
    out.set_font(FONT, size=9)


def _pdf_chart(out: FPDF, title: str, bars: Sequence[tuple[str, int]]) -> None:
    height, width = 30.0, out.epw
    _heading(out, title, room=height + 20)
    top = max(n for _, n in bars) or 1
    x0, y0 = out.l_margin, out.get_y() + 4
    w = width / len(bars)
    out.set_fill_color(60, 60, 60)
    out.set_font_size(6 if len(bars) > 16 else 7)
    out.set_draw_color(0, 0, 0)
    for i, (label, n) in enumerate(bars):
        h = height * n / top
        x = x0 + i * w
        if n:
            out.rect(x + w * 0.12, y0 + height - h, w * 0.76, h, style="F")
            out.set_xy(x, y0 + height - h - 3.5)
            out.cell(w, 3.5, str(n), align="C")
        out.set_xy(x, y0 + height + 0.5)
        out.cell(w, 3.5, label, align="C")
    out.line(x0, y0 + height, x0 + width, y0 + height)
    out.set_fill_color(255, 255, 255)
    out.set_xy(out.l_margin, y0 + height + 5)


def _pdf_section(out: FPDF, s: Section) -> None:
    from guardpost.reports import pdf

    if not s.rows and not s.lines:  # one line: the title, and why there is nothing under it
        if out.get_y() + 12 > out.page_break_trigger:
            out.add_page()
        out.ln(2)
        out.set_font(pdf.FONT, size=12)
        out.cell(out.get_string_width(printable(s.title)) + 4, 7, printable(s.title))
        out.set_font(pdf.FONT, size=9)
        out.set_text_color(80, 80, 80)
        out.cell(0, 7, printable(s.empty), new_x="LMARGIN", new_y="NEXT")
        out.set_text_color(0, 0, 0)
        return
    _heading(out, s.title)
    for line in s.lines:
        out.multi_cell(0, 5, printable(line), new_x="LMARGIN", new_y="NEXT")
    if s.rows:
        pdf.table(out, s.headings, s.rows, s.widths)
        out.set_font(pdf.FONT, size=9)
    else:
        out.set_text_color(80, 80, 80)
        out.cell(0, 5, printable(s.empty), new_x="LMARGIN", new_y="NEXT")
        out.set_text_color(0, 0, 0)


def _pdf_signatures(out: FPDF, doc: Document) -> None:
    _heading(out, t("report.signatures", doc.lang), room=30)
    out.ln(4)
    column = out.epw / max(2, len(doc.signatures))
    y = out.get_y()
    for i, label in enumerate(doc.signatures):
        x = out.l_margin + i * column
        out.set_xy(x, y)
        out.cell(column - 8, 5, printable(label))
        out.line(x, y + 12, x + column - 10, y + 12)
        out.set_xy(x, y + 13)
        out.cell(column - 8, 5, t("report.sign_time", doc.lang))
    out.set_xy(out.l_margin, y + 20)


def _pdf_qr(out: FPDF, doc: Document, top: float) -> float:
    """The code's QR at the top right, the code and its hash in full beneath; where it ends."""
    from guardpost import qr
    from guardpost.reports.pdf import FONT

    modules = qr.matrix(doc.code)
    side = len(modules) * QR_MODULE_MM
    x0 = out.l_margin + out.epw - side
    out.set_fill_color(0, 0, 0)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                out.rect(x0 + c * QR_MODULE_MM, top + r * QR_MODULE_MM, QR_MODULE_MM, QR_MODULE_MM, style="F")
    out.set_fill_color(255, 255, 255)
    out.set_font(FONT, size=7)
    x = out.l_margin + out.epw - QR_COLUMN_MM
    y = top + side
    for line in (f"{CODE_PREFIX}.{doc.kind}.{doc.ident}.", doc.content_hash[:32], doc.content_hash[32:]):
        out.set_xy(x, y)
        out.cell(QR_COLUMN_MM, 3.2, line, align="R")
        y += 3.2
    return y + 1


def _pdf_verify(out: FPDF, doc: Document) -> None:
    from guardpost.reports.pdf import FONT

    _heading(out, t("report.verify", doc.lang), room=30)
    out.set_font(FONT, size=8)
    for line in (
        t("report.verify_how", doc.lang),
        t("report.code", doc.lang, code=doc.code),
        _audit_line(doc),
        t("report.seal_pdf", doc.lang, printed=f"{doc.printed_at:%Y-%m-%d %H:%M:%S}"),
    ):
        out.multi_cell(0, 4.5, printable(line), new_x="LMARGIN", new_y="NEXT")


def _pdf_page_numbers(out: FPDF, doc: Document) -> None:
    from guardpost.reports.pdf import FONT

    out.set_auto_page_break(False)
    total = out.pages_count
    for n in range(1, total + 1):
        out.page = n
        out.set_font(FONT, size=8)
        out.set_xy(out.l_margin, out.h - 10)
        out.cell(out.epw / 2, 5, printable(cut(f"{doc.title} · {doc.subtitle}", 70)))
        out.cell(out.epw / 2, 5, t("report.page", doc.lang, n=n, total=total), align="R")


# --- sealing and writing -------------------------------------------------------------------------


def _digest(data: bytes, key: bytes | None) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest() if key else hashlib.sha256(data).hexdigest()


def seal(data: bytes, key: bytes | None) -> bytes:
    """``data`` with its (last) zero seal filled in: the digest of ``data`` as it stands."""
    marker = _seal_text(key).encode("ascii")
    at = data.rfind(marker)
    if at < 0:
        return data
    start = at + len(marker) - 64
    return data[:start] + _digest(data, key).encode("ascii") + data[start + 64 :]


def seal_holds(data: bytes, key: bytes | None) -> bool | None:
    """Whether the file's seal is its own digest (None: it has none). A keyed seal needs the key."""
    found = list(SEAL.finditer(data))
    if not found:
        return None
    last = found[-1]
    keyed = last.group(1) == b"hmac-sha256"
    if keyed and key is None:
        return False
    zeroed = data[: last.start(2)] + ZEROS.encode("ascii") + data[last.end(2) :]
    return hmac.compare_digest(_digest(zeroed, key if keyed else None).encode("ascii"), last.group(2))


def seal_is_keyed(data: bytes) -> bool:
    """Whether the file's seal was made with a key (an unkeyed one anybody can make again)."""
    found = list(SEAL.finditer(data))
    return bool(found) and found[-1].group(1) == b"hmac-sha256"


def render(doc: Document, fmt: str, *, font: Path | None = None, seal_key: bytes | None = None) -> bytes:
    """The report as the bytes of a file in ``fmt`` (sealed; a receipt is not)."""
    if fmt == "text":
        data = text(doc, seal_key).encode("utf-8")
    elif fmt == "csv":
        data = csv_text(doc, seal_key).encode("utf-8")
    elif fmt == "html":
        data = html_text(doc, seal_key).encode("utf-8")
    elif fmt == "pdf":
        if font is None:
            raise ValueError("a PDF needs a font")
        data = pdf_bytes(doc, font, seal_key)
    elif fmt == "receipt":
        return receipt_bytes(doc)
    else:
        raise bad_format(fmt)
    return seal(data, seal_key)


def bad_format(fmt: str) -> GuardpostError:
    from guardpost.errors import UsageProblem

    return UsageProblem("report.bad_format", None, format=printable(fmt), formats=" | ".join(FORMATS))


def receipt_lines(doc: Document) -> list[str]:
    """What a 48-column receipt says: the key counts and the code, its hash on two lines of 32."""
    head = [doc.title, doc.subtitle, *doc.receipt, ""]
    code = [
        t("report.receipt_code", doc.lang),
        f"{CODE_PREFIX}.{doc.kind}.{doc.ident}.",
        doc.content_hash[:32],
        doc.content_hash[32:],
    ]
    when = t("report.receipt_printed", doc.lang, printed=f"{doc.printed_at:%Y-%m-%d %H:%M}")
    return [printable(line) for line in [*head, *code, when]]  # printing.receipt wraps at 48 columns


def receipt_bytes(doc: Document) -> bytes:
    from guardpost import printing

    return printing.receipt(receipt_lines(doc), width=RECEIPT_WIDTH)


def write(doc: Document, fmt: str, target: Path, *, font: str | None, seal_key: bytes | None) -> Path:
    """``doc`` in ``fmt`` at ``target``, whole or not at all; a PDF in the system's CJK font (or
    ``font``, the ``print.font`` setting). The one way every report is written."""
    from guardpost.reports import pdf

    if fmt not in FORMATS:
        raise bad_format(fmt)
    face = pdf.find_font(font) if fmt == "pdf" else None
    return write_bytes(render(doc, fmt, font=face, seal_key=seal_key), target)


def write_bytes(data: bytes, target: Path) -> Path:
    """``data`` at ``target``, whole or not at all (temporary name, fsync, rename)."""
    target = target.expanduser()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
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
