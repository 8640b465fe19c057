"""The alarm banner: the newest unacknowledged alarm, what to do, and the key that acknowledges it.

Two lines, laid out for the width: the alarm (time, lane, reason, who, how many more) with the key
at the right end of the first line, never split; the advice on the second line, wrapped if it has
to be. While an acknowledgement is being stored the key's place says so.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from guardpost.advice import advice, who
from guardpost.domain import GateKind, Swipe
from guardpost.i18n import t
from guardpost.text import printable

from .text import drawn


def banner_lines(
    alarms: list[Swipe], gate_kind: GateKind | None, pending: bool, width: int, viewer: bool = False
) -> list[str]:
    if not alarms:
        return []
    a = alarms[0]
    more = t("alarm.more", count=len(alarms) - 1) if len(alarms) > 1 else ""
    head = t(
        "alarm.banner",
        event=a.event_id,
        time=a.at.strftime("%H:%M:%S"),
        lane=t(f"lane.{a.lane}"),
        reason=t(f"reason.{a.reason}"),
        who=who(a),
        more=more,
    )
    key = t("alarm.key_viewer") if viewer else t("alarm.acknowledging") if pending else t("alarm.key")
    room = width - cell_len(key) - 1
    if cell_len(head) > room:
        head = set_cell_size(head, max(0, room - 1)) + "…"
    first = set_cell_size(head, room) + " " + key
    return [first, *_wrap(printable(advice(a, gate_kind).text()), width)]


# Chinese line breaking (GB/T 15834, W3C clreq): closing punctuation stays at the end of a line.
NO_LINE_START = frozenset("，。、；：！？）」』》〉】”’…·%,.;:!?)")


def _breakable(ch: str) -> bool:
    """A line may end after this character: a space, or a wide (CJK) one, which has no spaces."""
    return ch == " " or cell_len(ch) == 2


def _wrap(text: str, width: int) -> list[str]:
    """Fold ``text`` into lines of ``width`` cells: Chinese anywhere, a Latin word (a setting's
    name, a card number) kept whole when the line has an earlier place to break."""
    if width <= 0:
        return [text]
    lines: list[str] = []
    start, used = 0, 0
    for i, ch in enumerate(text):
        size = cell_len(ch)  # one character at a time: rich's cache holds a few thousand of them at most
        if used + size > width:
            cut = i
            if not _breakable(text[i - 1]) and ch != " ":
                back = next((j for j in range(i - 1, start, -1) if _breakable(text[j])), None)
                if back is not None and i - back < width // 2:
                    cut = back + 1
            while cut - 1 > start and text[cut] in NO_LINE_START:
                cut -= 1  # "，" and "。" never begin a line: the character before them goes down too
            lines.append(text[start:cut].rstrip(" "))
            start = cut + (1 if cut < len(text) and text[cut] == " " else 0)
            used = cell_len(text[start : i + 1]) if start <= i else 0
            continue
        used += size
    if start < len(text):
        lines.append(text[start:])
    return lines


class AlarmBanner(Widget):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.alarms: list[Swipe] = []
        self.gate_kind: GateKind | None = None
        self.pending = False
        self.viewer = False  # a viewer watches: the alarm is acknowledged at the booth

    def show(self, alarms: list[Swipe], gate_kind: GateKind | None, pending: bool = False) -> None:
        self.alarms, self.gate_kind, self.pending = alarms, gate_kind, pending
        self.display = bool(alarms)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(banner_lines(self.alarms, self.gate_kind, self.pending, width, self.viewer)))

    def render(self) -> Text:
        def draw() -> Text:
            lines = banner_lines(self.alarms, self.gate_kind, self.pending, self.size.width, self.viewer)
            return Text("\n".join(lines), no_wrap=True, overflow="crop", end="")

        return drawn(self, draw)


class AdviceLine(Widget):
    """What to do about the row in question, on a fixed number of lines (two from 100 columns,
    three below), so that a new advice repaints the line and never lays the screen out again."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.text = ""

    def show(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 2 if width >= 100 else 3

    def render(self) -> Text:
        def draw() -> Text:
            lines = _wrap(printable(self.text), max(1, self.size.width))[: self.size.height]
            return Text("\n".join(lines), no_wrap=True, overflow="crop", end="")

        return drawn(self, draw)
