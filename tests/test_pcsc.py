"""PcscReader against a real pcscd with the vpcd virtual readers and emulated cards.

pcscd polls the virtual reader every 400 ms: every wait here is for an event with a timeout, and a
card stays on the reader until its read arrives (a tap shorter than one poll can be missed).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pcscd_fixture import Pcscd, pcscd  # noqa: F401  (session fixture)
from vpcd_card import MIFARE_1K_ATR, VirtualCard, atr_with_historical

from guardpost.readers import pcsc
from guardpost.readers.base import CardRead, ReaderStatus
from guardpost.readers.pcsc import PcscReader, historical_bytes

SLOT0, SLOT1 = 35963, 35964
READ_TIMEOUT = 3.0  # one poll is 0.4 s; generous for loaded CI machines


class Events:
    """Collects what a running PcscReader reports; waits for it with timeouts."""

    def __init__(self) -> None:
        self.reads: queue.Queue[CardRead] = queue.Queue()
        self.statuses: list[ReaderStatus] = []
        self._cond = threading.Condition()

    def on_read(self, read: CardRead) -> None:
        self.reads.put(read)

    def on_status(self, status: ReaderStatus) -> None:
        with self._cond:
            self.statuses.append(status)
            self._cond.notify_all()

    def next_read(self, timeout: float = READ_TIMEOUT) -> CardRead:
        try:
            return self.reads.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no card read within {timeout} s; statuses: {self.statuses}") from None

    def assert_no_read(self, within: float) -> None:
        try:
            read = self.reads.get(timeout=within)
        except queue.Empty:
            return
        raise AssertionError(f"unexpected read {read}")

    def wait_status(
        self, state: str, contains: str = "", since: int = 0, timeout: float = READ_TIMEOUT
    ) -> ReaderStatus:
        def found() -> ReaderStatus | None:
            for s in self.statuses[since:]:
                if s.state == state and contains in _detail(s):
                    return s
            return None

        with self._cond:
            if not self._cond.wait_for(lambda: found() is not None, timeout):
                raise AssertionError(f"no status {state!r} ({contains!r}) in {self.statuses[since:]}")
            result = found()
            assert result is not None
            return result

    @property
    def mark(self) -> int:
        with self._cond:
            return len(self.statuses)


Runner = Callable[..., Events]


def _detail(status: ReaderStatus) -> str:
    """The status detail as the header would show it in English."""
    return status.detail.text("en") if status.detail is not None else ""


@pytest.fixture
def run_reader(pcscd: Pcscd) -> Iterator[Runner]:  # noqa: F811
    """Start PcscReader(**kwargs) on a thread and wait for status ``expect``; at the end, stop it
    and check that it returns promptly."""
    started: list[tuple[threading.Thread, threading.Event]] = []

    def start(expect: str = "connected", **kwargs: Any) -> Events:
        if expect == "connected":
            pcscd.start()  # a previous test may have stopped it
        events, stop = Events(), threading.Event()
        reader = PcscReader(**kwargs)
        thread = threading.Thread(
            target=reader.run, args=(events.on_read, events.on_status, stop), daemon=True
        )
        thread.start()
        started.append((thread, stop))
        events.wait_status(expect)
        return events

    yield start
    for thread, stop in started:
        t0 = time.monotonic()
        stop.set()
        thread.join(5)
        assert not thread.is_alive(), "PcscReader.run did not return after stop"
        assert time.monotonic() - t0 < 1.0, "PcscReader.run took more than 1 s to return"


def uid(hex_: str) -> bytes:
    return bytes.fromhex(hex_)


# -- without pcscd -------------------------------------------------------------------------------------


def test_historical_bytes() -> None:
    assert historical_bytes(atr_with_historical(uid("01020304"))) == uid("01020304")
    assert historical_bytes(MIFARE_1K_ATR) == bytes.fromhex("804F0CA00000030603000100000000")
    assert historical_bytes(bytes.fromhex("3B00")) == b""
    assert historical_bytes(bytes.fromhex("3B8F80")) is None  # truncated
    assert historical_bytes(b"\x3b") is None


def test_lanes() -> None:
    readers = ["Virtual PCD 00 01", "Virtual PCD 00 00", "Other 00"]
    assert PcscReader().assign_lanes(readers) == {"Other 00": "in", "Virtual PCD 00 00": "out"}
    assert PcscReader().assign_lanes(readers[:2]) == {"Virtual PCD 00 00": "in", "Virtual PCD 00 01": "out"}
    custom = PcscReader(lanes={"00 01": "in", "00 00": "out"})
    assert custom.assign_lanes(readers) == {"Virtual PCD 00 00": "out", "Virtual PCD 00 01": "in"}


def test_without_pyscard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pcsc, "_load_scard", lambda: None)
    events, stop = Events(), threading.Event()
    thread = threading.Thread(target=PcscReader().run, args=(events.on_read, events.on_status, stop))
    thread.start()
    events.wait_status("error", "pyscard is not installed")
    stop.set()
    thread.join(1.0)
    assert not thread.is_alive()
    assert events.statuses[-1].state == "stopped"


# -- against pcscd + vpcd -------------------------------------------------------------------------------


@pytest.mark.pcsc
def test_three_cards_in_sequence(run_reader: Runner) -> None:
    events = run_reader()
    assert _detail(events.statuses[-1]) == "in: Virtual PCD 00 00; out: Virtual PCD 00 01"
    uids = ["04A1B2C3D4E5F6", "DEADBEEF", "0102030405060708090A"]
    latencies = []
    for u in uids:
        with VirtualCard(uid(u), SLOT0):
            t0 = time.monotonic_ns()
            read = events.next_read()
            latencies.append((read.read_ns - t0) / 1e6)
        assert (read.uid, read.lane, read.reader) == (u, "in", "Virtual PCD 00 00")
    events.assert_no_read(within=0.6)
    print(f"tap-to-read latency (ms): {', '.join(f'{ms:.0f}' for ms in latencies)}")


@pytest.mark.pcsc
def test_two_slots_at_once(run_reader: Runner) -> None:
    events = run_reader()
    with VirtualCard(uid("AA000001"), SLOT0), VirtualCard(uid("BB000002"), SLOT1):
        reads = {r.uid: r for r in (events.next_read(), events.next_read())}
    assert reads["AA000001"].lane == "in" and reads["AA000001"].reader == "Virtual PCD 00 00"
    assert reads["BB000002"].lane == "out" and reads["BB000002"].reader == "Virtual PCD 00 01"
    events.assert_no_read(within=0.6)


@pytest.mark.pcsc
def test_lanes_mapping_swapped(run_reader: Runner) -> None:
    events = run_reader(lanes={"00 00": "out", "00 01": "in"})
    with VirtualCard(uid("CC000003"), SLOT0):
        assert events.next_read().lane == "out"


@pytest.mark.pcsc
def test_card_left_on_reader_is_one_read(run_reader: Runner) -> None:
    events = run_reader()
    card = VirtualCard(uid("11223344"), SLOT0)
    with card:
        first = events.next_read()
        events.assert_no_read(within=3.0)  # left on the reader: no stream of reads
    with card:  # taken off and presented again: a new presentation
        second = events.next_read()
    assert first.uid == second.uid == "11223344"
    assert (second.read_ns - first.read_ns) / 1e9 > 3.0


@pytest.mark.pcsc
def test_every_presentation_is_reported_and_the_pipeline_debounces(run_reader: Runner) -> None:
    """The reader reports each presentation; the booth's one debounce (``pipeline.Debounce``, on
    ``reader.debounce_ms``) makes a quick re-tap one swipe, whatever the reader."""
    from guardpost.pipeline import Debounce

    events = run_reader()
    card = VirtualCard(uid("55667788"), SLOT0)
    with card:
        first = events.next_read()
    with card:  # back on the reader at once
        again = events.next_read()
    other = VirtualCard(uid("99AABBCC"), SLOT0)
    with other:
        third = events.next_read()
    debounce = Debounce(4000)
    counted = [not debounce.is_repeat(r.uid or "", r.lane, r.read_ns) for r in (first, again, third)]
    assert counted == [True, False, True]  # the re-tap within 4 s is the same swipe; another card is not


@pytest.mark.pcsc
def test_card_without_get_data(run_reader: Runner) -> None:
    events = run_reader()
    # a MIFARE 1K ATR has 15 historical bytes: no UID anywhere -> error status, no read
    mark = events.mark
    mute = VirtualCard(uid("01020304"), SLOT0, answers_get_data=False)
    with mute:
        status = events.wait_status("error", "gives no UID", since=mark)
        events.assert_no_read(within=0.5)
    assert "GET DATA 6A 81" in _detail(status)
    assert mute.apdus == [bytes.fromhex("FFCA000000")]
    events.wait_status("connected", since=mark + 1)  # card taken off: back to normal
    # a card whose ATR carries a 4-byte UID in its historical bytes: read from the ATR
    atr_card = VirtualCard(
        uid("01020304"), SLOT0, answers_get_data=False, atr=atr_with_historical(uid("A1B2C3D4"))
    )
    with atr_card:
        assert events.next_read().uid == "A1B2C3D4"
    with VirtualCard(uid("0A0B0C0D"), SLOT0):  # and the reader goes on normally
        assert events.next_read().uid == "0A0B0C0D"


@pytest.mark.pcsc
def test_pcscd_restart(run_reader: Runner, pcscd: Pcscd) -> None:  # noqa: F811
    events = run_reader()
    mark = events.mark
    pcscd.stop()
    events.wait_status("no_reader", "pcscd is not running", since=mark)
    mark = events.mark
    pcscd.start()
    t0 = time.monotonic()
    events.wait_status("connected", "in: Virtual PCD 00 00", since=mark)
    reconnect_s = time.monotonic() - t0
    assert reconnect_s < 1.5, f"reconnected {reconnect_s:.2f} s after pcscd listed its readers"
    with VirtualCard(uid("F00DCAFE"), SLOT0):
        assert events.next_read().uid == "F00DCAFE"
    print(f"reconnected {reconnect_s * 1000:.0f} ms after pcscd was back")


@pytest.mark.pcsc
def test_no_reader_then_readers(run_reader: Runner, pcscd: Pcscd, tmp_path: Path) -> None:  # noqa: F811
    events = run_reader()
    mark = events.mark
    assert pcscd.start(config_dir=tmp_path) == []  # restarts pcscd with no reader configured
    events.wait_status("no_reader", "no reader connected", since=mark)
    mark = events.mark
    pcscd.start()
    events.wait_status("connected", "in: Virtual PCD 00 00", since=mark)
    with VirtualCard(uid("0BADF00D"), SLOT0):
        assert events.next_read().uid == "0BADF00D"


@pytest.mark.pcsc
def test_started_before_pcscd(run_reader: Runner, pcscd: Pcscd) -> None:  # noqa: F811
    pcscd.stop()
    events = run_reader(expect="no_reader")
    assert _detail(events.statuses[0]) == "pcscd is not running"
    mark = events.mark
    pcscd.start()
    events.wait_status("connected", since=mark)
    with VirtualCard(uid("C0FFEE00"), SLOT0):
        assert events.next_read().uid == "C0FFEE00"


class WrongLeCard(VirtualCard):
    """A card that wants the exact Le (T=0 style): 6C 04, then the UID."""

    def respond(self, apdu: bytes) -> bytes:
        if apdu == bytes.fromhex("FFCA000000"):
            return bytes([0x6C, len(self.uid)])
        if apdu == bytes.fromhex("FFCA0000") + bytes([len(self.uid)]):
            return self.uid + b"\x90\x00"
        return b"\x6a\x81"


@pytest.mark.pcsc
def test_get_data_with_exact_le(run_reader: Runner) -> None:
    events = run_reader()
    card = WrongLeCard(uid("12345678"), SLOT1)
    with card:
        read = events.next_read()
    assert (read.uid, read.lane) == ("12345678", "out")
    assert card.apdus == [bytes.fromhex("FFCA000000"), bytes.fromhex("FFCA000004")]
