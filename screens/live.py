"""Whether a screen is still there to show something.

What the booth tells, and what a worker found, reaches a screen through a queue, and an await in a
handler (mounting a form's rows) lets the app go on meanwhile: either may land while the screen is
being taken down (the guard closed it, or the booth is stopping). Textual marks a node it starts to
remove (``_pruning``) before its children go; a caller that finds the screen going drops what it
had to show, since the event behind it is stored already.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from textual.dom import DOMNode


def showing(node: DOMNode) -> bool:
    """Mounted, running, and not being taken down."""
    return node.is_attached and node.is_running and not (node._closing or node._pruning)


def tell(node: DOMNode, callback: Callable[..., object], *args: object) -> None:
    """From a worker thread: run ``callback(*args)`` on the screen's thread if ``node`` is still
    showing then, and drop it if the screen went meanwhile (or the app has stopped)."""

    def if_showing() -> object:
        return callback(*args) if showing(node) else None

    with contextlib.suppress(RuntimeError):  # the app is not running any more
        node.app.call_from_thread(if_showing)


def close_once(screen: object) -> bool:
    """Dismiss a screen that is the one in front, once: False (nothing done) when it is already
    going (a second key of a double press, an Esc right after the key that opened a form in its
    place), which Textual would otherwise answer with an error that stops the booth."""
    from textual.screen import Screen

    assert isinstance(screen, Screen)
    if getattr(screen, "_gp_closed", False) or not showing(screen) or screen.app.screen is not screen:
        return False
    screen._gp_closed = True  # type: ignore[attr-defined]
    screen.dismiss(None)
    return True
