"""Durable first, then shown: SIGKILL the booth in the middle of a swipe storm, many times.

Each run: a fresh copy of the demo database; ``guardpost run --reader sim`` in a pty with the
simulator at 3,000 swipes/min; once live rows are on the screen, a random 1-4 s later the app's
process group gets SIGKILL. Every event id that reached the pty (the row was shown) is collected.
Then the app is started again on the same file (it must open it and paint its feed) and quit
cleanly, and the file is opened: every shown id must be in ``access_event`` (lost = shown but not
stored, must be 0) and ``PRAGMA integrity_check`` must say ok (``foreign_key_check`` is reported too).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from big_db import clean_work, work_dir  # noqa: E402
from ptyapp import OUT, PtyApp, write_config  # noqa: E402

COMPOUND = "翠湖花园".encode()


def demo_db(path: Path) -> Path:
    """The demo compound, built once per process and copied for each run."""
    from guardpost.demo import build

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        for suffix in ("", "-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        build(tmp)
        tmp.rename(path)
    return path


def _fresh(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    # a consistent copy through SQLite (the source is closed and checkpointed anyway)
    s = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    d = sqlite3.connect(dst)
    try:
        s.backup(d)
    finally:
        s.close()
        d.close()
    conn = sqlite3.connect(dst)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return dst


def one_run(
    work: Path,
    template: Path,
    rng: random.Random,
    *,
    rate: int = 3000,
    kill_after: tuple[float, float] = (1, 4),
) -> dict[str, Any]:
    db = _fresh(template, work / "sigkill.db")
    base = sqlite3.connect(db).execute("SELECT coalesce(max(id), 0) FROM access_event").fetchone()[0]
    cfg = write_config(work / "sigkill.toml", rate_per_min=rate, kind="sim")
    delay = rng.uniform(*kill_after)
    app = PtyApp(db, reader="sim", config=cfg).start(watch=(COMPOUND,))
    try:
        end = time.monotonic() + 30
        while time.monotonic() < end and not any(i > base for i in list(app.seen)):
            if app.proc is not None and app.proc.poll() is not None:
                raise RuntimeError(f"the app exited early ({app.proc.returncode})")
            time.sleep(0.01)
        time.sleep(delay)
        app.sigkill()  # drains what the app had already written to the pty, then stops
    finally:
        app.kill()
    shown = sorted(i for i in app.seen if i > base)

    # restart the booth on the crashed file: it must open it and paint the feed; then quit cleanly
    again = PtyApp(db, reader="wedge").start(watch=(COMPOUND,))
    try:
        restarted = again.wait_marker(COMPOUND, 20) is not None and again.wait_seen(1, 10)
        rc = again.quit()
    finally:
        again.kill()

    conn = sqlite3.connect(db)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        stored = {r[0] for r in conn.execute("SELECT id FROM access_event WHERE id > ?", (base,))}
    finally:
        conn.close()
    lost = [i for i in shown if i not in stored]
    return {
        "kill_after_s": round(delay, 2),
        "shown": len(shown),
        "stored": len(stored),
        "stored_not_shown": len(stored) - (len(shown) - len(lost)),
        "lost": len(lost),
        "lost_ids": lost[:20],
        "integrity": integrity[0] if integrity == ["ok"] else integrity[:5],
        "integrity_ok": integrity == ["ok"],
        "foreign_key_problems": len(fk),
        "restarted": bool(restarted),
        "restart_exit": rc,
    }


def run(runs: int = 20, seed: int | None = None, rate: int = 3000, verbose: bool = True) -> dict[str, Any]:
    work = work_dir()
    template = demo_db(work / "demo-template.db")
    rng = random.Random(seed)
    results = []
    for k in range(runs):
        r = one_run(work, template, rng, rate=rate)
        results.append(r)
        if verbose:
            print(
                f"  run {k + 1:>3}/{runs}: killed after {r['kill_after_s']:.2f} s, shown {r['shown']:>4}, "
                f"stored {r['stored']:>4}, lost {r['lost']}, integrity {r['integrity']}, "
                f"restart {'ok' if r['restarted'] else 'FAILED'}",
                flush=True,
            )
    clean_work()
    summary = {
        "runs": runs,
        "rate_per_min": rate,
        "shown": sum(r["shown"] for r in results),
        "stored": sum(r["stored"] for r in results),
        "lost": sum(r["lost"] for r in results),
        "integrity_failures": sum(not r["integrity_ok"] for r in results),
        "foreign_key_problems": sum(r["foreign_key_problems"] for r in results),
        "restart_failures": sum(not r["restarted"] for r in results),
        "per_run": results,
    }
    (OUT / "bench_sigkill.json").write_text(json.dumps(summary, indent=1))
    return summary


def report(s: dict[str, Any]) -> str:
    return (
        f"SIGKILL mid-storm ({s['rate_per_min']}/min): {s['runs']} runs, {s['shown']} events shown, "
        f"{s['stored']} stored, lost {s['lost']}, integrity failures {s['integrity_failures']}, "
        f"foreign-key problems {s['foreign_key_problems']}, restart failures {s['restart_failures']}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="SIGKILL the app mid swipe storm; count shown-but-lost events")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--rate", type=int, default=3000, help="simulated swipes per minute")
    args = ap.parse_args(argv)
    s = run(args.runs, args.seed, args.rate)
    print(report(s))
    return 0 if s["lost"] == 0 and s["integrity_failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
