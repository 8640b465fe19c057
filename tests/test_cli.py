"""The ``guardpost`` console script, run as a guard or a script would run it, against a demo database."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from guardpost.i18n import t
from guardpost.migrations import LATEST

SCRIPT = Path(sys.executable).with_name("guardpost")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "guardpost"]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUARDPOST_", "LC_"))}
    env.update(LANG="C.UTF-8", XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"))
    return env


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-demo")
    path = folder / "demo.db"
    done = subprocess.run(
        [*COMMAND, "demo", "--no-tui", "--db", str(path)],
        env=_env(folder),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return path


# The demo has worked a day already (a handed-over shift with its events): a test looks at what it
# did itself, the events after the demo's.
DEMO_EVENTS: dict[Path, int] = {}
DEMO_INSIDE = {2, 3}  # the demo's renovation worker and mover of that day, still inside (the visitor left)


def _passes(visit_ids: set[int]) -> set[str]:
    from guardpost.passes import pass_number

    return {pass_number(v) for v in visit_ids}


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "booth.db"
    shutil.copyfile(demo_file, path)
    conn = sqlite3.connect(path)
    try:
        DEMO_EVENTS[path] = int(conn.execute("SELECT coalesce(max(id), 0) FROM access_event").fetchone()[0])
    finally:
        conn.close()
    return path


@pytest.fixture
def run(tmp_path: Path):  # noqa: ANN201 - a small callable
    def _run(
        *args: str, env: dict[str, str] | None = None, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*COMMAND, *args],
            env={**_env(tmp_path), **(env or {})},
            capture_output=True,
            text=True,
            timeout=60,
            input=input,
        )

    return _run


def _one(db: Path, sql: str, params: tuple[object, ...] = ()) -> tuple[object, ...]:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(sql, params).fetchone()
    finally:
        conn.close()
    assert row is not None, sql
    return tuple(row)


def _events(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT id, uid, decision, reason, gate_id, lane, source FROM access_event WHERE id > ?",
            (DEMO_EVENTS.get(db, 0),),
        ).fetchall()
    finally:
        conn.close()


def _uid(db: Path, where: str) -> str:
    return str(
        _one(db, f"SELECT c.uid FROM card c LEFT JOIN person p ON p.id = c.person_id WHERE {where} LIMIT 1")[
            0
        ]
    )


ACTIVE_OWNER = (
    "c.kind = 'owner' AND c.status = 'active' AND c.valid_from IS NULL AND c.valid_until IS NULL"
    " AND p.special_care IS NULL"
)


# --- swipe ----------------------------------------------------------------------------------


def test_lost_card_alarms_with_exit_2_and_is_recorded(db: Path, run) -> None:  # noqa: ANN001
    uid = _uid(db, "c.status = 'lost' AND c.kind = 'owner'")
    done = run("swipe", uid, "--db", str(db))
    assert done.returncode == 2, done.stderr
    assert t("reason.lost", "zh-CN") in done.stdout
    [(_, got_uid, decision, reason, gate, lane, source)] = _events(db)
    assert (got_uid, decision, reason, gate, lane, source) == (uid, "alarm", "lost", "east", "in", "cli")


def test_active_owner_card_at_the_east_gate_passes(db: Path, run) -> None:  # noqa: ANN001
    uid = _uid(db, ACTIVE_OWNER)
    done = run("swipe", uid, "--db", str(db), "--gate", "east")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [(e[1], e[2], e[3]) for e in _events(db)] == [(uid, "allow", "ok")]


def test_unknown_card_is_refused_with_exit_1(db: Path, run) -> None:  # noqa: ANN001
    uid = "0123ABCD"
    assert _one(db, "SELECT count(*) FROM card WHERE uid = ?", (uid,)) == (0,)
    done = run("swipe", uid, "--db", str(db), "--lane", "out")
    assert done.returncode == 1
    assert [(e[1], e[2], e[3], e[5]) for e in _events(db)] == [(uid, "deny", "unknown_card", "out")]


def test_swipe_json(db: Path, run) -> None:  # noqa: ANN001
    uid = _uid(db, ACTIVE_OWNER)
    name, unit = _one(
        db,
        "SELECT p.name, u.code FROM card c JOIN person p ON p.id = c.person_id"
        " JOIN unit u ON u.id = p.unit_id WHERE c.uid = ?",
        (uid,),
    )
    done = run("swipe", uid.lower(), "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["event_id"] == _events(db)[-1][0]
    assert (out["decision"], out["reason"], out["uid"]) == ("allow", "ok", uid)
    assert (out["person"], out["unit"]) == (name, unit)


@pytest.mark.parametrize("text", ["ZZZ", "12345", "04A1B2C3D4E"])
def test_bad_uid_text_is_explained_and_writes_nothing(db: Path, run, text: str) -> None:  # noqa: ANN001
    done = run("swipe", text, "--db", str(db), "--lang", "en")
    assert done.returncode not in (0, 1, 2)
    assert "Traceback" not in done.stderr
    assert text in done.stderr
    assert t("cli.bad_uid", "en", detail="")[:10] in done.stderr
    assert _events(db) == []


def test_lang_en_gives_english(db: Path, run) -> None:  # noqa: ANN001
    uid = _uid(db, "c.status = 'lost' AND c.kind = 'owner'")
    chinese = run("swipe", uid, "--db", str(db))
    english = run("swipe", uid, "--db", str(db), "--lang", "en")
    assert chinese.returncode == english.returncode == 2
    assert t("decision.alarm", "zh-CN") in chinese.stdout and t("hint.lost", "zh-CN") in chinese.stdout
    assert t("decision.alarm", "en") in english.stdout and t("hint.lost", "en") in english.stdout
    assert t("hint.lost", "zh-CN") not in english.stdout
    via_env = run("swipe", uid, "--db", str(db), env={"GUARDPOST_LANG": "en"})
    assert t("hint.lost", "en") in via_env.stdout


def test_db_from_the_environment(db: Path, run) -> None:  # noqa: ANN001
    done = run("swipe", "0123ABCD", env={"GUARDPOST_DB": str(db)})
    assert done.returncode == 1
    assert len(_events(db)) == 1


def test_an_unknown_gate_is_named(db: Path, run) -> None:  # noqa: ANN001
    done = run("swipe", "0123ABCD", "--db", str(db), "--gate", "moon", "--lang", "en")
    assert done.returncode not in (0, 1, 2)
    assert "moon" in done.stderr and "east" in done.stderr
    assert _events(db) == []


def test_swipe_refuses_a_database_from_a_newer_guardpost(db: Path, run) -> None:  # noqa: ANN001
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = db.read_bytes()
    done = run("swipe", "0123ABCD", "--db", str(db), "--lang", "en")
    assert done.returncode not in (0, 1, 2)
    assert str(LATEST + 1) in done.stderr
    assert db.read_bytes() == before


def test_swipe_on_a_missing_database_creates_nothing(tmp_path: Path, run) -> None:  # noqa: ANN001
    path = tmp_path / "none.db"
    done = run("swipe", "0123ABCD", "--db", str(path))
    assert done.returncode not in (0, 1, 2)
    assert not path.exists()


# --- import ---------------------------------------------------------------------------------


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
        return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in tables}
    finally:
        conn.close()


def test_import_with_a_bad_row_names_it_and_changes_nothing(db: Path, tmp_path: Path, run) -> None:  # noqa: ANN001
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "name,role,unit,phone\n新住户,owner,1-1-101,13812345678\n另一位,owner,1-1-101,not-a-phone\n",
        encoding="utf-8",
    )
    before = _dump(db)
    done = run("import", "residents", str(csv), "--db", str(db), "--lang", "en")
    assert done.returncode not in (0, 1, 2)
    assert "row 3" in done.stderr and "phone" in done.stderr
    assert "Traceback" not in done.stderr
    assert _dump(db) == before


def test_import_a_good_file(db: Path, tmp_path: Path, run) -> None:  # noqa: ANN001
    csv = tmp_path / "good.csv"
    csv.write_bytes("姓名,身份,房号\n新住户,业主,1-1-101\n".encode("gb18030"))
    done = run("import", "residents", str(csv), "--db", str(db), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert t("import.done", "en", added=1, updated=0, unchanged=0) in done.stdout
    assert _one(db, "SELECT role FROM person WHERE name = '新住户'") == ("owner",)


# --- cards ----------------------------------------------------------------------------------


def test_cards_list_lost_json(db: Path, run) -> None:  # noqa: ANN001
    done = run("cards", "list", "--status", "lost", "--json", "--db", str(db))
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    lost = {r[0] for r in sqlite3.connect(db).execute("SELECT uid FROM card WHERE status = 'lost'")}
    assert lost and {r["uid"] for r in rows} == lost
    assert all(r["status"] == "lost" for r in rows)


def test_cards_set_status_audits_and_takes_effect(db: Path, run) -> None:  # noqa: ANN001
    uid = _uid(db, ACTIVE_OWNER)
    assert run("swipe", uid, "--db", str(db)).returncode == 0
    # a supervisor's: without --as it is refused, with a guard's PIN too (and audited)
    alone = run("cards", "set-status", uid, "blacklisted", "--db", str(db), "--lang", "en")
    assert alone.returncode == 3 and "--as" in alone.stderr
    guard = run("cards", "set-status", uid, "blacklisted", "--as", "G01", "--db", str(db), input="1234\n")
    assert guard.returncode == 3
    assert _one(db, "SELECT action, subject FROM audit ORDER BY id DESC") == ("authorise.refused", "G01")
    done = run("cards", "set-status", uid, "blacklisted", "--as", "G07", "--db", str(db), input="9876\n")
    assert done.returncode == 0, done.stderr
    assert "9876" not in done.stdout + done.stderr  # the PIN is never echoed
    assert _one(db, "SELECT status FROM card WHERE uid = ?", (uid,)) == ("blacklisted",)
    action, subject, detail, who = _one(
        db, "SELECT action, subject, detail, actor FROM audit ORDER BY id DESC"
    )
    assert (action, subject) == ("card.set_status", uid) and str(who).startswith("guard:G07")
    assert "active" in str(detail) and "blacklisted" in str(detail)
    again = run("swipe", uid, "--db", str(db), "--json")
    assert again.returncode == 2
    assert json.loads(again.stdout)["reason"] == "blacklisted"


def test_cards_set_status_refuses_unknown_cards_and_statuses(db: Path, run) -> None:  # noqa: ANN001
    uid = _uid(db, ACTIVE_OWNER)
    sup = ("--as", "G07", "--db", str(db), "--lang", "en")
    bad_status = run("cards", "set-status", uid, "stolen", *sup, input="9876\n")
    assert bad_status.returncode not in (0, 1, 2) and "stolen" in bad_status.stderr
    unknown = run("cards", "set-status", "0123ABCD", "lost", *sup, input="9876\n")
    assert unknown.returncode not in (0, 1, 2) and "0123ABCD" in unknown.stderr
    assert _one(db, "SELECT count(*) FROM audit WHERE action = 'card.set_status'") == (0,)


# --- check and init -------------------------------------------------------------------------


def test_check_prints_the_schema_version(db: Path, run) -> None:  # noqa: ANN001
    done = run("check", "--db", str(db), "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert t("cli.check_schema", "en", version=LATEST) in done.stdout
    assert t("cli.check_ok", "en") in done.stdout


def test_init_twice_is_fine(tmp_path: Path, run) -> None:  # noqa: ANN001
    path = tmp_path / "new" / "booth.db"
    for _ in range(2):
        done = run("init", "--db", str(path))
        assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    conn.close()


def test_gates_are_listed_and_a_new_one_is_added_and_audited(db: Path, run) -> None:  # noqa: ANN001
    listed = run("gates", "list", "--db", str(db), "--json")
    assert listed.returncode == 0
    before = {g["id"] for g in json.loads(listed.stdout)}
    assert "east" in before
    added = run(
        "gates", "add", "north-2", "--name-zh", "北二门", "--name-en", "North gate 2",
        "--kind", "vehicle", "--db", str(db), "--lang", "en",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "north-2" in added.stdout and "North gate 2" in added.stdout
    gate = _one(db, "SELECT name_zh, name_en, kind, is_open FROM gate WHERE id = 'north-2'")
    assert gate == ("北二门", "North gate 2", "vehicle", 1)
    assert _one(db, "SELECT action, subject FROM audit WHERE action = 'gate.add'") == ("gate.add", "north-2")
    # a booth can now run it
    swipe = run("swipe", "0123ABCD", "--db", str(db), "--gate", "north-2", "--lang", "en")
    assert swipe.returncode == 1, swipe.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("East Gate", "--name-zh", "东", "--name-en", "E"), "not a gate id"),
        (("east", "--name-zh", "东门", "--name-en", "East"), "exists already"),
        (("south", "--name-zh", "南门", "--name-en", "South", "--kind", "boat"), "boat"),
        (("south", "--name-zh", "南\x1b[2J门", "--name-en", "South"), "U+001B"),
        (("south", "--name-zh", " ", "--name-en", "South"), "Chinese and an English name"),
    ],
)
def test_a_bad_gate_is_refused_and_adds_nothing(db: Path, run, args: tuple[str, ...], said: str) -> None:  # noqa: ANN001
    count = _one(db, "SELECT count(*) FROM gate")
    done = run("gates", "add", *args, "--db", str(db), "--lang", "en")
    assert done.returncode not in (0, 70), done.stderr
    assert said in done.stderr
    assert "Traceback" not in done.stderr
    assert _one(db, "SELECT count(*) FROM gate") == count


# --- people at the gate: visitors, passes, block list, inside now -------------------------------


def _unit(db: Path) -> str:
    return str(_one(db, "SELECT code FROM unit ORDER BY id LIMIT 1")[0])


def test_an_expected_visitor_gets_a_pass_that_comes_in_once(db: Path, run) -> None:  # noqa: ANN001
    done = run(
        "visitors",
        "expect",
        "--db",
        str(db),
        "--name",
        "王晓明",
        "--phone",
        "13812345678",
        "--unit",
        _unit(db),
        "--asked-by",
        "前台小李",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    issued = json.loads(done.stdout)
    assert {"visit_id", "pass", "token"} <= set(issued)
    assert _one(db, "SELECT by_whom, channel FROM consent WHERE visit_id = ?", (issued["visit_id"],)) == (
        "前台小李",
        "pre_registered",
    )
    assert run("pass", "verify", issued["token"], "--db", str(db)).returncode == 0
    used = run("pass", "use", issued["token"], "--db", str(db), "--json")
    assert used.returncode == 0 and json.loads(used.stdout)["admitted"] is True
    again = run("pass", "use", issued["token"], "--db", str(db), "--lang", "en")
    assert again.returncode == 1 and "cannot come in again" in again.stderr
    inside = json.loads(run("inside", "--db", str(db), "--json").stdout)
    # the demo's mover from yesterday is still inside too (the handover lists them)
    assert [r["visit_id"] for r in inside if r["visit_id"] not in DEMO_INSIDE] == [issued["visit_id"]]
    listed = json.loads(run("visitors", "list", "--inside", "--db", str(db), "--json").stdout)
    assert [r["pass"] for r in listed if r["pass"] not in _passes(DEMO_INSIDE)] == [issued["pass"]]
    out = run("visitors", "sign-out", issued["pass"], "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert [r["visit_id"] for r in json.loads(run("inside", "--db", str(db), "--json").stdout)] == sorted(
        DEMO_INSIDE
    )


@pytest.mark.parametrize(
    "token",
    [
        "",
        "GP1.",
        "GP1.1.R.1-1-101.0.0.AAAAAAAAAAAAAAAA",
        "[/]",
        "\x1b[2J",
        "x" * 5000,
        "00000017",
        "12345678",
    ],
)
def test_pass_verify_refuses_anything_else_with_a_reason_and_no_traceback(db: Path, run, token: str) -> None:  # noqa: ANN001
    done = run("pass", "verify", token, "--db", str(db), "--lang", "en")
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.strip()


def test_a_revoked_pass_is_refused_everywhere(db: Path, run) -> None:  # noqa: ANN001
    issued = json.loads(
        run("visitors", "expect", "--db", str(db), "--name", "李四", "--unit", _unit(db), "--json").stdout
    )
    assert (
        run("pass", "revoke", issued["pass"], "--db", str(db), "--as", "G07", input="9876\n").returncode == 0
    )
    done = run("pass", "use", issued["token"], "--db", str(db), "--lang", "en")
    assert done.returncode == 1 and "revoked" in done.stderr


def test_expect_names_each_bad_option(db: Path, run) -> None:  # noqa: ANN001
    before = _one(db, "SELECT count(*) FROM visit")
    done = run(
        "visitors",
        "expect",
        "--db",
        str(db),
        "--name",
        "王",
        "--phone",
        "14012345678",
        "--unit",
        "99-9-101",
        "--lang",
        "en",
    )
    assert done.returncode == 3
    assert "Phone" in done.stderr and "Host unit" in done.stderr
    bad_time = run(
        "visitors", "expect", "--db", str(db), "--name", "王", "--unit", _unit(db), "--until", "25:00"
    )
    assert bad_time.returncode == 3 and "--until" in bad_time.stderr
    bad_kind = run(
        "visitors", "expect", "--db", str(db), "--name", "王", "--unit", _unit(db), "--category", "spy"
    )
    assert bad_kind.returncode == 64
    assert _one(db, "SELECT count(*) FROM visit") == before


def test_the_block_list_from_the_command_line(db: Path, run) -> None:  # noqa: ANN001
    sup = ("--as", "G07")
    added = run(
        "blocklist",
        "add",
        "plate",
        "粤b·12345",
        "--reason",
        "多次闯杆",
        "--db",
        str(db),
        *sup,
        input="9876\n",
    )
    assert added.returncode == 0, added.stderr
    listed = json.loads(run("blocklist", "list", "--db", str(db), "--json").stdout)
    assert [(r["kind"], r["value"], r["reason"]) for r in listed] == [("plate", "粤B12345", "多次闯杆")]
    assert _one(db, "SELECT count(*) FROM audit WHERE action = 'blocklist.add'") == (1,)
    refused = run(
        "blocklist", "add", "phone", "12345", "--reason", "x", "--db", str(db), *sup, input="9876\n"
    )
    assert refused.returncode == 3 and "Traceback" not in refused.stderr
    removed = run("blocklist", "remove", str(listed[0]["entry"]), "--db", str(db), *sup, input="9876\n")
    assert removed.returncode == 0
    assert json.loads(run("blocklist", "list", "--db", str(db), "--json").stdout) == []
    assert run("blocklist", "remove", "999", "--db", str(db), *sup, input="9876\n").returncode == 3


def test_a_refused_pass_with_json_answers_in_json_too(db: Path, run) -> None:  # noqa: ANN001
    done = run("pass", "verify", "GP1.junk", "--db", str(db), "--json")
    assert done.returncode == 1
    answer = json.loads(done.stdout)
    assert answer["valid"] is False and answer["reason"] == "pass.malformed" and answer["message"]


def test_blocklist_remove_with_a_word_is_told_in_the_users_language(db: Path, run) -> None:  # noqa: ANN001
    done = run("blocklist", "remove", "abc", "--db", str(db), "--lang", "zh-CN")
    assert done.returncode == 3 and "黑名单" in done.stderr and "Input should" not in done.stderr
