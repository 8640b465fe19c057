"""Enter on a feed row: everything about that event, the full special-care note included.

The detail is read off the screen's thread (a worker calls the booth); until it arrives the modal
shows the row as the feed had it.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen

from guardpost.advice import advice
from guardpost.booth import Booth
from guardpost.domain import GateKind, Source, Swipe
from guardpost.events import EventDetail
from guardpost.i18n import current_language, t

from ..live import tell
from ..widgets.text import Fields, Plain


def detail_rows(swipe: Swipe, found: EventDetail | None, gate_kind: GateKind | None) -> list[tuple[str, str]]:
    """(label, value) pairs, values as stored (the widget makes them printable)."""
    rows = [
        ("detail.event", f"#{swipe.event_id:07d}"),
        ("detail.time", swipe.at.strftime("%Y-%m-%d %H:%M:%S")),
        (
            "detail.gate",
            found.gate_name_zh
            if found and current_language() == "zh-CN"
            else found.gate_name_en
            if found
            else swipe.gate_id,
        ),
        ("detail.lane", t(f"lane.{swipe.lane}")),
        ("detail.decision", t(f"decision.{swipe.decision}")),
        ("detail.reason", t(f"reason.{swipe.reason}")),
        ("detail.advice", advice(swipe, gate_kind).text()),
        ("detail.person", swipe.person or "-"),
    ]
    if found is not None and found.role is not None:
        rows.append(("detail.role", t(f"role.{found.role}")))
    rows.append(("detail.unit", swipe.unit or "-"))
    if swipe.special_care:
        rows.append(("detail.special_care", swipe.special_care))
    rows.append(("detail.card", swipe.uid or "-"))
    if swipe.as_read:
        rows.append(("detail.as_read", swipe.as_read))
    if swipe.detail:
        rows.append(("detail.reader_format", swipe.detail))
    if swipe.card_kind:
        rows.append(("detail.card_kind", t(f"kind.{swipe.card_kind}")))
    if found is not None and found.card_status is not None:
        rows.append(("detail.card_status", t(f"status.{found.card_status}")))
    if found is not None and found.card_valid_until is not None:
        rows.append(("detail.card_valid_until", found.card_valid_until.isoformat()))
    known = swipe.source in tuple(Source)
    rows.append(("detail.source", t(f"source.{swipe.source}") if known else swipe.source))
    rows.append(("detail.guard", (found.guard if found else None) or t("header.no_guard")))
    if found is not None and found.acknowledged_at is not None:
        by = found.acknowledged_by or t("header.no_guard")
        rows.append(("detail.acknowledged", f"{found.acknowledged_at:%H:%M:%S} {by}"))
    return rows


def shown(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The rows in the reader's words: labels from the catalogue, values as they are."""
    return [(t(label), value) for label, value in rows]


class DetailScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q", "dismiss", show=False)]

    def __init__(self, booth: Booth, swipe: Swipe) -> None:
        super().__init__()
        self.booth = booth
        self.swipe = swipe

    def _gate_kind(self) -> GateKind | None:
        return self.booth.state.gate_kind if self.booth.state else None

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-box", classes="box"):
            yield Plain(t("detail.title", event=self.swipe.event_id), classes="title")
            with VerticalScroll(id="detail-body"):
                yield Fields(shown(detail_rows(self.swipe, None, self._gate_kind())), id="detail-text")
            yield Plain(t("detail.keys"), classes="hint")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, group="event-detail", exit_on_error=False)
    def _load(self) -> None:
        found = self.booth.detail(self.swipe.event_id)
        tell(self, self._show, found)

    def _show(self, found: EventDetail | None) -> None:
        if found is not None:
            self.swipe = found.swipe
        self.query_one("#detail-text", Fields).show(shown(detail_rows(self.swipe, found, self._gate_kind())))
