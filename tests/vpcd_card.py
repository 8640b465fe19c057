"""A contactless card on a vsmartcard ``vpcd`` slot, emulated with the standard library.

vpcd (a pcscd driver) listens on TCP 35963 (slot 0, "Virtual PCD 00 00") and 35964 (slot 1); a
connected socket is a card on the reader. Every message is a 2-byte big-endian length plus payload;
a 1-byte payload is a control code (0 off, 1 on, 2 reset: no reply, 4 send ATR, also the presence
poll), anything longer an APDU. See /work/shared/notes/PCSC.md. Standard library only, except that
``remove`` uses pyscard (when installed) to wait until pcscd has seen the card go.

    with VirtualCard(bytes.fromhex("04A1B2C3")) as card:   # on the reader until the block ends
        ...
    VirtualCard(uid).tap(hold_s=0.8)                        # present, hold, remove
"""

from __future__ import annotations

import socket
import struct
import threading
import time

VPCD_PORT = 35963  # slot 0; slot n listens on VPCD_PORT + n
GET_DATA_UID = bytes.fromhex("FFCA000000")
# MIFARE Classic 1K per PC/SC part 3: 15 historical bytes, so no UID can be taken from it.
MIFARE_1K_ATR = bytes.fromhex("3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A")


def atr_with_historical(hist: bytes) -> bytes:
    """A contactless ATR (PC/SC part 3 layout) carrying ``hist`` as its historical bytes."""
    body = bytes([0x80 | len(hist), 0x80, 0x01]) + hist
    tck = 0
    for b in body:
        tck ^= b
    return b"\x3b" + body + bytes([tck])


def _wait_reader_empty(reader: str, timeout: float) -> None:
    """Wait until pcscd reports no card on ``reader`` (skipped without pyscard or pcscd)."""
    try:
        from smartcard import scard
    except Exception:
        time.sleep(0.05)
        return
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return
    try:
        state, deadline = scard.SCARD_STATE_UNAWARE, time.monotonic() + timeout
        while time.monotonic() < deadline:
            hresult, states = scard.SCardGetStatusChange(context, 100, [(reader, state)])
            if hresult == scard.SCARD_E_TIMEOUT:
                continue
            if hresult != scard.SCARD_S_SUCCESS or not states[0][1] & scard.SCARD_STATE_PRESENT:
                return
            state = states[0][1] & ~scard.SCARD_STATE_CHANGED
    finally:
        scard.SCardReleaseContext(context)


class VirtualCard:
    def __init__(
        self,
        uid: bytes,
        port: int = VPCD_PORT,
        answers_get_data: bool = True,
        atr: bytes = MIFARE_1K_ATR,
        reader: str | None = None,
    ) -> None:
        self.uid, self.port, self.answers_get_data, self.atr = uid, port, answers_get_data, atr
        self.reader = reader or f"Virtual PCD 00 {port - VPCD_PORT:02d}"  # its PC/SC reader name
        self.apdus: list[bytes] = []  # every APDU the reader sent
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._remove = threading.Event()
        self._polled = threading.Event()  # vpcd has polled presence at least once

    # -- public API -------------------------------------------------------------------------------
    def present(self, timeout: float = 5.0) -> VirtualCard:
        """Put the card on the reader (connect to vpcd; retries while vpcd is not listening)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(None)
        self._sock, self._remove, self._polled = sock, threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True, name="vpcd-card")
        self._thread.start()
        return self

    def remove(self, timeout: float = 5.0) -> None:
        """Take the card off: hang up in answer to vpcd's next presence poll (a clean removal).

        Returns once pcscd shows the reader empty: vpcd accepts a card already waiting to connect
        in the same poll as the hang-up, and pcscd then sees no removal at all (a lost read).
        """
        thread = self._thread
        if thread is None:
            return
        self._remove.set()
        thread.join(timeout)
        if thread.is_alive() and self._sock is not None:  # vpcd went away: just hang up
            self._sock.close()
            thread.join(1.0)
        self._thread = self._sock = None
        _wait_reader_empty(self.reader, timeout)

    def tap(self, hold_s: float = 0.8) -> None:
        """Present the card for ``hold_s`` seconds (> 0.5: pcscd polls every 400 ms), then remove."""
        self.present()
        time.sleep(hold_s)
        self.remove()

    @property
    def on_reader(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> VirtualCard:
        return self.present()

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def respond(self, apdu: bytes) -> bytes:
        """The response APDU (data + status word); override for other cards."""
        if apdu == GET_DATA_UID and self.answers_get_data:
            return self.uid + b"\x90\x00"
        return b"\x6a\x81"  # function not supported

    # -- the vpcd conversation --------------------------------------------------------------------
    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                msg = self._recv(sock)
                if msg is None:
                    return  # vpcd hung up (pcscd stopped)
                if len(msg) == 1:
                    if msg[0] == 4:  # ATR request / presence poll
                        if self._remove.is_set():
                            return
                        self._polled.set()
                        self._send(sock, self.atr)
                    # 0 off, 1 on, 2 reset: no reply
                else:
                    self.apdus.append(msg)
                    self._send(sock, self.respond(msg))
        except OSError:
            return
        finally:
            sock.close()

    @staticmethod
    def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
        buf = b""
        while len(buf) < n:
            chunk = sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
            # gotcha 1: vpcd writes length and body separately; no delayed ACK or each message stalls
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        return buf

    def _recv(self, sock: socket.socket) -> bytes | None:
        head = self._recv_exact(sock, 2)
        if head is None:
            return None
        (length,) = struct.unpack(">H", head)
        return self._recv_exact(sock, length) if length else b""

    @staticmethod
    def _send(sock: socket.socket, payload: bytes) -> None:
        sock.sendall(struct.pack(">H", len(payload)) + payload)
