"""A simulated card reader for ``guardpost demo``: realistic swipes from the cards in the database.

Mostly valid cards for this gate, some refused (unknown, expired, wrong kind), an occasional lost
or blacklisted card, on both lanes, at a configurable rate with natural jitter.
"""

from __future__ import annotations

import random
import sqlite3
import threading
from datetime import date
from pathlib import Path

from guardpost.policy import CARD_KINDS_BY_GATE
from guardpost.readers.base import CardRead, LaneName, OnRead, OnStatus, ReaderStatus

# (share of swipes, which cards) — the mix a booth sees on an ordinary day
MIX: tuple[tuple[float, str], ...] = (
    (0.86, "valid"),
    (0.04, "unknown"),
    (0.04, "expired"),
    (0.03, "wrong_gate"),
    (0.02, "lost"),
    (0.01, "blacklisted"),
)


def card_pool(
    kind: str,
    status: str,
    valid_from: str | None,
    valid_until: str | None,
    allowed: frozenset[str],
    today: str,
) -> str | None:
    """Which part of the mix a card belongs to at a gate opening ``allowed`` kinds (None: no part)."""
    if status in ("lost", "blacklisted"):
        return status
    if status == "expired" or (valid_until and valid_until < today):
        return "expired"
    if kind not in allowed:
        return "wrong_gate"
    if valid_from and valid_from > today:
        return None  # not valid yet: not in this simulation's mix
    return "valid"


class SimReader:
    def __init__(
        self,
        db_path: Path,
        gate_id: str,
        rate_per_min: float = 30,
        seed: int | None = None,
        name: str = "sim",
    ) -> None:
        self.name = name
        self.db_path = db_path
        self.gate_id = gate_id
        self.rate_per_min = rate_per_min
        self.rng = random.Random(seed)

    def _pools(self) -> dict[str, list[str]]:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT kind FROM gate WHERE id = ?", (self.gate_id,)).fetchone()
            allowed = CARD_KINDS_BY_GATE.get(row[0] if row else "pedestrian", frozenset())
            today = date.today().isoformat()
            pools: dict[str, list[str]] = {name: [] for _, name in MIX if name != "unknown"}
            # a bounded sample keeps start-up fast on a compound with 100,000 cards
            for uid, kind, status, since, until in conn.execute(
                "SELECT uid, kind, status, valid_from, valid_until FROM card ORDER BY random() LIMIT 5000"
            ):
                pool = card_pool(kind, status, since, until, allowed, today)
                if pool is not None:
                    pools[pool].append(uid)
            return pools
        finally:
            conn.close()

    def next_uid(self, pools: dict[str, list[str]]) -> str:
        """One card to present: drawn from the mix; a kind with no cards falls back to a valid one."""
        pool = self.rng.choices([name for _, name in MIX], weights=[share for share, _ in MIX])[0]
        if pool == "unknown":
            return f"{self.rng.getrandbits(32):08X}"
        return self.rng.choice(pools.get(pool) or pools["valid"])

    def run(self, on_read: OnRead, on_status: OnStatus, stop: threading.Event) -> None:
        try:
            pools = self._pools()
        except sqlite3.Error as exc:
            on_status(ReaderStatus(self.name, "error", str(exc)))
            return
        if not pools["valid"]:
            on_status(ReaderStatus(self.name, "error", "no cards"))
            return
        on_status(ReaderStatus(self.name, "connected", "simulator"))
        mean_gap = 60.0 / self.rate_per_min
        while not stop.wait(self.rng.uniform(0.5, 1.5) * mean_gap):
            lane: LaneName = "in" if self.rng.random() < 0.55 else "out"
            on_read(CardRead(reader=self.name, lane=lane, uid=self.next_uid(pools)))
        on_status(ReaderStatus(self.name, "stopped"))
