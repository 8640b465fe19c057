"""The shift and day reports: what each format says (PDF text in both languages, escaped HTML, CSV
that reads back, a receipt in GB18030 within 48 cells), the content hash that proves a printed copy
(by the file, by the QR's text, by a typed hash), and the ``guardpost report`` commands."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from rich.cells import cell_len
from typer.testing import CliRunner

from guardpost import audit, exits, guards, printing, shifts, storage, visits
from guardpost.access import Gatekeeper, exact
from guardpost.config import Settings
from guardpost.domain import ConsentChannel, ConsentOutcome, GuardRole, LockdownLevel, LogKind, VisitCategory
from guardpost.errors import GuardpostError
from guardpost.i18n import t
from guardpost.reports import check, document
from guardpost.reports import day as day_report
from guardpost.reports import shift as shift_report

T0 = datetime(2026, 11, 26, 7, 0, 0)  # the morning shift begins
END = T0 + timedelta(hours=8)
PRINTED = END + timedelta(minutes=5)
HOSTILE = "<script>x()</script>[bold]王"
OWNER = "kind = 'owner' AND status = 'active' AND valid_until IS NULL"


def text_of(path: Path, *extra: str) -> str:
    assert shutil.which("pdftotext"), "poppler-utils is needed to read the PDF back"
    return subprocess.run(
        ["pdftotext", "-layout", *extra, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@dataclass
class Compound:
    db: Path
    settings: Settings
    shift_id: int  # the morning shift, handed over
    next_id: int  # the afternoon shift, open
    supervisor: guards.GuardRow
    allowed: int
    denied: int


def _uids(conn: sqlite3.Connection, n: int) -> list[str]:
    return [str(r[0]) for r in conn.execute(f"SELECT uid FROM card WHERE {OWNER} ORDER BY id LIMIT ?", (n,))]


def _caller(
    conn: sqlite3.Connection,
    s: Settings,
    form: visits.VisitForm,
    at: datetime,
    guard: guards.GuardRow,
    reason: str = "",
) -> None:
    step = (
        visits.ConsentStep(ConsentOutcome.OVERRIDE, reason=reason)
        if reason
        else visits.ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.FRONT_DESK)
    )
    visits.register(
        conn,
        form,
        [step],
        gate="east",
        level=LockdownLevel.NORMAL,
        settings=s.visits,
        fever_threshold_c=37.3,
        guard=guard.on_duty,
        now=at,
    )


def build_compound(demo_db: Path) -> Compound:
    """The demo compound with a morning shift at the east gate: swipes before anyone signed in (a
    gap), swipes allowed and denied, a relative let in, an override for a caller with a hostile
    name, a courier with a fever, a duty line and an open incident, handed over with a key short."""
    s = make_settings(demo_db, "zh-CN")
    conn = storage.connect(demo_db)
    try:
        made = T0 - timedelta(days=1)
        zhang = guards.add(conn, "R01", "张三", GuardRole.GUARD, "1234", actor="test", now=made)
        guards.add(conn, "R02", "李四", GuardRole.GUARD, "5678", actor="test", now=made)
        boss = guards.add(conn, "R09", "王主管", GuardRole.SUPERVISOR, "9999", actor="test", now=made)
        uids = _uids(conn, 5)
        nobody = Gatekeeper(conn, "east")
        for i in range(3):  # the booth ran at night with nobody signed in
            nobody.swipe(exact(uids[i]), "in", now=T0 - timedelta(hours=3, minutes=i))
        shift = shifts.login(conn, "R01", "1234", gate="east", now=T0).shift
        keeper = Gatekeeper(conn, "east", guard=zhang.on_duty)
        allowed = 0
        for i in range(40):
            keeper.swipe(exact(uids[i % 5]), "in" if i % 2 else "out", now=T0 + timedelta(minutes=5 + i * 9))
            allowed += 1
        denied = 0
        for i in range(4):
            keeper.swipe(exact(f"DEADBEEF0{i}"), "in", now=T0 + timedelta(hours=2, minutes=i))
            denied += 1
        unit = str(conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0])
        _caller(
            conn,
            s,
            visits.VisitForm(VisitCategory.RELATIVE, name="王晓明", phone="13812345678", unit=unit),
            T0 + timedelta(hours=1),
            zhang,
        )
        _caller(
            conn,
            s,
            visits.VisitForm(VisitCategory.RELATIVE, name="赵六", phone="13812345679", unit=unit),
            T0 + timedelta(hours=3),
            zhang,
            reason="住户电话打不通，<b>说</b>约好了",
        )
        with conn:  # a name from before the forms refused markup, written straight into the file
            conn.execute("UPDATE visit SET name = ? WHERE name = '赵六'", (HOSTILE,))
        _caller(
            conn,
            s,
            visits.VisitForm(VisitCategory.COURIER, company="顺丰", phone="13912345678", temperature="38.2"),
            T0 + timedelta(hours=4),
            zhang,
        )
        shifts.write_log(
            conn,
            LogKind.DUTY,
            "[red]北门灯坏了[/red]，<i>已报修</i>",
            gate="east",
            guard=zhang.on_duty,
            shift_id=shift.id,
            now=T0 + timedelta(hours=5),
        )
        shifts.write_log(
            conn,
            LogKind.INCIDENT,
            "车库有人撬车",
            gate="east",
            guard=zhang.on_duty,
            shift_id=shift.id,
            now=T0 + timedelta(hours=6),
            category="theft",
            place="B2 车库",
            reported_to="派出所",
        )
        done = shifts.handover(
            conn,
            shift.id,
            incoming_code="R02",
            pin="5678",
            notes="对讲机一台电量低",
            counts={"radio": 4, "keys": 5, "parking_permits": 20},
            settings=s.shifts,
            now=END,
        )
        return Compound(demo_db, s, shift.id, done.shift.id, boss, allowed, denied)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def compound_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from guardpost.demo import build

    path = tmp_path_factory.mktemp("reports") / "compound.db"
    build(path)
    build_compound(path)
    return path


@pytest.fixture
def compound(compound_master: Path, tmp_path: Path) -> Compound:
    path = tmp_path / "booth.db"
    shutil.copyfile(compound_master, path)
    s = make_settings(path, "zh-CN")
    conn = storage.connect(path)
    try:
        boss = guards.find(conn, "R09")
        morning = shifts.last_closed(conn, "east")
        afternoon = shifts.open_shift(conn, "east")
    finally:
        conn.close()
    assert boss is not None and afternoon is not None
    return Compound(path, s, morning.id, afternoon.id, boss, 40, 4)


@pytest.fixture
def conn(compound: Compound) -> Iterator[sqlite3.Connection]:
    c = storage.connect(compound.db)
    yield c
    c.close()


def _summary(conn: sqlite3.Connection, compound: Compound) -> shifts.Summary:
    return shifts.summary(conn, compound.shift_id, compound.settings.shifts, PRINTED)


def _write(conn: sqlite3.Connection, compound: Compound, fmt: str, out: Path, lang: str = "zh-CN") -> Path:
    return shift_report.write(
        _summary(conn, compound),
        fmt,
        out,
        lang=lang,
        compound="翠湖花园",
        gate_name="东门" if lang == "zh-CN" else "East gate",
        audit_head=audit.head(conn),
        font=None,
        seal_key=check.seal_key(conn),
        now=PRINTED,
    )


# --- what the summary holds (the scenario itself) -----------------------------------------------


def test_the_scenario_gives_the_summary_the_report_is_about(
    conn: sqlite3.Connection, compound: Compound
) -> None:
    s = _summary(conn, compound)
    assert s.swipes == {"allow": compound.allowed, "deny": compound.denied, "alarm": 1}  # the fever rings
    assert s.gap is not None and s.gap.events == 3
    assert [o.who for o in s.overrides] == [HOSTILE] and s.admitted == compound.allowed + 2
    assert s.callers_in == {"relative": 2}  # the courier with a fever was not let in
    assert len(s.fevers) == 1 and len(s.open_incidents) == 1
    assert [i.counted for i in s.equipment if i.item == "keys"] == [5]


# --- PDF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_pdf_holds_the_counts_and_the_section_titles_in_its_language(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path, lang: str
) -> None:
    path = _write(conn, compound, "pdf", tmp_path / "shift.pdf", lang)
    text = text_of(path)
    s = _summary(conn, compound)
    assert "翠湖花园" in text and "张三" in text and "李四" in text and "王晓明" in text
    if lang == "zh-CN":
        for title in (
            "刷卡与放行",
            "强制放行",
            "体温异常",
            "未结事件",
            "值班日志",
            "装备清点",
            "车辆进出",
            "未交回的临时停车证",
            "装修工人",
            "放行条",
            "居家隔离台账",
            "封闭管理等级",
        ):
            assert title in text, title
        assert "无人登录值班" in text and "3 次刷卡" in text  # the gap, said first
        assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d\s*页", text) and "接班人" in text and "交班人" in text
        assert "该登记簿尚未启用" not in text and "无" in text  # every register exists now
    else:
        for title in (
            "Swipes and admissions",
            "Overrides",
            "Fevers",
            "Open incidents",
            "Duty log",
            "Equipment",
            "Vehicles",
            "Release slips",
            "Parking permits not back",
            "Renovation workers",
            "Quarantine ledger",
            "Lockdown levels",
        ):
            assert title in text, title
        assert "3 swipes" in text and "nobody signed in" in text
        assert "page 1 of " in text and "Incoming guard" in text and "does not exist yet" not in text
    assert f"{compound.allowed}" in text and f"{s.admitted}" in text and "1 (2.4%)" in text
    assert shifts.content_hash(s) in text.replace("\n", "")  # printed in full under the QR
    head = audit.head(conn)
    assert head is not None and f"{head[0]}:{head[1]}" in text.replace("\n", "")
    assert not list(tmp_path.glob(".*part"))


def test_the_pdf_says_its_code_in_plain_metadata_and_its_qr_scans_to_it(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path
) -> None:
    import numpy as np
    import zxingcpp
    from PIL import Image

    path = _write(conn, compound, "pdf", tmp_path / "shift.pdf")
    data = path.read_bytes()
    h = shifts.content_hash(_summary(conn, compound))
    assert f"/Keywords (guardpost-report shift:{compound.shift_id} sha256:{h}".encode() in data
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"shift:{compound.shift_id} sha256:{h}" in info
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True
    )
    [png] = list(tmp_path.glob("p*.png"))
    found = zxingcpp.read_barcodes(np.asarray(Image.open(png).convert("L")))
    assert f"GPR1.shift.{compound.shift_id}.{h}" in [r.text for r in found]


def test_a_page_of_the_pdf_as_a_picture(conn: sqlite3.Connection, compound: Compound, tmp_path: Path) -> None:
    """The first page rendered at 80 dpi (docs/shift-report.png is one of these, looked at)."""
    path = _write(conn, compound, "pdf", tmp_path / "shift.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    [png] = list(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 20_000  # a page of text and a chart, not a blank one


# --- HTML, CSV, text, receipt -------------------------------------------------------------------


def test_the_html_escapes_a_hostile_name_and_stands_alone(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path
) -> None:
    page = _write(conn, compound, "html", tmp_path / "shift.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;x()&lt;/script&gt;[bold]王" in page
    assert "&lt;b&gt;说&lt;/b&gt;" in page and "&lt;i&gt;已报修&lt;/i&gt;" in page  # a reason, a log line
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    assert "@media print" in page and "<svg" in page and 'lang="zh-CN"' in page


def test_the_csv_reads_back_with_the_counts(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path
) -> None:
    raw = _write(conn, compound, "csv", tmp_path / "shift.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    blocks: dict[str, list[list[str]]] = {}
    name = None
    for row in rows:
        if not row:
            name = None
        elif name is None:
            name = row[0]
            blocks[name] = []
        else:
            blocks[name].append(row)
    counts = {r[0]: r[1] for r in blocks["counts"][1:]}
    assert counts["刷卡放行"] == str(compound.allowed) and counts["刷卡拒绝"] == str(compound.denied)
    assert blocks["overrides"][0] == ["放行 42 人（次）中强制放行 1 次，占 2.4%"]
    [override] = blocks["overrides"][2:]
    assert override[1] == HOSTILE and "约好了" in override[3]
    assert blocks["vehicles"][-1] == [t("report.none", "zh-CN")]  # none at this gate in the shift
    assert blocks["corrections"][-1] == ["无"]
    assert dict((r[0], r[1]) for r in blocks["verify"][1:])["code"].startswith(
        f"GPR1.shift.{compound.shift_id}."
    )


def test_a_csv_cell_never_runs_as_a_formula() -> None:
    assert document._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and document._cell("-3") == "-3"
    assert document._cell("@SUM(A1)") == "'@SUM(A1)" and document._cell("王") == "王"


def test_the_text_report_aligns_by_cells_and_holds_no_markup(
    conn: sqlite3.Connection, compound: Compound
) -> None:
    doc = shift_report.build(
        _summary(conn, compound),
        lang="zh-CN",
        compound="翠湖花园",
        gate_name="东门",
        audit_head=audit.head(conn),
        now=PRINTED,
    )
    out = document.text(doc)
    assert "\x1b" not in out and HOSTILE in out  # shown as typed, never parsed
    lines = out.splitlines()
    equipment = lines.index("装备清点")
    table = lines[equipment + 2 : equipment + 6]
    # the second column starts at the same cell in every row, whatever the width of the Chinese
    starts = {
        cell_len(line[: line.index(value, 2)])
        for line, value in zip(table, ("应有", "6", "20", "4"), strict=True)
    }
    assert len(starts) == 1, table


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_receipt_is_gb18030_within_48_cells(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path, lang: str
) -> None:
    data = _write(conn, compound, "receipt", tmp_path / "shift.bin", lang).read_bytes()
    assert data.startswith(printing.ESC_INIT)
    body = data[len(printing.ESC_INIT + printing.CHINESE_MODE) : -len(printing.FEED_AND_CUT)]
    lines = body.decode("gb18030").splitlines()
    assert all(printing.columns(line) <= 48 for line in lines), [
        line for line in lines if printing.columns(line) > 48
    ]
    text = "\n".join(lines)
    assert f"{compound.allowed}" in text and (
        "强制放行 1" in text if lang == "zh-CN" else "Overrides 1" in text
    )
    h = shifts.content_hash(_summary(conn, compound))
    assert h[:32] in lines and h[32:] in lines


# --- check: the file, the QR, a typed hash ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "html", "csv", "text", "receipt"])
def test_an_untouched_report_is_verified(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path, fmt: str
) -> None:
    path = _write(conn, compound, fmt, tmp_path / f"shift.{fmt}")
    result = check.check_file(conn, path, compound.settings)
    assert result.matches, [x.text("en") for x in result.said()]
    assert result.seal is (None if fmt == "receipt" else True)
    assert result.kind == "shift" and result.ident == str(compound.shift_id)


@pytest.mark.parametrize("fmt", ["pdf", "text"])
def test_a_correction_added_since_is_named(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path, fmt: str
) -> None:
    path = _write(conn, compound, fmt, tmp_path / f"shift.{fmt}")
    shifts.correct(
        conn, compound.shift_id, "钥匙数量应为 6", by=compound.supervisor, now=PRINTED + timedelta(hours=1)
    )
    result = check.check_file(conn, path, compound.settings)
    assert not result.matches and result.seal is True  # the file is as written: the database moved
    assert [(c.part, c.was, c.now) for c in result.changes] == [("corrections", 0, 1)]
    said = "\n".join(x.text("en") for x in result.said())
    assert "corrections (0 -> 1 entries)" in said and "audit trail has 1 entries" in said


def test_a_report_edited_by_hand_is_refused(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path
) -> None:
    for fmt in ("text", "html", "csv"):
        path = _write(conn, compound, fmt, tmp_path / f"shift.{fmt}")
        edited = path.read_text(encoding="utf-8").replace(
            f"{compound.allowed}", f"{compound.allowed - 10}", 1
        )
        path.write_text(edited, encoding="utf-8")
        result = check.check_file(conn, path, compound.settings)
        assert result.content_matches and result.seal is False and not result.matches, fmt
        assert "was changed after it was written" in "\n".join(x.text("en") for x in result.said())
    pdf = _write(conn, compound, "pdf", tmp_path / "shift.pdf")
    data = bytearray(pdf.read_bytes())
    data[data.index(b"stream") + 40] ^= 0x01  # one byte of a page's drawing
    pdf.write_bytes(bytes(data))
    assert check.check_file(conn, pdf, compound.settings).seal is False


def test_a_seal_made_again_without_the_key_is_said_to_be_weak(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path
) -> None:
    path = _write(conn, compound, "text", tmp_path / "shift.txt")
    keyed = path.read_bytes()
    marker = keyed[keyed.rindex(b"seal:") :].split()[0]
    edited = keyed.replace(marker, f"seal:sha256:{document.ZEROS}".encode())
    path.write_bytes(document.seal(edited, None))  # sealed again as anyone could: without the key
    result = check.check_file(conn, path, compound.settings)
    assert result.seal is True and not result.keyed
    assert "without the compound's key" in "\n".join(x.text("en") for x in result.said())


def test_a_file_that_is_no_report_says_so(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path
) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("nothing here", encoding="utf-8")
    with pytest.raises(GuardpostError) as caught:
        check.check_file(conn, other, compound.settings)
    assert caught.value.key == "report.no_code"


def test_check_by_the_qr_text_and_by_a_typed_hash(conn: sqlite3.Connection, compound: Compound) -> None:
    h = shifts.content_hash(_summary(conn, compound))
    code = f"GPR1.shift.{compound.shift_id}.{h}"
    assert check.check_hash(conn, code, compound.settings).matches
    assert check.check_hash(conn, code.upper(), compound.settings).matches  # a scanner in capitals
    assert check.check_hash(conn, h, compound.settings, shift_id=compound.shift_id).matches
    found = check.check_hash(conn, f"{h[:8]} {h[8:20]}", compound.settings)  # typed in groups, no id
    assert found.matches and found.ident == str(compound.shift_id)
    wrong = check.check_hash(conn, "0" * 64, compound.settings)
    assert not wrong.matches and "No handed-over shift" in wrong.said()[0].text("en")
    with pytest.raises(GuardpostError) as caught:
        check.check_hash(conn, "abc", compound.settings)
    assert caught.value.key == "report.check.bad_code"
    shifts.correct(conn, compound.shift_id, "补记", by=compound.supervisor, now=PRINTED)
    assert not check.check_hash(conn, code, compound.settings).matches


def test_closing_an_incident_later_leaves_the_shift_report_as_it_was(
    conn: sqlite3.Connection, compound: Compound
) -> None:
    before = shifts.content_hash(_summary(conn, compound))
    [incident] = [e for e in _summary(conn, compound).logs if e.kind == "incident"]
    shifts.close_incident(conn, incident.id, guard=None, now=PRINTED + timedelta(hours=3))
    assert shifts.content_hash(_summary(conn, compound)) == before


# --- the day ------------------------------------------------------------------------------------


def test_the_day_report_sums_the_shifts_and_proves_itself(
    conn: sqlite3.Connection, compound: Compound, tmp_path: Path
) -> None:
    d = day_report.collect(conn, T0.date(), compound.settings.shifts, PRINTED)
    assert [s.shift.id for s in d.summaries] == [compound.shift_id, compound.next_id]
    doc = day_report.build(
        d,
        lang="en",
        compound="翠湖花园",
        gate_names={"east": "East gate"},
        audit_head=audit.head(conn),
        now=PRINTED,
    )
    assert doc.code == f"GPR1.day.2026-11-26.{day_report.day_hash(d)}"
    out = tmp_path / "day.pdf"
    day_report.write(
        d,
        "pdf",
        out,
        lang="en",
        compound="翠湖花园",
        gate_names={"east": "East gate"},
        audit_head=audit.head(conn),
        font=None,
        seal_key=check.seal_key(conn),
        now=PRINTED,
    )
    text = text_of(out)
    assert "day report" in text and "Totals of the day" in text and "East gate" in text
    assert "<script>x()</script>[" in text and "bold]王" in text  # a narrow column wraps it
    assert "still open" in text  # the afternoon shift
    for fmt in ("text", "html", "csv"):
        path = day_report.write(
            d,
            fmt,
            tmp_path / f"day.{fmt}",
            lang="zh-CN",
            compound="翠湖花园",
            gate_names={"east": "东门"},
            audit_head=None,
            font=None,
            now=PRINTED,
        )
        assert "各班次" in path.read_text(encoding="utf-8-sig")


# --- the commands -------------------------------------------------------------------------------


def _cli(compound: Compound, *args: str, lang: str = "en") -> tuple[int, str]:
    """A command as ``guardpost`` runs it: its exit status and what it said (errors included)."""
    from guardpost.cli import build

    app = build(make_settings(compound.db, lang), lambda _s, _v: 0)
    result = CliRunner().invoke(app, [*args, "--db", str(compound.db), "--lang", lang])
    if isinstance(result.exception, GuardpostError):
        return result.exception.exit_code, result.output + result.exception.message()
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_cli_text_to_the_terminal_and_files_by_default_names(
    compound: Compound, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = _cli(compound, "report", "shift", "--last")
    assert (
        code == exits.ALLOW
        and "shift report" in out
        and "Swipes allowed" in out
        and f"GPR1.shift.{compound.shift_id}." in out
    )
    code, out = _cli(compound, "report", "shift", "--id", str(compound.shift_id), "--format", "pdf")
    assert code == exits.ALLOW and (tmp_path / f"shift-{compound.shift_id}.pdf").is_file()
    code, out = _cli(
        compound,
        "report",
        "shift",
        "--date",
        "2026-11-26",
        "--gate",
        "east",
        "--format",
        "csv",
        "--out",
        str(tmp_path / "x.csv"),
    )
    assert code == exits.ALLOW and (tmp_path / "x.csv").is_file()
    assert "2 shifts on 2026-11-26" in out and f"This is the last ({compound.next_id})" in out
    code, out = _cli(compound, "report", "day", "--date", "2026-11-26", "--format", "html")
    assert code == exits.ALLOW and (tmp_path / "day-2026-11-26.html").is_file()


def test_cli_text_on_the_terminal_kept_in_a_file_is_verified(compound: Compound, tmp_path: Path) -> None:
    code, out = _cli(compound, "report", "shift", "--last")  # as ``guardpost report shift > r.txt``
    assert code == exits.ALLOW
    (tmp_path / "r.txt").write_text(out, encoding="utf-8")
    code, said = _cli(compound, "report", "check", str(tmp_path / "r.txt"))
    assert code == exits.ALLOW and "Verified" in said


def test_cli_check_exits_0_when_verified_and_1_when_not(compound: Compound, tmp_path: Path) -> None:
    target = tmp_path / "r.pdf"
    code, _ = _cli(compound, "report", "shift", "--last", "--format", "pdf", "--out", str(target))
    assert code == exits.ALLOW
    code, out = _cli(compound, "report", "check", str(target))
    assert code == exits.ALLOW and "Verified" in out
    code, out = _cli(compound, "report", "check", str(target), lang="zh-CN")
    assert code == exits.ALLOW and "核对通过" in out
    conn = storage.connect(compound.db)
    try:
        h = shifts.content_hash(
            shifts.summary(conn, compound.shift_id, compound.settings.shifts, datetime.now())
        )
        code, out = _cli(compound, "report", "check", "--hash", h[:16])
        assert code == exits.ALLOW and f"shift {compound.shift_id}" in out
        shifts.correct(conn, compound.shift_id, "补记一条", by=compound.supervisor, now=datetime.now())
    finally:
        conn.close()
    code, out = _cli(compound, "report", "check", str(target))
    assert code == exits.DENY and "Not verified" in out and "corrections (0 -> 1 entries)" in out
    code, out = _cli(compound, "report", "check", "--hash", f"GPR1.shift.{compound.shift_id}.{h}")
    assert code == exits.DENY


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (("report", "shift", "--id", "999"), exits.BAD_VALUE, "There is no shift 999"),
        (("report", "shift", "--date", "2026-13-01"), exits.BAD_VALUE, "Cannot read the date"),
        (("report", "shift", "--date", "2020-01-01"), exits.BAD_VALUE, "No shift on 2020-01-01"),
        (("report", "shift", "--last", "--id", "1"), exits.USAGE, "one of --last, --id and --date"),
        (("report", "shift", "--format", "docx"), exits.USAGE, 'no format "docx"'),
        (("report", "shift", "--gate", "nowhere"), exits.BAD_VALUE, "nowhere"),
        (("report", "check"), exits.USAGE, "report file or --hash"),
        (("report", "check", "--hash", "xyz"), exits.BAD_VALUE, "is not a report code"),
    ],
)
def test_cli_refusals_are_clear(compound: Compound, args: tuple[str, ...], status: int, said: str) -> None:
    code, out = _cli(compound, *args)
    assert code == status and said in out, out


def test_cli_last_with_no_shift_handed_over(demo_db: Path) -> None:
    empty = Compound(demo_db, make_settings(demo_db), 0, 0, None, 0, 0)  # type: ignore[arg-type]
    code, out = _cli(empty, "report", "shift", "--last")
    assert code == exits.BAD_VALUE and "No shift has been handed over yet" in out
    code, out = _cli(empty, "report", "shift", "--last", lang="zh-CN")
    assert code == exits.BAD_VALUE and "还没有交过班" in out


def test_cli_print_that_fails_keeps_the_file_and_says_so(
    compound: Compound, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path, **_: object) -> printing.PrintJob:
        raise GuardpostError("printing.no_scheduler", "printing.no_scheduler_hint", server="localhost")

    monkeypatch.setattr(printing, "print_file", refuse)
    target = tmp_path / "r.bin"
    code, out = _cli(
        compound, "report", "shift", "--last", "--format", "receipt", "--out", str(target), "--print"
    )
    assert code != exits.ALLOW and target.is_file()
    assert "is written to" in out and "not running" in out


def test_cli_print_sends_a_receipt_raw_to_the_receipt_printer(
    compound: Compound, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[Path, object, object]] = []

    def accept(
        path: Path, *, printer: str | None = None, raw: bool = False, **_: object
    ) -> printing.PrintJob:
        sent.append((path, printer, raw))
        return printing.PrintJob(printer or "default", 7)

    monkeypatch.setattr(printing, "print_file", accept)
    target = tmp_path / "r.bin"
    code, out = _cli(
        compound,
        "report",
        "shift",
        "--last",
        "--format",
        "receipt",
        "--out",
        str(target),
        "--print",
        "--printer",
        "RECEIPT",
    )
    assert code == exits.ALLOW and sent == [(target, "RECEIPT", True)] and "RECEIPT-7" in out


def test_every_part_of_a_summary_is_named_for_a_check() -> None:
    import dataclasses

    assert {f.name for f in dataclasses.fields(shifts.Summary)} == set(check.PART_NAMES)
