"""The muster list (evacuation): a PDF in the booth's language that holds who is inside and what a
roll call needs, and never a phone; written whole or not at all; from the CLI and from F7."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import FIXED_NOW, booth_app, make_settings
from test_visit_screen import a_unit, admitted, until

from guardpost import storage, visits
from guardpost.domain import VisitCategory
from guardpost.errors import GuardpostError
from guardpost.i18n import set_language
from guardpost.reports import muster, pdf

NOW = FIXED_NOW


def text_of(path: Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils is needed to read the PDF back"
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def admit(db: Path, minutes_ago: int, form: visits.VisitForm) -> None:
    admitted(db, form, NOW - timedelta(minutes=minutes_ago))


@pytest.fixture
def inside_db(demo_db: Path) -> Path:
    unit = a_unit(demo_db)
    admit(demo_db, 50, visits.VisitForm(VisitCategory.COURIER, company="顺丰", phone="13912345678"))
    admit(
        demo_db, 20, visits.VisitForm(VisitCategory.RELATIVE, name="王晓明", phone="13812345678", unit=unit)
    )
    return demo_db


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_muster_list_holds_who_is_inside_and_no_phone(inside_db: Path, tmp_path: Path, lang: str) -> None:
    set_language(lang)
    try:
        conn = storage.connect(inside_db)
        inside = visits.inside(conn, NOW)
        conn.close()
        path = muster.write(inside, tmp_path / "muster.pdf", compound="翠湖花园", gate="东门", now=NOW)
        text = text_of(path)
    finally:
        set_language("zh-CN")
    assert "翠湖花园" in text and "王晓明" in text and "顺丰" in text and a_unit(inside_db) in text
    assert ("清点表" in text) if lang == "zh-CN" else ("muster list" in text)
    assert "2" in text and "13812345678" not in text and "13912345678" not in text
    # the courier, there 50 minutes (past its 30), is marked
    assert ("超时" in text) if lang == "zh-CN" else ("overstay" in text.lower())
    assert not list(tmp_path.glob(".*part"))  # nothing half-written left beside it


def test_a_font_that_is_not_there_is_said_with_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(pdf.NoFont) as caught:
        pdf.find_font(str(tmp_path / "nope.ttc"))
    assert "fonts-wqy-microhei" in caught.value.message("en") and "nope.ttc" in caught.value.message("en")


def test_a_folder_that_cannot_be_written_leaves_nothing(inside_db: Path, tmp_path: Path) -> None:
    with pytest.raises(GuardpostError) as caught:
        muster.write([], tmp_path / "no-such-folder" / "m.pdf", compound="翠湖花园", gate="东门", now=NOW)
    assert caught.value.key == "print.cannot_write"
    assert not (tmp_path / "no-such-folder").exists()


def test_the_cli_writes_it(inside_db: Path, tmp_path: Path) -> None:
    from test_cli import SCRIPT  # the installed guardpost command

    target = tmp_path / "m.pdf"
    done = subprocess.run(
        [str(SCRIPT), "inside", "--db", str(inside_db), "--pdf", str(target), "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert str(target) in done.stdout and "(2 inside)" in done.stdout
    assert "王晓明" in text_of(target)


async def test_p_on_the_inside_board_writes_it_beside_the_file(inside_db: Path) -> None:
    from guardpost_screens.inside import InsideScreen

    app = booth_app(inside_db, "en", now=lambda: datetime(2026, 11, 26, 7, 45))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f7")
        screen = app.screen
        assert isinstance(screen, InsideScreen)
        await until(pilot, lambda: len(screen.rows) == 2)
        await pilot.press("p")
        await until(pilot, lambda: "written" in str(screen.query_one("#inside-note").render()), timeout=15)
    [written] = list((inside_db.parent / "prints").glob("muster-east-*.pdf"))
    assert "王晓明" in text_of(written)


def test_a_pass_slip_scans_to_its_token_and_holds_no_phone(demo_db: Path, tmp_path: Path) -> None:
    import numpy as np
    import zxingcpp
    from PIL import Image

    from guardpost.reports import pass_slip

    conn = storage.connect(demo_db)
    done = visits.expect(
        conn,
        visits.VisitForm(VisitCategory.RELATIVE, name="郑一", phone="13800001111", unit=a_unit(demo_db)),
        asked_by="前台",
        valid_from=NOW,
        valid_until=NOW + timedelta(hours=4),
        gate="east",
        settings=make_settings(demo_db).visits,
        now=NOW,
    )
    slip = visits.slip_of(conn, done.pass_no or "", NOW)  # by the number read out, as by the token
    assert visits.slip_of(conn, done.token or "", NOW) == slip
    conn.close()
    path = pass_slip.write(slip, tmp_path / "slip.pdf", compound="翠湖花园")
    text = text_of(path)
    assert done.pass_no in text and "郑一" in text and a_unit(demo_db) in text and "13800001111" not in text
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True
    )
    image = np.asarray(Image.open(tmp_path / "page.png").convert("L"))
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [done.token]


def test_no_slip_for_a_refused_caller(demo_db: Path) -> None:
    from guardpost import passes

    conn = storage.connect(demo_db)
    try:
        with pytest.raises(passes.PassRefused):
            visits.slip_of(conn, passes.pass_number(12345), NOW)
    finally:
        conn.close()


async def test_p_after_a_registration_writes_the_pass_slip(demo_db: Path) -> None:
    from test_visit_screen import typed

    from guardpost_screens.forms.visit import VisitScreen

    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f6", "2")  # a courier: no host to ask
        await until(pilot, lambda: isinstance(app.screen, VisitScreen))
        screen = app.screen
        assert isinstance(screen, VisitScreen)
        await pilot.press("1")  # the first company
        await typed(pilot, "")
        await pilot.press("enter")
        await until(pilot, lambda: screen.step == "done")
        number = screen.result.pass_no if screen.result else None
        assert number
        await pilot.press("p")
        await until(pilot, lambda: "written" in str(screen.query_one("#visit-error").render()), timeout=15)
    slip = demo_db.parent / "prints" / f"pass-{number}.pdf"
    assert number in text_of(slip)
