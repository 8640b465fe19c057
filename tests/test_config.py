"""Settings: defaults, a config file, the environment; bad values named; ``config show`` gives sources."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guardpost.config import DEFAULTS as DEFAULT_CONFIG
from guardpost.config import SCHEMA, load_settings
from guardpost.errors import ConfigError

KEYS = [k.name for k in SCHEMA]
# Keys that always have a value: those the default file sets, and the two found from the machine.
_DEFAULTS = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
ALWAYS = {f"{section}.{name}" for section, body in _DEFAULTS.items() for name in body}
ALWAYS |= {"booth.language", "storage.db"}


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No real user config or locale leaks into these tests."""
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    for var in (
        "LC_ALL",
        "LC_MESSAGES",
        "GUARDPOST_CONFIG",
        "GUARDPOST_DB",
        "GUARDPOST_GATE",
        "GUARDPOST_LANG",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return home


def _config(tmp_path: Path, text: str, name: str = "booth.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _bad(tmp_path: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(_config(tmp_path, text), env={})
    return caught.value


# --- defaults and sources -------------------------------------------------------------------


def test_defaults(_isolated_home: Path) -> None:
    s = load_settings(env={})
    assert s.rules.fever_threshold_c == 37.3
    assert s.rules.delivery_vehicle_limit_min == 60
    assert s.rules.visitor_free_parking_min == 30
    assert s.rules.release_slip_retention_years == 2
    assert s.rules.parking_fee_per_started_hour == 5.0
    assert s.reader.kind == "auto"
    assert s.reader.debounce_ms == 1500
    assert s.gate == "east"
    assert s.language == "zh-CN"  # C locale says nothing about the guard: the booth default
    assert s.db_path == _isolated_home / "data" / "guardpost" / "guardpost.db"
    assert s.config_file is None
    assert ALWAYS.issubset(KEYS)
    assert set(s.values) == ALWAYS == set(s.sources)
    assert all(s.sources[k] == "default" for k in ALWAYS - {"booth.language", "storage.db"})
    assert s.sources["rules.fever_threshold_c"] == "default"
    assert s.sources["booth.language"] == "locale"
    assert s.sources["storage.db"] == "user data folder"


@pytest.mark.parametrize(
    ("lang", "expected"), [("en_US.UTF-8", "en"), ("zh_CN.UTF-8", "zh-CN"), ("fr_FR", "zh-CN")]
)
def test_language_follows_the_locale(monkeypatch: pytest.MonkeyPatch, lang: str, expected: str) -> None:
    monkeypatch.setenv("LANG", lang)
    assert load_settings(env={}).language == expected


def test_a_config_file_overrides_and_is_named_as_the_source(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        '[booth]\ngate = "west"\nlanguage = "en"\n[rules]\nfever_threshold_c = 37.5\n'
        f'[storage]\ndb = "{tmp_path / "x.db"}"\n',
    )
    s = load_settings(path, env={})
    assert (s.gate, s.language, s.rules.fever_threshold_c) == ("west", "en", 37.5)
    assert s.db_path == tmp_path / "x.db"
    for key in ("booth.gate", "booth.language", "rules.fever_threshold_c", "storage.db"):
        assert s.sources[key] == str(path)
    assert s.sources["rules.visitor_free_parking_min"] == "default"
    assert s.config_file == path


def test_guardpost_config_env_names_the_file(tmp_path: Path) -> None:
    path = _config(tmp_path, '[booth]\ngate = "north"\n')
    s = load_settings(env={"GUARDPOST_CONFIG": str(path)})
    assert s.gate == "north" and s.sources["booth.gate"] == str(path)


def test_the_user_config_file_is_found(_isolated_home: Path) -> None:
    folder = _isolated_home / "config" / "guardpost"
    folder.mkdir(parents=True)
    path = _config(folder, "[reader]\ndebounce_ms = 800\n", "config.toml")
    s = load_settings(env={})
    assert s.reader.debounce_ms == 800
    assert s.sources["reader.debounce_ms"] == str(path)


def test_a_named_config_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path / "nope.toml", env={})
    assert caught.value.key == "config.missing_file"
    assert "nope.toml" in caught.value.message("en")


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = _config(tmp_path, '[booth]\ngate = "west"\nlanguage = "zh-CN"\n')
    env = {"GUARDPOST_DB": str(tmp_path / "env.db"), "GUARDPOST_GATE": "garage", "GUARDPOST_LANG": "en_US"}
    s = load_settings(path, env=env)
    assert (s.db_path, s.gate, s.language) == (tmp_path / "env.db", "garage", "en")
    assert s.sources["storage.db"] == "GUARDPOST_DB"
    assert s.sources["booth.gate"] == "GUARDPOST_GATE"
    assert s.sources["booth.language"] == "GUARDPOST_LANG"


def test_empty_environment_values_are_ignored(tmp_path: Path) -> None:
    s = load_settings(env={"GUARDPOST_GATE": "", "GUARDPOST_LANG": ""})
    assert s.sources["booth.gate"] == "default"


# --- bad values are named -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "hint"),
    [
        ('[rules]\nfever_threshold_c = "hot"\n', "rules.fever_threshold_c", "config.bad_number"),
        ("[rules]\nfever_threshold_c = 42.0\n", "rules.fever_threshold_c", "config.bad_range"),
        (
            "[rules]\nvisitor_free_parking_min = true\n",
            "rules.visitor_free_parking_min",
            "config.bad_integer",
        ),
        (
            "[rules]\ndelivery_vehicle_limit_min = 60.5\n",
            "rules.delivery_vehicle_limit_min",
            "config.bad_integer",
        ),
        ('[booth]\nlanguage = "fr"\n', "booth.language", "config.bad_language"),
        ('[booth]\ngate = "East Gate"\n', "booth.gate", "config.bad_gate"),
        ('[compound]\nname = "  "\n', "compound.name", "config.bad_text"),
        ('[reader]\nkind = "bluetooth"\n', "reader.kind", "config.bad_choice"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, text: str, key: str, hint: str) -> None:
    error = _bad(tmp_path, text)
    assert error.key == "config.bad_value"
    assert error.hint_key == hint
    assert error.params["key"] == key
    assert error.params["source"].endswith("booth.toml")
    for lang in ("zh-CN", "en"):
        assert key in error.message(lang)


@pytest.mark.parametrize(
    ("text", "key"),
    [("[rules]\nfever_threshold = 37.3\n", "rules.fever_threshold"), ('colour = "red"\n', "colour")],
)
def test_unknown_keys_are_named(tmp_path: Path, text: str, key: str) -> None:
    error = _bad(tmp_path, text)
    assert error.key == "config.unknown_key"
    assert error.params["key"] == key
    assert key in error.message("en")


def test_bad_toml_is_reported(tmp_path: Path) -> None:
    error = _bad(tmp_path, "[rules\nfever_threshold_c = \n")
    assert error.key == "config.bad_toml"
    assert "booth.toml" in error.message("en")


def test_a_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"GUARDPOST_LANG": "fr"})
    assert caught.value.params["key"] == "booth.language"
    assert caught.value.params["source"] == "GUARDPOST_LANG"
    assert "GUARDPOST_LANG" in caught.value.message("en")


