"""windows_to_annotation() turns labelled windows into speaker turns on the time line."""

from __future__ import annotations

import numpy as np
import pytest
from pyannote.core import Annotation, Segment, Timeline

from diarize_plugin.diarization.turns import speaker_label, windows_to_annotation


def turns(annotation: Annotation) -> list[tuple[float, float, str]]:
    return [(round(s.start, 2), round(s.end, 2), label) for s, _, label in annotation.itertracks(yield_label=True)]


def test_speaker_labels_are_two_digit_pyannote_names() -> None:
    assert [speaker_label(i) for i in (0, 7, 12)] == ["SPEAKER_00", "SPEAKER_07", "SPEAKER_12"]


def test_each_window_label_becomes_a_turn_where_it_dominates() -> None:
    windows = [Segment(0.0, 2.0), Segment(2.0, 4.0)]
    annotation = windows_to_annotation(windows, np.array([0, 1]), Timeline([Segment(0.0, 4.0)]))
    assert turns(annotation) == [(0.0, 2.0, "SPEAKER_00"), (2.0, 4.0, "SPEAKER_01")]


def test_overlapping_windows_split_at_the_weighted_middle() -> None:
    windows = [Segment(0.0, 1.5), Segment(0.75, 2.25), Segment(1.5, 3.0), Segment(2.25, 3.75)]
    annotation = windows_to_annotation(windows, np.array([0, 0, 1, 1]), Timeline([Segment(0.0, 3.75)]))
    (_, first_end, _), (second_start, _, _) = turns(annotation)
    assert first_end == second_start and 1.6 <= first_end <= 2.2


def test_speakers_are_named_in_order_of_first_appearance() -> None:
    windows = [Segment(0.0, 1.0), Segment(1.0, 2.0), Segment(2.0, 3.0)]
    annotation = windows_to_annotation(windows, np.array([3, 1, 3]), Timeline([Segment(0.0, 3.0)]))
    assert [label for _, _, label in turns(annotation)] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00"]


def test_island_shorter_than_min_turn_is_absorbed() -> None:
    windows = [Segment(0.0, 2.0), Segment(2.0, 2.2), Segment(2.2, 4.0)]
    annotation = windows_to_annotation(windows, np.array([0, 1, 0]), Timeline([Segment(0.0, 4.0)]), min_turn_s=0.3)
    assert turns(annotation) == [(0.0, 4.0, "SPEAKER_00")]


def test_island_at_least_min_turn_is_kept() -> None:
    windows = [Segment(0.0, 2.0), Segment(2.0, 2.5), Segment(2.5, 4.0)]
    annotation = windows_to_annotation(windows, np.array([0, 1, 0]), Timeline([Segment(0.0, 4.0)]), min_turn_s=0.3)
    assert [label for _, _, label in turns(annotation)] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_00"]


def test_adjacent_windows_of_one_speaker_merge_into_one_turn() -> None:
    windows = [Segment(0.0, 1.0), Segment(1.0, 2.0), Segment(2.0, 3.0)]
    annotation = windows_to_annotation(windows, np.array([2, 2, 2]), Timeline([Segment(0.0, 3.0)]))
    assert turns(annotation) == [(0.0, 3.0, "SPEAKER_00")]


def test_turns_stay_inside_speech_regions() -> None:
    speech = Timeline([Segment(0.0, 2.0), Segment(5.0, 7.0)])
    windows = [Segment(0.0, 2.0), Segment(5.0, 7.0)]
    annotation = windows_to_annotation(windows, np.array([0, 0]), speech)
    assert turns(annotation) == [(0.0, 2.0, "SPEAKER_00"), (5.0, 7.0, "SPEAKER_00")]


def test_speech_no_window_covers_takes_the_nearest_window_speaker() -> None:
    windows = [Segment(0.0, 1.0), Segment(3.0, 4.0)]
    annotation = windows_to_annotation(windows, np.array([0, 1]), Timeline([Segment(0.0, 4.0)]))
    assert turns(annotation) == [(0.0, 2.0, "SPEAKER_00"), (2.0, 4.0, "SPEAKER_01")]


def test_turns_never_overlap() -> None:
    rng = np.random.default_rng(0)
    windows = [Segment(start, start + 1.5) for start in np.arange(0.0, 20.0, 0.75)]
    labels = rng.integers(0, 3, len(windows))
    annotation = windows_to_annotation(windows, labels, Timeline([Segment(0.0, 21.5)]))
    assert len(annotation.get_overlap()) == 0


def test_no_windows_give_an_empty_annotation_with_the_uri() -> None:
    annotation = windows_to_annotation([], np.zeros(0, dtype=int), Timeline([Segment(0.0, 1.0)]), uri="meeting")
    assert len(annotation) == 0 and annotation.uri == "meeting"


def test_uri_is_carried_to_the_annotation() -> None:
    annotation = windows_to_annotation([Segment(0.0, 1.0)], np.array([0]), Timeline([Segment(0.0, 1.0)]), uri="call")
    assert annotation.uri == "call"


@pytest.mark.parametrize("min_turn_s", [0.0, 0.3, 1.0])
def test_every_speech_frame_gets_a_speaker(min_turn_s: float) -> None:
    windows = [Segment(start, start + 1.5) for start in np.arange(0.0, 6.0, 0.75)]
    labels = np.array([0, 1, 0, 1, 1, 0, 0, 1])
    speech = Timeline([Segment(0.0, 7.5)])
    annotation = windows_to_annotation(windows, labels, speech, min_turn_s=min_turn_s)
    assert annotation.get_timeline().support() == speech
