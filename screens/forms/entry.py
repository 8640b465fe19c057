"""A short form over any screen: labelled fields, Enter to the next one and on the last to store,
Esc to cancel. What is stored, and every rule about it, is the core's: ``store`` gets the fields as
typed and runs in a worker (the booth's file), and either returns what the form closes with or
refuses. A refusal names its field where it can (``visits.FormRefused``, or a key in
``fields_of``): the message is said under the form, that field gets the focus, and everything
typed stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen

from guardpost.errors import GuardpostError, InvalidValue
from guardpost.i18n import t

from .. import keys
from ..live import tell
from ..widgets.keybar import KeyBar
from ..widgets.text import Plain, SafeInput


@dataclass(frozen=True)
class Entry:
    name: str  # what ``store`` gets it as, and the field a refusal names
    label: str  # catalogue key
    required: bool = False
    max_length: int = 120
    value: str = ""
    password: bool = False  # a PIN: shown as dots, never kept after the form closes


class EntryForm(ModalScreen[Any]):
    BINDINGS = keys.bindings(keys.ENTRY_KEYS, only=("cancel",))

    def __init__(
        self,
        title: str,
        entries: list[Entry],
        store: Callable[[dict[str, str]], object],
        *,
        fields_of: Mapping[str, str] | None = None,
        form_id: str = "entry",
    ) -> None:
        super().__init__(id=f"{form_id}-form")
        self.title_text = title
        self.entries = entries
        self.store = store
        self.fields_of = dict(fields_of or {})
        self.saving = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="box entry-box"):
            yield Plain(self.title_text, classes="title")
            for e in self.entries:
                mark = "*" if e.required else ""
                field = SafeInput(
                    e.value,
                    id=f"entry-{e.name}",
                    compact=True,
                    max_length=e.max_length,
                    select_on_focus=False,
                    password=e.password,
                )
                yield Horizontal(Plain(t(e.label) + mark, classes="entry-label"), field, classes="entry-row")
            yield Plain("", id="entry-error", classes="error")
            yield KeyBar(keys.bar(keys.ENTRY_KEYS, keys.APP_KEYS), classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.field(self.entries[0].name))

    def key_up(self) -> None:
        self.focus_previous(SafeInput)

    def key_down(self) -> None:
        self.focus_next(SafeInput)

    def field(self, name: str) -> SafeInput:
        return self.query_one(f"#entry-{name}", SafeInput)

    def values(self) -> dict[str, str]:
        return {e.name: self.field(e.name).value for e in self.entries}

    @on(SafeInput.Submitted)
    def _next(self, event: SafeInput.Submitted) -> None:
        event.stop()
        names = [e.name for e in self.entries]
        at = names.index((event.input.id or "entry-")[len("entry-") :])
        missing = next((e for e in self.entries if e.required and not self.field(e.name).value.strip()), None)
        if at < len(names) - 1 and (missing is None or names.index(missing.name) > at):
            self.set_focus(self.field(names[at + 1]))
            return
        if missing is not None:
            self._refused(t("entry.required", field=t(missing.label)), missing.name)
            return
        if not self.saving:
            self.saving = True
            self._store(self.values())

    @work(thread=True, group="entry-store", exclusive=True, exit_on_error=False)
    def _store(self, values: dict[str, str]) -> None:
        from guardpost.visits import FormRefused

        try:
            result = self.store(values)
        except FormRefused as exc:
            first = next((p.field for p in exc.problems if p.field in values), None)
            lines = [f"{self._label(p.field)}: {p.message()}" for p in exc.problems]
            tell(self, self._refused, "\n".join(lines), first)
            return
        except (GuardpostError, InvalidValue) as exc:
            tell(self, self._refused, exc.message(), self.fields_of.get(exc.key, self._pin_field(exc)))
            return
        tell(self, self.dismiss, result)

    def _pin_field(self, exc: Exception) -> str | None:
        """A refused PIN (wrong, too soon, a role too low): the PIN is typed again."""
        from guardpost.guards import NotAllowed, PinRefused

        if not isinstance(exc, (PinRefused, NotAllowed)):
            return None
        return next((e.name for e in self.entries if e.password), None)

    def _label(self, name: str) -> str:
        found = next((e.label for e in self.entries if e.name == name), None)
        return t(found) if found else name

    def _refused(self, text: str, name: str | None) -> None:
        self.saving = False
        self.query_one("#entry-error", Plain).show(text)
        if name is not None:
            if any(e.password and e.name == name for e in self.entries):
                self.field(name).value = ""  # a refused PIN is typed again, not corrected
            self.set_focus(self.field(name))

    def action_cancel(self) -> None:
        self.dismiss(None)
