"""Every performance measure of the issue, on this machine, in one Markdown table (``make bench``).

Builds (or reuses) ``bench-out/big.db`` (100,000 cards, 5,000,000 events), then runs
bench_swipe (swipe path vs floor), bench_feed (pty: sustained 20/s, burst of 100, start-up,
memory) and bench_sigkill (SIGKILL mid-storm, N runs). Prints the table and writes it, with each
benchmark's own report, to ``bench-out/results.md`` (raw numbers: ``bench-out/*.json``).
``--quick``: shorter runs (15 s instead of 60, 2,000 swipes instead of 10,000, 5 kill runs).
Timings are measured and reported, never asserted; the exit status is 0 unless a benchmark crashed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import big_db  # noqa: E402
from big_db import OUT  # noqa: E402

from guardpost.migrations import LATEST  # noqa: E402

Row = tuple[str, str, str, bool | None]  # measure, target, result, pass


def _machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    import textual

    return (
        f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}, CPython {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, Textual {textual.__version__}"
    )


def _ok(value: float, limit: float, strict: bool = False) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value < limit if strict else value <= limit


def _run(name: str, fn: Callable[[], Any], errors: dict[str, str]) -> Any:
    print(f"== {name}", flush=True)
    t0 = time.monotonic()
    try:
        result = fn()
    except Exception:  # a broken benchmark must not hide the others
        errors[name] = traceback.format_exc()
        print(errors[name], file=sys.stderr, flush=True)
        return None
    print(f"   ({time.monotonic() - t0:.0f} s)", flush=True)
    return result


def table(rows: list[Row]) -> str:
    out = ["| measure | target | result | pass |", "|---|---|---|---|"]
    for measure, target, result, ok in rows:
        verdict = "n/a" if ok is None else ("PASS" if ok else "**FAIL**")
        out.append(f"| {measure} | {target} | {result} | {verdict} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="run every benchmark and print one Markdown table")
    ap.add_argument("--quick", action="store_true", help="shorter runs (a few minutes in all)")
    ap.add_argument("--kill-runs", type=int, help="SIGKILL runs (default 20, 5 with --quick)")
    args = ap.parse_args(argv)
    quick = args.quick
    OUT.mkdir(parents=True, exist_ok=True)
    errors: dict[str, str] = {}
    started = datetime.now()

    def build() -> dict[str, Any]:
        cached = big_db.is_complete(big_db.BIG)
        t0 = time.monotonic()
        big_db.ensure()
        info = json.loads(big_db.meta_path(big_db.BIG).read_text())
        return {"cached": cached, "seconds": time.monotonic() - t0, **info}

    db = _run("big_db", build, errors)
    if db is None:
        print("no benchmark database: stopping", file=sys.stderr)
        return 1

    import bench_feed
    import bench_migrate
    import bench_sigkill
    import bench_swipe

    swipe = _run("bench_swipe", lambda: bench_swipe.run(quick), errors)
    migrate = _run("bench_migrate", lambda: bench_migrate.run(quick), errors)
    feed = _run("bench_feed", lambda: bench_feed.run(quick), errors) or {}
    kill_runs = args.kill_runs or (5 if quick else 20)
    kill = _run("bench_sigkill", lambda: bench_sigkill.run(kill_runs), errors)
    import bench_keys

    keys_result = _run("bench_keys", lambda: bench_keys.run(quick), errors)
    import bench_report

    report_result = _run("bench_report", lambda: bench_report.run(quick), errors)
    import bench_audit

    audit_result = _run("bench_audit", lambda: bench_audit.run(quick), errors)
    import bench_shifts

    shifts_result = _run("bench_shifts", lambda: bench_shifts.run(quick), errors)
    import bench_registers

    registers_result = _run("bench_registers", lambda: bench_registers.run(quick), errors)

    rows: list[Row] = []
    if swipe:
        f, s, bare = swipe["floor_ms"], swipe["swipe_ms"], swipe["bare_ms"]
        n = f"{s['n']:,} swipes / {f['n']:,} floor ops"
        rows.append(
            (
                "swipe path p50 vs the bare floor p50 (INSERT + COMMIT into a table with only an integer"
                " primary key, same file and pragmas)",
                "<= 1.5x",
                f"{s['p50']:.2f} / {bare['p50']:.2f} ms = {swipe['ratio_bare_p50']:.2f}x"
                f" (p99 {s['p99']:.2f} / {bare['p99']:.2f} ms = {swipe['ratio_bare_p99']:.2f}x)",
                swipe["pass_bare_p50"],
            )
        )
        rows.append(
            (
                "swipe path p50 vs floor p50 (INSERT + COMMIT, WAL, synchronous=FULL;"
                f" checkpoints {swipe.get('checkpoints', '?')})",
                "<= 1.5x",
                f"{s['p50']:.2f} / {f['p50']:.2f} ms = {swipe['ratio_p50']:.2f}x ({n})",
                swipe["pass_p50"],
            )
        )
        rows.append(
            (
                "swipe path p99 vs floor p99",
                "<= 2x",
                f"{s['p99']:.2f} / {f['p99']:.2f} ms = {swipe['ratio_p99']:.2f}x",
                swipe["pass_p99"],
            )
        )
    else:
        rows.append(("swipe path vs floor", "1.5x p50 / 2x p99", "benchmark failed", False))
    if migrate:
        rows.append(
            (
                f"upgrade of an existing {migrate['events']:,}-event schema-2 file to schema {LATEST}"
                " (backup + migrations)",
                "measured",
                f"{migrate['upgrade_s']} s ({migrate['migrate_only_s']} s of it the migration; "
                f"{migrate['file_mib']:,} MiB file)",
                None,
            )
        )
    a = feed.get("sustained")
    if a:
        lat = a["latency_ms"]
        span = f"{a['reads_in_window']:,} reads in {a['seconds']:.0f} s ({a['reads_per_s']:.1f}/s)"
        rows.append(
            (
                "card read -> row on the pty, p50 (simulator, 20/s)",
                "<= 6 ms",
                f"{lat['p50']:.1f} ms ({span})",
                _ok(lat["p50"], 6),
            )
        )
        rows.append(
            (
                "card read -> row on the pty, p99",
                "<= 30 ms",
                f"{lat['p99']:.1f} ms (p90 {lat['p90']:.1f}, max {lat['max']:.1f}; "
                f"app CPU {a['cpu_pct']:.0f}% of a core)",
                _ok(lat["p99"], 30),
            )
        )
        rows.append(("rows never shown during the 20/s run", "0", str(a["never_seen"]), a["never_seen"] == 0))
    e = feed.get("typing")
    if e:
        lat = e["latency_ms"]
        rows.append(
            (
                "card read -> row on the pty while a guard types in a form (5 keys/s), p50 / p99",
                "<= 6 ms / <= 16 ms",
                f"{lat['p50']:.1f} / {lat['p99']:.1f} ms (max {lat['max']:.1f}; "
                f"{e['reads_in_window']:,} reads, {e['keys_typed']} keys; never shown {e['never_seen']})",
                _ok(lat["p50"], 6) and _ok(lat["p99"], 16) and e["never_seen"] == 0,
            )
        )
    else:
        rows.append(
            ("card read -> row on the pty (20/s)", "p50 <= 6 ms, p99 <= 30 ms", "benchmark failed", False)
        )
    b = feed.get("burst")
    if b:
        rows.append(
            (
                "burst of 100 reads in 1 s: stored, none lost",
                "100 stored, 0 lost",
                f"{b['stored']} stored, {b['lost']} lost ({b['on_pty']} seen on the pty, "
                f"{b['only_in_scrollback']} only in scrollback, {b['not_found_anywhere']} not found)",
                b["stored"] == b["reads"] and b["lost"] == 0 and b["not_found_anywhere"] == 0,
            )
        )
        rows.append(
            (
                "burst: last row on the pty after the last read",
                "<= 1000 ms",
                f"{b['last_row_after_last_read_ms']:.0f} ms "
                f"(read -> row p50 {b['read_to_row_ms']['p50']:.0f}, "
                f"max {b['read_to_row_ms']['max']:.0f} ms)",
                _ok(b["last_row_after_last_read_ms"], 1000),
            )
        )
        rows.append(
            (
                "burst: largest gap between frames while it lasts",
                "< 100 ms",
                f"{b['max_frame_gap_ms']:.0f} ms "
                f"({b['frames_during_burst']} frames in {b['written_in_ms']:.0f} ms)",
                _ok(b["max_frame_gap_ms"], 100, strict=True),
            )
        )
    else:
        rows.append(
            ("burst of 100 reads", "all shown within 1 s, frame gaps < 100 ms", "benchmark failed", False)
        )
    c = feed.get("startup")
    if c:
        d = feed.get("startup_demo", {})
        rows.append(
            (
                f"start -> first frame on the 5M-event file (median of {c['runs']})",
                "<= 400 ms",
                f"{c['header_ms']:.0f} ms (runs {', '.join(f'{x:.0f}' for x in c['header_all_ms'])}; footer "
                f"{c['footer_ms']:.0f}, F1 answered {c['key_reply_ms']:.0f}, "
                f"first feed row {c['first_row_ms']:.0f} ms;"
                f" demo file {d.get('header_ms', float('nan')):.0f} ms; a bare Textual app here"
                f" {feed.get('startup_bare_textual_ms', float('nan')):.0f} ms)",
                _ok(c["header_ms"], 400),
            )
        )
    else:
        rows.append(("start -> first frame (5M events)", "<= 400 ms", "benchmark failed", False))
    m = feed.get("memory")
    if m:
        rows.append(
            (
                f"resident memory growth over {m['swipes']:,} swipes",
                "< 10 MB",
                f"{m['growth_mb']:+.1f} MB ({m['rss_start_mb']:.1f} -> {m['rss_end_mb']:.1f} MB, peak "
                f"{m['rss_peak_mb']:.1f}; {m['swipes_per_s']:.0f} swipes/s)",
                _ok(m["growth_mb"], 10, strict=True) if m["swipes"] >= (2000 if quick else 10_000) else False,
            )
        )
    else:
        rows.append(("resident memory growth", "< 10 MB", "benchmark failed", False))
    if kill:
        rows.append(
            (
                f"SIGKILL mid-storm x {kill['runs']}: shown but lost",
                "0",
                f"{kill['lost']} lost of {kill['shown']:,} shown ({kill['stored']:,} stored; "
                f"{kill['restart_failures']} restart failures)",
                kill["lost"] == 0 and kill["restart_failures"] == 0,
            )
        )
        rows.append(
            (
                "SIGKILL: PRAGMA integrity_check after restart",
                "ok every run",
                f"ok in {kill['runs'] - kill['integrity_failures']}/{kill['runs']} "
                f"(foreign_key_check problems: {kill['foreign_key_problems']})",
                kill["integrity_failures"] == 0,
            )
        )
    else:
        rows.append(("SIGKILL mid-storm", "0 lost, integrity ok", "benchmark failed", False))
    if keys_result:
        rows += bench_keys.rows(keys_result)
    else:
        rows.append(("registration keys and form speed", "see the issue", "benchmark failed", False))
    if report_result:
        rows += bench_report.rows(report_result)
    else:
        rows.append(("shift report PDF of a 2,000-event shift", "<= 2 s", "benchmark failed", False))
    if audit_result:
        rows += bench_audit.rows(audit_result)
    else:
        rows.append(("audit verify over 1,000,000 entries", "<= 10 s", "benchmark failed", False))
    if shifts_result:
        rows += bench_shifts.rows(shifts_result)
    else:
        rows.append(("login and the handover screen", "<= 300 / 200 ms", "benchmark failed", False))
    if registers_result:
        rows += bench_registers.rows(registers_result)
    else:
        rows.append(
            ("registers: screen open, lookups, swipes meanwhile", "<= 50 / 30 ms", "benchmark failed", False)
        )

    notes = [
        f"- Run {started:%Y-%m-%d %H:%M}{' (--quick)' if quick else ''} on {_machine()}.",
        f"- Database: {big_db.BIG} with {db['cards']:,} cards and {db['events']:,}"
        f" events ({db['bytes'] / 2**20:,.0f} MiB), "
        + (f"cached (built in {db['seconds']} s)" if db["cached"] else f"built in {db['seconds']:.0f} s")
        + "; each benchmark writes to its own copy.",
    ]
    if swipe:
        nf = swipe["no_fsync"]
        notes.append(
            f"- fsync of a 4 KiB write on this disk, p50 before / after the swipe benchmark: "
            f"{swipe['fsync_p50_ms'][0]} / {swipe['fsync_p50_ms'][1]} ms"
            " (it varies on this VM, 0.2-4 ms seen). Without fsync (synchronous=NORMAL) floor p50 "
            f"{nf['floor_ms']['p50'] * 1000:.0f} us, swipe p50 "
            f"{nf['swipe_ms']['p50'] * 1000:.0f} us: the lookups and decision are small next to the commit."
        )
    if swipe and swipe.get("checkpoints") == "SQLite auto":
        o = swipe["over_5ms"]
        notes.append(
            f"- Swipe p99: commits that run SQLite's WAL auto-checkpoint take ~7-9 ms here and are ~1% of"
            f" either path (this run: floor {o['floor']}, swipe {o['swipe']} of"
            f" {swipe['floor_ms']['n']:,} over 5 ms), so each p99 lands on or just below them and the"
            " p99 ratio swings between ~0.1x and ~4x from run to run."
        )
    if feed.get("id_column_widened"):
        notes.append(
            "- The feed's event column cuts ids above 999,999 (#4999999 is shown as #499999, ten events"
            " share a label), so the pty measurements on the 5M file start the app through"
            " benchmarks/gp_launch.py, which widens that column by one cell and changes nothing else."
        )
    notes.append(
        "- Latencies are card read (time.monotonic_ns in the reader, GUARDPOST_TRACE) to the row's id"
        " reaching the pty master; the terminal emulator's own paint comes on top. Details: bench-out/*.json."
    )
    if quick:
        notes.append("- --quick: 15 s instead of 60 s at 20/s, 2,000 swipes for memory, 5 SIGKILL runs.")
    for name in errors:
        notes.append(f"- {name} crashed: see the traceback above / in bench-out/results.md.")

    sections = [
        "# guardpost benchmarks",
        "",
        table(rows),
        "",
        "Notes:",
        *notes,
        "",
        "## Details",
        "",
    ]
    if swipe:
        sections += ["```", bench_swipe.report(swipe), "```", ""]
    if migrate:
        sections += ["```", bench_migrate.report(migrate), "```", ""]
    if feed:
        sections += ["```", bench_feed.report(feed), "```", ""]
    if kill:
        sections += ["```", bench_sigkill.report(kill), "```", ""]
    if audit_result:
        sections += ["```", bench_audit.report(audit_result), "```", ""]
    for name, tb in errors.items():
        sections += [f"### {name} failed", "```", tb, "```", ""]
    text = "\n".join(sections)
    (OUT / "results.md").write_text(text, encoding="utf-8")
    print()
    print(text)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
