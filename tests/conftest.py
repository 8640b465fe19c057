"""Shared fixtures: a demo database built once per session, copied fresh for each test."""

from __future__ import annotations

import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest

from guardpost import i18n
from guardpost.config import Settings, load_settings

FIXED_NOW = datetime(2026, 11, 26, 7, 45, 0)
# a person ``p`` with card ``c`` whose every card for the pedestrian gate is blacklisted (someone
# with another good card passes with it, and so passes the forgot-card check too)
ONLY_BLACKLISTED = (
    "c.kind IN ('owner', 'staff') AND NOT EXISTS (SELECT 1 FROM card c2 WHERE c2.person_id = p.id"
    " AND c2.kind IN ('owner', 'staff') AND c2.status <> 'blacklisted')"
)


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from guardpost.demo import build

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build(path)
    return path


@pytest.fixture
def demo_db(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo compound's database (no events yet)."""
    path = tmp_path / "booth.db"
    shutil.copyfile(demo_master, path)
    return path


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    i18n.set_language("zh-CN")


def make_settings(
    db: Path, lang: str = "zh-CN", gate: str = "east", *, reader: str = "wedge", **extra: object
) -> Settings:
    """Settings for a test booth: the keyboard only unless ``reader`` says otherwise; ``extra``
    keys as ``reader__pcsc_in="..."`` (section__name)."""
    settings = load_settings(env={})
    settings.override("storage.db", str(db), "test")
    settings.override("booth.language", lang, "test")
    settings.override("booth.gate", gate, "test")
    settings.override("reader.kind", reader, "test")
    settings.override("booth.login", False, "test")  # the login screen's own tests turn it on
    for name, value in extra.items():
        settings.override(name.replace("__", "."), value, "test")
    i18n.set_language(lang)
    return settings


async def until(pilot, condition, timeout: float = 8.0) -> None:  # noqa: ANN001
    """Wait for what the screen should reach. A widget not there yet (a pushed screen is current a
    few frames before its fields are mounted, more on a loaded machine) counts as not yet."""
    from textual.css.query import NoMatches

    end = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except NoMatches:
            pass
        assert time.monotonic() < end, "the screen did not get there in time"
        await pilot.pause(0.02)


def booth_app(db: Path, lang: str = "zh-CN", *, now: object = None, **settings: object):  # noqa: ANN201
    """The booth app as the launcher builds it (``make_app``), on a test database, its clock pinned."""
    from guardpost_screens.app import make_app

    clock = now if now is not None else (lambda: FIXED_NOW)
    return make_app(make_settings(db, lang, **settings), now=clock)  # type: ignore[arg-type]


async def type_fields(pilot, *fields: str) -> None:
    """Type each field at a person's pace (a key every 40 ms, so no burst looks like a card
    reader) and press Enter after each one."""
    for text in fields:
        for ch in text:
            await pilot.press(ch)
            await pilot.pause(0.04)
        await pilot.press("enter")
    await pilot.pause(0.1)
