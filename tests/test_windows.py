"""sliding_windows() covers every speech region with fixed-length, evenly spaced windows."""

from __future__ import annotations

import pytest
from pyannote.core import Segment, Timeline

from diarize_plugin.embed.windows import sliding_windows


def test_windows_cover_each_region_completely() -> None:
    speech = Timeline([Segment(0.0, 4.2), Segment(10.0, 13.0)])
    windows = sliding_windows(speech, window_s=1.5, hop_s=0.75)
    assert Timeline(windows).support() == speech


def test_windows_stay_inside_speech() -> None:
    speech = Timeline([Segment(1.0, 5.3), Segment(8.0, 9.9)])
    for window in sliding_windows(speech, window_s=1.5, hop_s=0.75):
        assert any(window in region for region in speech)


def test_windows_have_the_requested_length_and_hop() -> None:
    windows = sliding_windows(Timeline([Segment(0.0, 6.0)]), window_s=1.5, hop_s=0.75)
    assert all(w.duration == pytest.approx(1.5) for w in windows)
    starts = [w.start for w in windows]
    assert starts == pytest.approx([0.0, 0.75, 1.5, 2.25, 3.0, 3.75, 4.5])


def test_last_window_is_aligned_to_the_region_end() -> None:
    windows = sliding_windows(Timeline([Segment(0.0, 4.2)]), window_s=1.5, hop_s=0.75)
    assert windows[-1] == Segment(2.7, 4.2)
    assert windows[-2].start < windows[-1].start


def test_region_exactly_one_window_long_gives_one_window() -> None:
    assert sliding_windows(Timeline([Segment(2.0, 3.5)]), window_s=1.5, hop_s=0.75) == [Segment(2.0, 3.5)]


def test_short_region_is_one_window_of_its_own_length() -> None:
    assert sliding_windows(Timeline([Segment(2.0, 2.9)]), window_s=1.5, hop_s=0.75) == [Segment(2.0, 2.9)]


def test_region_shorter_than_min_window_is_skipped() -> None:
    speech = Timeline([Segment(0.0, 0.3), Segment(5.0, 7.0)])
    windows = sliding_windows(speech, window_s=1.5, hop_s=0.75, min_window_s=0.4)
    assert all(w.start >= 5.0 for w in windows) and windows


def test_windows_come_in_time_order() -> None:
    speech = Timeline([Segment(0.0, 3.0), Segment(4.0, 4.8), Segment(6.0, 9.0)])
    starts = [w.start for w in sliding_windows(speech)]
    assert starts == sorted(starts)


def test_no_speech_gives_no_windows() -> None:
    assert sliding_windows(Timeline()) == []


@pytest.mark.parametrize("window_s, hop_s", [(0.0, 0.5), (1.5, 0.0), (-1.0, 0.5)])
def test_non_positive_window_or_hop_is_rejected(window_s: float, hop_s: float) -> None:
    with pytest.raises(ValueError):
        sliding_windows(Timeline([Segment(0.0, 3.0)]), window_s=window_s, hop_s=hop_s)
