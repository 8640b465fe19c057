"""One typed settings object, validated once, with the source of every value.

Sources, lowest to highest: the defaults in ``guardpost/defaults.toml``; the config file
(``--config``, ``GUARDPOST_CONFIG``, or ``config.toml`` in the user config folder); the environment
(``GUARDPOST_DB``, ``GUARDPOST_GATE``, ``GUARDPOST_LANG``); command-line options.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guardpost.errors import ConfigError, os_error
from guardpost.i18n import LANGUAGES, language_from_locale, normalise_language
from guardpost.uid import WedgeFormat

APP = "guardpost"
DEFAULTS = Path(__file__).with_name("defaults.toml")


def user_config_dir() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / APP
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / APP


def user_data_dir() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / APP
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP


# --- validators: each returns the clean value or raises ValueError(catalogue key) -------------


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("config.bad_text")
    return value.strip()


def _gate_id(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9_-]{1,32}", value):
        raise ValueError("config.bad_gate")
    return value


def _language(value: object) -> str:
    norm = normalise_language(value) if isinstance(value, str) else None
    if norm is None:
        raise ValueError("config.bad_language")
    return norm


def _number(lo: float, hi: float) -> Callable[[object], float]:
    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("config.bad_number")
        if not lo <= value <= hi:
            raise ValueError("config.bad_range", {"lo": lo, "hi": hi})
        return float(value)

    return check


def _integer(lo: int, hi: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("config.bad_integer")
        if not lo <= value <= hi:
            raise ValueError("config.bad_range", {"lo": lo, "hi": hi})
        return value

    return check


def _choice(*options: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value not in options:
            raise ValueError("config.bad_choice")
        return str(value)

    return check


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("config.bad_bool")
    return value


def _clock(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value):
        raise ValueError("config.bad_clock")
    return value


def _office_hours(value: object) -> str:
    from guardpost.policy.items import parse_hours  # the rule reads them as this check does

    try:
        parse_hours(value if isinstance(value, str) else "")
    except ValueError:
        raise ValueError("config.bad_office_hours") from None
    return str(value).strip()


def _office_days(value: object) -> str:
    from guardpost.policy.items import parse_days

    try:
        parse_days(value if isinstance(value, str) else "")
    except ValueError:
        raise ValueError("config.bad_office_days") from None
    return str(value).strip().lower()


CONSENT_CHANNELS = ("front_desk", "intercom", "phone")


def _channels(value: object) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or any(v not in CONSENT_CHANNELS for v in value)
        or len(set(value)) != len(value)
    ):
        raise ValueError("config.bad_channels")
    return tuple(value)


def _gate_kinds(value: object) -> tuple[str, ...]:
    kinds = ("pedestrian", "vehicle", "garage")
    if not isinstance(value, list) or any(v not in kinds for v in value) or len(set(value)) != len(value):
        raise ValueError("config.bad_gate_kinds")
    return tuple(value)


def _companies(value: object) -> tuple[str, ...]:
    if (
        not isinstance(value, list)
        or not value
        or any(not isinstance(v, str) or not v.strip() for v in value)
    ):
        raise ValueError("config.bad_companies")
    if len(value) > 9:
        raise ValueError("config.too_many_companies")
    return tuple(v.strip() for v in value)


def _checkpoints(value: object) -> tuple[Checkpoint, ...]:
    """``["P1|东区车库|East garage|04A1B2C3", ...]``: a code, the two names, and optionally the UID
    of the checkpoint's NFC tag (its QR code says ``GPC1.<code>``)."""
    if not isinstance(value, list) or len(value) > 30:
        raise ValueError("config.bad_checkpoints")
    out = []
    for item in value:
        parts = [p.strip() for p in item.split("|")] if isinstance(item, str) else []
        if (
            len(parts) not in (3, 4)
            or not re.fullmatch(r"[A-Za-z0-9_-]{1,12}", parts[0])
            or not all(parts[1:3])
        ):
            raise ValueError("config.bad_checkpoints")
        tag = parts[3].upper().replace(":", "") if len(parts) == 4 else ""
        if tag and not re.fullmatch(r"[0-9A-F]{8,20}", tag):
            raise ValueError("config.bad_checkpoints")
        out.append(Checkpoint(parts[0].upper(), parts[1], parts[2], tag))
    if len({c.code for c in out}) != len(out):
        raise ValueError("config.bad_checkpoints")
    return tuple(out)


