"""The real ``guardpost`` console script with one fault planted, for the crash tests.

``python tests/crash_booth.py KIND run ...``: KIND ``action`` makes F3 raise in the screen's
thread (an unhandled error in a key's action), ``row`` makes every feed row fail to draw (a
rendering error in one widget). Everything else is the program as shipped.
"""

from __future__ import annotations

import sys


def main() -> None:
    kind = sys.argv.pop(1)
    if kind == "action":
        from guardpost_screens.booth import BoothScreen

        def broken(self: BoothScreen) -> None:
            raise RuntimeError("planted fault in F3")

        BoothScreen.action_cycle_filter = broken  # type: ignore[method-assign]
    elif kind == "row":
        from guardpost_screens.widgets import feed

        def unpaintable(*args: object) -> str:
            raise ValueError("planted fault in a feed row")

        feed.row_text = unpaintable  # type: ignore[assignment]
    from guardpost_screens.launch import main as launch

    launch()


if __name__ == "__main__":
    main()
