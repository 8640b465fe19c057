"""The live feed, measured in a real pseudo-terminal (TEXTUAL.md "Measuring technique").

``guardpost run`` runs in a pty (120x40, xterm-256color) on a private copy of the 5,000,000-event
file. A drain thread stamps the first sighting of every ``#NNNNNN`` row id on the pty master with
``time.monotonic_ns()``; the app writes ``{event_id: read_ns}`` (``GUARDPOST_TRACE``) at a clean
exit (F10, y). Latency = sighting - read_ns (same clock): the row's text reaching the terminal,
not a widget method returning; the terminal emulator's own paint comes on top.

(a) sustained  simulator at 1,200/min (20/s, gaps uniform 0.5-1.5 x 50 ms) for 60 s
(b) burst      100 keyboard-wedge reads (8 hex digits + CR, one os.write each, 10 ms apart) of
               distinct real cards: all stored, all on the pty within 1 s of the last, frame gaps
(c) start-up   spawn -> first frame with the header (compound name) / footer (F1) / a reply to a
               key sent at that moment (F1 help), median of 5
(d) memory     VmRSS at first frame + 2 s and after 10,000 swipes (simulator at 6,000/min)
(e) typing     (a) while a guard types in the visitor form at five keys a second: F6, a relative,
               past the phone, a name, then the host unit typed and rubbed out over and over
               (``3-2-1`` and five backspaces: every key asks for the unit's completions)
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from big_db import OUT, clean_work, ensure, work_copy, work_dir  # noqa: E402
from gp_launch import id_column_fits  # noqa: E402
from ptyapp import PYTHON, PtyApp, fmt_stats, percentiles, write_config  # noqa: E402

COMPOUND = "翠湖花园".encode()
HELP_TITLE = "按键说明".encode()  # F1 help screen title (zh), "Keys" in English
F1 = b"\x1bOP"
PAGE_DOWN = b"\x1b[6~"
TICKS = os.sysconf("SC_CLK_TCK")
# ids above 999,999 must be readable on the pty; if the feed cuts them, start through gp_launch.py
SHIM = not id_column_fits()


def _max_id(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM access_event").fetchone()[0])
    finally:
        conn.close()


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _wait_live(app: PtyApp, base: int, timeout: float) -> bool:
    """Until the first live row (id above the file's last event) is on the pty."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if any(i > base for i in list(app.seen)):
            return True
        time.sleep(0.02)
    return False


# --- (a) sustained 20/s ---------------------------------------------------------------------


def sustained(big: Path, seconds: float = 60, rate: int = 1200) -> dict[str, Any]:
    db = work_copy(big, work_dir() / "feed.db")
    base = _max_id(db)
    trace = work_dir() / "trace-sustained.json"
    trace.unlink(missing_ok=True)
    cfg = write_config(work_dir() / "sim-sustained.toml", rate_per_min=rate, kind="sim")
    app = PtyApp(db, reader="sim", config=cfg, trace=trace, shim=SHIM).start()
    try:
        if not _wait_live(app, base, 30):
            raise RuntimeError("no live row within 30 s")
        time.sleep(1.0)  # settle: first page loaded, reader running
        assert app.proc is not None
        t0 = time.monotonic_ns()
        cpu0 = _cpu_ticks(app.proc.pid)
        time.sleep(seconds)
        t1 = time.monotonic_ns()
        cpu1 = _cpu_ticks(app.proc.pid)
        rss = app.rss_kb()
        time.sleep(1.0)  # rows read just before t1 still get their chance to be painted
        seen, _ = app.snapshot()
        app.quit()
    finally:
        app.kill()
    reads = app.read_trace()
    window = {i: r for i, r in reads.items() if t0 <= r <= t1}
    lat = [(seen[i] - r) / 1e6 for i, r in window.items() if i in seen]
    missing = sorted(i for i in window if i not in seen)
    return {
        "seconds": seconds,
        "rate_per_min": rate,
        "reads_in_window": len(window),
        "reads_per_s": len(window) / ((t1 - t0) / 1e9),
        "latency_ms": percentiles(lat),
        "never_seen": len(missing),
        "never_seen_ids": missing[:20],
        "cpu_pct": 100 * (cpu1 - cpu0) / TICKS / ((t1 - t0) / 1e9),
        "rss_mb": rss / 1024,
        "trace_events": len(reads),
    }


def typing(big: Path, seconds: float = 60, rate: int = 1200, keys_per_s: float = 5.0) -> dict[str, Any]:
    """(a) with a guard typing in a form meanwhile: the feed's latency must not suffer."""
    import threading

    db = work_copy(big, work_dir() / "feed.db")
    base = _max_id(db)
    trace = work_dir() / "trace-typing.json"
    trace.unlink(missing_ok=True)
    cfg = write_config(work_dir() / "sim-typing.toml", rate_per_min=rate, kind="sim")
    app = PtyApp(db, reader="sim", config=cfg, trace=trace, shim=SHIM).start()
    stop = threading.Event()
    typed = [0]

    def guard() -> None:
        pattern = [b"3", b"-", b"2", b"-", b"1"] + [b"\x7f"] * 5
        i = 0
        while not stop.wait(1 / keys_per_s):
            app.write(pattern[i % len(pattern)])
            typed[0] += 1
            i += 1

    try:
        if not _wait_live(app, base, 30):
            raise RuntimeError("no live row within 30 s")
        time.sleep(1.0)
        for key in (b"\x1b[17~", b"1", b"\r", "王五".encode(), b"\r"):  # F6, relative, phone, name
            app.write(key)
            time.sleep(0.4)
        assert app.proc is not None
        typist = threading.Thread(target=guard, daemon=True)
        t0 = time.monotonic_ns()
        cpu0 = _cpu_ticks(app.proc.pid)
        typist.start()
        time.sleep(seconds)
        stop.set()
        typist.join()
        t1 = time.monotonic_ns()
        cpu1 = _cpu_ticks(app.proc.pid)
        time.sleep(1.0)
        seen, _ = app.snapshot()
        app.write(b"\x1b")  # close the form, then quit
        time.sleep(0.5)
        app.quit()
    finally:
        stop.set()
        app.kill()
    reads = app.read_trace()
    window = {i: r for i, r in reads.items() if t0 <= r <= t1}
    lat = [(seen[i] - r) / 1e6 for i, r in window.items() if i in seen]
    return {
        "seconds": seconds,
        "rate_per_min": rate,
        "keys_typed": typed[0],
        "keys_per_s": typed[0] / ((t1 - t0) / 1e9),
        "reads_in_window": len(window),
        "latency_ms": percentiles(lat),
        "never_seen": sum(1 for i in window if i not in seen),
        "cpu_pct": 100 * (cpu1 - cpu0) / TICKS / ((t1 - t0) / 1e9),
    }


# --- (b) burst of 100 -----------------------------------------------------------------------


def burst(big: Path, n: int = 100, gap_s: float = 0.010) -> dict[str, Any]:
    db = work_copy(big, work_dir() / "feed.db")
    base = _max_id(db)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    uids = [
        r[0]
        for r in conn.execute(
            "SELECT uid FROM card WHERE length(uid) = 8 AND status = 'active' AND kind = 'owner'"
            " ORDER BY random() LIMIT ?",
            (n,),
        )
    ]
    conn.close()
    trace = work_dir() / "trace-burst.json"
    trace.unlink(missing_ok=True)
    app = PtyApp(db, reader="wedge", trace=trace, shim=SHIM).start(watch=(COMPOUND,))
    try:
        if app.wait_marker(COMPOUND, 20) is None or not app.wait_seen(1, 20):
            raise RuntimeError("the feed did not come up")
        time.sleep(1.5)  # first page painted, idle
        writes: list[int] = []
        start = time.monotonic()
        for k, uid in enumerate(uids):
            target = start + k * gap_s
            while (left := target - time.monotonic()) > 0:
                time.sleep(left if left > 0.002 else 0)
            app.write(uid.encode() + b"\r")
            writes.append(time.monotonic_ns())
        t_last = writes[-1]
        time.sleep(2.0)
        seen, chunks = app.snapshot()
        # rows pushed below the screen before a frame painted them: page down through the feed
        scrolled: set[int] = set()
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        stored = conn.execute(
            "SELECT id, uid, reason FROM access_event WHERE id > ? AND source = 'wedge' ORDER BY id", (base,)
        ).fetchall()
        conn.close()
        wanted = set(uids)
        strays = [r for r in stored if r[1] not in wanted]  # e.g. a bad_read of a cut-up line
        stored = [r for r in stored if r[1] in wanted]
        unseen = [r[0] for r in stored if r[0] not in seen]
        if unseen:
            for _ in range(4):
                app.write(PAGE_DOWN)
                time.sleep(0.4)
            after, _ = app.snapshot()
            scrolled = {i for i in unseen if i in after}
        app.quit()
    finally:
        app.kill()
    reads = app.read_trace()
    ids = [r[0] for r in stored]
    after_last = [(seen[i] - t_last) / 1e6 for i in ids if i in seen]
    read_to_row = [(seen[i] - reads[i]) / 1e6 for i in ids if i in seen and i in reads]
    # frames: pty output chunks; a gap between consecutive outputs while the burst runs
    t_first = writes[0]
    times = [t_first] + [t for t, _ in chunks if t_first <= t <= t_last] + [t_last]
    gaps = [(b - a) / 1e6 for a, b in zip(times, times[1:], strict=False)]
    frames = 0
    prev = 0
    for t, _ in chunks:
        if t_first <= t <= t_last + 100_000_000 and t - prev > 3_000_000:
            frames += 1
        if t_first <= t:
            prev = t
    return {
        "reads": n,
        "written_in_ms": (t_last - t_first) / 1e6,
        "stored": len(stored),
        "stored_uids_match": sorted(r[1] for r in stored) == sorted(uids),
        "reasons": sorted({r[2] for r in stored}),
        "on_pty": sum(1 for i in ids if i in seen),
        "only_in_scrollback": len(scrolled),
        "lost": n - len(stored),
        "lost_uids": sorted(set(uids) - {r[1] for r in stored}),
        "stray_events": [list(r) for r in strays],
        "not_found_anywhere": len([i for i in unseen if i not in scrolled]),
        "last_row_after_last_read_ms": max(after_last) if after_last else float("nan"),
        "read_to_row_ms": percentiles(read_to_row),
        "max_frame_gap_ms": max(gaps) if gaps else float("nan"),
        "frames_during_burst": frames,
        "in_trace": sum(1 for i in ids if i in reads),
    }


# --- (c) start-up ----------------------------------------------------------------------------


def startup(db: Path, runs: int = 5) -> dict[str, Any]:
    """Runs 1..n: spawn -> header / footer / first feed row, no keys. Then n more: F1 is sent the
    moment the header shows, and the help screen's title reaching the pty is the reply."""
    header, footer, key, first_row = [], [], [], []
    for _ in range(runs):
        app = PtyApp(db, reader="wedge").start(watch=(COMPOUND, b"F1"))
        try:
            t_head = app.wait_marker(COMPOUND, 20)
            if t_head is None:
                raise RuntimeError("no header on the pty within 20 s")
            app.wait_marker(b"F1", 5)
            app.wait_seen(1, 3)
            seen, _ = app.snapshot()
            header.append((t_head - app.t_spawn) / 1e6)
            footer.append((app.markers.get(b"F1", t_head) - app.t_spawn) / 1e6)
            if seen:
                first_row.append((min(seen.values()) - app.t_spawn) / 1e6)
            app.terminate()
        finally:
            app.kill()
        time.sleep(0.3)
    for _ in range(runs):
        app = PtyApp(db, reader="wedge").start(watch=(COMPOUND, HELP_TITLE))
        try:
            if app.wait_marker(COMPOUND, 20) is None:
                raise RuntimeError("no header on the pty within 20 s")
            app.write(F1)  # a guard presses F1 the moment the screen appears
            t_help = app.wait_marker(HELP_TITLE, 10)
            if t_help is not None:
                key.append((t_help - app.t_spawn) / 1e6)
            app.terminate()
        finally:
            app.kill()
        time.sleep(0.3)
    return {
        "runs": runs,
        "header_ms": statistics.median(header),
        "footer_ms": statistics.median(footer),
        "key_reply_ms": statistics.median(key) if key else float("nan"),
        "first_row_ms": statistics.median(first_row) if first_row else float("nan"),
        "header_all_ms": [round(x, 1) for x in header],
    }


BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static


class Bare(App):
    def compose(self):
        yield Static("BARE-HEADER")
        yield Footer()


Bare().run()
"""


def startup_bare(runs: int = 5) -> float:
    """Reference: the same measure for a bare Textual app (a Static and a Footer) on this machine."""
    script = work_dir() / "bare_app.py"
    script.write_text(BARE_APP)
    times = []
    for _ in range(runs):
        app = PtyApp(script, argv=[str(PYTHON), str(script)]).start(watch=(b"BARE-HEADER",))
        try:
            t = app.wait_marker(b"BARE-HEADER", 20)
            if t is not None:
                times.append((t - app.t_spawn) / 1e6)
        finally:
            app.kill()
        time.sleep(0.3)
    script.unlink()
    return statistics.median(times) if times else float("nan")


# --- (d) memory ------------------------------------------------------------------------------


def memory(big: Path, swipes: int = 10_000, rate: int = 6000, timeout: float = 400) -> dict[str, Any]:
    db = work_copy(big, work_dir() / "feed.db")
    base = _max_id(db)
    cfg = write_config(work_dir() / "sim-memory.toml", rate_per_min=rate, kind="sim")
    app = PtyApp(db, reader="sim", config=cfg, shim=SHIM).start(watch=(COMPOUND,))
    samples: list[tuple[float, int, int]] = []  # (s, swipes, rss kB)
    try:
        if app.wait_marker(COMPOUND, 20) is None:
            raise RuntimeError("no first frame")
        time.sleep(2.0)
        rss0 = app.rss_kb()
        n0 = _max_id(db) - base
        t0 = time.monotonic()
        peak = rss0
        while True:
            time.sleep(1.0)
            n = _max_id(db) - base - n0
            rss = app.rss_kb()
            peak = max(peak, rss)
            samples.append((round(time.monotonic() - t0, 1), n, rss))
            if n >= swipes or time.monotonic() - t0 > timeout:
                break
        rss1 = app.rss_kb()
        seconds = time.monotonic() - t0
        app.quit()
    finally:
        app.kill()
    return {
        "swipes": n,
        "seconds": seconds,
        "swipes_per_s": n / seconds,
        "rss_start_mb": rss0 / 1024,
        "rss_end_mb": rss1 / 1024,
        "rss_peak_mb": peak / 1024,
        "growth_mb": (rss1 - rss0) / 1024,
        "swipes_before_start_sample": n0,
        "samples": samples[:: max(1, len(samples) // 20)],
    }


# --- all --------------------------------------------------------------------------------------


def run(quick: bool = False, parts: str = "abcde") -> dict[str, Any]:
    big = ensure()
    out: dict[str, Any] = {"db": str(big), "id_column_widened": SHIM}
    if "c" in parts:
        db = work_copy(big, work_dir() / "feed.db")
        out["startup"] = startup(db, 3 if quick else 5)
        from guardpost.demo import build as build_demo

        small = work_dir() / "demo-startup.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(small) + suffix).unlink(missing_ok=True)
        build_demo(small)
        out["startup_demo"] = startup(small, 3)
        out["startup_bare_textual_ms"] = startup_bare(3 if quick else 5)
    if "a" in parts:
        out["sustained"] = sustained(big, 15 if quick else 60)
    if "b" in parts:
        out["burst"] = burst(big)
    if "d" in parts:
        out["memory"] = memory(big, 2000 if quick else 10_000)
    if "e" in parts:
        out["typing"] = typing(big, 15 if quick else 60)
    clean_work()
    (OUT / "bench_feed.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
    return out


def report(r: dict[str, Any]) -> str:
    lines = []
    if r.get("id_column_widened"):
        lines.append(
            "NOTE: the feed's event column cuts ids above 999,999 (#4999999 shows as #499999); (a), (b), (d)"
            " ran through benchmarks/gp_launch.py, which widens that column by one cell"
        )
    if "sustained" in r:
        a = r["sustained"]
        lines += [
            f"(a) {a['rate_per_min']}/min for {a['seconds']:.0f} s: {a['reads_in_window']} reads "
            f"({a['reads_per_s']:.1f}/s), read -> row on pty: {fmt_stats(a['latency_ms'])}; "
            f"never seen {a['never_seen']}; app CPU {a['cpu_pct']:.0f}% of a core",
        ]
    if "typing" in r:
        e = r["typing"]
        lines += [
            f"(e) {e['rate_per_min']}/min for {e['seconds']:.0f} s while typing in the visitor form "
            f"({e['keys_typed']} keys, {e['keys_per_s']:.1f}/s): {e['reads_in_window']} reads, read -> row "
            f"on pty: {fmt_stats(e['latency_ms'])}; never seen {e['never_seen']}; "
            f"app CPU {e['cpu_pct']:.0f}%",
        ]
    if "burst" in r:
        b = r["burst"]
        lines += [
            f"(b) burst of {b['reads']} wedge reads in {b['written_in_ms']:.0f} ms: stored {b['stored']} "
            f"(uids match: {b['stored_uids_match']}), on pty {b['on_pty']}, only in scrollback "
            f"{b['only_in_scrollback']}, lost {b['lost']}; last row "
            f"{b['last_row_after_last_read_ms']:.0f} ms "
            f"after the last read; read -> row {fmt_stats(b['read_to_row_ms'])}; largest gap between "
            f"frames {b['max_frame_gap_ms']:.0f} ms ({b['frames_during_burst']} frames)",
        ]
    if "startup" in r:
        c = r["startup"]
        d = r.get("startup_demo", {})
        lines += [
            f"(c) start-up, median of {c['runs']} (5M-event file): header {c['header_ms']:.0f} ms, footer "
            f"{c['footer_ms']:.0f} ms, F1 answered {c['key_reply_ms']:.0f} ms, first feed row "
            f"{c['first_row_ms']:.0f} ms (runs: {c['header_all_ms']}); demo file: header "
            f"{d.get('header_ms', float('nan')):.0f} ms; a bare Textual app here: "
            f"{r.get('startup_bare_textual_ms', float('nan')):.0f} ms",
        ]
    if "memory" in r:
        m = r["memory"]
        lines += [
            f"(d) memory: {m['rss_start_mb']:.1f} MB -> {m['rss_end_mb']:.1f} MB "
            f"after {m['swipes']:,} swipes "
            f"({m['swipes_per_s']:.0f}/s) = {m['growth_mb']:+.1f} MB (peak {m['rss_peak_mb']:.1f})",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="live feed latency, burst, start-up and memory in a pty")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument(
        "--parts",
        default="abcde",
        help="any of a (sustained), b (burst), c (start-up), d (memory), e (typing)",
    )
    args = ap.parse_args(argv)
    print(report(run(args.quick, args.parts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
