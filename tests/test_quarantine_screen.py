"""Shift+F8 the quarantine ledger, driven by keys as a guard would: a person chosen and measured (a
fever rings in the banner like one at the gate), a thermometer's "Lo" asked again, a household put
on the ledger and ended by a squad leader (a guard's PIN refused), the note at a level other than
closed, and a viewer who changes nothing. Assertions on the database."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from conftest import FIXED_NOW, booth_app, make_settings
from test_lists_screen import fill
from test_visit_screen import rows, typed, until

from guardpost import quarantine, storage
from guardpost_screens.forms.entry import EntryForm
from guardpost_screens.quarantine import QuarantineScreen


def a_family(db: Path) -> str:
    return str(
        rows(
            db,
            "SELECT u.code FROM unit u JOIN person p ON p.unit_id = u.id"
            " WHERE p.role IN ('owner', 'family', 'tenant') GROUP BY u.id HAVING count(*) >= 2 ORDER BY u.id",
        )[0][0]
    )


def on_ledger(db: Path, unit: str, others: tuple[str, ...] = ("王五",)) -> int:
    """The unit's residents and ``others`` on the ledger since yesterday, by the squad leader."""
    conn = storage.connect(db)
    try:
        added = FIXED_NOW - timedelta(days=1)
        found = quarantine.unit_residents(conn, unit, added.date())
        return quarantine.add(
            conn,
            unit,
            residents=[r.person_id for r in found.residents],
            others=others,
            starts_on=added.date(),
            ends_on=added.date() + timedelta(days=13),
            note=None,
            code="G06",
            pin="6789",
            where="east",
            now=added,
        )
    finally:
        conn.close()


def closed(db: Path) -> None:
    """The closed level, the east gate the entrance left open (as ``lockdown set`` stores it)."""
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO lockdown (level, scope, entrance, started_at, ordered_by) VALUES"
        " ('closed', 'compound', 'east', ?, 'guard:G07')",
        ((FIXED_NOW - timedelta(hours=2)).isoformat(sep=" "),),
    )
    conn.commit()
    conn.close()


def text_of(screen: QuarantineScreen, widget: str) -> str:
    return str(screen.query_one(widget).render())


def table_text(screen: QuarantineScreen) -> str:
    table = screen.query_one("#quarantine-table")
    return "\n".join(
        " ".join(str(cell) for cell in table.get_row_at(i))  # type: ignore[attr-defined]
        for i in range(table.row_count)  # type: ignore[attr-defined]
    )


async def opened(pilot) -> QuarantineScreen:  # noqa: ANN001
    app = pilot.app
    await until(pilot, lambda: app.booth_open)
    await pilot.press("f20")  # Shift+F8
    await until(pilot, lambda: isinstance(app.screen, QuarantineScreen) and bool(app.screen.rows))
    screen = app.screen
    assert isinstance(screen, QuarantineScreen)
    return screen


async def test_a_person_is_chosen_and_measured_and_a_fever_rings(demo_db: Path) -> None:
    unit = a_family(demo_db)
    household = on_ledger(demo_db, unit)
    closed(demo_db)
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert text_of(screen, "#quarantine-level") == ""  # the closed level: the ledger's own
        assert "王五" in table_text(screen) and "DUE" in table_text(screen)  # 07:45: the morning's is due
        people = [p.member for _, p in screen.rows]
        await pilot.press("down")
        await typed(pilot, "37.8")  # a digit starts the reading of the person chosen
        assert screen.query_one("#quarantine-value").value == "37.8"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: "FEVER" in text_of(screen, "#quarantine-note"))
        # stored as a fever at the gate is: an alarm event naming the resident, on the banner
        assert rows(
            demo_db,
            "SELECT t.celsius, t.fever, t.person_id, q.member_id, q.slot FROM quarantine_reading q"
            " JOIN temperature_reading t ON t.id = q.reading_id",
        ) == [(37.8, 1, people[1].person_id, people[1].member_id, "morning")]
        await until(pilot, lambda: any(a.reason == "fever" for a in app.booth_screen.alarms))
        assert "FEVER" in table_text(screen)
        # the fever's person stays chosen; the next is measured after ↓, and the cursor moves on
        await pilot.press("down")
        await typed(pilot, "365")
        await pilot.press("enter")
        await until(pilot, lambda: "36.5" in text_of(screen, "#quarantine-note"))
        assert screen.query_one("#quarantine-table").cursor_row == min(3, len(people) - 1)  # type: ignore[attr-defined]
        # a thermometer's "Lo" is no reading: asked again, nothing stored
        await typed(pilot, "Lo")
        await pilot.press("enter")
        await until(pilot, lambda: "again" in text_of(screen, "#quarantine-note").lower())
        assert screen.query_one("#quarantine-value").value == ""  # type: ignore[attr-defined]
        assert screen.query_one("#quarantine-note").has_class("error")
    assert rows(demo_db, "SELECT count(*) FROM quarantine_reading") == [(2,)]
    assert rows(demo_db, "SELECT count(*) FROM quarantine_member WHERE household_id = ?", (household,)) == [
        (len(people),)
    ]


