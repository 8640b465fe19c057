"""``guardpost`` as ``.venv/bin/guardpost`` starts it, for the pty benchmarks on the 5M-event file.

The feed's event column (``screens.feed.COLUMNS``) is measured by the row id ``#NNNNNNN``. If the
column cannot hold a 7-digit id (an id above 999,999 comes out cut, so ten events share a label
and the benchmark cannot tell them apart), it is widened here to fit one; the benchmark reports
that it did (``id_column_fits``). When the column is wide enough this file changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROBE = "#9999999"


def id_column_fits() -> bool:
    import screens.feed as feed

    width = dict(feed.COLUMNS)["feed.col_event"]
    return PROBE in feed._fit(PROBE, width)


def widen_id_column() -> None:
    import screens.feed as feed

    need = len(PROBE) + 1
    feed.COLUMNS = tuple((k, max(w, need) if k == "feed.col_event" else w) for k, w in feed.COLUMNS)


if __name__ == "__main__":
    if not id_column_fits():
        widen_id_column()
    from guardpost.cli import main

    main()
