"""The shifts issue's "done means", end to end through the console script: the demo's worked shift
(swipes, a visitor, an override, a fever, an incident, handed over by PIN) is printed through the
real CUPS as a PDF whose Chinese comes back out, and the audit trail verifies; one tampered row
makes verify fail naming it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from test_cli import COMMAND, _env
from test_printing import WAIT_S, cups, queues  # noqa: F401 - fixtures


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *args], env=_env(home), capture_output=True, text=True, timeout=120, check=False
    )


def test_the_demos_shift_is_printed_through_cups_and_the_trail_verifies(tmp_path: Path, queues: Path) -> None:  # noqa: F811
    db = tmp_path / "demo.db"
    built = _run(tmp_path, "demo", "--no-tui", "--db", str(db))
    assert built.returncode == 0, built.stderr
    assert "9876" in built.stdout  # the demo prints its supervisor's PIN
    out = queues / "gen.pdf"
    out.write_bytes(b"")
    pdf = tmp_path / "shift.pdf"
    printed = _run(
        tmp_path,
        "report",
        "shift",
        "--last",
        "--format",
        "pdf",
        "--out",
        str(pdf),
        "--print",
        "--printer",
        "GENFILE",
        "--db",
        str(db),
    )
    assert printed.returncode == 0, printed.stdout + printed.stderr
    assert pdf.is_file()
    deadline = time.monotonic() + WAIT_S
    while out.stat().st_size == 0 or b"%%EOF" not in out.read_bytes()[-64:]:
        assert time.monotonic() < deadline, "the job did not reach the file queue"
        time.sleep(0.2)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "交接班" in text and "田萍婷" in text and "体温" in text  # the Chinese, through CUPS
    assert "交通事故" in text  # the incident
    verified = _run(tmp_path, "audit", "verify", "--db", str(db), "--lang", "en")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # someone with the sqlite3 shell edits one entry: verify fails, naming it
    copy = tmp_path / "tampered.db"
    shutil.copyfile(db, copy)
    conn = sqlite3.connect(copy)
    try:
        conn.execute("DROP TRIGGER audit_no_update")
        target = conn.execute("SELECT id FROM audit WHERE action = 'shift.handover'").fetchone()[0]
        conn.execute("UPDATE audit SET detail = 'G01 -> G05' WHERE id = ?", (target,))
        conn.commit()
    finally:
        conn.close()
    tampered = _run(tmp_path, "audit", "verify", "--db", str(copy), "--lang", "en")
    assert tampered.returncode == 1
    assert f"#{target}" in tampered.stdout + tampered.stderr
