"""Keys are a table (STYLE.md 7): for each screen, the key, how it is shown, the action, and the
catalogue key of what it does. The bindings, the key bar and the F1 help all come from here."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Key:
    key: str  # Textual's key name(s), comma-separated
    shown: str  # as printed on the key bar and in the help
    action: str
    label: str  # catalogue key
    bar: bool = True  # on the key bar (else only in the help)
    records: bool = False  # it writes to the file: not offered in a viewer


# Everywhere, over any form: help, acknowledge the alarm, quit.
APP_KEYS = (
    Key("f1", "F1", "help", "keys.help"),
    Key("f5", "F5", "acknowledge", "keys.acknowledge", records=True),
    Key("f10", "F10", "quit_booth", "keys.quit"),
)
BOOTH_KEYS = (
    Key("f2", "F2", "forgot_card", "keys.forgot_card", records=True),
    Key("f6", "F6", "visit", "keys.visit", records=True),
    Key("f7", "F7", "inside", "keys.inside"),
    Key("f8", "F8", "temperature", "keys.temperature", records=True),
    Key("f9", "F9", "lists", "keys.lists"),
    Key("f11", "F11", "handover", "keys.handover", records=True),
    Key("f12", "F12", "logs", "keys.logs", records=True),
    # Shift with a function key: Textual names it shift+f6 from an xterm or tmux (``ESC [17;2~``)
    # and f18 from a terminal that sends Shift+F1..F12 as F13..F24 (the Linux console): both bound.
    # the registers of the vehicles issue, each beside the key of what it is nearest to.
    Key("f18,shift+f6", "⇧F6", "vehicles", "keys.vehicles", records=True),
    Key("f21,shift+f9", "⇧F9", "renovation", "keys.renovation", records=True),
    Key("f14,shift+f2", "⇧F2", "release_slips", "keys.release_slips", records=True),
    Key("f20,shift+f8", "⇧F8", "quarantine", "keys.quarantine", records=True),
    Key("f24,shift+f12", "⇧F12", "lockdown", "keys.lockdown", records=True),
    Key("ctrl+l", "Ctrl+L", "lock", "keys.lock", bar=False),
    Key("f3", "F3", "cycle_filter", "keys.filter"),
    Key("f4", "F4", "search", "keys.search"),
    Key("enter", "Enter", "open_row", "keys.open_row", bar=False),
    Key("up,down", "↑ ↓", "cursor", "keys.cursor", bar=False),
    Key("pageup,pagedown", "PgUp PgDn", "page", "keys.scroll", bar=False),
    Key("home", "Home", "newest", "keys.newest"),
    Key("end", "End", "oldest", "keys.oldest", bar=False),
)
SEARCH_KEYS = (
    Key("enter", "Enter", "apply", "keys.search_apply"),
    Key("escape", "Esc", "close", "keys.search_close"),
)
FORGOT_KEYS = (
    Key("enter", "Enter", "next", "keys.next"),
    Key("f6", "F6", "toggle_lane", "keys.toggle_lane"),
    Key("escape", "Esc", "cancel", "keys.cancel"),
)
VISIT_KEYS = (
    Key("1,2,3,4,5,6,7,8,9", "1-9", "category", "keys.visit_category", bar=False),
    Key("enter", "Enter", "next", "keys.visit_next", bar=False),
    Key("y", "Y", "agree", "keys.visit_agree", bar=False),
    Key("n", "N", "refuse", "keys.visit_refuse", bar=False),
    Key("tab", "Tab", "next_channel", "keys.visit_next_channel", bar=False),
    Key("o", "O", "override", "keys.visit_override", bar=False),
    Key("escape", "Esc", "cancel", "keys.cancel"),
    Key("f6", "F6", "change_category", "keys.change_category"),
    Key("f7", "F7", "dangerous_goods", "keys.dangerous_goods"),
)
TEMPERATURE_KEYS = (
    Key("enter", "Enter", "store", "keys.store"),
    Key("f7", "F7", "toggle_mask", "keys.mask"),
    Key("escape", "Esc", "cancel", "keys.cancel"),
)
INSIDE_KEYS = (
    Key("enter", "Enter", "sign_out", "keys.sign_out"),
    Key("p,P", "P", "muster", "keys.muster"),
    Key("escape", "Esc", "close", "keys.close"),
)
LISTS_KEYS = (
    Key("1,2", "1 2", "switch", "keys.lists_switch"),
    Key("enter", "Enter", "admit", "keys.lists_admit", records=True),
    Key("a,A", "A", "add", "keys.lists_add", records=True),
    Key("delete", "Del", "remove", "keys.lists_remove", records=True),
    Key("escape", "Esc", "close", "keys.close"),
)
ENTRY_KEYS = (
    Key("enter", "Enter", "next", "keys.entry_next"),
    Key("escape", "Esc", "cancel", "keys.cancel"),
)
DETAIL_KEYS = (Key("escape", "Esc", "close", "keys.close"),)
LOGIN_KEYS = (
    Key("enter", "Enter", "next", "keys.login_next"),
    Key("escape", "Esc", "clear", "keys.login_clear"),
)
HANDOVER_KEYS = (
    Key("enter", "Enter", "next", "keys.handover_next"),
    Key("up,down", "↑ ↓", "move", "keys.handover_move", bar=False),
    Key("pagedown", "PgDn", "scroll", "keys.handover_scroll"),
    Key("pageup", "PgUp", "scroll_up", "keys.handover_scroll", bar=False),
    Key("ctrl+p", "Ctrl+P", "print", "keys.handover_print"),
    Key("escape", "Esc", "close", "keys.close"),
)
LOGS_KEYS = (
    Key("1,2,3", "1 2 3", "switch", "keys.logs_switch"),
    Key("a,A", "A", "add", "keys.logs_add", records=True),
    Key("c,C", "C", "close_incident", "keys.logs_close_incident", records=True),
    Key("s,S", "S", "start_round", "keys.logs_start_round", records=True),
    Key("t,T", "T", "tick", "keys.logs_tick", records=True),
    Key("e,E", "E", "end_round", "keys.logs_end_round", records=True),
    Key("escape", "Esc", "close", "keys.close"),
)
SUPERVISOR_KEYS = (
    Key("enter", "Enter", "next", "keys.entry_next"),
    Key("escape", "Esc", "cancel", "keys.cancel"),
)

# --- issue 12: vehicles keys ---
VEHICLE_KEYS = (
    Key("enter", "Enter", "next", "keys.vehicles_next", records=True),
    Key("1,2,3,4,5,6,7,8", "1-8", "category", "keys.vehicles_category"),
    Key("y,n", "Y N", "answer", "keys.vehicles_answer", bar=False),
    Key("f6", "F6", "toggle_lane", "keys.toggle_lane"),
    Key("f2", "F2", "emergency", "keys.vehicles_emergency", records=True),
    Key("f3", "F3", "details", "keys.vehicles_details", records=True),
    Key("down", "↓", "completions", "keys.vehicles_completions", bar=False),
    Key("tab", "Tab", "next_field", "keys.vehicles_tab", bar=False),
    Key("escape", "Esc", "close", "keys.vehicles_clear"),
)
# --- issue 12: renovation keys ---
RENOVATION_KEYS = (
    Key("enter", "Enter", "next", "keys.renovation_next"),
    Key("1,2,3,4", "1-4", "material", "keys.renovation_material", records=True),
    Key("f4", "F4", "without_pass", "keys.renovation_without_pass", records=True),
    Key("escape", "Esc", "close", "keys.renovation_clear"),
)
# --- issue 12: release slips keys ---
RELEASE_SLIP_KEYS = (
    Key("enter", "Enter", "next", "keys.slips_enter", records=True),
    Key("f6", "F6", "switch_mode", "keys.slips_mode"),
    Key("escape", "Esc", "close", "keys.close"),
)
# --- issue 12: quarantine keys ---
QUARANTINE_KEYS = (
    Key("up,down", "↑ ↓", "cursor", "keys.quarantine_person"),
    Key("0,1,2,3,4,5,6,7,8,9", "0-9", "reading", "keys.quarantine_reading", records=True),
    Key("enter", "Enter", "record", "keys.quarantine_record", records=True),
    Key("a,A", "A", "add", "keys.quarantine_add", records=True),
    Key("e,E", "E", "end", "keys.quarantine_end", records=True),
    Key("escape", "Esc", "close", "keys.close"),
)
# --- issue 12: lockdown keys ---
LOCKDOWN_KEYS = (
    # a level, then the form that orders it (a supervisor's code and PIN)
    Key("1", "1", "normal", "lockdown.normal", records=True),
    Key("2", "2", "restricted", "lockdown.restricted", records=True),
    Key("3", "3", "closed", "lockdown.closed", records=True),
    Key("up,down", "↑ ↓", "history", "keys.lockdown_history", bar=False),
    Key("escape", "Esc", "close", "keys.close"),
)


def bindings(
    keys: tuple[Key, ...], *, only: tuple[str, ...] | None = None, everywhere: bool = False
) -> list[BindingType]:
    """Textual bindings for ``keys`` (those whose action the screen handles itself).

    ``everywhere``: the App's keys, which must work over every form and question too; Textual
    stops ordinary bindings at a modal screen, so these are priority bindings.
    """
    chosen = [k for k in keys if only is None or k.action in only]
    return [Binding(k.key, k.action, show=False, priority=everywhere) for k in chosen]


def bar(*tables: tuple[Key, ...], viewer: bool = False) -> list[tuple[str, str]]:
    return [(k.shown, k.label) for table in tables for k in table if k.bar and not (viewer and k.records)]


def help_rows(*tables: tuple[Key, ...], viewer: bool = False) -> list[tuple[str, str]]:
    return [(k.shown, k.label) for table in tables for k in table if not (viewer and k.records)]
