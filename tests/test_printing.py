"""Printing through a real CUPS (the queues of ``.ci/cups-start.sh``), the failures said in a guard's
words before anything is sent, the receipt printer's bytes, and ``--print`` on the commands that
write a PDF.

The real-CUPS tests skip when CUPS is not installed, and fail instead with GUARDPOST_REQUIRE_CUPS=1
(CI). The print queues are machine-wide and GENFILE / RECEIPT write one file each, so concurrent
test sessions take turns through an flock on ``$TMPDIR/guardpost-cups-tests.lock``.
"""

from __future__ import annotations

import ast
import fcntl
import os
import shutil
import socket
import string
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from guardpost import printing
from guardpost.config import load_settings
from guardpost.errors import ConfigError, GuardpostError
from guardpost.i18n import LANGUAGES, catalogue
from guardpost.reports import pdf
from guardpost.text import first_unsafe, strip_unsafe

ROOT = Path(__file__).resolve().parent.parent
START = ROOT / ".ci" / "cups-start.sh"
OUT = Path(os.environ.get("GUARDPOST_CUPS_OUT", "/var/tmp/guardpost-cups"))
QUEUES = ("GENFILE", "PDF", "RECEIPT")
LOCK_FILE = Path(tempfile.gettempdir()) / "guardpost-cups-tests.lock"
WAIT_S = 60.0  # a job through pdftopdf or Ghostscript takes about a second; a loaded CI machine more
INSTALL = "apt-get install cups cups-client cups-filters printer-driver-cups-pdf ghostscript"


def unavailable(reason: str) -> None:
    """Skip (locally) or fail (CI: GUARDPOST_REQUIRE_CUPS=1) for a missing CUPS test setup."""
    if os.environ.get("GUARDPOST_REQUIRE_CUPS") == "1":
        pytest.fail(f"CUPS test setup required but unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


def _no_server_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "CUPS_SERVER"}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=30, check=False, env=_no_server_env())


def _queues_ready() -> bool:
    listed = _run("lpstat", "-p").stdout
    return all(f"printer {q} " in listed for q in QUEUES)


