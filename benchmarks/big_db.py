"""The benchmark database: the demo compound grown to 100,000 cards and 5,000,000 access events.

``python benchmarks/big_db.py`` builds ``bench-out/big.db`` once and reuses it while it is complete
(a sidecar ``big.db.json`` records what was built; the file is built under a temporary name and
renamed at the end, so a half-built file is never reused). Benchmarks that write take a copy
(``work_copy``), so the cached file stays exactly as built.

The demo is imported through ``guardpost.demo.build``; the extra units, people, cards and the
events are inserted with raw ``sqlite3`` executemany in large transactions, with the journal and
fsync off and the event indexes dropped while loading (rebuilt afterwards), then the file is put
back in WAL mode. Events run in id order = time order over ~2 years up to a few minutes ago, with
a daily rush-hour profile; each references a real card and its holder, and its decision and
reason come from ``guardpost.policy.decide`` for that card, gate, lane and day.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data.make_demo import GIVEN_FEMALE, GIVEN_MALE, PHONE_PREFIXES, SURNAME_WEIGHTS, SURNAMES  # noqa: E402
from guardpost import people_index  # noqa: E402
from guardpost.access import CardRow, stamp  # noqa: E402
from guardpost.demo import build as build_demo  # noqa: E402
from guardpost.domain import GateKind, Reason  # noqa: E402
from guardpost.policy import decide, verdict  # noqa: E402
from guardpost.readers.sim import card_pool  # noqa: E402

OUT = ROOT / "bench-out"
BIG = OUT / "big.db"
CARDS = 100_000
EVENTS = 5_000_000
DAYS = 730
SEED = 5_000_000
FORMAT_VERSION = 7  # 7: built at schema 6 (shifts, the hash-chained audit trail)

# share of the day's swipes in each hour: morning and evening rush
HOUR_WEIGHTS = (1, 0.6, 0.4, 0.3, 0.4, 1.2, 4, 9, 10, 6, 4, 4, 5, 4, 3.5, 4, 5, 8, 10, 8, 6, 4.5, 3, 2)
GATES = (("east", 0.40), ("west", 0.30), ("north", 0.15), ("garage", 0.15))
# (share, which card) for historic swipes: mostly valid cards, a few refusals and alarms
HISTORY_MIX = (
    (0.920, "valid"),
    (0.025, "unknown"),
    (0.020, "expired"),
    (0.018, "wrong_gate"),
    (0.007, "lost"),
    (0.003, "blacklisted"),
    (0.004, "bad_read"),
    (0.003, "forgot_card"),
)


def meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def is_complete(path: Path, cards: int = CARDS, events: int = EVENTS) -> bool:
    meta = meta_path(path)
    if not path.exists() or not meta.exists():
        return False
    try:
        info = json.loads(meta.read_text())
    except ValueError:
        return False
    if info.get("version") != FORMAT_VERSION or info.get("cards") != cards or info.get("events") != events:
        return False
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        n_cards = conn.execute("SELECT count(*) FROM card").fetchone()[0]
        max_id = conn.execute("SELECT max(id) FROM access_event").fetchone()[0] or 0
        return bool(n_cards == cards and max_id == events and info.get("max_event_id") == max_id)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def ensure(path: Path = BIG, cards: int = CARDS, events: int = EVENTS, *, force: bool = False) -> Path:
    """The cached big database, built first if missing, incomplete or ``force``."""
    if not force and is_complete(path, cards, events):
        return path
    build(path, cards, events)
    return path


def work_dir() -> Path:
    """This process's scratch folder under bench-out/ (two benchmark runs at once must not share
    files: one would delete or overwrite the other's database)."""
    path = OUT / f"work-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_work() -> None:
    shutil.rmtree(OUT / f"work-{os.getpid()}", ignore_errors=True)


