"""Durable first, then shown: SIGKILL the app in the middle of a swipe storm, restart, lose nothing.

Two runs of ``benchmarks/bench_sigkill.py`` (which repeats this many times and counts): the app
runs in a real pty with the simulator at 3,000 swipes/min and is killed (SIGKILL, whole process
group) 1-2 s into the storm. Every event id that reached the terminal must be in the database when
it is opened again (after the app has restarted on it), and ``PRAGMA integrity_check`` must say ok.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_sigkill  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="needs a Linux pty and /proc"),
]


def test_sigkill_mid_storm_loses_no_shown_event(tmp_path: Path) -> None:
    template = bench_sigkill.demo_db(tmp_path / "demo.db")
    rng = random.Random(20261126)
    results = [bench_sigkill.one_run(tmp_path, template, rng, kill_after=(1.0, 2.0)) for _ in range(2)]
    for r in results:
        assert r["shown"] > 0, f"no row reached the terminal before the kill: {r}"
        assert r["lost"] == 0, f"events shown but not stored: {r['lost_ids']}"
        assert r["integrity_ok"], f"integrity_check: {r['integrity']}"
        assert r["foreign_key_problems"] == 0
        assert r["restarted"], "the app did not open the file again after the crash"
