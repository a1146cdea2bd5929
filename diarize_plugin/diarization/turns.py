"""From labelled windows back to speaker turns on the time line.

Every 10 ms frame inside speech takes the speaker whose windows cover it with the most
weight (a window counts most at its centre); frames no window covers take the speaker of the
nearest window. Turns shorter than ``min_turn_s`` are absorbed by their longer neighbour, and
adjacent turns of one speaker merge.
"""

from __future__ import annotations

import numpy as np
from pyannote.core import Annotation, Segment, Timeline
from .options import MIN_TURN_S

FRAME_S = 0.01


def speaker_label(index: int) -> str:
    """``SPEAKER_00``, ``SPEAKER_01``, ... as pyannote and RTTM users expect."""
    return f"SPEAKER_{index:02d}"


def windows_to_annotation(
    windows: list[Segment],
    labels: np.ndarray,
    speech: Timeline,
    min_turn_s: float = MIN_TURN_S,
    uri: str | None = None,
) -> Annotation:
    """Speaker turns from per-window labels, restricted to ``speech``.

    ``windows`` and ``labels`` are parallel (one integer label per window). Speakers are named
    ``SPEAKER_00``, ``SPEAKER_01``, ... in order of first appearance.
    """
    annotation = Annotation(uri=uri)
    if not windows or not len(speech):
        return annotation
    labeller = _FrameLabeller(windows, np.asarray(labels), speech)
    names: dict[int, str] = {}
    for region in speech:
        start = int(round(region.start / FRAME_S)) - labeller.first_frame
        end = int(round(region.end / FRAME_S)) - labeller.first_frame
        runs = _absorb_short_runs(_label_runs(labeller.labels(start, end)), round(min_turn_s / FRAME_S))
        for run_start, run_end, label in runs:
            name = names.setdefault(label, speaker_label(len(names)))
            first_frame = labeller.first_frame
            segment = Segment((start + first_frame + run_start) * FRAME_S, (start + first_frame + run_end) * FRAME_S)
            annotation[segment, name] = name
    return annotation.support()


class _FrameLabeller:
    """The speaker of every frame: the label whose windows cover it with the most weight, else
    the label of the window whose centre is nearest. Frames are counted from ``first_frame``
    and labelled one speech region at a time, so memory follows the longest region, not the
    recording."""

    def __init__(self, windows: list[Segment], labels: np.ndarray, speech: Timeline) -> None:
        self.num_labels = int(labels.max()) + 1
        self.first_frame = int(np.floor(min(speech[0].start, windows[0].start) / FRAME_S))
        starts = np.array([int(round(w.start / FRAME_S)) for w in windows]) - self.first_frame
        ends = np.maximum(starts + 1, np.array([int(round(w.end / FRAME_S)) for w in windows]) - self.first_frame)
        by_start = np.argsort(starts, kind="stable")  # sliding windows already come in this order
        self.window_starts, self.window_ends = starts[by_start], ends[by_start]
        self.start_labels = labels[by_start]
        # the windows that may cover a frame range: from the first whose running end passes it
        self.running_max_end = np.maximum.accumulate(self.window_ends)
        self.window_labels = labels
        self.centres = np.array([(w.start + w.end) / 2 / FRAME_S - self.first_frame for w in windows])
        self.centre_order = np.argsort(self.centres, kind="stable")

    def labels(self, start: int, end: int) -> np.ndarray:
        """Labels of frames ``[start, end)`` (counted from ``first_frame``)."""
        scores = np.zeros((max(end - start, 0), self.num_labels), dtype=np.float32)
        first = int(np.searchsorted(self.running_max_end, start, side="right"))
        last = int(np.searchsorted(self.window_starts, end, side="left"))
        for index in range(first, last):
            window_start, window_end = int(self.window_starts[index]), int(self.window_ends[index])
            if window_end <= start or window_start >= end:
                continue
            ramp = 1.0 - np.abs(np.linspace(-1.0, 1.0, window_end - window_start, dtype=np.float32))
            lo, hi = max(window_start, start), min(window_end, end)
            scores[lo - start : hi - start, self.start_labels[index]] += ramp[lo - window_start : hi - window_start] + 1e-3
        covered = scores.max(axis=1, initial=0.0) > 0
        frame_labels = scores.argmax(axis=1) if len(scores) else np.zeros(0, dtype=np.int64)
        if not covered.all():
            frame_labels[~covered] = self._nearest_labels(np.flatnonzero(~covered) + start + 0.5)
        return frame_labels

    def _nearest_labels(self, frames: np.ndarray) -> np.ndarray:
        centres, order, labels = self.centres, self.centre_order, self.window_labels
        if len(order) > 1:
            position = np.clip(np.searchsorted(centres[order], frames), 1, len(order) - 1)
        else:
            position = np.zeros(len(frames), dtype=int)
        left, right = order[np.maximum(position - 1, 0)], order[position]
        nearer_left = np.abs(centres[left] - frames) <= np.abs(centres[right] - frames)
        return np.where(nearer_left, labels[left], labels[right])


def _label_runs(frame_labels: np.ndarray) -> list[list[int]]:
    """``[start, end, label]`` for each run of one label (frame indices, end exclusive)."""
    if len(frame_labels) == 0:
        return []
    change = np.flatnonzero(np.diff(frame_labels)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(frame_labels)]])
    return [[int(s), int(e), int(frame_labels[s])] for s, e in zip(starts, ends)]


def _absorb_short_runs(runs: list[list[int]], min_frames: int) -> list[list[int]]:
    """Give each run shorter than ``min_frames`` to its longer neighbour, shortest first."""
    runs = [run[:] for run in runs]
    while len(runs) > 1:
        lengths = [end - start for start, end, _ in runs]
        shortest = int(np.argmin(lengths))
        if lengths[shortest] >= min_frames:
            break
        left = runs[shortest - 1] if shortest > 0 else None
        right = runs[shortest + 1] if shortest + 1 < len(runs) else None
        if right is None or (left is not None and left[1] - left[0] >= right[1] - right[0]):
            left[1] = runs[shortest][1]
        else:
            right[0] = runs[shortest][0]
        del runs[shortest]
        runs = _merge_same_label(runs)
    return runs


def _merge_same_label(runs: list[list[int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for run in runs:
        if merged and merged[-1][2] == run[2] and merged[-1][1] == run[0]:
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    return merged
