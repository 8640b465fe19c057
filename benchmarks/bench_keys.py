"""Keys a guard presses to register each kind of caller, counted by driving the real screens with
Textual's Pilot on the demo compound; and how fast the form opens and the host completion answers,
on the benchmark compound (``bench-out/big.db``: 100,000 cards, about 80,000 residents).

Keys are counted as the guard would press them: the function key that opens the form, the category
key, each Enter, the host's answer. What is typed into fields (a phone number, a name, a unit) is
counted apart as characters. The paper register (登记本) takes 45-60 s a visitor (the issue's figure).

The timings here are in-process (key posted -> the screen's widgets updated and refreshed, Pilot's
idle wait), not to the pty: they leave out the terminal's own write, which the feed benchmark shows
is a few milliseconds.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from big_db import OUT, ensure, work_copy, work_dir  # noqa: E402


def _demo(path: Path) -> Path:
    path.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "guardpost", "demo", "--no-tui", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return path


class Counter:
    def __init__(self, pilot: Any) -> None:
        self.pilot = pilot
        self.keys: list[str] = []
        self.typed = 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            if key != "escape":  # closing the finished form is not part of registering
                self.keys.append(key)
            await self.pilot.press(key)

    async def type(self, text: str) -> None:
        for ch in text:
            self.typed += 1
            await self.pilot.press(ch)
            await self.pilot.pause(0.05)  # a person's pace, not a card reader's burst


async def _until(pilot: Any, condition: Any, timeout: float = 8.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the screen did not get there")
        await pilot.pause(0.01)


async def _scenario(db: Path, name: str) -> dict[str, Any]:
    from conftest import booth_app

    from guardpost_screens.forms.visit import VisitScreen

    app = booth_app(db, "zh-CN")
    unit = sqlite3.connect(db).execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: app.booth_open)
        c = Counter(pilot)
        after_phone = 0

        def screen() -> VisitScreen:
            s = app.screen
            assert isinstance(s, VisitScreen)
            return s

        async def step(want: str) -> None:
            await _until(pilot, lambda: isinstance(app.screen, VisitScreen) and screen().step == want)

        if name == "returning relative":
            await c.press("f6", "1")
            await c.type("13812345678")
            before = len(c.keys)
            await c.press("enter")  # the last visit fills the form in; the guard checks it
            await _until(pilot, lambda: isinstance(app.screen, VisitScreen) and bool(screen().value("unit")))
            await c.press("enter")
            await step("consent")
            await c.press("y")
            await step("done")
            after_phone = len(c.keys) - before
        elif name == "new relative":
            await c.press("f6", "1")
            await c.type("13912345678")
            await c.press("enter")
            await c.type("张新")
            await c.press("enter")
            await c.type(unit)
            await c.press("enter")
            await step("consent")
            await c.press("y")
            await step("done")
        elif name in ("courier", "food delivery"):
            await c.press("f6", "2" if name == "courier" else "3", "1")
            await _until(
                pilot,
                lambda: (
                    isinstance(app.screen, VisitScreen)
                    and screen().focused is not None
                    and screen().focused.id == "visit-phone"
                ),
            )
            await c.press("enter")  # phone optional: none given
            await step("done")
        elif name == "courier with a phone":
            await c.press("f6", "2", "1")
            await _until(
                pilot,
                lambda: (
                    isinstance(app.screen, VisitScreen)
                    and screen().focused is not None
                    and screen().focused.id == "visit-phone"
                ),
            )
            await c.type("13712345678")
            await c.press("enter")
            await step("done")
        elif name == "renovation worker":
            await c.press("f6", "4")
            await c.type("13612345678")
            await c.press("enter")
            await c.type("李师傅")
            await c.press("enter")
            await c.type(unit)
            await c.press("enter")
            await step("consent")
            await c.press("y")
            await step("done")
        elif name == "official":
            await c.press("f6", "8")
            await c.type("赵科长")
            await c.press("enter")
            await c.type("街道办")
            await c.press("enter")
            await step("done")
        result = screen().result
        admitted = bool(result and result.verdict.admits)
        await c.press("escape")
    return {
        "scenario": name,
        "keys": len(c.keys),
        "keys_list": c.keys,
        "typed": c.typed,
        "after_phone": after_phone,
        "admitted": admitted,
    }


SCENARIOS = [
    ("returning relative", "<= 10 after the phone", lambda r: r["after_phone"] <= 10),
    ("new relative", "fields + <= 5 navigation", lambda r: r["keys"] - 1 <= 5),  # F6 opens the form
    ("courier", "<= 6 besides typed", lambda r: r["keys"] <= 6),
    ("courier with a phone", "<= 6 besides typed", lambda r: r["keys"] <= 6),
    ("food delivery", "<= 6 besides typed", lambda r: r["keys"] <= 6),
    ("renovation worker", "measured", lambda r: None),
    ("official", "measured", lambda r: None),
]


F6_KEY = b"\x1b[17~"
ESC = b"\x1b"


def _pty_speed(db: Path, rounds: int) -> dict[str, Any]:
    """On a real pty: F6 -> the form's title on the terminal; a key in the host field -> the first
    completion on the terminal (this includes the keyboard-wedge check, which holds a printable key
    up to ``max_gap`` before it counts as typing)."""
    from ptyapp import PtyApp

    from guardpost import storage
    from guardpost.i18n import set_language, t
    from guardpost.people_index import find_hosts

    set_language("zh-CN")
    title = t("visit.title").encode()
    conn = storage.connect(db)  # upgraded here (pinyin index), not inside the measured app
    prefixes = ["1-1-1", "12-3-2", "3-2-12", "zsf", "wxm", "lij", "wang", "zh"]
    wanted: dict[str, bytes] = {}
    for p in prefixes:
        for i in range(2, len(p) + 1):
            found = find_hosts(conn, p[:i])
            if found:
                wanted[p[:i]] = (found[0].unit + "  ").encode()
    conn.close()
    opens: list[float] = []
    completions: list[float] = []
    with PtyApp(db, reader="wedge", rows=40, cols=120).start(watch=(title, *set(wanted.values()))) as app:
        if app.wait_marker("翠湖".encode(), 60) is None and app.wait_marker(b"Gate", 1) is None:
            time.sleep(3)
        time.sleep(1.0)
        for i in range(rounds):
            app.markers.pop(title, None)
            t0 = time.monotonic_ns()
            app.write(F6_KEY)
            seen = app.wait_marker(title, 5)
            if seen is not None:
                opens.append((seen - t0) / 1e6)
            time.sleep(0.2)
            for key in (b"1", b"\r", b"\r"):  # relative; past the phone and the name, to the host
                app.write(key)
                time.sleep(0.25)
            typed = ""
            for ch in prefixes[i % len(prefixes)]:
                typed += ch
                marker = wanted.get(typed)
                if marker is not None:
                    app.markers.pop(marker, None)
                t0 = time.monotonic_ns()
                app.write(ch.encode())
                if marker is not None:
                    seen = app.wait_marker(marker, 3)
                    if seen is not None:
                        completions.append((seen - t0) / 1e6)
                time.sleep(0.25)  # a person's pace
            app.write(ESC)
            time.sleep(0.4)
        app.quit()
    return {"open_ms": _stats(opens), "completion_ms": _stats(completions)}


async def _search_cost(db: Path, rounds: int) -> dict[str, Any]:
    """In-process: a character reaching the host field -> the completion list updated (the search,
    the worker and the list; the frame that shows it follows within one refresh), without the
    keyboard-wedge hold."""
    from conftest import booth_app

    from guardpost_screens.forms.visit import VisitScreen

    app = booth_app(db, "zh-CN")
    costs: list[float] = []
    prefixes = ["1-1-1", "12-3-2", "3-2-12", "zsf", "wxm", "lij", "wang", "zh"]
    async with app.run_test(size=(120, 40)) as pilot:
        await _until(pilot, lambda: app.booth_open, timeout=60)
        await pilot.press("f6", "1")
        form = app.screen
        assert isinstance(form, VisitScreen)
        await _until(pilot, lambda: form.step == "fields" and bool(form.query("#visit-unit")))
        await pilot.pause(0.3)
        field = form.field("unit")
        form.set_focus(field)
        await pilot.pause(0.1)
        for i in range(rounds):
            field.value = ""
            typed = ""
            for ch in prefixes[i % len(prefixes)]:
                typed += ch
                t0 = time.perf_counter()
                field.insert_text_at_cursor(ch)
                if len(typed) >= 2:
                    end = time.monotonic() + 5
                    while form.hosts_for != typed and time.monotonic() < end:
                        await asyncio.sleep(0.0005)  # not Pilot's idle wait: it adds its own delay
                    costs.append((time.perf_counter() - t0) * 1000)
                await pilot.pause(0.05)
    return {"search_ms": _stats(costs)}


def _stats(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    if not xs:
        return {"n": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {
        "n": len(xs),
        "p50": statistics.median(xs),
        "p99": xs[min(len(xs) - 1, int(len(xs) * 0.99))],
        "max": xs[-1],
    }


def run(quick: bool = False) -> dict[str, Any]:
    work = work_dir()
    demo = _demo(work / "keys-demo.db")
    # a visit by this phone three days ago: the returning relative
    _seed_returning(demo)
    results = []
    for name, target, _check in SCENARIOS:
        db = work / "keys.db"
        shutil.copyfile(demo, db)
        for suffix in ("-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        r = asyncio.run(_scenario(db, name))
        r["target"] = target
        results.append(r)
    big = work_copy(ensure(), work / "keys-big.db")
    speed = _pty_speed(big, 5 if quick else 16)
    cost = asyncio.run(_search_cost(big, 5 if quick else 16))
    out = {"scenarios": results, **speed, **cost}
    (OUT / "bench_keys.json").write_text(json.dumps(out, indent=1, ensure_ascii=False))
    return out


def _seed_returning(db: Path) -> None:
    from conftest import FIXED_NOW, make_settings

    from guardpost import storage, visits
    from guardpost.domain import ConsentChannel, ConsentOutcome, LockdownLevel, VisitCategory

    conn = storage.connect(db)
    unit = conn.execute("SELECT code FROM unit ORDER BY id LIMIT 1").fetchone()[0]
    from datetime import timedelta

    visits.register(
        conn,
        visits.VisitForm(
            VisitCategory.RELATIVE, name="王晓明", phone="13812345678", unit=unit, plate="粤B12345"
        ),
        [visits.ConsentStep(ConsentOutcome.GIVEN, ConsentChannel.FRONT_DESK)],
        gate="east",
        level=LockdownLevel.NORMAL,
        settings=make_settings(db).visits,
        fever_threshold_c=37.3,
        now=FIXED_NOW - timedelta(days=3),
    )
    conn.close()


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    out: list[tuple[str, str, str, bool | None]] = []
    checks = {name: check for name, _t, check in SCENARIOS}
    for r in result["scenarios"]:
        keys = " ".join(k.upper() if k.startswith("f") and len(k) > 1 else k for k in r["keys_list"])
        extra = f"; {r['after_phone']} after the phone" if r["scenario"] == "returning relative" else ""
        out.append(
            (
                f"registration keys: {r['scenario']} (paper register: 45-60 s a visitor)",
                r["target"],
                f"{r['keys']} keys ({keys}){extra} + {r['typed']} characters typed;"
                f" {'admitted' if r['admitted'] else 'NOT admitted'}",
                checks[r["scenario"]](r) if r["admitted"] else False,
            )
        )
    o, c, q = result["open_ms"], result["completion_ms"], result["search_ms"]
    out.append(
        (
            "F6 -> registration form on the pty (big compound)",
            "<= 50 ms",
            f"p50 {o['p50']:.0f} ms, max {o['max']:.0f} ms (n={o['n']})",
            o["max"] <= 50,
        )
    )
    out.append(
        (
            "key in the host field -> first completion on the pty (unit, name, pinyin; ~80,000 residents)",
            "p99 <= 30 ms",
            f"p50 {c['p50']:.0f} ms, p99 {c['p99']:.0f} ms (n={c['n']}); through the wedge check, which"
            " shows the key at once (optimistic echo) instead of holding it up to 90 ms",
            c["p99"] <= 30,
        )
    )
    out.append(
        (
            "without the wedge hold: character in the field -> list searched and updated (in-process)",
            "p99 <= 30 ms",
            f"p50 {q['p50']:.1f} ms, p99 {q['p99']:.1f} ms, max {q['max']:.1f} ms (n={q['n']})",
            q["p99"] <= 30,
        )
    )
    return out


if __name__ == "__main__":
    result = run("--quick" in sys.argv)
    for row in rows(result):
        print(" | ".join(str(x) for x in row))