def _equipment(value: object) -> tuple[tuple[str, int], ...]:
    """``["radio=4", "keys=6"]``: what is counted at a handover, and how many there should be."""
    if not isinstance(value, list):
        raise ValueError("config.bad_equipment")
    out = []
    for item in value:
        m = (
            re.fullmatch(r"([a-z][a-z0-9_]{0,23})=([0-9]{1,3})", item.strip())
            if isinstance(item, str)
            else None
        )
        if m is None:
            raise ValueError("config.bad_equipment")
        out.append((m[1], int(m[2])))
    if len({i for i, _ in out}) != len(out):
        raise ValueError("config.bad_equipment")
    return tuple(out)


def _optional_code(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_-]{0,32}", value):
        raise ValueError("config.bad_code")
    return value


def _path(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("config.bad_text")
    return str(Path(value).expanduser())


def _printer(value: object) -> str:
    from guardpost.printing import is_printer_name

    if not isinstance(value, str) or not (value == "" or is_printer_name(value)):
        raise ValueError("config.bad_printer")
    return value


def _wedge_format(value: object) -> str:
    from guardpost.uid import UidError

    try:
        return str(WedgeFormat.parse(str(value)))
    except UidError:
        raise ValueError("config.bad_wedge_format") from None


@dataclass(frozen=True)
class Key:
    name: str
    check: Callable[[object], Any]
    hint: str  # what a good value looks like, shown in errors


SCHEMA: tuple[Key, ...] = (
    Key("compound.name", _text, "翠湖花园"),
    Key("booth.gate", _gate_id, "east"),
    Key("booth.language", _language, " / ".join(LANGUAGES)),
    Key("booth.guard", _optional_code, 'G01 | ""'),
    Key("booth.login", _bool, "true | false"),
    Key("booth.photos", _bool, "true | false"),
    Key("shifts.lock_idle_min", _integer(0, 24 * 60), "10"),
    Key("shifts.patrol_interval_min", _integer(0, 24 * 60), "120"),
    Key("shifts.checkpoints", _checkpoints, '["P1|东区车库|East garage|04A1B2C3D4", "P2|北门|North gate"]'),
    Key("shifts.equipment", _equipment, '["radio=4", "keys=6", "parking_permits=20"]'),
    Key("storage.db", _path, "/var/lib/guardpost/guardpost.db"),
    Key("rules.fever_threshold_c", _number(35.0, 40.0), "37.3"),
    Key("rules.delivery_vehicle_limit_min", _integer(1, 24 * 60), "60"),
    Key("rules.visitor_free_parking_min", _integer(0, 24 * 60), "30"),
    Key("rules.parking_fee_per_started_hour", _number(0, 1000), "5.0"),
    Key("rules.release_slip_retention_years", _integer(1, 30), "2"),
    Key("rules.office_hours", _office_hours, "08:30-17:30"),
    Key("rules.office_days", _office_days, "mon-sun | mon-fri,sat"),
    Key("rules.after_hours_items", _choice("owner", "owner_family", "nobody"), "owner | owner_family"),
    Key("rules.after_hours_proof", _choice("card_and_id", "card_or_id"), "card_and_id | card_or_id"),
    Key("rules.personal_data_retention_days", _integer(1, 3650), "180"),
    Key("rules.passback_gate_kinds", _gate_kinds, '["vehicle", "garage"]'),
    Key("visits.consent_wait_s", _integer(5, 600), "55"),
    Key("visits.consent_channels", _channels, '["front_desk", "intercom", "phone"]'),
    Key("visits.courier_companies", _companies, '["顺丰", "京东", "中通", "美团", "饿了么"]'),
    Key("visits.food_companies", _companies, '["美团", "饿了么"]'),
    Key("visits.courier_needs_unit", _bool, "false | true"),
    Key("visits.courier_overstay_min", _integer(1, 24 * 60), "30"),
    Key("visits.moving_limit_min", _integer(1, 24 * 60), "60"),
    Key("visits.visit_hours", _integer(1, 24), "4"),
    Key("visits.closing_time", _clock, "23:00"),
    Key("reader.kind", _choice("auto", "pcsc", "wedge", "sim"), "auto | pcsc | wedge | sim"),
    Key("reader.debounce_ms", _integer(0, 60_000), "1500"),
    Key("reader.sim_rate_per_min", _integer(1, 6000), "30"),
    Key("reader.wedge_format", _wedge_format, "hex | dec10_reversed | wiegand26:last3 | ..."),
    Key("reader.wedge_lane", _choice("in", "out"), "in | out"),
    Key("reader.pcsc_in", _text, "Virtual PCD 00 00"),
    Key("reader.pcsc_out", _text, "Virtual PCD 00 01"),
    Key("print.font", _text, "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Key("print.printer", _printer, 'GENFILE | "" (the CUPS default)'),
    Key("print.receipt_printer", _printer, 'RECEIPT | "" (the CUPS default)'),
)
_BY_NAME = {k.name: k for k in SCHEMA}


@dataclass(frozen=True)
class CompoundSettings:
    name: str


@dataclass(frozen=True)
class BoothSettings:
    gate: str
    language: str
    guard: str  # the configured guard on duty ("" = nobody until someone logs in)
    photos: bool = True  # workers' photos on the renovation screen, where the terminal can show them


@dataclass(frozen=True)
class Checkpoint:
    code: str
    name_zh: str
    name_en: str
    tag: str = ""  # the UID of its NFC tag, upper-case hex ("": none)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh-CN" else self.name_en


@dataclass(frozen=True)
class ShiftSettings:
    login: bool  # the booth opens on the login screen (false: ``booth.guard`` is on duty)
    lock_idle_min: int  # the screen locks after this long without a key (0: never)
    patrol_interval_min: int  # a reminder when no round started for this long (0: never)
    checkpoints: tuple[Checkpoint, ...]
    equipment: tuple[tuple[str, int], ...]

    def equipment_expected(self) -> tuple[tuple[str, int], ...]:
        return self.equipment

    def checkpoint_code(self, text: str) -> str | None:
        """The checkpoint a typed code, a scanned ``GPC1.<code>`` QR or a tag's UID names."""
        given = text.strip().upper()
        if given.startswith("GPC1."):
            given = given[5:]
        for c in self.checkpoints:
            if given == c.code or (c.tag and given.replace(":", "") == c.tag):
                return c.code
        return None


@dataclass(frozen=True)
class RulesSettings:
    fever_threshold_c: float
    delivery_vehicle_limit_min: int
    visitor_free_parking_min: int
    parking_fee_per_started_hour: float
    release_slip_retention_years: int
    personal_data_retention_days: int
    # anti-passback: at gates of these kinds a card in twice without going out is warned of
    passback_gate_kinds: tuple[str, ...] = ("vehicle", "garage")
    # items leaving (policy/items.py): the service centre's hours, and who may go without a slip after them
    office_hours: str = "08:30-17:30"
    office_days: str = "mon-sun"
    after_hours_items: str = "owner"
    after_hours_proof: str = "card_and_id"


@dataclass(frozen=True)
class VisitSettings:
    consent_wait_s: int
    consent_channels: tuple[str, ...]
    courier_companies: tuple[str, ...]
    food_companies: tuple[str, ...]
    courier_needs_unit: bool
    courier_overstay_min: int
    moving_limit_min: int
    visit_hours: int
    closing_time: str  # HH:MM: visitors still inside are signed out (marked as such)


@dataclass(frozen=True)
class ReaderSettings:
    kind: str
    debounce_ms: int
    sim_rate_per_min: int
    wedge_format: WedgeFormat
    wedge_lane: str
    pcsc_in: str | None
    pcsc_out: str | None


@dataclass
class Settings:
    """The effective configuration, validated: typed sections (``settings.reader.debounce_ms``), and
    for ``config show`` the raw ``values[key]`` with ``sources[key]`` for every key that has one."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    config_file: Path | None = None

    @property
    def compound(self) -> CompoundSettings:
        return CompoundSettings(name=self.values["compound.name"])

    @property
    def booth(self) -> BoothSettings:
        v = self.values
        return BoothSettings(
            gate=v["booth.gate"],
            language=v["booth.language"],
            guard=v.get("booth.guard", ""),
            photos=bool(v.get("booth.photos", True)),
        )

    @property
    def rules(self) -> RulesSettings:
        v = self.values
        return RulesSettings(
            fever_threshold_c=v["rules.fever_threshold_c"],
            delivery_vehicle_limit_min=v["rules.delivery_vehicle_limit_min"],
            visitor_free_parking_min=v["rules.visitor_free_parking_min"],
            parking_fee_per_started_hour=v["rules.parking_fee_per_started_hour"],
            release_slip_retention_years=v["rules.release_slip_retention_years"],
            office_hours=v["rules.office_hours"],
            office_days=v["rules.office_days"],
            after_hours_items=v["rules.after_hours_items"],
            after_hours_proof=v["rules.after_hours_proof"],
            personal_data_retention_days=v["rules.personal_data_retention_days"],
            passback_gate_kinds=v["rules.passback_gate_kinds"],
        )

    @property
    def visits(self) -> VisitSettings:
        v = self.values
        return VisitSettings(
            consent_wait_s=v["visits.consent_wait_s"],
            consent_channels=tuple(v["visits.consent_channels"]),
            courier_companies=tuple(v["visits.courier_companies"]),
            food_companies=tuple(v["visits.food_companies"]),
            courier_needs_unit=v["visits.courier_needs_unit"],
            courier_overstay_min=v["visits.courier_overstay_min"],
            moving_limit_min=v["visits.moving_limit_min"],
            visit_hours=v["visits.visit_hours"],
            closing_time=v["visits.closing_time"],
        )

    @property
    def reader(self) -> ReaderSettings:
        v = self.values
        return ReaderSettings(
            kind=v["reader.kind"],
            debounce_ms=v["reader.debounce_ms"],
            sim_rate_per_min=v["reader.sim_rate_per_min"],
            wedge_format=WedgeFormat.parse(v["reader.wedge_format"]),
            wedge_lane=v["reader.wedge_lane"],
            pcsc_in=v.get("reader.pcsc_in"),
            pcsc_out=v.get("reader.pcsc_out"),
        )

    @property
    def shifts(self) -> ShiftSettings:
        v = self.values
        return ShiftSettings(
            login=bool(v.get("booth.login", True)),
            lock_idle_min=int(v["shifts.lock_idle_min"]),
            patrol_interval_min=int(v["shifts.patrol_interval_min"]),
            checkpoints=tuple(v["shifts.checkpoints"]),
            equipment=tuple(v["shifts.equipment"]),
        )

    @property
    def print_font(self) -> str | None:
        """A font file that writes Chinese, for PDFs; unset: a known system CJK font."""
        value = self.values.get("print.font")
        return str(value) if value else None

    @property
    def print_printer(self) -> str | None:
        """The CUPS queue documents print on; unset or "": the CUPS default destination."""
        return self.values.get("print.printer") or None

    @property
    def print_receipt_printer(self) -> str | None:
        """The CUPS queue of the booth's receipt printer (raw ESC/POS); unset or "": the default."""
        return self.values.get("print.receipt_printer") or None

    @property
    def language(self) -> str:
        return str(self.values["booth.language"])

    @property
    def gate(self) -> str:
        return str(self.values["booth.gate"])

    @property
    def db_path(self) -> Path:
        return Path(self.values["storage.db"])

    def override(self, key: str, value: object, source: str) -> None:
        """Set ``key`` from ``source`` (an env var or a CLI option), validating it."""
        self.values[key] = _validate(key, value, source)
        self.sources[key] = source


def _validate(key: str, value: object, source: str) -> Any:
    spec = _BY_NAME[key]
    try:
        return spec.check(value)
    except ValueError as exc:
        extra = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], dict) else {}
        raise ConfigError(
            "config.bad_value",
            str(exc.args[0]),
            key=key,
            value=value,
            source=source,
            expected=spec.hint,
            **extra,
        ) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError("config.unreadable", None, path=path, error=os_error(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config.bad_toml", None, path=path, error=str(exc)) from None


def _apply_file(settings: Settings, table: Mapping[str, Any], source: str) -> None:
    for section, body in table.items():
        if not isinstance(body, dict):
            raise ConfigError("config.unknown_key", None, key=section, source=source)
        for name, value in body.items():
            key = f"{section}.{name}"
            if key not in _BY_NAME:
                raise ConfigError("config.unknown_key", None, key=key, source=source)
            settings.values[key] = _validate(key, value, source)
            settings.sources[key] = source


def load_settings(
    config_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Defaults, then the config file, then the environment. CLI options are applied by the caller."""
    env = os.environ if env is None else env
    settings = Settings()
    _apply_file(settings, _read_toml(DEFAULTS), "default")
    settings.values.setdefault("booth.language", language_from_locale())
    settings.sources.setdefault("booth.language", "locale")
    settings.values.setdefault("storage.db", str(user_data_dir() / "guardpost.db"))
    settings.sources.setdefault("storage.db", "user data folder")

    explicit = config_file or (Path(env["GUARDPOST_CONFIG"]) if env.get("GUARDPOST_CONFIG") else None)
    path = explicit or user_config_dir() / "config.toml"
    if explicit is not None or path.exists():
        if explicit is not None and not path.exists():
            raise ConfigError("config.missing_file", None, path=path)
        _apply_file(settings, _read_toml(path), str(path))
        settings.config_file = path
    for var, key in (
        ("GUARDPOST_DB", "storage.db"),
        ("GUARDPOST_GATE", "booth.gate"),
        ("GUARDPOST_LANG", "booth.language"),
    ):
        if env.get(var):
            settings.override(key, env[var], var)
    if env.get("GUARDPOST_LOGIN"):  # a kiosk, a test rig or a benchmark: 0 opens without sign-in
        wanted = env["GUARDPOST_LOGIN"].strip().lower()
        settings.override("booth.login", wanted not in ("0", "false", "no", "off"), "GUARDPOST_LOGIN")
    return settings