def work_copy(src: Path, dst: Path) -> Path:
    """A private copy to write to (the cached file stays as built)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    fd = os.open(dst, os.O_RDONLY)
    try:  # on disk before anything is measured: no writeback of 800 MB competing with the app
        os.fsync(fd)
        # and in the page cache (warm, as a booth that has been running): a kernel-side copy may
        # leave the new file's pages uncached, and the first random lookups would then go to disk
        while os.read(fd, 1 << 20):
            pass
    finally:
        os.close(fd)
    return dst


# --- building ----------------------------------------------------------------------------------


def _name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    given = GIVEN_MALE if rng.random() < 0.5 else GIVEN_FEMALE
    return surname + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))


def _uids(rng: random.Random, taken: set[str], n: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        uid = f"{rng.getrandbits(32):08X}" if rng.random() < 0.93 else f"04{rng.getrandbits(48):012X}"
        if uid not in taken:
            taken.add(uid)
            out.append(uid)
    return out


def _grow_compound(conn: sqlite3.Connection, rng: random.Random, cards: int, now: datetime) -> None:
    """Extra units, people and cards (in one transaction) until the compound has ``cards`` cards."""
    have = conn.execute("SELECT count(*) FROM card").fetchone()[0]
    extra_cards = cards - have
    if extra_cards <= 0:
        return
    created = stamp(now)
    today = now.date()
    unit_id = conn.execute("SELECT max(id) FROM unit").fetchone()[0]
    person_id = conn.execute("SELECT max(id) FROM person").fetchone()[0]
    card_id = conn.execute("SELECT max(id) FROM card").fetchone()[0]
    first_building = conn.execute("SELECT max(building) FROM unit").fetchone()[0] + 1
    taken = {r[0] for r in conn.execute("SELECT uid FROM card")}

    # ~2.4 people and ~2.9 cards per household, as in the demo; tower blocks of 3 entrances x 30 floors x 4
    n_units = extra_cards * 10 // 29
    units, people, card_rows = [], [], []
    residents: list[tuple[int, str]] = []  # (person id, role)
    staff: list[int] = []
    building = first_building
    entrance, floor, room = 1, 1, 1
    for _ in range(n_units):
        unit_id += 1
        code = f"{building}-{entrance}-{floor}{room:02d}"
        units.append((unit_id, code, building, entrance, f"{floor}{room:02d}"))
        room += 1
        if room > 4:
            room, floor = 1, floor + 1
            if floor > 30:
                floor, entrance = 1, entrance + 1
                if entrance > 3:
                    entrance, building = 1, building + 1
        household = rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 1))[0]
        for k in range(household):
            person_id += 1
            role = ("owner" if rng.random() < 0.88 else "tenant") if k == 0 else "family"
            care = "独居老人，请多留意" if household == 1 and rng.random() < 0.02 else None
            phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            last4 = f"{rng.randrange(1000):03d}" + rng.choice("0123456789X")
            people.append((person_id, _name(rng), role, unit_id, phone, last4, care, created))
            residents.append((person_id, role))
    for _ in range(max(40, extra_cards // 50)):
        person_id += 1
        people.append((person_id, _name(rng), "staff", None, None, None, None, created))
        staff.append(person_id)

    uids = _uids(rng, taken, extra_cards)
    for uid in uids:
        card_id += 1
        r = rng.random()
        status = "active"
        valid_from = valid_until = None
        if r < 0.02:
            kind, holder = "staff", rng.choice(staff)
            valid_from = (today - timedelta(days=rng.randrange(30, 1500))).isoformat()
        elif r < 0.26:
            kind, holder = "parking_monthly", rng.choice(residents)[0]
            start = today - timedelta(days=rng.randrange(30, 1200))
            valid_from = start.replace(day=1).isoformat()
            valid_until = (today + timedelta(days=rng.randrange(-60, 400))).isoformat()
        elif r < 0.28:
            kind, holder = "parking_temporary", rng.choice(residents)[0]
        else:
            kind = "owner"
            holder, role = rng.choice(residents)
            if role == "tenant":
                start = today - timedelta(days=rng.randrange(100, 900))
                valid_from = start.isoformat()
                valid_until = (start + timedelta(days=rng.choice((365, 730, 1095)))).isoformat()
        s = rng.random()
        if s < 0.014:
            status = "lost"
        elif s < 0.017:
            status = "blacklisted"
        elif s < 0.035:
            status = "expired"
        card_rows.append((card_id, uid, kind, status, valid_from, valid_until, holder, created))

    conn.execute("BEGIN")
    conn.executemany("INSERT INTO unit (id, code, building, entrance, room) VALUES (?, ?, ?, ?, ?)", units)
    conn.executemany(
        "INSERT INTO person (id, name, role, unit_id, phone, id_last4, special_care, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        people,
    )
    conn.executemany(
        "INSERT INTO card (id, uid, kind, status, valid_from, valid_until, person_id, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        card_rows,
    )
    # the pinyin of the new residents, as an import indexes it (guardpost.people_index)
    people_index.index_people(conn, [p[0] for p in people])
    conn.execute("COMMIT")


class _Card:
    __slots__ = ("id", "uid", "person_id", "facts", "dated", "cache")

    def __init__(self, row: tuple[object, ...]) -> None:
        card = CardRow._make(row)
        self.id, self.uid, self.person_id = card.card_id, card.uid, card.person_id
        self.facts = card.facts()
        self.dated = bool(card.valid_from or card.valid_until)
        self.cache: dict[tuple[str, str], tuple[str, str]] = {}

    def decide(self, gate_kind: str, lane: str, day: date) -> tuple[str, str]:
        if self.dated:
            v = decide(self.facts, gate_kind, lane, day, "normal")
            return v.decision, v.reason
        hit = self.cache.get((gate_kind, lane))
        if hit is None:
            v = decide(self.facts, gate_kind, lane, day, "normal")
            hit = self.cache[(gate_kind, lane)] = (v.decision, v.reason)
        return hit


def _pools(conn: sqlite3.Connection) -> tuple[dict[str, dict[str, list[_Card]]], list[int]]:
    """Cards by gate kind and by what a swipe at that gate will show; the ids of the residents."""
    rows = conn.execute(
        "SELECT c.id, c.uid, c.kind, c.status, c.valid_from, c.valid_until, p.id, p.name, p.role,"
        " p.special_care, NULL, NULL FROM card c LEFT JOIN person p ON p.id = c.person_id ORDER BY c.id"
    ).fetchall()
    cards = [_Card(r) for r in rows]
    pools: dict[str, dict[str, list[_Card]]] = {}
    today = date.today()
    for gate_kind in GateKind:
        # the simulator's one rule sorts the cards (readers.sim.card_pool, i.e. policy.decide)
        p: dict[str, list[_Card]] = {k: [] for k in ("valid", "expired", "wrong_gate", "lost", "blacklisted")}
        for c in cards:
            pool = card_pool(c.facts, gate_kind, today)
            if pool is not None:
                p[pool].append(c)
        pools[gate_kind] = p
    people = [r[0] for r in conn.execute("SELECT id FROM person WHERE role != 'staff'")]
    return pools, people


def _events(
    conn: sqlite3.Connection, rng: random.Random, n_events: int, now: datetime, progress: bool
) -> None:
    pools, residents = _pools(conn)
    gate_kind = dict(conn.execute("SELECT id, kind FROM gate").fetchall())
    n_guards = conn.execute("SELECT count(*) FROM guard").fetchone()[0]
    end = now - timedelta(minutes=5)
    first_day = (end - timedelta(days=DAYS)).date()
    # how many events each day: weekends a little busier, a little noise; sums to n_events exactly
    weights = [
        (1.15 if (first_day + timedelta(d)).weekday() >= 5 else 1.0) * rng.uniform(0.9, 1.1)
        for d in range(DAYS + 1)
    ]
    weights[-1] *= (end.hour * 3600 + end.minute * 60) / 86400  # today only until `end`
    total = sum(weights)
    per_day = [int(n_events * w / total) for w in weights]
    per_day[len(per_day) // 2] += n_events - sum(per_day)

    clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]
    second_weights = [HOUR_WEIGHTS[s // 3600] for s in range(86400)]
    gates = [g for g, _ in GATES]
    gate_w = [w for _, w in GATES]
    mix = [m for _, m in HISTORY_MIX]
    mix_w = [w for w, _ in HISTORY_MIX]
    unknown = verdict(Reason.UNKNOWN_CARD)
    bad_read = verdict(Reason.BAD_READ)
    forgot = verdict(Reason.FORGOT_CARD)
    sql = (
        "INSERT INTO access_event (at, gate_id, lane, uid, card_id, person_id, decision, reason, source,"
        " guard_id, as_read, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    written = 0
    batch: list[tuple[object, ...]] = []
    t0 = time.monotonic()
    end_second = end.hour * 3600 + end.minute * 60 + end.second
    for d, count in enumerate(per_day):
        day = first_day + timedelta(days=d)
        day_s = day.isoformat()
        upto = end_second if d == len(per_day) - 1 else 86400
        secs = sorted(rng.choices(range(upto), weights=second_weights[:upto], k=count))
        gate_pick = rng.choices(gates, weights=gate_w, k=count)
        mix_pick = rng.choices(mix, weights=mix_w, k=count)
        for s, gate, what in zip(secs, gate_pick, mix_pick, strict=True):
            at = f"{day_s} {clock[s]}.{rng.randrange(1_000_000):06d}"
            hour = s // 3600
            lane = (
                "out" if rng.random() < (0.7 if 6 <= hour < 10 else 0.3 if 16 <= hour < 21 else 0.5) else "in"
            )
            kind = gate_kind[gate]
            guard = 1 + (d * 2 + (hour < 7 or hour >= 19) + gates.index(gate) * 3) % n_guards
            if what == "unknown":
                uid = f"{rng.getrandbits(32):08X}"
                row = (
                    at,
                    gate,
                    lane,
                    uid,
                    None,
                    None,
                    unknown.decision,
                    unknown.reason,
                    "pcsc",
                    guard,
                    None,
                    None,
                )
            elif what == "bad_read":
                typed = str(rng.randrange(10**7, 10**9))
                row = (
                    at,
                    gate,
                    lane,
                    None,
                    None,
                    None,
                    bad_read.decision,
                    bad_read.reason,
                    "wedge",
                    guard,
                    typed,
                    "hex",
                )
            elif what == "forgot_card":
                who = rng.choice(residents)
                row = (
                    at,
                    gate,
                    lane,
                    None,
                    None,
                    who,
                    forgot.decision,
                    forgot.reason,
                    "manual",
                    guard,
                    None,
                    None,
                )
            else:
                pool = pools[kind][what] or pools[kind]["valid"]
                card = rng.choice(pool)
                decision, reason = card.decide(kind, lane, day)
                tries = 0
                while what == "valid" and decision != "allow" and tries < 5:  # not valid on that day
                    card = rng.choice(pool)
                    decision, reason = card.decide(kind, lane, day)
                    tries += 1
                source = "pcsc" if rng.random() < 0.9 else "wedge"
                row = (
                    at,
                    gate,
                    lane,
                    card.uid,
                    card.id,
                    card.person_id,
                    decision,
                    reason,
                    source,
                    guard,
                    None,
                    None,
                )
            batch.append(row)
        if len(batch) >= 250_000 or d == len(per_day) - 1:
            conn.execute("BEGIN")
            conn.executemany(sql, batch)
            conn.execute("COMMIT")
            written += len(batch)
            batch = []
            if progress:
                rate = written / (time.monotonic() - t0)
                print(f"  events {written:>9,} / {n_events:,}  ({rate:,.0f}/s)", flush=True)


def build(path: Path = BIG, cards: int = CARDS, events: int = EVENTS, *, progress: bool = True) -> float:
    """Build ``path`` from scratch; returns the seconds it took."""
    t0 = time.monotonic()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".building")
    for p in (tmp, path, meta_path(path)):
        for suffix in ("", "-wal", "-shm"):
            Path(str(p) + suffix).unlink(missing_ok=True)
    rng = random.Random(SEED)
    now = datetime.now()
    build_demo(tmp)  # the demo compound, through the same path users use

    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")  # leave WAL (needs no other connection)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1000000")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = OFF")
    _grow_compound(conn, rng, cards, now)
    if progress:
        print(
            f"  compound: {conn.execute('SELECT count(*) FROM card').fetchone()[0]:,} cards, "
            f"{conn.execute('SELECT count(*) FROM person').fetchone()[0]:,} people "
            f"({time.monotonic() - t0:.1f} s)",
            flush=True,
        )
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_schema"
        " WHERE type = 'index' AND tbl_name = 'access_event' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    have = conn.execute("SELECT count(*) FROM access_event").fetchone()[0]
    _events(conn, rng, events - have, now, progress)
    t_idx = time.monotonic()
    for _, sql in indexes:
        conn.execute(sql)
    # each card's events, as the booth's writer would have filed them while idle (events.index_cards)
    conn.execute("BEGIN")
    conn.execute(
        "INSERT OR IGNORE INTO event_card SELECT card_id, id FROM access_event WHERE card_id IS NOT NULL"
    )
    conn.execute("UPDATE event_card_upto SET event_id = (SELECT max(id) FROM access_event) WHERE id = 1")
    conn.execute("COMMIT")
    if progress:
        print(f"  indexes rebuilt ({time.monotonic() - t_idx:.1f} s)", flush=True)
    max_id = conn.execute("SELECT max(id) FROM access_event").fetchone()[0]
    conn.execute("PRAGMA journal_mode = WAL")  # back to what every guardpost connection uses
    conn.close()
    tmp.rename(path)
    seconds = time.monotonic() - t0
    meta_path(path).write_text(
        json.dumps(
            {
                "version": FORMAT_VERSION,
                "cards": cards,
                "events": events,
                "max_event_id": max_id,
                "built": now.isoformat(timespec="seconds"),
                "seconds": round(seconds, 1),
                "bytes": path.stat().st_size,
            }
        )
    )
    return seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", type=Path, default=BIG)
    ap.add_argument("--cards", type=int, default=CARDS)
    ap.add_argument("--events", type=int, default=EVENTS)
    ap.add_argument("--force", action="store_true", help="rebuild even if a complete file is cached")
    args = ap.parse_args(argv)
    if not args.force and is_complete(args.path, args.cards, args.events):
        info = json.loads(meta_path(args.path).read_text())
        print(
            f"{args.path}: cached, complete ({args.cards:,} cards, {args.events:,} events; "
            f"built {info['built']} in {info['seconds']} s, {info['bytes'] / 2**20:,.0f} MiB)"
        )
        return 0
    print(f"building {args.path}: {args.cards:,} cards, {args.events:,} events")
    seconds = build(args.path, args.cards, args.events)
    size = args.path.stat().st_size / 2**20
    print(f"built {args.path} in {seconds:.1f} s ({size:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
