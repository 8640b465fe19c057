"""The catalogue: both languages everywhere, the same placeholders, and every key the code uses exists."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from guardpost import domain, shifts, uid
from guardpost.config import SCHEMA, load_settings
from guardpost.events import Filter
from guardpost.i18n import LANGUAGES, catalogue
from guardpost.policy import REASONS
from guardpost.policy import items as slip_rules
from guardpost.policy.renovation import Material, PassReason
from guardpost.policy.vehicles import Service, VehicleCategory, VehicleReason
from guardpost.reports import muster
from guardpost_screens import lists, logs

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(ROOT / "guardpost").rglob("*.py"), *(ROOT / "screens").rglob("*.py")])
KEY_RE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
# Calls whose string arguments are catalogue keys (the message and, for errors, the hint).
KEY_TAKERS = {
    "t",
    "GuardpostError",
    "ConfigError",
    "StorageError",
    "NotSaved",
    "RowProblem",
    "Bad",
    "Invalid",
    "UidError",
    "Said",
    "Explained",
    "InvalidValue",
    "BoothBusy",
    "fail",
    "ValueError",  # config validators raise ValueError(<catalogue key>)
}
CONFIG_KEYS = {k.name for k in SCHEMA}
FILE_SUFFIXES = (".tcss", ".py", ".toml", ".sql", ".db", ".csv")
ENTRIES = catalogue()


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _keys_used(path: Path) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    in_screens = "screens" in path.relative_to(ROOT).parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node) in KEY_TAKERS:
            for arg in node.args:
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and KEY_RE.fullmatch(arg.value)
                ):
                    found.add((arg.value, node.lineno))
        # screens keep key tables (bindings, column headers) as plain literals
        elif in_screens and isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            action = value.startswith(("screen.", "app."))  # a Textual action in a namespace
            if (
                KEY_RE.fullmatch(value)
                and value not in CONFIG_KEYS
                and not value.endswith(FILE_SUFFIXES)
                and not action
            ):
                found.add((value, node.lineno))
    return found


def test_the_catalogue_loads_and_is_not_tiny() -> None:
    assert len(ENTRIES) > 100


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_entry_has_both_languages_with_the_same_placeholders(key: str) -> None:
    entry = ENTRIES[key]
    assert set(entry) == set(LANGUAGES)
    for lang in LANGUAGES:
        if key.endswith("_gap"):  # what goes between two messages: a space, or nothing in Chinese
            assert not entry[lang].strip(), f"{key} [{lang}] is more than spacing"
        else:
            assert entry[lang].strip(), f"{key} [{lang}] is empty"
    assert _placeholders(entry["zh-CN"]) == _placeholders(entry["en"]), key


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_entry_formats(key: str) -> None:
    entry = ENTRIES[key]
    params: dict[str, object] = {}
    for lang in LANGUAGES:
        for _, name, spec, _ in string.Formatter().parse(entry[lang]):
            if name is not None:
                numeric = bool(spec) and spec[-1] in "bcdeEfFgGnoxX%"
                params[name.split(".")[0].split("[")[0]] = 7 if numeric else "x"
    for lang in LANGUAGES:
        formatted = entry[lang].format(**params)
        assert formatted or key.endswith("_gap"), f"{key} [{lang}] formats to nothing"


def test_the_scan_finds_keys() -> None:
    """Guard the scanner itself: it must see keys we know are used."""
    used = {key for path in SOURCES for key, _ in _keys_used(path)}
    for known in ("storage.too_new", "import.required", "config.bad_range", "uid.not_hex", "keys.quit"):
        assert known in used
    assert len(used) > 80


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_literal_key_in_the_code_exists(path: Path) -> None:
    missing = sorted(f"{path.name}:{line}: {key}" for key, line in _keys_used(path) if key not in ENTRIES)
    assert not missing, "\n".join(missing)


# --- keys built at run time from an enumeration ---------------------------------------------

DYNAMIC: dict[str, list[str]] = {
    "reason": list(REASONS),
    "hint": list(REASONS),
    "status": list(domain.CardStatus),
    "kind": list(domain.CardKind),
    "lane": list(domain.Lane),
    "decision": list(domain.Decision),
    "lockdown": list(domain.LockdownLevel),
    "role": list(domain.PersonRole),
    "filter": list(Filter),
    "source": list(domain.Source),
    "gates.kind": list(domain.GateKind),
    "reader": list(domain.ReaderState),
    "uid.form": list(uid.FORMS),
    "category": list(domain.VisitCategory),
    "visit_status": list(domain.VisitStatus),
    "visit_reason": list(domain.VisitReason),
    "consent": list(domain.ConsentChannel),
    "block.kind": list(domain.BlockKind),
    "visit.pass_scanned": list(domain.Lane),
    "cli.pass_used": list(domain.Lane),
    "inside.col": ["pass", "entered", "minutes", "category", "who", "unit", "state"],
    "lists.col": [c for cols in lists.COLUMNS.values() for c in cols],
    "muster.col": list(muster.COLUMNS),
    "visit.field": [
        "name",
        "phone",
        "id",
        "company",
        "plate",
        "unit",
        "note",
        "temperature",
        "override",
        "until",
        "asked_by",
        "by",
    ],
    "guards.role": list(domain.GuardRole),
    "renovation.reason": list(PassReason),
    "renovation.material": list(Material),
    "renovation.weekday": [str(d) for d in range(1, 8)],
    "renovation.state": ["revoked", "in_force", "not_in_force"],
    "renovation.field": [
        *("unit", "company", "responsible", "phone", "from", "until", "hours", "days", "area"),
        *("restricted", "by", "name", "pass", "id_last4", "photo", "valid_until", "reason"),
        *("front_desk", "temperature", "permit"),
    ],
    "slips.reason": [r for r in slip_rules.ReleaseReason if r not in slip_rules.RELEASED],
    "slips.hint": [r for r in slip_rules.ReleaseReason if r not in slip_rules.RELEASED],
    "slips.field": [
        *("unit", "items", "carrier", "id_last4", "valid_from", "valid_until", "number", "valid"),
        *("issued", "status", "card"),
    ],
    "slips.status": list(slip_rules.SlipStatus),
    "slips.mode": ["slip", "after_hours"],
    "slips.why": list(slip_rules.ReleaseReason),
    "vehicle.category": list(VehicleCategory),
    "vehicle.short": list(VehicleCategory),
    "vehicle.service": list(Service),
    "vehicle.reason": list(VehicleReason),
    "vehicle.hint": list(VehicleReason),
    "vehicle.field": ["plate", "category", "unit", "driver", "note", "service"],
    "vehicles.col": ["plate", "category", "entered", "minutes", "who", "permit", "state"],
    "vehicles.lane": list(domain.Lane),
    "report.quarantine_missed": ["morning", "afternoon"],
    "report.quarantine_due": ["morning", "afternoon"],
    "logs.checked": ["tick", "scan"],
    "logs.col": [c for cols in logs.COLUMNS.values() for c in cols],
    "logs.kind": list(domain.LogKind),
    "logs.showing": list(logs.TABS.values()),
    "shifts.incident": list(shifts.INCIDENT_KINDS),
    "shifts.handover_kind": ["accepted", "taken_over"],
    "shifts.item": [item for item, _ in load_settings(env={}).shifts.equipment],
    # the refusals the forgot-card form can show (policy.decide_by_hand)
    "forgot.refused": ["blacklisted_person", "not_a_resident", "lockdown_closed"],
}


@pytest.mark.parametrize(("prefix", "value"), [(p, v) for p, values in DYNAMIC.items() for v in values])
def test_dynamic_keys_exist(prefix: str, value: str) -> None:
    assert f"{prefix}.{value}" in ENTRIES


def test_dynamic_prefixes_are_the_ones_the_code_builds() -> None:
    """Every ``f"prefix.{...}"`` or ``"prefix." + ...`` in the code has its enumeration checked above."""
    built: set[str] = set()
    prefix = r"([a-z_]+(?:\.[a-z_]+)*)"
    pattern = re.compile(rf"""f["']{prefix}\.\{{|["']{prefix}\.["']\s*\+""")
    for path in SOURCES:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            built.add(match.group(1) or match.group(2))
    assert "reason" in built and "uid.form" in built
    unchecked = built - set(DYNAMIC) - {"uid.opt"}  # uid.opt.*: test_every_reader_format_describes_itself
    assert not unchecked, unchecked


@pytest.mark.parametrize("fmt", uid.all_formats(), ids=str)
def test_every_reader_format_describes_itself(fmt: uid.WedgeFormat) -> None:
    texts = {lang: fmt.describe(lang) for lang in LANGUAGES}
    assert all(texts.values()) and texts["zh-CN"] != texts["en"]
