"""Checks the pty benchmarks rely on, about the booth screen as it ships.

The feed benchmarks find each row by its id ``#NNNNNNN``: the event column must hold a 7-digit id
(the 5,000,000-event file) whole, or ten events would share a label and the benchmark could not
tell them apart. ``id_column_fits`` says whether it does; it always has since the column became
9 cells, and the benchmark reports the answer rather than assuming it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROBE = "#9999999"


def id_column_fits() -> bool:
    from guardpost_screens.widgets import feed

    width = next(c.width for c in feed.columns(120) if c.key == "feed.col_event")
    return PROBE in feed.fit(PROBE, width)


if __name__ == "__main__":
    from guardpost_screens.launch import main

    main()
