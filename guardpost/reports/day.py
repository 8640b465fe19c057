"""The day report (值班日报): a supervisor's day across shifts and gates. Every shift open at some
moment of the day (``shifts.on_date``) is one line of counts, counted whole (a night shift that
began the evening before is in both days); the totals are the sum of the lines; the overrides,
incidents and corrections listed are those of these shifts, each with its shift.

Its content is the day and each shift's content hash, so its code ``GPR1.day.<YYYY-MM-DD>.<hash>``
changes when any of its shifts does (a shift still open changes as it goes on: the report says so).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from guardpost import shifts
from guardpost.config import ShiftSettings
from guardpost.i18n import normalise_language, t
from guardpost.reports import document
from guardpost.reports.document import Document, Section
from guardpost.reports.shift import gap_text, said_or, share, when
from guardpost.shifts import Summary


@dataclass(frozen=True)
class Day:
    day: date
    summaries: tuple[Summary, ...]

    def content(self) -> dict[str, object]:
        """What the day's hash is taken over: the day, and each shift's id, gate and content hash."""
        return {
            "day": self.day.isoformat(),
            "shifts": [[s.shift.id, s.shift.gate_id, shifts.content_hash(s)] for s in self.summaries],
        }

    def parts(self) -> dict[str, str]:
        """Each shift as a part (``shift_<id>``), so a check names the shift that changed."""
        return {f"shift_{s.shift.id}": f"1.{shifts.content_hash(s)[:6]}" for s in self.summaries}


def day_hash(day: Day) -> str:
    text = json.dumps(day.content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def collect(conn: sqlite3.Connection, day: date, settings: ShiftSettings, now: datetime) -> Day:
    """The shifts of ``day`` at every gate, each summed up as things stood at its end."""
    return Day(day, tuple(shifts.summary(conn, r.id, settings, now) for r in shifts.on_date(conn, day)))


def _incidents(s: Summary) -> list[shifts.LogRow]:
    return [e for e in s.logs if e.kind == "incident"]


def shifts_section(d: Day, lang: str, gate_names: Mapping[str, str]) -> Section:
    rows = []
    for s in d.summaries:
        sh = s.shift
        rows.append(
            (
                str(sh.id),
                gate_names.get(sh.gate_id, sh.gate_id),
                sh.guard_name,
                f"{when(sh.started_at)} – {when(s.until, sh.started_at)}"
                + ("" if sh.ended_at else f" ({t('report.day.open', lang)})"),
                str(s.swipes.get("allow", 0)),
                str(s.swipes.get("deny", 0)),
                str(s.swipes.get("alarm", 0)),
                str(s.admitted),
                str(len(s.overrides)),
                str(sum(s.callers_in.values())),
                str(len(s.fevers)),
                str(len(_incidents(s))),
            )
        )
    headings = (
        t("report.col.shift", lang),
        t("report.col.gate", lang),
        t("report.col.guard", lang),
        t("report.col.time", lang),
        t("report.col.allow", lang),
        t("report.col.deny", lang),
        t("report.col.alarm", lang),
        t("report.col.admitted", lang),
        t("report.col.overrides", lang),
        t("report.col.callers", lang),
        t("report.col.fevers", lang),
        t("report.col.incidents", lang),
    )
    return Section(
        "shifts",
        t("report.section.shifts", lang),
        headings,
        tuple(rows),
        (10, 18, 18, 36, 12, 12, 12, 16, 14, 14, 14, 14),
        t("report.day.no_shifts", lang),
    )


def totals_section(d: Day, lang: str) -> Section:
    ss = d.summaries

    def total(name: str) -> int:
        return sum(s.swipes.get(name, 0) for s in ss)

    admitted, overrides = sum(s.admitted for s in ss), sum(len(s.overrides) for s in ss)
    rows = [
        (t("report.count.shifts", lang), str(len(ss))),
        (t("report.count.allow", lang), str(total("allow"))),
        (t("report.count.deny", lang), str(total("deny"))),
        (t("report.count.alarm", lang), str(total("alarm"))),
        (t("report.count.admitted", lang), str(admitted)),
        (t("report.count.by_hand", lang), str(sum(s.by_hand for s in ss))),
        (t("report.count.overrides", lang), f"{overrides} ({share(overrides, admitted)})"),
        (t("report.count.callers_in", lang), str(sum(sum(s.callers_in.values()) for s in ss))),
        (t("report.count.callers_out", lang), str(sum(sum(s.callers_out.values()) for s in ss))),
        (t("report.count.fevers", lang), str(sum(len(s.fevers) for s in ss))),
        (t("report.count.incidents", lang), str(sum(len(_incidents(s)) for s in ss))),
        (t("report.count.corrections", lang), str(sum(len(s.corrections) for s in ss))),
    ]
    return Section(
        "totals",
        t("report.section.totals", lang),
        (t("report.col.item", lang), t("report.col.count", lang)),
        tuple(rows),
        (140, 50),
        t("report.none", lang),
    )


def overrides_section(d: Day, lang: str) -> Section:
    rows = [
        (str(s.shift.id), when(o.at), o.who or "-", o.unit or "-", o.reason or "-", o.guard or "-")
        for s in d.summaries
        for o in s.overrides
    ]
    headings = (
        t("report.col.shift", lang),
        t("report.col.at", lang),
        t("report.col.who", lang),
        t("report.col.unit", lang),
        t("report.col.reason", lang),
        t("report.col.guard", lang),
    )
    return Section(
        "overrides",
        t("report.section.overrides", lang),
        headings,
        tuple(rows),
        (12, 30, 34, 20, 66, 28),
        t("report.none", lang),
    )


def incidents_section(d: Day, lang: str) -> Section:
    rows = [
        (
            str(s.shift.id),
            when(e.at),
            said_or(f"shifts.incident.{e.category}", e.category or "-", lang),
            e.place or "-",
            e.text,
            t("report.log.closed", lang, at=when(e.closed_at)) if e.closed_at else t("report.log.open", lang),
        )
        for s in d.summaries
        for e in _incidents(s)
    ]
    headings = (
        t("report.col.shift", lang),
        t("report.col.at", lang),
        t("report.col.kind", lang),
        t("report.col.place", lang),
        t("report.col.text", lang),
        t("report.col.state", lang),
    )
    return Section(
        "incidents",
        t("report.section.incidents", lang),
        headings,
        tuple(rows),
        (12, 30, 28, 26, 66, 28),
        t("report.none", lang),
    )


def corrections_section(d: Day, lang: str) -> Section:
    rows = [(str(s.shift.id), when(c.at), c.by, c.text) for s in d.summaries for c in s.corrections]
    headings = (
        t("report.col.shift", lang),
        t("report.col.at", lang),
        t("report.col.by", lang),
        t("report.col.text", lang),
    )
    return Section(
        "corrections",
        t("report.section.corrections", lang),
        headings,
        tuple(rows),
        (12, 34, 30, 114),
        t("report.none", lang),
    )


def _per_hour(d: Day) -> tuple[tuple[str, int], ...]:
    """Swipes in each hour of the day, at every gate."""
    hours = [0] * 24
    for s in d.summaries:
        for hour, n in s.per_hour:
            if hour.date() == d.day:
                hours[hour.hour] += n
    return tuple((f"{h:02d}", n) for h, n in enumerate(hours))


def _warning(d: Day, lang: str) -> str | None:
    gaps = [f"{t('report.fact.shift', lang)} {s.shift.id}: {gap_text(s, lang)}" for s in d.summaries if s.gap]
    return "; ".join(gaps) or None


def _receipt(d: Day, lang: str) -> tuple[str, ...]:
    ss = d.summaries
    admitted, overrides = sum(s.admitted for s in ss), sum(len(s.overrides) for s in ss)
    return (
        t("report.receipt.shifts", lang, count=len(ss)),
        t(
            "report.receipt.swipes",
            lang,
            allow=sum(s.swipes.get("allow", 0) for s in ss),
            deny=sum(s.swipes.get("deny", 0) for s in ss),
            alarm=sum(s.swipes.get("alarm", 0) for s in ss),
        ),
        t("report.receipt.admitted", lang, admitted=admitted, by_hand=sum(s.by_hand for s in ss)),
        t("report.receipt.overrides", lang, count=overrides, share=share(overrides, admitted)),
        t(
            "report.receipt.fevers",
            lang,
            count=sum(len(s.fevers) for s in ss),
            corrections=sum(len(s.corrections) for s in ss),
        ),
        t("report.receipt.incidents", lang, count=sum(len(_incidents(s)) for s in ss)),
    )


def build(
    d: Day,
    *,
    lang: str,
    compound: str,
    gate_names: Mapping[str, str],
    audit_head: tuple[int, str] | None,
    now: datetime | None = None,
) -> Document:
    lang = normalise_language(lang) or "zh-CN"
    gates = sorted({s.shift.gate_id for s in d.summaries})
    still_open = sum(1 for s in d.summaries if s.shift.is_open)
    facts = (
        (t("report.fact.day", lang), d.day.isoformat()),
        (t("report.fact.gates", lang), ", ".join(gate_names.get(g, g) for g in gates) or "-"),
        (t("report.fact.shifts", lang), str(len(d.summaries))),
        *(
            [(t("report.fact.still_open", lang), t("report.day.still_open", lang, count=still_open))]
            if still_open
            else []
        ),
    )
    return Document(
        kind="day",
        ident=d.day.isoformat(),
        content_hash=day_hash(d),
        lang=lang,
        title=t("report.day.title", lang, compound=compound),
        subtitle=t("report.day.subtitle", lang, day=d.day.isoformat(), count=len(d.summaries)),
        facts=facts,
        sections=(
            shifts_section(d, lang, gate_names),
            totals_section(d, lang),
            overrides_section(d, lang),
            incidents_section(d, lang),
            corrections_section(d, lang),
        ),
        printed_at=now or datetime.now(),
        audit_head=audit_head,
        warning=_warning(d, lang),
        chart_title=t("report.chart_day", lang),
        chart=_per_hour(d) if d.summaries else (),
        signatures=(t("report.sign.supervisor", lang),),
        receipt=_receipt(d, lang),
        parts=d.parts(),
    )


def default_name(day: date, fmt: str) -> str:
    """The file a day report is written to when no ``--out`` is given: ``day-<YYYY-MM-DD>.<ext>``."""
    return f"day-{day.isoformat()}.{document.EXTENSIONS[fmt]}"


def write(
    d: Day,
    fmt: str,
    out: Path,
    *,
    lang: str,
    compound: str,
    gate_names: Mapping[str, str],
    audit_head: tuple[int, str] | None,
    font: str | None,
    seal_key: bytes | None = None,
    now: datetime | None = None,
) -> Path:
    doc = build(d, lang=lang, compound=compound, gate_names=gate_names, audit_head=audit_head, now=now)
    return document.write(doc, fmt, out, font=font, seal_key=seal_key)
