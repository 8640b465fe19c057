"""A simulated card reader for ``guardpost demo``: realistic swipes from the cards in the database.

Mostly valid cards for this gate, some refused (unknown, expired, wrong kind), an occasional lost
or blacklisted card, on both lanes, at a configurable rate with natural jitter. Which part of the
mix a card belongs to is what the decision engine says of it (``card_pool``): the simulator never
keeps a rule of its own.
"""

from __future__ import annotations

import random
import sqlite3
import threading
from datetime import date
from pathlib import Path

from guardpost.access import CardRow, gate_kind
from guardpost.domain import CardRead, GateKind, Lane, LockdownLevel, ReaderState, ReaderStatus, Reason, Said
from guardpost.policy import CardFacts, decide
from guardpost.readers.base import OnRead, OnStatus

# (share of swipes, which cards) — the mix a booth sees on an ordinary day
MIX: tuple[tuple[float, str], ...] = (
    (0.86, "valid"),
    (0.04, "unknown"),
    (0.04, "expired"),
    (0.03, "wrong_gate"),
    (0.02, "lost"),
    (0.01, "blacklisted"),
)
# The engine's reasons, sorted into the mix (reasons of other kinds are not simulated)
POOL_OF_REASON: dict[Reason, str] = {
    Reason.OK: "valid",
    Reason.SPECIAL_CARE: "valid",
    Reason.RESTRICTED_CHECK: "valid",
    Reason.LOCKDOWN_RESIDENT_IN: "valid",
    Reason.EXPIRED: "expired",
    Reason.WRONG_GATE: "wrong_gate",
    Reason.LOST: "lost",
    Reason.BLACKLISTED: "blacklisted",
}


def card_pool(facts: CardFacts, gate: GateKind, today: date) -> str | None:
    """Which part of the mix a card belongs to at a gate of kind ``gate``: what ``policy.decide``
    says of it on the way in at the normal level (None: not part of this simulation's mix)."""
    return POOL_OF_REASON.get(decide(facts, gate, Lane.IN, today, LockdownLevel.NORMAL).reason)


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
            gate = gate_kind(conn, self.gate_id)
            today = date.today()
            pools: dict[str, list[str]] = {name: [] for _, name in MIX if name != "unknown"}
            # a bounded sample keeps start-up fast on a compound with 100,000 cards
            for row in conn.execute(
                "SELECT c.id, c.uid, c.kind, c.status, c.valid_from, c.valid_until, p.id, p.name, p.role,"
                " p.special_care, NULL, NULL FROM card c LEFT JOIN person p ON p.id = c.person_id"
                " ORDER BY random() LIMIT 5000"
            ):
                card = CardRow._make(row)
                pool = card_pool(card.facts(), gate, today)
                if pool is not None:
                    pools[pool].append(card.uid)
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
        except Exception as exc:  # a missing gate, a damaged file: shown in the header, never raised
            on_status(ReaderStatus(self.name, ReaderState.ERROR, Said("readers.sim.failed", error=str(exc))))
            return
        if not pools["valid"]:
            on_status(ReaderStatus(self.name, ReaderState.ERROR, Said("readers.sim.no_cards")))
            return
        on_status(ReaderStatus(self.name, ReaderState.SIMULATED, Said("readers.sim.running")))
        mean_gap = 60.0 / self.rate_per_min
        while not stop.wait(self.rng.uniform(0.5, 1.5) * mean_gap):
            lane = Lane.IN if self.rng.random() < 0.55 else Lane.OUT
            on_read(CardRead(reader=self.name, lane=lane, uid=self.next_uid(pools)))
        on_status(ReaderStatus(self.name, ReaderState.STOPPED))
