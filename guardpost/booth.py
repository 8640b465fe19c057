"""One running booth: its lock, its state, its writer, its readers and the file it follows.

The screen builds a ``Booth`` from the settings, calls ``open`` off its own thread, then starts the
readers, and from then on only shows what the booth tells its ``BoothListener`` and passes on what
the guard does (``acknowledge``, ``admit_by_hand``, ``page`` ...). Everything here runs without
Textual; ``guardpost run --viewer`` is the same booth without a writer, a lock or readers.

Threads: the writer (``pipeline``), one per card reader, and the follower, which notices commits by
other processes on the same file (``PRAGMA data_version``, a few times a second) and reads only the
new rows: an alarm that ``guardpost swipe`` stored for this gate reaches this guard within a second.
A booth's feed and alarms are its own gate's; another gate's booth shows and answers theirs.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from guardpost import events, forgot_card, lockdown
from guardpost.access import NotSaved, gate_kind
from guardpost.alarms import AlarmBoard
from guardpost.config import Settings
from guardpost.domain import (
    BlockKind,
    CardRead,
    GateKind,
    Guard,
    Lane,
    LockdownLevel,
    LogKind,
    ReaderStatus,
    Said,
    Swipe,
    VisitStatus,
)
from guardpost.errors import ConfigError, GuardpostError
from guardpost.events import EventDetail, Filter
from guardpost.lock import BoothLock
from guardpost.pipeline import SwipePipeline
from guardpost.readers import BoothReaders, for_booth
from guardpost.storage import connect

if TYPE_CHECKING:  # the registers load with their first use, not at the booth's start
    from guardpost import blocklist, guards, people_index, renovation, shifts, temperature, visits
    from guardpost.policy.renovation import Material
    from guardpost.reports.document import Document

FOLLOW_SECONDS = 0.25
ALARM_LOOKBACK = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class BoothState:
    """What the header shows: where this booth is, who is on duty, the level in force, the reader."""

    compound: str
    gate_id: str
    gate_zh: str
    gate_en: str
    gate_kind: GateKind
    level: LockdownLevel
    guard: Guard | None
    reader_kind: str  # pcsc | sim | wedge | viewer
    viewer: bool = False
    shut: bool = False  # the closed level, and this gate is not the entrance left open

    def gate_name(self, lang: str) -> str:
        return self.gate_zh if lang == "zh-CN" else self.gate_en

    @classmethod
    def provisional(cls, settings: Settings, reader_kind: str, viewer: bool) -> BoothState:
        """What the header can say before the file is open: from the settings alone."""
        return cls(
            compound=settings.compound.name,
            gate_id=settings.gate,
            gate_zh=settings.gate,
            gate_en=settings.gate,
            gate_kind=GateKind.PEDESTRIAN,
            level=LockdownLevel.NORMAL,
            guard=None,
            reader_kind="viewer" if viewer else reader_kind,
            viewer=viewer,
        )


@dataclass(frozen=True, slots=True)
class Opening:
    state: BoothState
    first_page: list[Swipe]
    alarms: list[Swipe]


CLOSING_CHECK_SECONDS = 60.0
CLOSING_FIRST_SECONDS = 3.0


class BoothListener(Protocol):
    """What the booth tells the screen, from its threads. Each method must return quickly."""

    def swipe(self, swipe: Swipe, read_ns: int) -> None: ...

    def not_saved(self, read: CardRead, error: NotSaved, waiting: int) -> None: ...

    def all_saved(self, stored: int) -> None: ...

    def alarms(self, open_alarms: list[Swipe]) -> None: ...

    def acknowledged(self, alarm: Swipe) -> None: ...

    def acknowledge_failed(self, alarm: Swipe, error: str) -> None: ...

    def state(self, state: BoothState) -> None: ...

    def reader(self, status: ReaderStatus) -> None: ...

    def failed(self, exc: BaseException) -> None: ...

    def pass_used(self, use: visits.PassUse) -> None: ...

    def pass_refused(self, refusal: GuardpostError, lane: Lane) -> None: ...

    def checkpoint(self, code: str | None, refusal: GuardpostError | None) -> None: ...

    def worker_pass(self, text: str) -> None: ...  # a worker's pass QR scanned: to the renovation screen


def guard_on_duty(conn: sqlite3.Connection, gate_id: str, configured: str) -> Guard | None:
    """The guard of the open shift at this gate; else the configured one (``booth.guard``); else nobody."""
    row = conn.execute(
        "SELECT g.id, g.name FROM shift s JOIN guard g ON g.id = s.guard_id"
        " WHERE s.gate_id = ? AND s.ended_at IS NULL ORDER BY s.id DESC LIMIT 1",
        (gate_id,),
    ).fetchone()
    if row is None and configured:
        row = conn.execute("SELECT id, name FROM guard WHERE code = ? AND active", (configured,)).fetchone()
        if row is None:
            raise ConfigError("booth.unknown_guard", "booth.unknown_guard_hint", code=configured)
    return Guard(int(row[0]), str(row[1])) if row else None


def read_state(conn: sqlite3.Connection, settings: Settings, reader_kind: str, viewer: bool) -> BoothState:
    gate = settings.gate
    kind = gate_kind(conn, gate)  # refuses an unknown gate, naming the known ones
    names = conn.execute("SELECT name_zh, name_en FROM gate WHERE id = ?", (gate,)).fetchone()
    here = lockdown.at_gate(conn, gate)
    return BoothState(
        compound=settings.compound.name,
        gate_id=gate,
        gate_zh=str(names[0]),
        gate_en=str(names[1]),
        gate_kind=kind,
        level=here.level,
        shut=here.shut,
        # With PIN login (the default) nobody is on duty until someone signs in, even when a shift
        # was left open (the booth PC restarted): swipes are stored without a guard meanwhile.
        guard=None if settings.shifts.login else guard_on_duty(conn, gate, settings.booth.guard),
        reader_kind="viewer" if viewer else reader_kind,
        viewer=viewer,
    )


def check(settings: Settings) -> None:
    """Refuse what would stop the booth, before a screen opens: a bad file, an unknown gate or guard."""
    conn = connect(settings.db_path)
    try:
        read_state(conn, settings, "", False)
    finally:
        conn.close()


class Booth:
    def __init__(
        self,
        settings: Settings,
        *,
        viewer: bool = False,
        readers: BoothReaders | None = None,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.settings = settings
        self.viewer = viewer
        self.now = now
        self.readers = readers if readers is not None else for_booth(settings)
        self.board = AlarmBoard()
        self.pipeline: SwipePipeline | None = None
        self.state: BoothState | None = None
        self._listener: BoothListener = _Silent()
        self._lock = BoothLock(settings.db_path, settings.gate)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._last_id = 0
        self._prepared = False
        self._tags = frozenset(c.tag for c in settings.shifts.checkpoints if c.tag)

    # --- life ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Check the file, gate and guard, then lock the gate (not in a viewer). Raises GuardpostError:
        a bad file, an unknown gate or guard, another booth on this gate."""
        if self._prepared:
            return
        check(self.settings)  # first: a missing file or an unknown gate leaves no lock file behind
        if not self.viewer:
            self._lock.acquire()
        self._prepared = True

    def open(self, listener: BoothListener) -> Opening:
        """Blocking (call it off the screen's thread): ``prepare``, read the state, start the writer
        and the follower."""
        self._listener = listener
        self.prepare()
        try:
            conn = connect(self.settings.db_path)
            try:
                state = read_state(conn, self.settings, self.readers.kind, self.viewer)
                gate = self.settings.gate
                first = events.page(conn, gate=gate)
                alarms = events.open_alarms(conn, self.now() - ALARM_LOOKBACK, gate)
                self._last_id = events.last_id(conn)
            finally:
                conn.close()
            self.state = state
            self.board = AlarmBoard(alarms)
            if not self.viewer:
                reader = self.settings.reader
                self.pipeline = SwipePipeline(
                    self.settings.db_path,
                    self.settings.gate,
                    _PipelineBridge(self),
                    wedge_format=reader.wedge_format,
                    debounce_ms=reader.debounce_ms,
                    guard=state.guard,
                    now=self.now,
                    passback_gate_kinds=self.settings.rules.passback_gate_kinds,
                )
                self.pipeline.start()
                # what a scanner types that is not a card: a visitor's pass, a patrol checkpoint
                self.readers.wedge.on_pass = self._pass_scanned
                self.readers.wedge.on_checkpoint = self._checkpoint_scanned
                self.readers.wedge.on_worker_pass = self._listener.worker_pass
            self._spawn("file-follower", self._follow)
            if not self.viewer:
                self._spawn("visits-closing", self._sign_out_at_closing)
        except BaseException:
            self._lock.release()
            raise
        return Opening(state, first, self.board.open())

    def start_readers(self) -> None:
        """Each card reader on a thread of its own (none in a viewer)."""
        if self.viewer or self.pipeline is None:
            return
        for reader in [self.readers.wedge, *self.readers.others]:
            self._spawn(f"reader-{reader.name}", reader.run, self.submit, self._reader_status, self._stop)

    def close(self) -> None:
        """Stop the readers, let the writer finish what it was given, stop following, unlock."""
        self._stop.set()
        if self.pipeline is not None:
            self.pipeline.stop()
        for thread in self._threads:
            thread.join(2)
        self._threads.clear()
        self.pipeline = None
        self._lock.release()
        self._prepared = False

    def _spawn(self, name: str, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=self._guarded, args=(target, *args), name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _guarded(self, target: Callable[..., None], *args: object) -> None:
        try:
            target(*args)
        except Exception as exc:  # a thread that dies is told, never silent
            self._listener.failed(exc)

    def _reader_status(self, status: ReaderStatus) -> None:
        self._listener.reader(status)

    # --- what the guard does ---------------------------------------------------------------------
    def submit(self, read: CardRead) -> None:
        """A card presented: to the writer; a patrol checkpoint's NFC tag (``shifts.checkpoints``)
        ticks the open round instead (a set look-up: the swipe path reads nothing for it)."""
        if read.uid is not None and read.uid in self._tags:
            self._checkpoint_scanned(read.uid)
            return
        if self.pipeline is not None:
            self.pipeline.submit(read)

    def _checkpoint_scanned(self, text: str) -> None:
        threading.Thread(target=self._tick_scanned, args=(text,), name="checkpoint-scan", daemon=True).start()

    def _tick_scanned(self, text: str) -> None:
        try:
            code = self.check_point(text, how="scan")
        except GuardpostError as exc:
            self._listener.checkpoint(None, exc)
            return
        except Exception as exc:
            self._listener.failed(exc)
            return
        self._listener.checkpoint(code, None)

    def acknowledge(self, event_id: int) -> bool:
        """Send an acknowledgement to the writer; False when there is nothing to send (a viewer, an
        alarm already acknowledged, or one on its way). The alarm stays until it is stored."""
        if self.pipeline is None or not self.board.begin_ack(event_id):
            return False
        self.pipeline.acknowledge(event_id)
        return True

    def admit_by_hand(self, person_id: int, lane: Lane) -> None:
        if self.pipeline is not None:
            self.pipeline.admit_by_hand(person_id, lane)

    # --- what the screen reads (blocking: call from a worker) -----------------------------------
    def _read(self) -> sqlite3.Connection:
        return connect(self.settings.db_path)

    def page(self, before_id: int | None, mode: Filter, search: str) -> list[Swipe]:
        with contextlib.closing(self._read()) as conn:
            return events.page(conn, before_id=before_id, mode=mode, search=search, gate=self.settings.gate)

    def detail(self, event_id: int) -> EventDetail | None:
        with contextlib.closing(self._read()) as conn:
            return events.detail(conn, event_id)

    def check_unit(self, unit_code: str) -> None:
        with contextlib.closing(self._read()) as conn:
            forgot_card.unit_id(conn, unit_code)

    def forgot_card(self, unit_code: str, id_last4: str, lane: Lane) -> list[forgot_card.Candidate]:
        with contextlib.closing(self._read()) as conn:
            gate = self.settings.gate
            return forgot_card.find(conn, unit_code, id_last4, lane, gate_kind(conn, gate), gate)

    # --- people at the gate (blocking: call from a worker) ---------------------------------------
    # Registrations are written on their own connection: SQLite's WAL lets them wait the writer's
    # short commits out (busy_timeout), and the swipe path never waits for a form.
    def find_hosts(self, text: str) -> list[people_index.HostMatch]:
        from guardpost import people_index

        with contextlib.closing(self._read()) as conn:
            return people_index.find_hosts(conn, text)

    def last_visit(self, phone: str) -> visits.VisitForm | None:
        from guardpost import visits

        with contextlib.closing(self._read()) as conn:
            return visits.last_visit(conn, phone)

    def _guard(self) -> Guard | None:
        return self.state.guard if self.state else None

    def _writable(self) -> None:
        if self.viewer:
            raise ConfigError("booth.viewer_writes_nothing", None)

    def register_visit(
        self, form: visits.VisitForm, steps: list[visits.ConsentStep], now: datetime | None = None
    ) -> visits.VisitResult:
        from guardpost import visits

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return visits.register(
                conn,
                form,
                steps,
                gate=self.settings.gate,
                settings=self.settings.visits,
                fever_threshold_c=self.settings.rules.fever_threshold_c,
                guard=self._guard(),
                now=now or self.now(),
            )

    def precheck_visit(self, form: visits.VisitForm) -> bool:
        from guardpost import visits

        with contextlib.closing(self._read()) as conn:
            return visits.precheck(conn, form, self.settings.visits, today=self.now().date())

    def use_pass(self, text: str, lane: Lane, now: datetime | None = None) -> visits.PassUse:
        from guardpost import visits

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return visits.use_pass(
                conn, text, lane=lane, gate=self.settings.gate, guard=self._guard(), now=now or self.now()
            )

    def inside(self, now: datetime | None = None) -> list[visits.Inside]:
        from guardpost import visits

        with contextlib.closing(self._read()) as conn:
            return visits.inside(conn, now or self.now())

    def sign_out(self, visit_id: int, now: datetime | None = None) -> None:
        from guardpost import visits

        self._writable()
        with contextlib.closing(self._read()) as conn:
            visits.sign_out(conn, visit_id, gate=self.settings.gate, now=now or self.now())

    def _pass_scanned(self, token: str, lane: Lane) -> None:
        """A scanner typed a pass (from the keyboard thread): used off it, the answer to the screen."""
        threading.Thread(target=self._use_scanned, args=(token, lane), name="pass-scan", daemon=True).start()

    def _use_scanned(self, token: str, lane: Lane) -> None:
        try:
            use = self.use_pass(token, lane)
        except GuardpostError as exc:
            self._listener.pass_refused(exc, lane)
            return
        except Exception as exc:
            self._listener.failed(exc)
            return
        self._listener.pass_used(use)

    def record_temperature(
        self, text: str, *, event_id: int | None, mask: bool | None, now: datetime | None = None
    ) -> temperature.Reading:
        from guardpost import temperature

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return temperature.record(
                conn,
                text,
                gate=self.settings.gate,
                threshold_c=self.settings.rules.fever_threshold_c,
                event_id=event_id,
                mask=mask,
                guard=self._guard(),
                now=now or self.now(),
            )

    def pass_token(self, visit_id: int) -> str | None:
        """The token of a visit's pass, signed again (to show its QR on the inside-now board)."""
        from guardpost import visits

        with contextlib.closing(self._read()) as conn:
            return visits.token_of(conn, visit_id)

    def _prints(self) -> Path:
        """Where the booth writes what is to be printed: ``prints/`` beside its file."""
        folder = self.settings.db_path.parent / "prints"
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise GuardpostError(
                "print.cannot_write", None, path=str(folder), error=exc.strerror or str(exc)
            ) from exc
        return folder

    def write_slip(self, pass_text: str, now: datetime | None = None) -> Path:
        """A pass slip (PDF, A6) for a pass number or token, in ``prints/``."""
        from guardpost import visits
        from guardpost.reports import pass_slip

        with contextlib.closing(self._read()) as conn:
            slip = visits.slip_of(conn, pass_text, now or self.now())
        target = self._prints() / f"pass-{slip.pass_no}.pdf"
        return pass_slip.write(
            slip, target, compound=self.settings.compound.name, font=self.settings.print_font
        )

    def write_muster(self, now: datetime | None = None) -> tuple[Path, int]:
        """The muster list of who is inside, as a PDF in ``prints/`` beside the file; its path and
        how many it lists."""
        from guardpost import visits
        from guardpost.gates import gate_name
        from guardpost.reports import muster

        now = now or self.now()
        with contextlib.closing(self._read()) as conn:
            inside = visits.inside(conn, now)
            gate = gate_name(conn, self.settings.gate)
        target = self._prints() / f"muster-{self.settings.gate}-{now:%Y%m%d-%H%M%S}.pdf"
        written = muster.write(
            inside,
            target,
            compound=self.settings.compound.name,
            gate=gate,
            now=now,
            font=self.settings.print_font,
        )
        return written, len(inside)

    # --- guards and shifts ----------------------------------------------------------------------
    def _on_duty(self, guard: Guard | None) -> None:
        """Who the writer stamps on events from now on, and what the header shows."""
        if self.pipeline is not None:
            self.pipeline.set_guard(guard)
        if self.state is not None:
            self.state = replace(self.state, guard=guard)
            self._listener.state(self.state)

    def login(self, code: str, pin: str, now: datetime | None = None) -> shifts.Login:
        """A guard signs in: their shift opens (or resumes) and they are on duty. Raises
        guards.PinRefused (audited; repeated wrong PINs wait longer)."""
        from guardpost import shifts

        self._writable()
        with contextlib.closing(self._read()) as conn:
            done = shifts.login(conn, code, pin, gate=self.settings.gate, now=now or self.now())
        self._on_duty(done.guard.on_duty)
        return done

    def unlock(self, code: str, pin: str, now: datetime | None = None) -> guards.GuardRow:
        """The guard on duty unlocks the screen with their PIN (audited as a login)."""
        from guardpost import guards

        with contextlib.closing(self._read()) as conn:
            return guards.check_pin(
                conn, code, pin, where=self.settings.gate, now=now or self.now(), purpose="unlock"
            )

    def guard_row(self) -> guards.GuardRow | None:
        from guardpost import guards

        guard = self._guard()
        if guard is None:
            return None
        with contextlib.closing(self._read()) as conn:
            return guards.by_id(conn, guard.id)

    def quitting(self) -> None:
        """The guard quits the booth: the readers stop recording swipes; audited with who it was."""
        from guardpost import audit
        from guardpost.domain import actor_of

        if self.viewer:
            return
        try:
            with contextlib.closing(self._read()) as conn:
                audit.append(
                    conn, "booth.quit", self.settings.gate, None, actor=actor_of(self._guard()), at=self.now()
                )
        except (sqlite3.Error, GuardpostError):  # a file that cannot take it must not stop the quit
            pass

    def current_shift(self) -> shifts.ShiftRow | None:
        from guardpost import shifts

        with contextlib.closing(self._read()) as conn:
            return shifts.open_shift(conn, self.settings.gate)

    def shift_summary(
        self, shift_id: int | None = None, now: datetime | None = None
    ) -> shifts.Summary | None:
        """The summary of a shift (default: the one open at this gate; None when there is none)."""
        from guardpost import shifts

        with contextlib.closing(self._read()) as conn:
            if shift_id is None:
                current = shifts.open_shift(conn, self.settings.gate)
                if current is None:
                    return None
                shift_id = current.id
            return shifts.summary(conn, shift_id, self.settings.shifts, now or self.now())

    def handover(
        self,
        shift_id: int,
        incoming: str,
        pin: str,
        notes: str | None,
        counts: dict[str, int],
        now: datetime | None = None,
    ) -> shifts.Login:
        """The incoming guard accepts the shift with their PIN; they are on duty from now on."""
        from guardpost import shifts

        self._writable()
        with contextlib.closing(self._read()) as conn:
            done = shifts.handover(
                conn,
                shift_id,
                incoming_code=incoming,
                pin=pin,
                notes=notes,
                counts=counts,
                settings=self.settings.shifts,
                now=now or self.now(),
            )
        self._on_duty(done.guard.on_duty)
        return done

    def authorise(self, code: str, pin: str, action: str, now: datetime | None = None) -> guards.GuardRow:
        """A supervisor's code and PIN for a supervisor-only action (refusals audited)."""
        from guardpost import guards
        from guardpost.domain import GuardRole

        with contextlib.closing(self._read()) as conn:
            return guards.authorise(
                conn,
                code,
                pin,
                need=GuardRole.SUPERVISOR,
                action=action,
                where=self.settings.gate,
                now=now or self.now(),
            )

    def write_log(self, kind: LogKind, text: str, now: datetime | None = None, **fields: str | None) -> int:
        from guardpost import shifts

        self._writable()
        with contextlib.closing(self._read()) as conn:
            current = shifts.open_shift(conn, self.settings.gate)
            return shifts.write_log(
                conn,
                kind,
                text,
                gate=self.settings.gate,
                guard=self._guard(),
                shift_id=current.id if current else None,
                now=now or self.now(),
                **fields,
            )

    def open_incidents(self, now: datetime | None = None) -> list[shifts.LogRow]:
        from guardpost import shifts

        with contextlib.closing(self._read()) as conn:
            return shifts.open_incidents(conn, now or self.now())

    def close_incident(self, entry_id: int, now: datetime | None = None) -> None:
        from guardpost import shifts

        self._writable()
        with contextlib.closing(self._read()) as conn:
            shifts.close_incident(conn, entry_id, guard=self._guard(), now=now or self.now())

    def shift_logs(self) -> list[shifts.LogRow]:
        from guardpost import shifts

        with contextlib.closing(self._read()) as conn:
            current = shifts.open_shift(conn, self.settings.gate)
            return shifts.logs(conn, current.id) if current else []

    def start_round(self, now: datetime | None = None) -> int:
        from guardpost import shifts

        self._writable()
        with contextlib.closing(self._read()) as conn:
            current = shifts.open_shift(conn, self.settings.gate)
            return shifts.start_round(
                conn,
                gate=self.settings.gate,
                guard=self._guard(),
                shift_id=current.id if current else None,
                now=now or self.now(),
            )

    def check_point(self, checkpoint: str, how: str = "tick", now: datetime | None = None) -> str:
        from guardpost import shifts

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return shifts.check_point(
                conn,
                checkpoint,
                how=how,
                gate=self.settings.gate,
                settings=self.settings.shifts,
                now=now or self.now(),
            )

    def end_round(self, findings: str | None, now: datetime | None = None) -> shifts.Round:
        from guardpost import shifts

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return shifts.end_round(
                conn,
                gate=self.settings.gate,
                findings=findings,
                settings=self.settings.shifts,
                now=now or self.now(),
            )

    def current_round(self) -> shifts.Round | None:
        from guardpost import shifts

        with contextlib.closing(self._read()) as conn:
            return shifts.current_round(conn, self.settings.gate, self.settings.shifts)

    def reminders(self, now: datetime | None = None) -> list[Said]:
        from guardpost import shifts

        with contextlib.closing(self._read()) as conn:
            return shifts.reminders(conn, self.settings.gate, self.settings.shifts, now or self.now())

    def _report(self, summary: shifts.Summary, conn: sqlite3.Connection) -> Document:
        from guardpost import audit
        from guardpost.gates import gate_name
        from guardpost.i18n import current_language
        from guardpost.reports import shift as shift_report

        return shift_report.build(
            summary,
            lang=current_language(),
            compound=self.settings.compound.name,
            gate_name=gate_name(conn, summary.shift.gate_id),
            audit_head=audit.head(conn),
            now=self.now(),
        )

    def shift_text(self, summary: shifts.Summary) -> str:
        """The shift report as text, for the handover screen."""
        from guardpost.reports import document

        with contextlib.closing(self._read()) as conn:
            return document.text(self._report(summary, conn), footer=False)

    def file_shift_report(
        self, shift_id: int, *, always_print: bool = False, now: datetime | None = None
    ) -> str:
        """The shift's report as a PDF in ``prints/``, sent to the printer when one is configured
        (``print.printer``) or ``always_print``; what was done, in the guard's words. Raises
        GuardpostError when the file cannot be written or printing failed (the file is kept)."""
        from guardpost import printing, shifts
        from guardpost.i18n import t
        from guardpost.reports import check, document
        from guardpost.text import printable

        target = self._prints() / f"shift-{shift_id}.pdf"
        with contextlib.closing(self._read()) as conn:
            summary = shifts.summary(conn, shift_id, self.settings.shifts, now or self.now())
            doc = self._report(summary, conn)
            key = check.seal_key(conn)  # the compound's: report check tells a remade seal
        document.write(doc, "pdf", target, font=self.settings.print_font, seal_key=key)
        printer = self.settings.print_printer
        if not (printer or always_print):
            return t("report.written", path=printable(str(target)))
        try:
            job = printing.print_file(target, printer=printer, title=f"shift {shift_id}")
        except GuardpostError as exc:
            raise GuardpostError(
                "report.print_failed", None, path=printable(str(target)), why=exc.title()
            ) from exc
        return t("report.printed", path=printable(str(target)), printer=job.printer, job=job.job_id)

    def expected(self) -> list[visits.VisitRow]:
        """Visitors registered ahead who have not come yet, the soonest first."""
        from guardpost import visits

        with contextlib.closing(self._read()) as conn:
            return visits.list_visits(conn, status=VisitStatus.EXPECTED)

    def expect_visit(
        self, form: visits.VisitForm, *, asked_by: str, until: datetime | None, now: datetime | None = None
    ) -> visits.VisitResult:
        """A visitor registered ahead (the front desk's call), as ``guardpost visitors expect``."""
        from guardpost import visits

        self._writable()
        now = now or self.now()
        valid_from, valid_until = visits.expected_window(now, self.settings.visits, None, until)
        with contextlib.closing(self._read()) as conn:
            return visits.expect(
                conn,
                form,
                asked_by=asked_by,
                valid_from=valid_from,
                valid_until=valid_until,
                gate=self.settings.gate,
                settings=self.settings.visits,
                guard=self._guard(),
                now=now,
            )

    def block_entries(self) -> list[blocklist.BlockEntry]:
        from guardpost import blocklist

        with contextlib.closing(self._read()) as conn:
            return blocklist.entries(conn)

    def block(self, kind: BlockKind, value: str, *, reason: str, by: str, id_last4: str | None = None) -> int:
        from guardpost import blocklist

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return blocklist.add(conn, kind, value, reason=reason, by=by, id_last4=id_last4, now=self.now())

    def unblock(self, entry_id: int, *, by: str) -> None:
        from guardpost import blocklist

        self._writable()
        with contextlib.closing(self._read()) as conn:
            blocklist.remove(conn, entry_id, by=by, now=self.now())

    # --- from the writer ------------------------------------------------------------------------
    # --- issue 12: vehicles ---
    # The vehicle register (vehicles): a plate looked up, let in or out, an emergency vehicle at once.
    # Blocking: call from a worker. Each write on its own connection, like a registration.
    if TYPE_CHECKING:  # beside the methods that name it: the register loads with its first use
        from guardpost import vehicles
        from guardpost.policy.vehicles import VehicleCategory

    def vehicle_rules(self) -> vehicles.VehicleRules:
        from guardpost import vehicles

        return vehicles.VehicleRules.of(self.settings)

    def vehicle_lookup(self, plate: str, now: datetime | None = None) -> vehicles.PlateInfo:
        """A typed plate: registered? inside? blocked? (reads only; refused naming the plate)"""
        from guardpost import vehicles

        with contextlib.closing(self._read()) as conn:
            return vehicles.look_up(conn, plate, now or self.now())

    def vehicle_completions(self, text: str) -> list[str]:
        from guardpost import vehicles

        with contextlib.closing(self._read()) as conn:
            return vehicles.complete(conn, text)

    def vehicle_precheck(self, form: vehicles.VehicleForm) -> None:
        """The fields, before the host is asked or the vehicle disinfected (reads only)."""
        from guardpost import vehicles

        with contextlib.closing(self._read()) as conn:
            vehicles.clean(conn, form, lockdown.at_gate(conn, self.settings.gate).level)

    def vehicle_in(self, form: vehicles.VehicleForm, now: datetime | None = None) -> vehicles.Entered:
        from guardpost import vehicles

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return vehicles.enter(
                conn,
                form,
                gate=self.settings.gate,
                rules=self.vehicle_rules(),
                guard=self._guard(),
                now=now or self.now(),
            )

    def vehicle_emergency(self, plate: str = "", now: datetime | None = None) -> vehicles.Entered:
        """An emergency vehicle let in at once (one key); its details are completed afterwards."""
        from guardpost import vehicles

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return vehicles.emergency(
                conn,
                gate=self.settings.gate,
                rules=self.vehicle_rules(),
                plate=plate,
                guard=self._guard(),
                now=now or self.now(),
            )

    def complete_emergency(
        self, entry_id: int, details: vehicles.Details, now: datetime | None = None
    ) -> vehicles.InsideVehicle | None:
        from guardpost import vehicles

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return vehicles.complete_details(
                conn, entry_id, details, gate=self.settings.gate, guard=self._guard(), now=now or self.now()
            )

    def vehicle_leaving(
        self,
        plate: str = "",
        *,
        entry_id: int | None = None,
        category: VehicleCategory | None = None,
        now: datetime | None = None,
    ) -> vehicles.Leaving:
        """What letting a vehicle out would do now: its stay, the fee so far (reads only)."""
        from guardpost import vehicles

        with contextlib.closing(self._read()) as conn:
            return vehicles.leaving(
                conn,
                plate,
                gate=self.settings.gate,
                rules=self.vehicle_rules(),
                entry_id=entry_id,
                category=category,
                now=now or self.now(),
            )

    def vehicle_out(
        self,
        plate: str = "",
        *,
        entry_id: int | None = None,
        permit_returned: bool = True,
        category: VehicleCategory | None = None,
        now: datetime | None = None,
    ) -> vehicles.Left:
        from guardpost import vehicles

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return vehicles.leave(
                conn,
                plate,
                gate=self.settings.gate,
                rules=self.vehicle_rules(),
                entry_id=entry_id,
                permit_returned=permit_returned,
                category=category,
                guard=self._guard(),
                now=now or self.now(),
            )

    def vehicles_inside(self, now: datetime | None = None) -> list[vehicles.InsideVehicle]:
        from guardpost import vehicles

        with contextlib.closing(self._read()) as conn:
            return vehicles.inside(conn, now or self.now())

    def permits_free(self) -> int:
        from guardpost import vehicles

        with contextlib.closing(self._read()) as conn:
            return vehicles.permits_free(conn, self.vehicle_rules().permit_stock)

    def unreturned_permits(self, as_of: datetime | None = None) -> list[vehicles.OutPermit]:
        """The temporary parking permits not back (the handover lists them)."""
        from guardpost import vehicles

        with contextlib.closing(self._read()) as conn:
            return vehicles.unreturned_permits(conn, as_of or self.now())

    def vehicles_in_shift(self, start: datetime, end: datetime) -> vehicles.ShiftVehicles:
        """The vehicles of a shift at this gate (its report, the handover)."""
        from guardpost import vehicles

        with contextlib.closing(self._read()) as conn:
            return vehicles.shift_summary(conn, self.settings.gate, start, end)

    # --- issue 12: renovation ---
    def has_worker_photos(self) -> bool:
        """Whether any worker pass has a photo (the launcher asks the terminal about images only then)."""
        try:
            with contextlib.closing(self._read()) as conn:
                return (
                    conn.execute("SELECT 1 FROM worker_pass WHERE photo_ref IS NOT NULL LIMIT 1").fetchone()
                    is not None
                )
        except (sqlite3.Error, GuardpostError):
            return False

    def worker_pass(self, text: str, now: datetime | None = None) -> renovation.PassCheck:
        """A worker's pass looked up (reads only): the worker, the unit, the hours, the verdict."""
        from guardpost import renovation

        with contextlib.closing(self._read()) as conn:
            return renovation.check(
                conn,
                text,
                gate=self.settings.gate,
                now=now or self.now(),
                fever_threshold_c=self.settings.rules.fever_threshold_c,
            )

    def admit_worker(
        self, text: str, materials: list[Material], temperature: str = "", now: datetime | None = None
    ) -> renovation.Admission:
        """A worker on a pass, decided and stored (admitted or refused), with the materials seen."""
        from guardpost import renovation

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return renovation.admit(
                conn,
                text,
                gate=self.settings.gate,
                materials=materials,
                temperature=temperature,
                fever_threshold_c=self.settings.rules.fever_threshold_c,
                guard=self._guard(),
                now=now or self.now(),
            )

    def admit_worker_without_pass(
        self,
        *,
        name: str,
        phone: str,
        unit: str,
        front_desk_by: str,
        materials: list[Material],
        temperature: str = "",
        now: datetime | None = None,
    ) -> renovation.Admission:
        """A worker without a pass whom the owner announced by phoning the front desk."""
        from guardpost import renovation

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return renovation.admit_without_pass(
                conn,
                name=name,
                phone=phone,
                unit=unit,
                front_desk_by=front_desk_by,
                materials=materials,
                temperature=temperature,
                gate=self.settings.gate,
                settings=self.settings.visits,
                fever_threshold_c=self.settings.rules.fever_threshold_c,
                guard=self._guard(),
                now=now or self.now(),
            )

    def photo_file(self, photo_ref: str | None) -> Path | None:
        """A pass's photo as a file under the data folder (the booth's file's folder)."""
        from guardpost import renovation

        return renovation.photo_file(photo_ref, self.settings.db_path.parent)

    # --- issue 12: release slips ---
    # Items leaving (release_slips): the slip looked up, taken in, the owner after hours. Blocking:
    # call from a worker. Each write on its own connection, like a registration.
    if TYPE_CHECKING:  # beside the methods that name it: the register loads with its first use
        from guardpost import release_slips
        from guardpost.policy.items import ItemRules

    def item_rules(self) -> ItemRules:
        from guardpost import release_slips

        return release_slips.item_rules(self.settings.rules)

    def check_slip(self, text: str, now: datetime | None = None) -> release_slips.Checked:
        """What the slip a number names allows now (reads only)."""
        from guardpost import release_slips

        with contextlib.closing(self._read()) as conn:
            return release_slips.check(conn, text, now or self.now())

    def present_slip(self, text: str, now: datetime | None = None) -> release_slips.Checked:
        """What the slip shown allows; one that allows nothing is registered as refused, then raised."""
        from guardpost import release_slips

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return release_slips.present(
                conn,
                text,
                gate=self.settings.gate,
                guard=self._guard(),
                retention_years=self.settings.rules.release_slip_retention_years,
                now=now or self.now(),
            )

    def collect_slip(self, text: str, now: datetime | None = None) -> release_slips.Slip:
        """The slip taken in at this gate by the guard on duty (a refusal registered, then raised)."""
        from guardpost import release_slips

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return release_slips.collect(
                conn,
                text,
                gate=self.settings.gate,
                guard=self._guard(),
                retention_years=self.settings.rules.release_slip_retention_years,
                now=now or self.now(),
            )

    def card_seen(self, unit: str, now: datetime | None = None) -> release_slips.CardSeen | None:
        from guardpost import release_slips

        with contextlib.closing(self._read()) as conn:
            return release_slips.card_seen(conn, self.settings.gate, unit, now or self.now())

    def release_after_hours(
        self, unit: str, id_last4: str, items: str, now: datetime | None = None
    ) -> release_slips.AfterHours:
        from guardpost import release_slips

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return release_slips.release_after_hours(
                conn,
                unit=unit,
                id_last4=id_last4,
                items=items,
                rules=self.item_rules(),
                gate=self.settings.gate,
                guard=self._guard(),
                retention_years=self.settings.rules.release_slip_retention_years,
                now=now or self.now(),
            )

    def slips_in_shift(self, start: datetime, end: datetime) -> release_slips.ShiftSlips:
        """Items out at this gate in a shift (its report, the handover)."""
        from guardpost import release_slips

        with contextlib.closing(self._read()) as conn:
            return release_slips.shift_summary(conn, self.settings.gate, start, end)

    # --- issue 12: lockdown ---
    def lockdown_in_force(self) -> lockdown.InForce:
        with contextlib.closing(self._read()) as conn:
            return lockdown.at_gate(conn, self.settings.gate)

    def lockdown_history(self, limit: int = 50) -> list[lockdown.InForce]:
        with contextlib.closing(self._read()) as conn:
            return lockdown.history(conn, limit)

    def lockdown_who(self, ordered_by: str) -> str:
        with contextlib.closing(self._read()) as conn:
            return lockdown.who(conn, ordered_by)

    def gates(self) -> list[tuple[str, str, str, str]]:
        """The compound's gates: id, Chinese name, English name, kind."""
        with contextlib.closing(self._read()) as conn:
            rows = conn.execute("SELECT id, name_zh, name_en, kind FROM gate ORDER BY id").fetchall()
            return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]

    def set_lockdown(
        self,
        level: LockdownLevel,
        *,
        scope: tuple[str, ...],
        entrance: str | None,
        note: str | None,
        code: str,
        pin: str,
        now: datetime | None = None,
    ) -> int:
        """A supervisor orders a level (code and PIN checked, refusals audited); every booth's
        follower sees the new row at its next look at the file, this one's too."""
        self._writable()
        with contextlib.closing(self._read()) as conn:
            return lockdown.set_level(
                conn,
                level,
                scope=scope,
                entrance=entrance,
                note=note,
                code=code,
                pin=pin,
                where=self.settings.gate,
                now=now or self.now(),
            )

    # --- issue 12: quarantine ---
    if TYPE_CHECKING:  # beside the methods that name it: the register loads with its first use
        from datetime import date

        from guardpost import quarantine

    def quarantine_ledger(self, now: datetime | None = None) -> list[quarantine.HouseholdDay]:
        """The households on the ledger, each person's two readings of today."""
        from guardpost import quarantine

        with contextlib.closing(self._read()) as conn:
            return quarantine.ledger(conn, now or self.now())

    def quarantine_residents(self, unit: str) -> quarantine.UnitResidents:
        """A unit to put on the ledger and its residents to choose from (refused: no such unit, or
        on the ledger already)."""
        from guardpost import quarantine

        with contextlib.closing(self._read()) as conn:
            return quarantine.unit_residents(conn, unit, self.now().date())

    def add_quarantine(
        self,
        unit: str,
        *,
        residents: tuple[int, ...],
        others: tuple[str, ...],
        starts_on: date,
        ends_on: date,
        note: str | None,
        code: str,
        pin: str,
        now: datetime | None = None,
    ) -> int:
        """A squad leader or supervisor puts a household on the ledger (code and PIN checked)."""
        from guardpost import quarantine

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return quarantine.add(
                conn,
                unit,
                residents=residents,
                others=others,
                starts_on=starts_on,
                ends_on=ends_on,
                note=note,
                code=code,
                pin=pin,
                where=self.settings.gate,
                now=now or self.now(),
            )

    def end_quarantine(
        self, household_id: int, *, code: str, pin: str, now: datetime | None = None
    ) -> quarantine.Household:
        from guardpost import quarantine

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return quarantine.end(
                conn, household_id, code=code, pin=pin, where=self.settings.gate, now=now or self.now()
            )

    def record_quarantine(
        self, member_id: int, text: str, now: datetime | None = None
    ) -> quarantine.Recorded:
        """A reading of a person on the ledger, by the guard on duty at this gate; a fever rings in
        the banner when the follower brings its alarm in (as a fever at the gate does)."""
        from guardpost import quarantine

        self._writable()
        with contextlib.closing(self._read()) as conn:
            return quarantine.record(
                conn,
                member_id,
                text,
                gate=self.settings.gate,
                threshold_c=self.settings.rules.fever_threshold_c,
                guard=self._guard(),
                now=now or self.now(),
            )

    def _stored(self, swipe: Swipe, read_ns: int) -> None:
        self._listener.swipe(swipe, read_ns)
        if self.board.add(swipe):
            self._listener.alarms(self.board.open())

    def _ack_stored(self, event_id: int, error: str | None) -> None:
        alarm = self.board.get(event_id)
        taken = self.board.end_ack(event_id, error is None)
        if error is not None:
            if alarm is not None:
                self._listener.acknowledge_failed(alarm, error)
            return
        if taken is not None:
            self._listener.acknowledged(taken)
        self._listener.alarms(self.board.open())

    # --- the file follower ------------------------------------------------------------------------
    def _follow(self) -> None:
        conn: sqlite3.Connection | None = None
        version = None
        while not self._stop.wait(FOLLOW_SECONDS):
            try:
                if conn is None:
                    conn = self._read()
                    conn.execute("PRAGMA cache_size = -256")  # it reads a few new rows at a time
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now != version:
                    version = now
                    self._catch_up(conn)
            except sqlite3.Error:  # the file is busy or went away for a moment: try again
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    def _sign_out_at_closing(self) -> None:
        """Visitors still inside at the closing time are signed out (marked as automatic); checked
        every minute, and soon after the start for a booth started after a closing it did not see
        (not at once: the first frame and the first swipes come first)."""
        if self._stop.wait(CLOSING_FIRST_SECONDS):
            return
        from guardpost import visits  # after the wait: its imports must not slow the first frame

        while True:
            try:
                with contextlib.closing(self._read()) as conn:
                    visits.auto_sign_out(conn, self.settings.visits, self.now())
            except sqlite3.Error:
                pass  # busy or away for a moment: the next minute tries again
            if self._stop.wait(CLOSING_CHECK_SECONDS):
                return

    def _catch_up(self, conn: sqlite3.Connection) -> None:
        changed = False
        pipeline = self.pipeline
        while True:
            # the new ids first (the primary key only): the rows this booth wrote are shown already
            ids = events.ids_after(conn, self._last_id)
            if not ids:
                break
            self._last_id = ids[-1]
            others = [i for i in ids if pipeline is None or not pipeline.is_mine(i)]
            for swipe in events.by_ids(conn, others):
                if swipe.gate_id != self.settings.gate:
                    continue  # another gate's booth shows it (and answers its alarms)
                self._listener.swipe(swipe, 0)
                changed |= self.board.add(swipe)
        acked = events.acknowledged(conn, self.board.ids())
        changed |= self.board.remove({i for i in acked if not self.board.pending(i)})
        if changed:
            self._listener.alarms(self.board.open())
        state = self.state
        if state is not None:
            here = lockdown.at_gate(conn, state.gate_id)
            level, shut = here.level, here.shut
            # signed in by PIN, the guard on duty is who signed in here; else the file says who
            login = self.settings.shifts.login
            guard = state.guard if login else guard_on_duty(conn, state.gate_id, self.settings.booth.guard)
            if level != state.level or shut != state.shut or guard != state.guard:
                self.state = replace(state, level=level, shut=shut, guard=guard)
                if self.pipeline is not None and guard != state.guard:
                    self.pipeline.set_guard(guard)
                self._listener.state(self.state)


