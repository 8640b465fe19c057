"""The shift report (交接班报告): a ``shifts.Summary`` in the reader's language, as text, PDF, HTML,
CSV or a receipt (``document``). What DOMAIN.md "Shift handover" says the outgoing guard hands over,
section by section: who and what is still inside, open incidents and alarms, fevers, the logs and
rounds, the equipment counted; each empty section says so, and each register that does not exist
yet says that. The swipes with nobody signed in before the shift are shown first, framed.

Its code ``GPR1.shift.<id>.<content hash>`` (the QR) proves a printed copy: ``check`` rebuilds
the summary from the database and compares (``shifts.content_hash``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from guardpost import shifts
from guardpost.i18n import catalogue, normalise_language, t
from guardpost.reports import document
from guardpost.reports.document import Document, Section
from guardpost.shifts import Summary


def said_or(key: str, fallback: str, lang: str) -> str:
    """The catalogue's words for ``key``, or ``fallback`` for a value the catalogue does not know
    (an equipment item or a reason added by configuration or a later version)."""
    return t(key, lang) if key in catalogue() else fallback


def when(moment: datetime | None, day: datetime | None = None) -> str:
    """``HH:MM`` on the day of ``day``, else with its date."""
    if moment is None:
        return "-"
    if day is not None and moment.date() == day.date():
        return f"{moment:%H:%M}"
    return f"{moment:%Y-%m-%d %H:%M}"


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"


def handover_text(s: Summary, lang: str) -> str:
    shift = s.shift
    if shift.handover == "accepted":
        return t(
            "report.handover.accepted",
            lang,
            who=shift.handed_to_name or "-",
            code=shift.handed_to_code or "-",
            at=when(shift.accepted_at),
        )
    if shift.handover == "taken_over":
        return t(
            "report.handover.taken_over",
            lang,
            who=shift.handed_to_name or "-",
            code=shift.handed_to_code or "-",
            at=when(shift.ended_at),
        )
    return t("report.handover.open", lang, at=when(s.until))


def gap_text(s: Summary, lang: str) -> str | None:
    if s.gap is None:
        return None
    return t("report.gap", lang, count=s.gap.events, since=when(s.gap.since), until=when(s.gap.until))


def _section(
    name: str,
    title: str,
    headings: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    widths: tuple[int, ...],
    lang: str,
    lines: tuple[str, ...] = (),
) -> Section:
    """A section whose title and headings are said already; with no rows it says "none"."""
    return Section(name, title, headings, tuple(rows), widths, t("report.none", lang), lines)


def counts_section(s: Summary, lang: str) -> Section:
    rows = [
        (t("report.count.allow", lang), str(s.swipes.get("allow", 0))),
        (t("report.count.deny", lang), str(s.swipes.get("deny", 0))),
        (t("report.count.alarm", lang), str(s.swipes.get("alarm", 0))),
        (t("report.count.admitted", lang), str(s.admitted)),
        (t("report.count.by_hand", lang), str(s.by_hand)),
        (t("report.count.overrides", lang), f"{len(s.overrides)} ({share(len(s.overrides), s.admitted)})"),
    ]
    headings = (t("report.col.item", lang), t("report.col.count", lang))
    return _section("counts", t("report.section.counts", lang), headings, rows, (140, 50), lang)


def overrides_section(s: Summary, lang: str) -> Section:
    day = s.shift.started_at
    rows = [
        (when(o.at, day), o.who or "-", o.unit or "-", o.reason or "-", o.guard or "-") for o in s.overrides
    ]
    line = t(
        "report.override_share",
        lang,
        count=len(s.overrides),
        admitted=s.admitted,
        share=share(len(s.overrides), s.admitted),
    )
    headings = (
        t("report.col.at", lang),
        t("report.col.who", lang),
        t("report.col.unit", lang),
        t("report.col.reason", lang),
        t("report.col.guard", lang),
    )
    title = t("report.section.overrides", lang)
    return _section("overrides", title, headings, rows, (22, 36, 22, 80, 30), lang, (line,))


def callers_section(s: Summary, lang: str) -> Section:
    cats = sorted(set(s.callers_in) | set(s.callers_out))
    rows = [
        (said_or(shifts.category_key(c), c, lang), str(s.callers_in.get(c, 0)), str(s.callers_out.get(c, 0)))
        for c in cats
    ]
    if rows:
        rows.append(
            (t("report.total", lang), str(sum(s.callers_in.values())), str(sum(s.callers_out.values())))
        )
    headings = (t("report.col.category", lang), t("report.col.in", lang), t("report.col.out", lang))
    return _section("callers", t("report.section.callers", lang), headings, rows, (110, 40, 40), lang)


def fevers_section(s: Summary, lang: str) -> Section:
    day = s.shift.started_at
    rows = [(when(f.at, day), f.who or "-", f"{f.celsius:.1f} °C") for f in s.fevers]
    headings = (t("report.col.at", lang), t("report.col.who", lang), t("report.col.celsius", lang))
    return _section("fevers", t("report.section.fevers", lang), headings, rows, (40, 110, 40), lang)


def inside_section(s: Summary, lang: str) -> Section:
    rows = [
        (
            v.pass_no,
            said_or(shifts.category_key(v.category), v.category, lang),
            v.name or "-",
            v.unit or "-",
            when(v.entered_at, s.until),
        )
        for v in s.still_inside
    ]
    headings = (
        t("report.col.pass", lang),
        t("report.col.category", lang),
        t("report.col.who", lang),
        t("report.col.unit", lang),
        t("report.col.since", lang),
    )
    title = t("report.section.still_inside", lang)
    return _section("still_inside", title, headings, rows, (28, 36, 60, 30, 36), lang)


def _incident_kind(category: str | None, lang: str) -> str:
    return said_or(f"shifts.incident.{category}", category or "-", lang)


def incidents_section(s: Summary, lang: str) -> Section:
    rows = [
        (when(i.at, s.until), _incident_kind(i.category, lang), i.place or "-", i.text)
        for i in s.open_incidents
    ]
    headings = (
        t("report.col.at", lang),
        t("report.col.kind", lang),
        t("report.col.place", lang),
        t("report.col.text", lang),
    )
    title = t("report.section.open_incidents", lang)
    return _section("open_incidents", title, headings, rows, (32, 34, 34, 90), lang)


def alarms_section(s: Summary, lang: str) -> Section:
    rows = [
        (when(a.at, s.until), said_or(f"reason.{a.reason}", a.reason, lang), a.who or "-")
        for a in s.open_alarms
    ]
    headings = (t("report.col.at", lang), t("report.col.reason", lang), t("report.col.who", lang))
    return _section("open_alarms", t("report.section.open_alarms", lang), headings, rows, (36, 84, 70), lang)


def _log_text(entry: shifts.LogRow, lang: str) -> str:
    details = [
        said
        for value, said in (
            (entry.place, t("report.log.place", lang, value=entry.place)),
            (entry.handled_by, t("report.log.handled_by", lang, value=entry.handled_by)),
            (entry.reported_to, t("report.log.reported_to", lang, value=entry.reported_to)),
            (entry.usb_label, t("report.log.usb_label", lang, value=entry.usb_label)),
        )
        if value
    ]
    if entry.kind == "incident":
        details.insert(0, _incident_kind(entry.category, lang))
        details.append(
            t("report.log.closed", lang, at=when(entry.closed_at))
            if entry.closed_at
            else t("report.log.open", lang)
        )
    return entry.text + (f" ({'; '.join(details)})" if details else "")


def log_kind(kind: str, lang: str) -> str:
    names = {
        "duty": t("report.kind.duty", lang),
        "patrol": t("report.kind.patrol", lang),
        "incident": t("report.kind.incident", lang),
        "rectification": t("report.kind.rectification", lang),
    }
    return names.get(str(kind), str(kind))


def logs_section(s: Summary, lang: str) -> Section:
    day = s.shift.started_at
    rows = [
        (
            when(e.at, day),
            log_kind(e.kind, lang),
            e.guard or "-",
            _log_text(e, lang),
        )
        for e in s.logs
    ]
    headings = (
        t("report.col.at", lang),
        t("report.col.kind", lang),
        t("report.col.by", lang),
        t("report.col.text", lang),
    )
    return _section("logs", t("report.section.logs", lang), headings, rows, (22, 22, 30, 116), lang)


def rounds_section(s: Summary, lang: str) -> Section:
    day = s.shift.started_at
    rows = [
        (
            when(r.started_at, day),
            when(r.ended_at, day) if r.ended_at else t("report.round_open", lang),
            r.guard or "-",
            str(len(r.checked)),
            ", ".join(r.missed) or "-",
            r.findings or "-",
        )
        for r in s.rounds
    ]
    headings = (
        t("report.col.started", lang),
        t("report.col.ended", lang),
        t("report.col.by", lang),
        t("report.col.checked", lang),
        t("report.col.missed", lang),
        t("report.col.findings", lang),
    )
    return _section(
        "rounds", t("report.section.rounds", lang), headings, rows, (22, 22, 30, 20, 30, 66), lang
    )


def equipment_section(s: Summary, lang: str) -> Section:
    rows = []
    for item in s.equipment:
        counted = "-" if item.counted is None else str(item.counted)
        short = (
            ""
            if item.counted is None or item.counted >= item.expected
            else t("report.short", lang, n=item.expected - item.counted)
        )
        rows.append((shifts.item_name(item.item, lang), str(item.expected), counted, short))
    headings = (
        t("report.col.item", lang),
        t("report.col.expected", lang),
        t("report.col.counted", lang),
        t("report.col.short", lang),
    )
    title = t("report.section.equipment", lang)
    section = _section("equipment", title, headings, rows, (80, 35, 35, 40), lang)
    if not rows and s.shift.handover == "taken_over":
        return Section(section.name, section.title, empty=t("report.not_counted", lang))
    return section


def corrections_section(s: Summary, lang: str) -> Section:
    rows = [(when(c.at), c.by, c.text) for c in s.corrections]
    headings = (t("report.col.at", lang), t("report.col.by", lang), t("report.col.text", lang))
    return _section("corrections", t("report.section.corrections", lang), headings, rows, (36, 34, 120), lang)


def lockdown_section(s: Summary, lang: str) -> Section:
    day = s.shift.started_at
    rows = []
    for lv in s.levels:
        scope = lv.scope or t("lockdown.whole_compound", lang)
        if lv.entrance:
            scope += "; " + t("lockdown.entrance_is", lang, gate=lv.entrance)
        level = t(f"lockdown.{lv.level}", lang) + (f" · {t('lockdown.shut_here', lang)}" if lv.shut else "")
        rows.append((when(lv.at, day), level, scope, lv.ordered_by, lv.note or "-"))
    headings = (
        t("report.col.at", lang),
        t("report.col.level", lang),
        t("report.col.scope", lang),
        t("report.col.ordered_by", lang),
        t("report.col.note", lang),
    )
    title = t("report.section.lockdown", lang)
    return _section("lockdown", title, headings, rows, (30, 36, 50, 34, 40), lang)


def slips_section(s: Summary, lang: str) -> Section:
    """Items that left: each slip taken in (they go to the squad leader at the shift's end), each
    owner's release after office hours, each refusal."""
    day = s.shift.started_at
    rows: list[tuple[str, ...]] = []
    lines: tuple[str, ...] = ()
    slips = s.slips
    if slips is not None:
        rows += [
            (when(c.at, day), c.number, c.unit, c.items, t("slips.why.collected", lang))
            for c in slips.collected
        ]
        rows += [
            (when(a.at, day), "-", a.unit, a.items, t("slips.why.owner_after_hours", lang))
            for a in slips.after_hours
        ]
        rows += [
            (when(r.at, day), r.subject, "-", "-", said_or(f"slips.why.{r.reason}", str(r.reason), lang))
            for r in slips.refused
        ]
        rows.sort(key=lambda r: r[0])
        if slips.collected:
            lines = (t("report.slips_to_squad_leader", lang, count=slips.collected_count),)
    headings = (
        t("report.col.at", lang),
        t("report.col.slip", lang),
        t("report.col.unit", lang),
        t("report.col.items", lang),
        t("report.col.outcome", lang),
    )
    return _section(
        "release_slips",
        t("report.section.release_slips", lang),
        headings,
        rows,
        (26, 30, 28, 70, 56),
        lang,
        lines,
    )


def renovation_section(s: Summary, lang: str) -> Section:
    """Renovation workers: admitted and refused per permit, the reasons, the materials seen."""
    r = s.renovation
    rows: list[tuple[str, ...]] = []
    lines: list[str] = []
    if r is not None and (r.admitted or r.refused):
        rows = [(p.unit, p.company, str(p.admitted), str(p.refused)) for p in r.by_permit]
        lines.append(
            t("report.workers", lang, admitted=r.admitted, refused=r.refused, without=r.without_pass)
        )
        for reason, count in sorted(r.refusals.items()):
            label = said_or(f"renovation.reason.{reason}", "", lang) or said_or(
                f"visit_reason.{reason}", reason, lang
            )
            lines.append(f"{label}: {count}")
        if r.materials:
            seen = "、".join(
                f"{said_or(f'renovation.material.{m}', m, lang)} × {n}"
                for m, n in sorted(r.materials.items())
            )
            lines.append(t("report.materials_seen", lang, materials=seen))
    headings = (
        t("report.col.unit", lang),
        t("report.col.company", lang),
        t("report.col.admitted", lang),
        t("report.col.refused", lang),
    )
    return _section(
        "renovation",
        t("report.section.renovation", lang),
        headings,
        rows,
        (30, 100, 30, 30),
        lang,
        tuple(lines),
    )


def vehicles_section(s: Summary, lang: str) -> Section:
    """The vehicle register: in and out by category, then the refusals, plates in twice, the
    overstays of delivery trucks, the permits handed out and the fees taken."""
    from guardpost.policy.vehicles import yuan

    v = s.vehicles
    rows: list[tuple[str, ...]] = []
    lines: list[str] = []
    if v is not None and (v.entries or v.exits or v.refused or v.passbacks):
        rows = [
            (t(f"vehicle.category.{c.category}", lang), str(c.entries), str(c.exits))
            for c in v.counts
            if c.entries or c.exits
        ]
        rows.append((t("report.total", lang), str(v.entries), str(v.exits)))
        lines.append(
            t(
                "report.vehicles_line",
                lang,
                refused=v.refused,
                passbacks=v.passbacks,
                permits=v.permits_issued,
                missing=v.permits_missing,
                receipts=len(v.receipts),
                fees=yuan(v.fees_cents),
            )
        )
        day = s.shift.started_at
        for o in v.overstays:
            state = when(o.left_at, day) if o.left_at else t("report.still_inside", lang)
            lines.append(
                t(
                    "report.overstay",
                    lang,
                    plate=o.plate or "-",
                    category=t(f"vehicle.category.{o.category}", lang),
                    since=when(o.entered_at, day),
                    over=o.over_min,
                    state=state,
                )
            )
    headings = (t("report.col.category", lang), t("report.col.in", lang), t("report.col.out", lang))
    title = t("report.section.vehicles", lang)
    return _section("vehicles", title, headings, rows, (110, 40, 40), lang, tuple(lines))


def permits_section(s: Summary, lang: str) -> Section:
    """Temporary parking permits not back in the booth at the shift's end: the next guard collects
    them (or reports them lost)."""
    day = s.shift.started_at
    rows = [
        (
            str(p.permit_no),
            p.plate or "-",
            when(p.issued_at, day),
            t("report.permit_missing", lang, at=when(p.left_at, day))
            if p.left_at
            else t("report.still_inside", lang),
        )
        for p in s.permits_out
    ]
    headings = (
        t("report.col.permit", lang),
        t("report.col.plate", lang),
        t("report.col.since", lang),
        t("report.col.state", lang),
    )
    title = t("report.section.parking_permits", lang)
    return _section("parking_permits", title, headings, rows, (30, 40, 40, 80), lang)


def quarantine_section(s: Summary, lang: str) -> Section:
    """The quarantine ledger (the compound's, for every booth): readings taken, due, missed, fevers."""
    q = s.quarantine
    rows: list[tuple[str, ...]] = []
    lines: tuple[str, ...] = ()
    if q is not None and q.households:
        day = s.shift.started_at
        lines = (
            t("report.quarantine_line", lang, households=q.households, people=q.people, readings=q.readings),
        )
        rows += [
            (when(f.at, day), f.unit, f.name, t("report.quarantine_fever", lang, celsius=f"{f.celsius:.1f}"))
            for f in q.fevers
        ]
        rows += [
            (f"{d.day:%m-%d}", d.unit, d.name, t(f"report.quarantine_missed.{d.slot}", lang))
            for d in q.missed
        ]
        rows += [
            (f"{d.day:%m-%d}", d.unit, d.name, t(f"report.quarantine_due.{d.slot}", lang)) for d in q.due
        ]
    headings = (
        t("report.col.at", lang),
        t("report.col.unit", lang),
        t("report.col.who", lang),
        t("report.col.state", lang),
    )
    title = t("report.section.quarantine", lang)
    return _section("quarantine", title, headings, rows, (30, 30, 50, 80), lang, lines)


def not_yet_sections(s: Summary, lang: str) -> list[Section]:
    titles = {
        "vehicles": t("report.section.vehicles", lang),
        "parking_permits": t("report.section.parking_permits", lang),
        "release_slips": t("report.section.release_slips", lang),
        "lockdown": t("report.section.lockdown", lang),
    }
    return [Section(name, titles.get(name, name), empty=t("report.not_yet", lang)) for name in s.not_yet]


def sections(s: Summary, lang: str) -> tuple[Section, ...]:
    return (
        counts_section(s, lang),
        overrides_section(s, lang),
        callers_section(s, lang),
        fevers_section(s, lang),
        inside_section(s, lang),
        incidents_section(s, lang),
        alarms_section(s, lang),
        logs_section(s, lang),
        rounds_section(s, lang),
        equipment_section(s, lang),
        corrections_section(s, lang),
        lockdown_section(s, lang),
        vehicles_section(s, lang),
        permits_section(s, lang),
        renovation_section(s, lang),
        slips_section(s, lang),
        quarantine_section(s, lang),
        *not_yet_sections(s, lang),
    )


def receipt(s: Summary, lang: str) -> tuple[str, ...]:
    """The key counts for a 48-cell receipt, one a line."""
    sw = s.swipes
    short = [
        f"{shifts.item_name(i.item, lang)} {i.counted}/{i.expected}"
        for i in s.equipment
        if i.counted is not None and i.counted < i.expected
    ]
    lines = [
        t("report.receipt.guard", lang, name=s.shift.guard_name, code=s.shift.guard_code),
        f"{when(s.shift.started_at)} – {when(s.until, s.shift.started_at)}",
        handover_text(s, lang),
        t(
            "report.receipt.swipes",
            lang,
            allow=sw.get("allow", 0),
            deny=sw.get("deny", 0),
            alarm=sw.get("alarm", 0),
        ),
        t("report.receipt.admitted", lang, admitted=s.admitted, by_hand=s.by_hand),
        t(
            "report.receipt.overrides",
            lang,
            count=len(s.overrides),
            share=share(len(s.overrides), s.admitted),
        ),
        t("report.receipt.callers", lang, came=sum(s.callers_in.values()), left=sum(s.callers_out.values())),
        t(
            "report.receipt.open",
            lang,
            inside=len(s.still_inside),
            incidents=len(s.open_incidents),
            alarms=len(s.open_alarms),
        ),
        t("report.receipt.fevers", lang, count=len(s.fevers), corrections=len(s.corrections)),
    ]
    if short:
        lines.append(t("report.receipt.short", lang, items=", ".join(short)))
    gap = gap_text(s, lang)
    return (*([gap] if gap else []), *lines)


def build(
    s: Summary,
    *,
    lang: str,
    compound: str,
    gate_name: str,
    audit_head: tuple[int, str] | None,
    now: datetime | None = None,
) -> Document:
    """The report of ``s`` in ``lang``, as of ``now`` (when it is printed)."""
    lang = normalise_language(lang) or "zh-CN"
    shift = s.shift
    facts = (
        (t("report.fact.gate", lang), f"{gate_name} ({shift.gate_id})"),
        (t("report.fact.shift", lang), str(shift.id)),
        (t("report.fact.guard", lang), f"{shift.guard_name} ({shift.guard_code})"),
        (t("report.fact.started", lang), when(shift.started_at)),
        (t("report.fact.ended", lang) if shift.ended_at else t("report.fact.as_of", lang), when(s.until)),
        (t("report.fact.handover", lang), handover_text(s, lang)),
        *([(t("report.fact.notes", lang), shift.notes)] if shift.notes else []),
    )
    return Document(
        kind="shift",
        ident=str(shift.id),
        content_hash=shifts.content_hash(s),
        lang=lang,
        title=t("report.shift.title", lang, compound=compound),
        subtitle=t(
            "report.shift.subtitle", lang, gate=gate_name, id=shift.id, day=f"{shift.started_at:%Y-%m-%d}"
        ),
        facts=facts,
        sections=sections(s, lang),
        printed_at=now or datetime.now(),
        audit_head=audit_head,
        warning=gap_text(s, lang),
        chart_title=t("report.chart", lang),
        chart=tuple((f"{hour:%H}", n) for hour, n in s.per_hour),
        signatures=(
            t("report.sign.outgoing", lang, name=shift.guard_name),
            t("report.sign.incoming", lang, name=shift.handed_to_name or ""),
        ),
        receipt=receipt(s, lang),
        parts=document.part_digests(s.content()),
    )


def default_name(shift_id: int, fmt: str) -> str:
    """The file a report is written to when no ``--out`` is given: ``shift-<id>.<ext>``."""
    return f"shift-{shift_id}.{document.EXTENSIONS[fmt]}"


def write(
    summary: Summary,
    fmt: str,
    out: Path,
    *,
    lang: str,
    compound: str,
    gate_name: str,
    audit_head: tuple[int, str] | None,
    font: str | None,
    seal_key: bytes | None = None,
    now: datetime | None = None,
) -> Path:
    """The report in ``fmt`` (text, pdf, html, csv, receipt) at ``out``, whole or not at all."""
    doc = build(summary, lang=lang, compound=compound, gate_name=gate_name, audit_head=audit_head, now=now)
    return document.write(doc, fmt, out, font=font, seal_key=seal_key)
