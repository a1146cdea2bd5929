"""Speaker turns from labelled windows, one speech region at a time, as from the whole recording.

``windows_to_annotation`` once scored every frame of the recording at once (a frames x speakers
array: 144 MB at 10 h); it now scores one speech region at a time. The first version is kept
here as the reference, and both run on random windows and regions.
"""

from __future__ import annotations

import numpy as np
import pytest
from pyannote.core import Annotation, Segment, Timeline

from diarize_plugin.diarization.turns import FRAME_S, _absorb_short_runs, _label_runs, speaker_label, windows_to_annotation
from diarize_plugin.embed.windows import sliding_windows


def reference_windows_to_annotation(windows, labels, speech, min_turn_s=0.3, uri=None) -> Annotation:
    annotation = Annotation(uri=uri)
    if not windows or not len(speech):
        return annotation
    frame_labels, first_frame = reference_frame_labels(windows, np.asarray(labels), speech)
    names: dict[int, str] = {}
    for region in speech:
        start = int(round(region.start / FRAME_S)) - first_frame
        end = int(round(region.end / FRAME_S)) - first_frame
        runs = _absorb_short_runs(_label_runs(frame_labels[start:end]), round(min_turn_s / FRAME_S))
        for run_start, run_end, label in runs:
            name = names.setdefault(label, speaker_label(len(names)))
            segment = Segment((start + first_frame + run_start) * FRAME_S, (start + first_frame + run_end) * FRAME_S)
            annotation[segment, name] = name
    return annotation.support()


def reference_frame_labels(windows, labels, speech):
    first_frame = int(np.floor(min(speech[0].start, windows[0].start) / FRAME_S))
    last_frame = int(np.ceil(max(speech[-1].end, max(w.end for w in windows)) / FRAME_S))
    scores = np.zeros((last_frame - first_frame, int(labels.max()) + 1), dtype=np.float32)
    for window, label in zip(windows, labels):
        start = int(round(window.start / FRAME_S)) - first_frame
        end = max(start + 1, int(round(window.end / FRAME_S)) - first_frame)
        ramp = 1.0 - np.abs(np.linspace(-1.0, 1.0, end - start, dtype=np.float32))
        scores[start:end, label] += ramp + 1e-3
    covered = scores.max(axis=1) > 0
    frame_labels = scores.argmax(axis=1)
    if not covered.all():
        centres = np.array([(w.start + w.end) / 2 / FRAME_S - first_frame for w in windows])
        order = np.argsort(centres, kind="stable")
        uncovered = np.flatnonzero(~covered) + 0.5
        position = np.clip(np.searchsorted(centres[order], uncovered), 1, len(order) - 1) if len(order) > 1 else np.zeros(len(uncovered), dtype=int)
        left, right = order[np.maximum(position - 1, 0)], order[position]
        nearer_left = np.abs(centres[left] - uncovered) <= np.abs(centres[right] - uncovered)
        frame_labels[~covered] = np.where(nearer_left, labels[left], labels[right])
    return frame_labels, first_frame


@pytest.mark.parametrize("seed", range(20))
def test_turns_by_region_match_turns_from_the_whole_recording(seed: int) -> None:
    rng = np.random.default_rng(seed)
    starts = np.sort(rng.uniform(0.0, 120.0, size=int(rng.integers(1, 25))))
    speech = Timeline([Segment(float(s), float(s + rng.uniform(0.1, 12.0))) for s in starts]).support()
    windows = sliding_windows(speech, 1.5, 0.75)
    if not windows:
        windows = [Segment(speech[0].start, speech[0].end)]
    labels = rng.integers(0, int(rng.integers(1, 5)), size=len(windows))
    # runs of one label, as clustering gives, with some isolated switches
    labels = np.repeat(labels[:: 3], 3)[: len(windows)] if len(windows) >= 3 else labels
    expected = reference_windows_to_annotation(windows, labels, speech, uri="random")
    assert windows_to_annotation(windows, labels, speech, uri="random") == expected