class _Silent:
    """The listener before ``open``: nothing to tell anyone yet."""

    def swipe(self, swipe: Swipe, read_ns: int) -> None:
        pass

    def not_saved(self, read: CardRead, error: NotSaved, waiting: int) -> None:
        pass

    def all_saved(self, stored: int) -> None:
        pass

    def alarms(self, open_alarms: list[Swipe]) -> None:
        pass

    def acknowledged(self, alarm: Swipe) -> None:
        pass

    def acknowledge_failed(self, alarm: Swipe, error: str) -> None:
        pass

    def state(self, state: BoothState) -> None:
        pass

    def reader(self, status: ReaderStatus) -> None:
        pass

    def pass_used(self, use: visits.PassUse) -> None:
        pass

    def pass_refused(self, refusal: GuardpostError, lane: Lane) -> None:
        pass

    def failed(self, exc: BaseException) -> None:
        pass

    def checkpoint(self, code: str | None, refusal: GuardpostError | None) -> None:
        pass

    def worker_pass(self, text: str) -> None:
        pass


class _PipelineBridge:
    """The writer's listener: stored events go on the board and to the screen."""

    def __init__(self, booth: Booth) -> None:
        self.booth = booth

    def on_swipe(self, swipe: Swipe, read_ns: int) -> None:
        self.booth._stored(swipe, read_ns)

    def on_not_saved(self, read: CardRead, error: NotSaved, waiting: int) -> None:
        self.booth._listener.not_saved(read, error, waiting)

    def on_all_saved(self, stored: int) -> None:
        self.booth._listener.all_saved(stored)

    def on_acknowledged(self, event_id: int, error: str | None) -> None:
        self.booth._ack_stored(event_id, error)

    def on_error(self, exc: BaseException) -> None:
        self.booth._listener.failed(exc)
