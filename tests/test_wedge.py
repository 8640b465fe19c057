"""The keyboard-wedge detector: a reader's burst is a card read, a person's typing is typing.

``Keyboard`` plays the screen's part (``screens.wedge.WedgeCapture``): it holds what the detector
says to hold, gives back what it says to give back, and fires the hold timer. Every property is
checked on what would reach the focused field and what would reach the booth as reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from guardpost.readers.wedge import WedgeDetector, is_candidate

MS = 1_000_000
TIMER_NS = 130 * MS  # the screen's timer: hold_s + 10 ms after each held key


@dataclass
class Keyboard:
    det: WedgeDetector = field(default_factory=WedgeDetector)
    held: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)  # what reached the focused field, in order
    reads: list[str] = field(default_factory=list)
    timers: list[int] = field(default_factory=list)

    def _fire_timers(self, until_ns: int) -> None:
        while self.timers and self.timers[0] <= until_ns:
            at = self.timers.pop(0)
            self._give(self.det.expire(at))

    def _give(self, count: int) -> None:
        self.typed.extend(self.held[:count])
        del self.held[:count]

    def key(self, ch: str, at_ns: int) -> None:
        self._fire_timers(at_ns)
        name = "enter" if ch == "\r" else ch
        verdict = self.det.feed(None if ch == "\r" else ch, name, at_ns)
        if verdict.read is not None:
            self.reads.append(verdict.read)
            self.held.clear()
            return
        self._give(verdict.release)
        if verdict.hold:
            self.held.append(ch)
            self.timers.append(at_ns + TIMER_NS)
        else:
            self.typed.append(ch)

    def settle(self, at_ns: int) -> None:
        self._fire_timers(at_ns + 10**10)


def play(keys: list[tuple[str, int]]) -> Keyboard:
    """``keys``: (character or "\\r", gap before it in ns)."""
    board, now = Keyboard(), 10**12
    for ch, gap in keys:
        now += gap
        board.key(ch, now)
    board.settle(now)
    return board


def burst(text: str, gaps: list[int]) -> list[tuple[str, int]]:
    return list(zip([*text, "\r"], gaps, strict=False))


@settings(max_examples=300)
@given(
    st.text(alphabet="0123456789ABCDEFabcdef,", min_size=8, max_size=24),
    st.lists(st.integers(min_value=0, max_value=29 * MS), min_size=25, max_size=25),
)
def test_a_fast_burst_ending_in_enter_is_a_read(text: str, gaps: list[int]) -> None:
    board = play(burst(text, gaps))
    assert board.reads == [text]
    assert board.typed == []  # nothing reaches the focused form


@settings(max_examples=300)
@given(
    st.text(alphabet="0123456789", min_size=10, max_size=12),
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=31 * MS, max_value=85 * MS),
)
def test_a_burst_split_by_a_busy_machine_is_still_a_read(text: str, where: int, stall: int) -> None:
    """Under load the terminal's bytes arrive in chunks: one gap inside a burst can be tens of ms
    (the hardening issue lost 2 bursts in 25 to a per-gap limit of 30 ms)."""
    gaps = [2 * MS] * (len(text) + 1)
    gaps[where] = stall
    board = play(burst(text, gaps))
    assert board.reads == [text] and board.typed == []


@settings(max_examples=300)
@given(
    st.text(alphabet="0123456789-abcXYZ", min_size=1, max_size=14),
    st.lists(st.integers(min_value=31 * MS, max_value=600 * MS), min_size=15, max_size=15),
    st.booleans(),
)
def test_a_person_typing_is_never_a_read_and_loses_no_key(text: str, gaps: list[int], enter: bool) -> None:
    keys = list(zip(text + ("\r" if enter else ""), gaps, strict=False))
    board = play(keys)
    assert board.reads == []
    assert "".join(board.typed) == "".join(ch for ch, _ in keys)  # every key, in order


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="0123456789-", min_size=0, max_size=6),  # what the guard types first
            st.integers(min_value=95 * MS, max_value=400 * MS),  # the guard's pace
            st.text(alphabet="0123456789", min_size=8, max_size=10),  # then a card
            st.integers(min_value=95 * MS, max_value=2000 * MS),  # pause before the card
            st.lists(st.integers(min_value=0, max_value=12 * MS), min_size=11, max_size=11),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_typing_and_bursts_interleaved(rounds: list[tuple[str, int, str, int, list[int]]]) -> None:
    """Slow typing into a field, then a reader's burst, several times: every burst is one read
    with its text, and the field gets exactly what was typed."""
    keys: list[tuple[str, int]] = []
    typed = ""
    for text, pace, card, pause, gaps in rounds:
        keys += [(ch, pace) for ch in text]
        typed += text
        keys += burst(card, [pause, *gaps[1:]])
    board = play(keys)
    assert board.reads == [card for _, _, card, _, _ in rounds]
    assert "".join(board.typed) == typed


def test_the_hardening_case_unit_then_a_ten_digit_card() -> None:
    """F2 open, ``3-2-`` then ``1201`` typed 0.3 s apart, then ``0924209704`` + Enter as one burst."""
    keys = [(ch, 300 * MS) for ch in "3-2-1201"] + burst("0924209704", [300 * MS] + [1 * MS] * 10)
    board = play(keys)
    assert board.reads == ["0924209704"]
    assert "".join(board.typed) == "3-2-1201"


def test_a_short_burst_is_given_back_as_typing() -> None:
    board = play(burst("1234", [MS] * 5))
    assert board.reads == [] and "".join(board.typed) == "1234\r"


def test_a_burst_without_enter_is_released_after_the_hold_time() -> None:
    det = WedgeDetector(hold_s=0.12)
    now = 10**12
    for ch in "12345678":
        now += MS
        assert det.feed(ch, ch, now).hold
    assert det.expire(now + 100 * MS) == 0  # keys may still be queued behind a busy screen
    assert det.expire(now + 121 * MS) == 8


def test_keys_stamped_on_arrival_survive_a_stalled_screen() -> None:
    """The detector judges arrival times: keys that arrived 2 ms apart are a burst even if the
    screen only processed them 60 ms later (this used to split a card read into 'typing')."""
    det = WedgeDetector()
    arrival = 10**12
    verdicts = [det.feed(ch, ch, arrival + i * 2 * MS) for i, ch in enumerate("9616FC2A")]
    verdicts.append(det.feed(None, "enter", arrival + 16 * MS))
    assert verdicts[-1].read == "9616FC2A"


def test_a_key_that_is_no_card_character_breaks_the_burst() -> None:
    det = WedgeDetector()
    now = 10**12
    for ch in "1234":
        now += MS
        det.feed(ch, ch, now)
    verdict = det.feed("张", "张", now + MS)  # an input method's character: typing
    assert verdict == type(verdict)(hold=False, release=4)


def test_any_printable_ascii_can_come_from_a_reader_but_not_space_or_chinese() -> None:
    assert all(is_candidate(ch) for ch in "09AFaz,.-_:/+=#")
    assert not any(is_candidate(ch) for ch in [" ", "张", "\t", "\x1b", None, "ab"])


def test_a_reader_that_spaces_the_bytes_is_still_one_read() -> None:
    board = play(burst("DF EE FA A0", [2 * MS] * 12))
    assert board.reads == ["DF EE FA A0"] and board.typed == []


def test_a_space_typed_first_is_typing() -> None:
    board = play([(" ", 200 * MS), *burst("12345678", [2 * MS] * 9)])
    assert board.typed == [" "] and board.reads == ["12345678"]
