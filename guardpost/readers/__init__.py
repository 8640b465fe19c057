"""Card readers: one small interface (``base.Reader``), many back ends (PC/SC, wedge, simulator).

``for_booth`` chooses them from the settings: the core decides which readers a booth runs, the
screen only starts, stops and displays them (STYLE.md, toolong's watcher).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field

from guardpost.config import Settings
from guardpost.domain import Lane
from guardpost.readers.base import Reader
from guardpost.readers.wedge import WedgeReader


@dataclass
class BoothReaders:
    """The keyboard (always listened to: wedge readers and QR scanners type) and the card readers
    that run threads of their own. ``kind`` is what the header names: pcsc, sim or wedge."""

    wedge: WedgeReader
    others: list[Reader] = field(default_factory=list)
    kind: str = "wedge"


def for_booth(settings: Settings) -> BoothReaders:
    """``reader.kind``: ``auto`` is PC/SC when pyscard is installed, else the keyboard only."""
    wedge = WedgeReader(Lane(settings.reader.wedge_lane))
    kind = settings.reader.kind
    if kind == "auto":
        kind = "pcsc" if importlib.util.find_spec("smartcard") is not None else "wedge"
    if kind == "sim":
        from guardpost.readers.sim import SimReader

        sim = SimReader(settings.db_path, settings.gate, float(settings.reader.sim_rate_per_min))
        return BoothReaders(wedge, [sim], "sim")
    if kind == "pcsc":
        from guardpost.readers.pcsc import PcscReader

        lanes: dict[str, Lane] = {}
        if settings.reader.pcsc_in:
            lanes[settings.reader.pcsc_in] = Lane.IN
        if settings.reader.pcsc_out:
            lanes[settings.reader.pcsc_out] = Lane.OUT
        return BoothReaders(wedge, [PcscReader(lanes or None)], "pcsc")
    return BoothReaders(wedge, [], "wedge")