async def test_at_another_level_the_ledger_says_it_is_the_closed_levels(demo_db: Path) -> None:
    on_ledger(demo_db, a_family(demo_db))
    app = booth_app(demo_db, "zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        assert "封闭等级" in text_of(screen, "#quarantine-level")
        await typed(pilot, "36.6")  # and works all the same
        await pilot.press("enter")
        await until(pilot, lambda: "36.6" in text_of(screen, "#quarantine-note"))
    assert rows(demo_db, "SELECT count(*) FROM quarantine_reading") == [(1,)]


async def test_a_household_is_put_on_the_ledger_by_a_squad_leader_and_ended(demo_db: Path) -> None:
    unit = a_family(demo_db)
    residents = rows(
        demo_db,
        "SELECT p.id FROM person p JOIN unit u ON u.id = p.unit_id WHERE u.code = ?"
        " AND p.role IN ('owner', 'family', 'tenant')",
        (unit,),
    )
    closed(demo_db)
    app = booth_app(demo_db, "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        await pilot.press("f20")
        await until(pilot, lambda: isinstance(app.screen, QuarantineScreen))
        screen = app.screen
        await until(pilot, lambda: "No household" in text_of(screen, "#quarantine-note"))  # type: ignore[arg-type]
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, EntryForm))
        # one window over the booth screen, never two: Textual keeps painting the feed and banner
        assert app.screen_stack[-2] is app.booth_screen
        form = app.screen
        await fill(pilot, "99-9-901")
        await until(pilot, lambda: "99-9-901" in str(form.query_one("#entry-error").render()))
        form.field("unit").value = ""  # type: ignore[attr-defined]
        await fill(pilot, unit)
        await until(pilot, lambda: isinstance(app.screen, EntryForm) and app.screen is not form)
        people = app.screen
        assert isinstance(people, EntryForm)
        assert people.values()["residents"] == " ".join(str(i) for i in range(1, len(residents) + 1))
        people.field("residents").value = ""
        # the first resident only, another by name, the dates as offered, a note, a guard's PIN first
        await fill(pilot, "1", "王五, 李4")
        await until(pilot, lambda: people.focused is not None and people.focused.id == "entry-starts")
        await fill(pilot, "", "", "[b]密接[/b]", "G01", "1234")
        await until(pilot, lambda: "李4" in str(people.query_one("#entry-error").render()))
        assert getattr(people.focused, "id", None) == "entry-others"  # the field is named
        people.field("others").value = "王五"
        people.field("pin").value = "1234"
        people.set_focus(people.field("pin"))
        await pilot.press("enter")
        await until(pilot, lambda: "squad leader" in str(people.query_one("#entry-error").render()))
        assert people.values()["pin"] == ""  # a refused PIN is typed again
        assert rows(demo_db, "SELECT count(*) FROM quarantine_household") == [(0,)]
        people.field("by").value = "G06"
        people.set_focus(people.field("pin"))
        await fill(pilot, "6789")
        await until(pilot, lambda: isinstance(app.screen, QuarantineScreen) and bool(app.screen.rows))
        screen = app.screen
        assert isinstance(screen, QuarantineScreen)
        assert "#1" in text_of(screen, "#quarantine-note")
        assert [p.member.name for _, p in screen.rows][-1] == "王五" and len(screen.rows) == 2
        [(household, note, by)] = rows(demo_db, "SELECT id, note, added_by FROM quarantine_household")
        assert (note, by) == ("[b]密接[/b]", "guard:G06")
        assert rows(demo_db, "SELECT person_id FROM quarantine_member ORDER BY id") == [residents[0], (None,)]
        # E ends the highlighted household's quarantine, the squad leader's PIN again
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EntryForm))
        await fill(pilot, "G06", "6789")
        await until(pilot, lambda: isinstance(app.screen, QuarantineScreen) and not app.screen.rows)
    assert rows(demo_db, "SELECT ended_by FROM quarantine_household WHERE id = ?", (household,)) == [
        ("guard:G06",)
    ]
    assert rows(
        demo_db, "SELECT action, actor FROM audit WHERE action LIKE 'quarantine.%' OR action LIKE 'author%'"
    ) == [
        ("authorise.refused", "guard:G01"),
        ("quarantine.add", "guard:G06"),
        ("quarantine.end", "guard:G06"),
    ]


async def test_a_viewer_sees_the_ledger_and_changes_nothing(demo_db: Path) -> None:
    on_ledger(demo_db, a_family(demo_db))
    from guardpost_screens.app import make_app

    app = make_app(make_settings(demo_db, "en"), viewer=True, now=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.booth_open)
        # a viewer opens no register: the key does nothing
        await pilot.press("f20")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, QuarantineScreen)
        app.push_screen(QuarantineScreen(app.booth))
        await until(pilot, lambda: isinstance(app.screen, QuarantineScreen) and bool(app.screen.rows))
        screen = app.screen
        await typed(pilot, "365")
        await pilot.press("enter", "a", "e")
        await pilot.pause(0.2)
        assert app.screen is screen
    assert rows(demo_db, "SELECT count(*) FROM quarantine_reading") == [(0,)]
