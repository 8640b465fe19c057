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


def banner_lines(alarms: list[Swipe], gate_kind: GateKind | None, pending: bool, width: int) -> list[str]:
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
    key = t("alarm.acknowledging") if pending else t("alarm.key")
    room = width - cell_len(key) - 1
    if cell_len(head) > room:
        head = set_cell_size(head, max(0, room - 1)) + "…"
    first = set_cell_size(head, room) + " " + key
    return [first, *_wrap(printable(advice(a, gate_kind).text()), width)]


def _wrap(text: str, width: int) -> list[str]:
    """Fold ``text`` into lines of ``width`` cells (CJK text has no spaces to break at)."""
    if width <= 0:
        return [text]
    lines, line = [], ""
    for ch in text:
        if cell_len(line + ch) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return [*lines, line] if line else lines


class AlarmBanner(Widget):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.alarms: list[Swipe] = []
        self.gate_kind: GateKind | None = None
        self.pending = False

    def show(self, alarms: list[Swipe], gate_kind: GateKind | None, pending: bool = False) -> None:
        self.alarms, self.gate_kind, self.pending = alarms, gate_kind, pending
        self.display = bool(alarms)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(banner_lines(self.alarms, self.gate_kind, self.pending, width)))

    def render(self) -> Text:
        lines = banner_lines(self.alarms, self.gate_kind, self.pending, self.size.width)
        return Text("\n".join(lines), no_wrap=True, overflow="crop", end="")