@pytest.fixture(scope="module")
def cups() -> Iterator[Path]:
    """This machine's scheduler with the GENFILE, PDF and RECEIPT queues; yields where they write."""
    if shutil.which("lp") is None or shutil.which("lpstat") is None or not Path("/usr/sbin/cupsd").exists():
        unavailable(f"CUPS is not installed ({INSTALL})")
    if os.geteuid() == 0:
        done = subprocess.run(
            ["bash", str(START)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=_no_server_env(),
        )
        if done.returncode != 0:
            unavailable(f"{START.name} failed: {(done.stderr or done.stdout).strip()[-500:]}")
    elif not _queues_ready():
        unavailable(f"the test queues are missing: run sudo bash {START.relative_to(ROOT)}")
    with open(LOCK_FILE, "ab") as lock:
        deadline = time.monotonic() + 600
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another test session holds {LOCK_FILE}") from None
                time.sleep(0.2)
        yield OUT


@pytest.fixture
def queues(cups: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real queues, on this machine's scheduler whatever CUPS_SERVER said."""
    monkeypatch.delenv("CUPS_SERVER", raising=False)
    return cups


@pytest.fixture
def lpadmin(queues: Path) -> Iterator[list[str]]:
    """Temporary queues a test makes (append their names); deleted, with their jobs, afterwards."""
    made: list[str] = []
    yield made
    for name in made:
        _run("lpadmin", "-x", name)


def _make_queue(made: list[str], uri: str) -> str:
    name = f"GPTEST{os.getpid()}_{len(made)}"
    done = _run("lpadmin", "-p", name, "-E", "-v", uri, "-m", "raw")
    if done.returncode != 0:
        unavailable(f"cannot add a print queue (lpadmin: {done.stderr.strip()}): run as root")
    made.append(name)
    return name


def text_of(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        unavailable("poppler-utils is needed to read a PDF back (apt-get install poppler-utils)")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def chinese_pdf(target: Path) -> Path:
    doc = pdf.new_page("翠湖花园 在内人员清点表", "东门 · 2026-11-26 07:45", pdf.find_font())
    doc.cell(0, 8, "访客 王晓明 拜访 3-2-501", new_x="LMARGIN", new_y="NEXT")
    return pdf.write(doc, target)


def emptied(path: Path) -> Path:
    """A queue's output file, emptied: cupsd writes over it from the start and never truncates."""
    path.write_bytes(b"")
    return path


# --- through the real CUPS ----------------------------------------------------------------------


def test_the_test_queues_are_listed_enabled_and_accepting(queues: Path) -> None:
    found = {p.name: p for p in printing.printers()}
    for name in QUEUES:
        assert found[name].enabled and found[name].accepting, found[name]


def test_a_chinese_pdf_printed_to_genfile_keeps_its_text(queues: Path, tmp_path: Path) -> None:
    out = emptied(queues / "gen.pdf")
    job = printing.print_file(
        chinese_pdf(tmp_path / "清点.pdf"), printer="GENFILE", title="清点表", wait_s=WAIT_S
    )
    assert job.printer == "GENFILE" and job.job_id > 0 and job.request_id == f"GENFILE-{job.job_id}"
    text = text_of(out)
    assert "翠湖花园" in text and "王晓明" in text and "3-2-501" in text


def test_a_printer_name_is_found_whatever_its_case(queues: Path, tmp_path: Path) -> None:
    emptied(queues / "gen.pdf")
    job = printing.print_file(chinese_pdf(tmp_path / "m.pdf"), printer="genfile", wait_s=WAIT_S)
    assert job.printer == "GENFILE"


def test_a_job_to_the_cups_pdf_queue_completes_and_its_file_appears(queues: Path, tmp_path: Path) -> None:
    started = time.time()
    title = f"guardpost-{uuid.uuid4().hex[:8]}"
    job = printing.print_file(chinese_pdf(tmp_path / "m.pdf"), printer="PDF", title=title, wait_s=WAIT_S)
    [made] = (queues / "pdf").glob(f"*-job_{job.job_id}.pdf")
    assert made.stat().st_mtime >= started - 1 and made.read_bytes().startswith(b"%PDF")


def test_raw_receipt_bytes_arrive_byte_for_byte(queues: Path, tmp_path: Path) -> None:
    out = emptied(queues / "receipt.bin")
    data = printing.receipt(["翠湖花园 东门", "访客 王晓明 → 3-2-501", "2026-11-26 07:45", "", "谢谢 😀"])
    source = tmp_path / "receipt.bin"
    source.write_bytes(data)
    job = printing.print_file(source, printer="RECEIPT", raw=True, title="小票", wait_s=WAIT_S)
    assert job.printer == "RECEIPT"
    assert out.read_bytes() == data


def test_an_unknown_printer_names_the_ones_there_are(queues: Path, tmp_path: Path) -> None:
    with pytest.raises(GuardpostError) as caught:
        printing.print_file(chinese_pdf(tmp_path / "m.pdf"), printer="NOSUCHQUEUE")
    assert caught.value.key == "printing.no_such_printer"
    for lang in LANGUAGES:
        said = caught.value.message(lang)
        assert "NOSUCHQUEUE" in said and all(q in said for q in QUEUES), said


@pytest.mark.parametrize(
    ("command", "key"), [("cupsdisable", "printing.stopped"), ("cupsreject", "printing.not_accepting")]
)
def test_a_stopped_queue_is_said_and_nothing_is_sent(
    queues: Path, lpadmin: list[str], tmp_path: Path, command: str, key: str
) -> None:
    name = _make_queue(lpadmin, "file:///dev/null")
    assert _run(command, "-r", "纸用完了", name).returncode == 0
    with pytest.raises(GuardpostError) as caught:
        printing.print_file(chinese_pdf(tmp_path / "m.pdf"), printer=name)
    assert caught.value.key == key
    said = caught.value.message("zh-CN")
    remedy = "cupsenable" if key == "printing.stopped" else "cupsaccept"
    assert name in said and "纸用完了" in said and f"{remedy} {name}" in said
    assert _run("lpstat", "-o", name).stdout.strip() == ""  # no job was queued
    [listed] = [p for p in printing.printers() if p.name == name]
    assert (listed.enabled, listed.accepting) == (
        (False, True) if key == "printing.stopped" else (True, False)
    )


def test_a_job_that_does_not_finish_in_time_says_so_and_what_to_do(
    queues: Path, lpadmin: list[str], tmp_path: Path
) -> None:
    with socket.socket() as s:  # a port where nothing listens: the socket backend keeps trying
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    name = _make_queue(lpadmin, f"socket://127.0.0.1:{port}")
    source = tmp_path / "r.bin"
    source.write_bytes(printing.receipt(["排队"]))
    with pytest.raises(GuardpostError) as caught:
        printing.print_file(source, printer=name, raw=True, wait_s=1.5)
    assert caught.value.key == "printing.not_done"
    job = str(caught.value.params["job"])
    assert job.startswith(f"{name}-") and f"cancel {job}" in caught.value.message("en")
    assert job in _run("lpstat", "-o", name).stdout  # still queued, as the message says


def test_no_scheduler_is_said_so_not_that_the_printer_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("lp") is None:
        unavailable(f"cups-client is not installed ({INSTALL})")
    dead = tmp_path / "nothing-listens.sock"
    monkeypatch.setenv("CUPS_SERVER", str(dead))
    source = tmp_path / "m.pdf"
    source.write_bytes(b"%PDF-1.4\n")
    # what lp itself says here
    assert (
        "does not exist"
        in subprocess.run(["lp", "-d", "GENFILE", str(source)], capture_output=True, text=True).stderr
    )
    for call in (lambda: printing.print_file(source, printer="GENFILE"), printing.printers):
        with pytest.raises(GuardpostError) as caught:
            call()
        assert caught.value.key == "printing.no_scheduler"
        said = caught.value.message("en")
        assert "not running" in said and str(dead) in said and "does not exist" not in said


def test_a_missing_file_is_said_before_asking_cups(tmp_path: Path) -> None:
    with pytest.raises(GuardpostError) as caught:
        printing.print_file(tmp_path / "nope.pdf", printer="GENFILE")
    assert caught.value.key == "printing.no_file" and "nope.pdf" in caught.value.message("en")


def test_no_lp_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "m.pdf"
    source.write_bytes(b"%PDF-1.4\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(GuardpostError) as caught:
        printing.print_file(source)
    assert caught.value.key == "printing.no_lp"
    assert all("cups-client" in caught.value.message(lang) for lang in LANGUAGES)


@pytest.mark.parametrize("name", ["-o", "a b", "x/y", "q#1", "", "x" * 128, "a\u202eb"])
def test_what_is_not_a_printer_name_never_reaches_lp(name: str) -> None:
    assert not printing.is_printer_name(name)


# --- the commands that write a PDF ----------------------------------------------------------------


def _guardpost(*args: str) -> subprocess.CompletedProcess[str]:
    from test_cli import SCRIPT  # the installed guardpost command

    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120, check=False)


def test_inside_pdf_print_sends_the_muster_list(queues: Path, demo_db: Path, tmp_path: Path) -> None:
    out = emptied(queues / "gen.pdf")
    target = tmp_path / "muster.pdf"
    done = _guardpost(
        "inside", "--db", str(demo_db), "--pdf", str(target), "--printer", "GENFILE", "--lang", "en"
    )
    assert done.returncode == 0, done.stderr
    assert "sent to printer GENFILE (job GENFILE-" in done.stdout and str(target) in done.stdout
    deadline = time.monotonic() + WAIT_S  # the command does not wait for the paper
    while (
        "翠湖花园" not in (text := text_of(out) if out.stat().st_size else "") and time.monotonic() < deadline
    ):
        time.sleep(0.2)
    assert "翠湖花园" in text


def test_a_pass_slip_that_cannot_print_is_written_all_the_same(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from conftest import make_settings
    from test_visit_screen import a_unit

    from guardpost import storage, visits
    from guardpost.domain import VisitCategory

    if shutil.which("lp") is None:
        unavailable(f"cups-client is not installed ({INSTALL})")
    now = datetime.now()
    conn = storage.connect(demo_db)
    expected = visits.expect(
        conn,
        visits.VisitForm(VisitCategory.RELATIVE, name="郑一", phone="13800001111", unit=a_unit(demo_db)),
        asked_by="前台",
        valid_from=now,
        valid_until=now + timedelta(hours=4),
        gate="east",
        settings=make_settings(demo_db).visits,
        now=now,
    )
    conn.close()
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "nothing-listens.sock"))
    target = tmp_path / "slip.pdf"
    done = _guardpost(
        "pass", "slip", expected.token or "", "--db", str(demo_db), "--pdf", str(target), "--print"
    )
    assert done.returncode == GuardpostError.exit_code, done.stderr
    assert target.is_file() and "郑一" in text_of(target)
    assert str(target) in done.stderr and "已写入，但没有打印" in done.stderr and "没有运行" in done.stderr


def test_print_without_a_pdf_is_a_usage_problem(demo_db: Path) -> None:
    done = _guardpost("inside", "--db", str(demo_db), "--print", "--lang", "en")
    assert done.returncode == 64 and "--pdf" in done.stderr


# --- the settings -------------------------------------------------------------------------------


def test_the_printer_settings(tmp_path: Path) -> None:
    path = tmp_path / "booth.toml"
    path.write_text('[print]\nprinter = "GENFILE"\nreceipt_printer = ""\n', encoding="utf-8")
    s = load_settings(path, env={})
    assert s.print_printer == "GENFILE" and s.print_receipt_printer is None
    path.write_text('[print]\nprinter = "-o raw"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert caught.value.hint_key == "config.bad_printer" and "print.printer" in caught.value.message("en")


# --- the receipt printer's bytes ------------------------------------------------------------------

HOSTILE = list("\x1b\x00\x07\x08\r\n\t\x1c\x1d\x10\x7f\x9b\u202e\u2066\u200b\ufeff\u2028") + [
    "\x1b[2J",
    "\x1dV\x00",  # a cut in the middle
    "😀",
    "𠀀",  # CJK extension B: four bytes in GB18030
    "\ud800",  # a lone surrogate (from a file read with surrogateescape)
    "·é—",  # one cell in a terminal, full width on the printer
    "王晓明",
]
line_st = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE)), max_size=10).map("".join)
lines_st = st.lists(line_st, max_size=8)


