"""The shifts issue's speed targets, measured through the real screens (Textual's Pilot) on the demo
compound: one argon2id PIN check; login (the PIN's Enter -> the booth screen, argon2 included);
unlocking the lock screen; and the handover screen opening (F11 -> the summary shown) with 5,000
events in the shift.

In-process timings (key posted -> the screen changed, Pilot's idle wait), not to the pty.
``python benchmarks/bench_shifts.py [--quick]`` prints JSON; run_all.py puts it in the README table.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SHIFT_EVENTS = 5_000


def _demo(folder: Path) -> Path:
    from guardpost.demo import build

    path = folder / "shifts.db"
    build(path)
    return path


def pin_check_ms(runs: int) -> list[float]:
    from guardpost import auth

    stored = auth.hash_pin("2468")
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        assert auth.verify_pin("2468", stored)
        out.append((time.perf_counter() - t0) * 1000)
    return out


async def _until(pilot: Any, condition: Any, timeout: float = 20.0, t0: float | None = None) -> float:
    """Seconds from ``t0`` (default: now) until ``condition()`` holds, polled every millisecond."""
    t0 = time.perf_counter() if t0 is None else t0
    while not condition():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("condition not reached")
        await pilot.pause(0.001)
    return time.perf_counter() - t0


async def _type(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press(ch)
        await pilot.pause(0.04)  # a person's pace: no burst looks like a card reader


def _fill_shift(db: Path, now: datetime) -> None:
    """5,000 events in G01's shift, as the writer stores them (one row each, the guard stamped)."""
    from guardpost import shifts
    from guardpost.access import stamp
    from guardpost.storage import connect

    conn = connect(db)
    try:
        start = now - timedelta(hours=8)
        shift = shifts.login(conn, "G01", "1234", gate="east", now=start).shift
        uids = [str(r[0]) for r in conn.execute("SELECT uid FROM card ORDER BY id LIMIT 1000")]
        step = timedelta(hours=8) / (SHIFT_EVENTS + 1)
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO access_event (at, gate_id, lane, uid, decision, reason, source, guard_id)"
            " VALUES (?, 'east', ?, ?, ?, ?, 'sim', ?)",
            [
                (
                    stamp(start + step * (i + 1)),
                    "in" if i % 2 else "out",
                    uids[i % len(uids)],
                    "allow" if i % 10 else "deny",
                    "ok" if i % 10 else "unknown_card",
                    shift.guard_id,
                )
                for i in range(SHIFT_EVENTS)
            ],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


async def _one_booth(db: Path, out: dict[str, list[float]]) -> None:
    """One booth: log in, lock and unlock, open the handover screen three times."""
    from conftest import booth_app

    from guardpost_screens.booth import BoothScreen
    from guardpost_screens.handover import HandoverScreen
    from guardpost_screens.login import LoginScreen

    app = booth_app(db, "zh-CN", booth__login=True, now=datetime.now)

    def on(kind: type) -> Any:
        return lambda: isinstance(app.screen, kind)

    def summary_shown() -> bool:
        screen = app.screen
        return isinstance(screen, HandoverScreen) and screen.summary is not None

    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, on(LoginScreen))
        await _type(pilot, "G01")
        await pilot.press("enter")
        await _type(pilot, "1234")
        await pilot.pause(0.1)
        t0 = time.perf_counter()
        await pilot.press("enter")
        out["login_ms"].append(await _until(pilot, on(BoothScreen), t0=t0) * 1000)
        await pilot.press("ctrl+l")
        await _until(pilot, on(LoginScreen))
        await _type(pilot, "1234")
        await pilot.pause(0.1)
        t0 = time.perf_counter()
        await pilot.press("enter")
        out["unlock_ms"].append(await _until(pilot, on(BoothScreen), t0=t0) * 1000)
        for _ in range(3):
            t0 = time.perf_counter()
            await pilot.press("f11")
            out["handover_screen_ms"].append(await _until(pilot, on(HandoverScreen), t0=t0) * 1000)
            out["handover_open_ms"].append(await _until(pilot, summary_shown, t0=t0) * 1000)
            await pilot.press("escape")
            await _until(pilot, on(BoothScreen))


async def _login_and_handover(db: Path, runs: int) -> dict[str, list[float]]:
    names = ("login_ms", "unlock_ms", "handover_open_ms", "handover_screen_ms")
    out: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(runs):
        await _one_booth(db, out)
    return out


def run(quick: bool = False) -> dict[str, Any]:
    runs = 2 if quick else 5
    with tempfile.TemporaryDirectory(prefix="gp-bench-shifts-") as tmp:
        db = _demo(Path(tmp))
        _fill_shift(db, datetime.now())
        copy = Path(tmp) / "run.db"
        shutil.copyfile(db, copy)
        with sqlite3.connect(copy) as conn:
            events = conn.execute("SELECT count(*) FROM access_event").fetchone()[0]
        timings = asyncio.run(_login_and_handover(copy, runs))
    pins = pin_check_ms(10 if quick else 30)
    result: dict[str, Any] = {"events_in_shift": events, "pin_check_ms_median": statistics.median(pins)}
    for name, values in timings.items():
        result[f"{name}_median"] = statistics.median(values)
        result[f"{name}_max"] = max(values)
    return result


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=1))


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    r = result
    return [
        (
            "one PIN check (argon2id, 32 MiB, 2 passes)",
            "<= 100 ms",
            f"{r['pin_check_ms_median']:.0f} ms median",
            r["pin_check_ms_median"] <= 100,
        ),
        (
            "login: PIN's Enter -> booth screen (argon2 included)",
            "<= 300 ms",
            f"median {r['login_ms_median']:.0f} ms, max {r['login_ms_max']:.0f} ms;"
            f" unlock median {r['unlock_ms_median']:.0f} ms",
            r["login_ms_median"] <= 300,
        ),
        (
            f"handover screen opens (F11 -> summary shown), {r['events_in_shift']:,} events in the shift",
            "<= 200 ms",
            f"median {r['handover_open_ms_median']:.0f} ms, max {r['handover_open_ms_max']:.0f} ms",
            r["handover_open_ms_median"] <= 200,
        ),
    ]
