"""The keyboard-wedge detector: a reader's burst is a card read, a person's typing is typing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guardpost.readers.wedge import WedgeDetector

MS = 1_000_000


def type_text(det: WedgeDetector, text: str, start_ns: int, gaps_ns: list[int], enter: bool = True):
    """Feed ``text`` (and Enter) with the given gaps; returns (verdicts, time of the last key)."""
    verdicts, now = [], start_ns
    keys = [(ch, ch) for ch in text] + ([(None, "enter")] if enter else [])
    for (char, key), gap in zip(keys, gaps_ns, strict=False):
        now += gap
        verdicts.append(det.feed(char, key, now))
    return verdicts, now


@settings(max_examples=200)
@given(
    st.text(alphabet="0123456789ABCDEFabcdef", min_size=8, max_size=20),
    st.lists(st.integers(min_value=0, max_value=29 * MS), min_size=21, max_size=21),
)
def test_a_fast_burst_ending_in_enter_is_a_read(text: str, gaps: list[int]) -> None:
    det = WedgeDetector()
    verdicts, _ = type_text(det, text, 10**12, gaps)
    assert all(v.hold for v in verdicts)  # nothing reaches the focused form
    assert verdicts[-1].read == text
    assert [v.read for v in verdicts[:-1]] == [None] * len(text)


@settings(max_examples=200)
@given(
    st.text(alphabet="0123456789", min_size=2, max_size=12),
    st.lists(st.integers(min_value=31 * MS, max_value=400 * MS), min_size=13, max_size=13),
)
def test_a_person_typing_is_never_a_read(text: str, gaps: list[int]) -> None:
    det = WedgeDetector()
    verdicts, _ = type_text(det, text, 10**12, gaps)
    assert all(v.read is None for v in verdicts)
    # at most one key is ever held back: the next slow key releases it and goes through itself
    assert not any(a.hold and b.hold for a, b in zip(verdicts, verdicts[1:], strict=False))


def test_a_short_burst_is_given_back_as_typing() -> None:
    det = WedgeDetector()
    verdicts, last = type_text(det, "1234", 10**12, [MS] * 5)
    assert verdicts[-1].read is None and not verdicts[-1].hold  # Enter after 4 digits: not a card


def test_a_burst_without_enter_is_released_after_the_hold_time() -> None:
    det = WedgeDetector(hold_s=0.15)
    _, last = type_text(det, "12345678", 10**12, [MS] * 8, enter=False)
    assert not det.expire(last + 100 * MS)  # keys may still be queued behind a busy screen
    assert det.expire(last + 151 * MS)


def test_keys_stamped_on_arrival_survive_a_stalled_screen() -> None:
    """The detector judges arrival times: keys that arrived 2 ms apart are a burst even if the
    screen only processed them 60 ms later (this used to split a card read into 'typing')."""
    det = WedgeDetector()
    arrival = 10**12
    verdicts = [det.feed(ch, ch, arrival + i * 2 * MS) for i, ch in enumerate("9616FC2A")]
    verdicts.append(det.feed(None, "enter", arrival + 16 * MS))
    assert verdicts[-1].read == "9616FC2A"


def test_a_non_hex_key_breaks_the_burst() -> None:
    det = WedgeDetector()
    verdicts, _ = type_text(det, "1234z5678", 10**12, [MS] * 10)
    assert all(v.read is None for v in verdicts)