def test_override_validates(tmp_path: Path) -> None:
    s = load_settings(env={})
    s.override("booth.gate", "west", "--gate")
    assert (s.gate, s.sources["booth.gate"]) == ("west", "--gate")
    with pytest.raises(ConfigError) as caught:
        s.override("booth.gate", "WEST!", "--gate")
    assert caught.value.params["key"] == "booth.gate"
    assert s.gate == "west"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=30.0, max_value=45.0))
def test_fever_threshold_range(value: float) -> None:
    s = load_settings(env={})
    if 35.0 <= value <= 40.0:
        s.override("rules.fever_threshold_c", value, "test")
        assert s.rules.fever_threshold_c == value
    else:
        with pytest.raises(ConfigError):
            s.override("rules.fever_threshold_c", value, "test")


# --- guardpost config show ------------------------------------------------------------------


def _show(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "guardpost", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _listed(stdout: str) -> dict[str, tuple[str, str]]:
    out = {}
    for line in stdout.splitlines():
        if " = " in line and " # " in line:
            key, rest = line.split(" = ", 1)
            value, source = rest.rsplit(" # ", 1)
            out[key.strip()] = (value.strip(), source.strip())
    return out


def test_config_show_lists_every_key_with_its_source(tmp_path: Path) -> None:
    path = _config(tmp_path, "[rules]\nfever_threshold_c = 37.8\n")
    done = _show(
        ["--config", str(path), "config", "show", "--lang", "en"],
        {"GUARDPOST_GATE": "west", "GUARDPOST_DB": str(tmp_path / "b.db")},
    )
    assert done.returncode == 0, done.stderr
    assert str(path) in done.stdout.splitlines()[0]
    listed = _listed(done.stdout)
    assert set(listed) == ALWAYS
    assert listed["rules.fever_threshold_c"] == ("37.8", str(path))
    # strings quoted, lists and booleans as TOML writes them: a line can be copied into the file
    assert listed["booth.gate"] == ('"west"', "GUARDPOST_GATE")
    assert listed["storage.db"] == (f'"{tmp_path / "b.db"}"', "GUARDPOST_DB")
    assert listed["booth.language"] == ('"en"', "--lang")
    assert listed["visits.courier_needs_unit"] == ("false", "default")
    assert listed["visits.consent_channels"] == ('["front_desk", "intercom", "phone"]', "default")
    assert listed["rules.visitor_free_parking_min"] == ("30", "default")


def test_config_show_refuses_a_bad_file_and_names_the_key(tmp_path: Path) -> None:
    path = _config(tmp_path, '[rules]\nfever_threshold_c = "hot"\n')
    done = _show(["--lang", "en", "--config", str(path), "config", "show"], {})
    assert done.returncode == ConfigError.exit_code != 0
    assert "rules.fever_threshold_c" in done.stderr
    assert "Traceback" not in done.stderr
