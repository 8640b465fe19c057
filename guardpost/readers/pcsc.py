"""PC/SC contactless readers (USB CCID readers through ``pcscd``), read with pyscard's low-level API.

One loop over ``SCardGetStatusChange`` watches every reader plus the ``\\\\?PnP?\\Notification``
pseudo-reader (hot-plug). pyscard's ``CardMonitor`` is not used: its thread dies for good when pcscd
stops, and it tells cards apart by (reader, ATR), which all MIFARE 1K cards share. Here a card is
"newly present" when the reader goes from empty to present or when pcsc-lite's event counter (high
16 bits of the reader state) moves while a card is present, so a card left on the reader is one read.

When pcscd goes away the context is released and re-established every ~0.5 s; the status reads
``no_reader`` ("pcscd not running") meanwhile.

UID: GET DATA (``FF CA 00 00 00``, PC/SC part 3); a card that does not answer it with ``90 00`` falls
back to its ATR's historical bytes when they are 4, 7 or 10 bytes long (ISO 14443-4 cards whose
reader puts the UID there); otherwise the status becomes ``error`` until the card is taken off.

Every presentation is reported; the one debounce of the booth (the same card again within
``reader.debounce_ms`` is one swipe) is applied by the pipeline, whatever the reader.

Status details are catalogue messages (``reader.pcsc.*``), so the header speaks the guard's language;
pcsc-lite's own error texts are passed along as their parameters.

``pyscard`` is optional (extra ``pcsc``): without it ``run`` reports ``error`` / "pyscard not
installed" and returns once ``stop`` is set.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from guardpost.domain import CardRead, Lane, ReaderState, ReaderStatus, Said
from guardpost.i18n import t
from guardpost.readers.base import OnRead, OnStatus

log = logging.getLogger(__name__)

PNP_READER = "\\\\?PnP?\\Notification"
GET_DATA_UID = [0xFF, 0xCA, 0x00, 0x00, 0x00]
UID_LENGTHS = (4, 7, 10)
RETRY_CONTEXT_S = 0.5
RELIST_EMPTY_S = 1.0  # with no reader, list again this often even if no PnP event arrives
MAX_ATTEMPTS = 3  # read attempts per presentation on errors other than "card removed"

# Codes looked up by name so a missing constant never breaks the import.
_SERVICE_GONE = (
    "SCARD_E_NO_SERVICE",
    "SCARD_E_SERVICE_STOPPED",
    "SCARD_F_COMM_ERROR",
    "SCARD_E_INVALID_HANDLE",
    "SCARD_E_UNKNOWN_RES_MNG",
    "SCARD_E_SYSTEM_CANCELLED",
)
_CARD_GONE = ("SCARD_W_REMOVED_CARD", "SCARD_E_NO_SMARTCARD")


def _load_scard() -> Any | None:
    try:
        from smartcard import scard
    except Exception:  # ImportError, or libpcsclite missing at load time
        return None
    return scard


def historical_bytes(atr: bytes) -> bytes | None:
    """The historical bytes of an ATR (ISO 7816-3), or None when the ATR is malformed."""
    if len(atr) < 2:
        return None
    count, y, i = atr[1] & 0x0F, atr[1] >> 4, 2
    while True:
        i += bin(y & 0x7).count("1")  # TAi, TBi, TCi
        if not y & 0x8:
            break
        if i >= len(atr):
            return None
        y, i = atr[i] >> 4, i + 1  # TDi
    hist = atr[i : i + count]
    return hist if len(hist) == count else None


@dataclass
class _Slot:
    """What the loop knows about one watched reader."""

    lane: Lane
    present: bool = False
    counter: int = -1
    atr: bytes = b""
    presentation: int = 0  # bumped on every new card presentation
    handled: int = 0  # the presentation last dealt with (read, ignored or given up)
    attempts: int = 0
    problem: Said | None = None  # why the card now on the reader could not be read


_Outcome = Literal["read", "no_uid", "card_gone", "failed", "service_gone"]


class PcscReader:
    """Every PC/SC reader on the machine, each mapped to a lane ("in"/"out")."""

    def __init__(
        self,
        lanes: Mapping[str, Lane] | None = None,
        poll_timeout_ms: int = 250,
    ) -> None:
        self.name = "pcsc"
        self.lanes: dict[str, Lane] | None = dict(lanes) if lanes is not None else None
        self.poll_timeout_ms = poll_timeout_ms

    # -- public ------------------------------------------------------------------------------------
    def run(self, on_read: OnRead, on_status: OnStatus, stop: threading.Event) -> None:
        loop = _Loop(self, on_read, on_status, stop)
        try:
            loop.run()
        except Exception as exc:  # never raise out of run()
            log.exception("PC/SC reader loop failed")
            loop.status(ReaderState.ERROR, Said("readers.pcsc.failed", error=repr(exc)))
        finally:
            loop.status(ReaderState.STOPPED, None)

    def assign_lanes(self, readers: list[str]) -> dict[str, Lane]:
        """Reader name -> lane for the readers this reader watches (others are ignored)."""
        if self.lanes is None:
            order: tuple[Lane, ...] = (Lane.IN, Lane.OUT)
            return dict(zip(sorted(readers), order, strict=False))
        out: dict[str, Lane] = {}
        for reader in sorted(readers):
            for fragment, lane in self.lanes.items():
                if fragment in reader:
                    out[reader] = lane
                    break
        return out


class _Loop:
    """One ``run`` call: the context, the watched readers and the debounce memory."""

    def __init__(self, owner: PcscReader, on_read: OnRead, on_status: OnStatus, stop: threading.Event):
        self.owner, self.on_read, self.on_status, self.stop = owner, on_read, on_status, stop
        self.sc: Any = None
        self.last_status: tuple[ReaderState, Said | None] | None = None
        self.slots: dict[str, _Slot] = {}
        self.pnp_state = 0

    # -- callbacks ---------------------------------------------------------------------------------
    def status(self, state: ReaderState, detail: Said | None) -> None:
        if (state, detail) == self.last_status:
            return
        self.last_status = (state, detail)
        log.info("PC/SC status %s: %s", state, detail)
        try:
            self.on_status(ReaderStatus(self.owner.name, state, detail))
        except Exception:
            log.exception("on_status callback failed")

    def emit(self, read: CardRead) -> None:
        try:
            self.on_read(read)
        except Exception:
            log.exception("on_read callback failed")

    def code(self, name: str) -> int:
        return int(getattr(self.sc, name, -1))

    def codes(self, names: tuple[str, ...]) -> set[int]:
        return {self.code(n) for n in names}

    def message(self, hresult: int) -> str:
        try:
            return f"{str(self.sc.SCardGetErrorMessage(hresult)).rstrip('.')} (0x{hresult & 0xFFFFFFFF:08X})"
        except Exception:
            return f"0x{hresult & 0xFFFFFFFF:08X}"

    # -- the loop ----------------------------------------------------------------------------------
    def run(self) -> None:
        self.sc = _load_scard()
        if self.sc is None:
            self.status(ReaderState.ERROR, Said("readers.pcsc.no_pyscard"))
            self.stop.wait()
            return
        while not self.stop.is_set():
            try:
                self.session()
            except Exception as exc:
                log.exception("PC/SC session failed")
                self.status(ReaderState.ERROR, Said("readers.pcsc.failed", error=repr(exc)))
            self.stop.wait(RETRY_CONTEXT_S)

    def session(self) -> None:
        """One PC/SC context, from establishing it until pcscd goes away or ``stop`` is set."""
        sc = self.sc
        hresult, context = sc.SCardEstablishContext(sc.SCARD_SCOPE_USER)
        if hresult != sc.SCARD_S_SUCCESS:
            if hresult in self.codes(_SERVICE_GONE):
                self.status(ReaderState.NO_READER, Said("readers.pcsc.no_service"))
            else:
                self.status(ReaderState.ERROR, Said("readers.pcsc.unreachable", error=self.message(hresult)))
            return
        self.pnp_state = 0
        self.slots = {}  # a new context (pcscd restarted?): a card now on a reader counts as new
        try:
            while not self.stop.is_set():
                if not self.watch(context):
                    return
        finally:
            sc.SCardReleaseContext(context)

    def list_readers(self, context: Any) -> list[str] | None:
        sc = self.sc
        hresult, readers = sc.SCardListReaders(context, [])
        if hresult == self.code("SCARD_E_NO_READERS_AVAILABLE"):
            return []
        if hresult != sc.SCARD_S_SUCCESS:
            log.info("SCardListReaders: %s", self.message(hresult))
            return None
        return [str(r) for r in readers]

    def watch(self, context: Any) -> bool:
        """Watch the current set of readers until it changes (True) or the context is lost (False)."""
        sc = self.sc
        readers = self.list_readers(context)
        if readers is None:
            return False
        lanes = self.owner.assign_lanes(readers)
        self.slots = {r: self.slots.get(r) or _Slot(lane) for r, lane in lanes.items()}
        for reader, lane in lanes.items():
            self.slots[reader].lane = lane
        self.report_readers(readers)
        states: list[tuple[Any, ...]] = [
            (r, (s.counter << 16) | (sc.SCARD_STATE_PRESENT if s.present else sc.SCARD_STATE_EMPTY))
            if s.counter >= 0
            else (r, sc.SCARD_STATE_UNAWARE)
            for r, s in self.slots.items()
        ]
        states.append((PNP_READER, self.pnp_state))
        listed_at = time.monotonic()
        timeouts = self.codes(("SCARD_E_TIMEOUT", "SCARD_E_CANCELLED"))
        while not self.stop.is_set():
            hresult, new_states = sc.SCardGetStatusChange(context, self.owner.poll_timeout_ms, states)
            if hresult in timeouts:
                if not self.slots and time.monotonic() - listed_at > RELIST_EMPTY_S:
                    return True
                if not self.retry_pending(context):
                    return False
                continue
            if hresult == self.code("SCARD_E_UNKNOWN_READER"):
                return True  # a reader went away between listing and watching
            if hresult != sc.SCARD_S_SUCCESS:
                log.info("SCardGetStatusChange: %s", self.message(hresult))
                if hresult not in self.codes(_SERVICE_GONE):
                    self.status(ReaderState.ERROR, Said("readers.pcsc.error", error=self.message(hresult)))
                return False
            relist = False
            states = []
            for reader, event, atr in new_states:
                event = int(event)
                states.append((reader, event & ~sc.SCARD_STATE_CHANGED, atr))
                if reader == PNP_READER:
                    if event & sc.SCARD_STATE_CHANGED:
                        relist = True
                    self.pnp_state = event & ~sc.SCARD_STATE_CHANGED
                elif reader in self.slots:
                    if event & (sc.SCARD_STATE_UNKNOWN | sc.SCARD_STATE_IGNORE):
                        relist = True
                    else:
                        self.observe(self.slots[reader], event, bytes(atr))
            if not self.retry_pending(context):
                return False
            if relist:
                if sorted(self.list_readers(context) or []) == sorted(readers):
                    self.stop.wait(0.05)  # never spin on a notification that changes nothing
                return True
        return True

    def observe(self, slot: _Slot, event: int, atr: bytes) -> None:
        sc = self.sc
        present = bool(event & sc.SCARD_STATE_PRESENT)
        counter = (event >> 16) & 0xFFFF
        if present and (not slot.present or counter != slot.counter):
            slot.presentation += 1
            slot.attempts = 0
            slot.problem = None
        if not present:
            slot.problem = None
        slot.present, slot.counter, slot.atr = present, counter, atr

    def retry_pending(self, context: Any) -> bool:
        """Read every card not yet dealt with; then report the status. False: pcscd went away."""
        for reader, slot in self.slots.items():
            if not slot.present or slot.handled == slot.presentation:
                continue
            if self.read_card(context, reader, slot) == "service_gone":
                return False
        self.report_cards()
        return True

    # -- one card ----------------------------------------------------------------------------------
    def read_card(self, context: Any, reader: str, slot: _Slot) -> _Outcome:
        slot.attempts += 1
        outcome, value = self.fetch_uid(context, reader, slot)
        if outcome == "read":
            slot.handled = slot.presentation
            self.emit(CardRead(reader=reader, lane=slot.lane, uid=value, read_ns=time.monotonic_ns()))
        elif outcome == "no_uid":
            slot.handled = slot.presentation
            slot.problem = Said("readers.pcsc.no_uid", lane=t(f"lane.{slot.lane}"), detail=value)
        elif outcome == "card_gone":
            slot.handled = slot.presentation
            log.debug("card left %s during the read: %s", reader, value)
        elif outcome == "failed":
            log.info("reading the card on %s failed (attempt %d): %s", reader, slot.attempts, value)
            if slot.attempts >= MAX_ATTEMPTS:
                slot.handled = slot.presentation
                slot.problem = Said(
                    "readers.pcsc.unreadable", lane=t(f"lane.{slot.lane}"), reader=reader, error=value
                )
        return outcome

    def fetch_uid(self, context: Any, reader: str, slot: _Slot) -> tuple[_Outcome, str]:
        sc = self.sc
        protocols = sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1
        hresult, card, protocol = sc.SCardConnect(context, reader, sc.SCARD_SHARE_SHARED, protocols)
        if hresult != sc.SCARD_S_SUCCESS:
            return self.classify(hresult), self.message(hresult)
        try:
            pci = {sc.SCARD_PROTOCOL_T0: sc.SCARD_PCI_T0, sc.SCARD_PROTOCOL_T1: sc.SCARD_PCI_T1}.get(
                protocol, sc.SCARD_PCI_RAW
            )
            apdu = GET_DATA_UID
            for _ in range(3):
                hresult, response = sc.SCardTransmit(card, pci, apdu)
                if hresult != sc.SCARD_S_SUCCESS:
                    return self.classify(hresult), self.message(hresult)
                data = bytes(response)
                if len(data) == 2 and data[0] == 0x6C:  # T=0: wrong Le, the card says which
                    apdu = [*GET_DATA_UID[:4], data[1]]
                elif len(data) == 2 and data[0] == 0x61:  # T=0: fetch with GET RESPONSE
                    apdu = [0x00, 0xC0, 0x00, 0x00, data[1]]
                else:
                    break
            if len(data) > 2 and data[-2:] == b"\x90\x00":
                return "read", data[:-2].hex().upper()
            sw = data[-2:].hex(" ").upper() if len(data) >= 2 else "nothing"
            atr = slot.atr
            if not atr:
                status = sc.SCardStatus(card)
                atr = bytes(status[4]) if status[0] == sc.SCARD_S_SUCCESS else b""
            hist = historical_bytes(atr)
            if hist is not None and len(hist) in UID_LENGTHS:
                return "read", hist.hex().upper()
            n = "no" if hist is None else f"{len(hist)}"
            return "no_uid", f"GET DATA {sw}, ATR {n}"
        finally:
            sc.SCardDisconnect(card, sc.SCARD_LEAVE_CARD)

    def classify(self, hresult: int) -> _Outcome:
        if hresult in self.codes(_SERVICE_GONE):
            return "service_gone"
        if hresult in self.codes(_CARD_GONE):
            return "card_gone"
        return "failed"

    # -- status ------------------------------------------------------------------------------------
    def report_readers(self, readers: list[str]) -> None:
        if not readers:
            self.status(ReaderState.NO_READER, Said("readers.pcsc.none_connected"))
        elif not self.slots:
            wanted = ", ".join(repr(k) for k in self.owner.lanes or {})
            self.status(
                ReaderState.NO_READER,
                Said("readers.pcsc.none_matches", wanted=wanted, connected=", ".join(sorted(readers))),
            )
        else:
            self.report_cards()

    def report_cards(self) -> None:
        if not self.slots:
            return
        problems = [s.problem for s in self.slots.values() if s.present and s.problem is not None]
        if problems:
            self.status(ReaderState.ERROR, problems[0])
        else:
            lanes = "; ".join(f"{s.lane}: {r}" for r, s in self.slots.items())
            self.status(ReaderState.CONNECTED, Said("readers.pcsc.lanes", lanes=lanes))