@settings(max_examples=300, deadline=None)
@given(lines=lines_st, width=st.integers(2, 64))
def test_any_text_makes_a_receipt_that_decodes_fits_and_cannot_command(lines: list[str], width: int) -> None:
    data = printing.receipt(lines, width=width)
    head = printing.ESC_INIT + printing.CHINESE_MODE
    assert (
        data.startswith(printing.ESC_INIT) and data.startswith(head) and data.endswith(printing.FEED_AND_CUT)
    )
    body = data[len(head) : -len(printing.FEED_AND_CUT)]
    assert all(b >= 0x20 or b == 0x0A for b in body)  # no ESC, GS, FS, DLE: the text never commands
    text = body.decode("gb18030")  # strict: every byte is GB18030
    printed = text.split("\n")
    assert printed[-1] == ""
    printed = printed[:-1]
    for line in printed:
        assert printing.columns(line) <= width and cell_len(line) <= width
        assert first_unsafe(line) is None
    # wrapped, not cut: every character that is safe to print is there, in order
    wanted = "".join(strip_unsafe(part) for line in lines for part in (line.splitlines() or [""]))
    assert "".join(printed) == wanted.encode("gb18030", errors="replace").decode("gb18030")
    assert len(printed) >= len(lines)


def test_a_receipt_in_bytes() -> None:
    data = printing.receipt(["访客 王晓明", "a" * 50, ""], width=48)
    assert data == (
        b"\x1b@\x1c&"
        + "访客 王晓明".encode("gb18030")
        + b"\n"
        + b"a" * 48
        + b"\naa\n\n"
        + b"\x1bd\x04\x1dVB\x00"
    )
    assert "访客".encode("gb18030") == b"\xb7\xc3\xbf\xcd"  # GB18030, never UTF-8
    with pytest.raises(ValueError):
        printing.receipt(["x"], width=1)


def test_a_wide_character_never_splits_across_lines() -> None:
    body = printing.receipt(["a" + "王" * 3], width=4)[4:-6].decode("gb18030")
    assert body.split("\n")[:-1] == ["a王", "王王"]


# --- the messages --------------------------------------------------------------------------------


def _keys_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(("printing.", "config.bad_printer", "cli.opt_print"))
        and " " not in node.value
    }


def test_every_printing_message_is_there_in_both_languages() -> None:
    entries = catalogue()
    used = _keys_in(ROOT / "guardpost" / "printing.py") | _keys_in(ROOT / "guardpost" / "cli" / "visitors.py")
    assert {"printing.no_scheduler", "printing.stopped", "printing.not_done", "printing.no_lp"} <= used
    ours = {k for k in entries if k.startswith("printing.")} | used
    for key in sorted(ours):
        assert key in entries, key
        texts = {lang: entries[key][lang] for lang in LANGUAGES}
        assert all(t.strip() for t in texts.values()), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in texts.values()]
        assert fields[0] == fields[1], key
        assert texts["zh-CN"] != texts["en"], key
