"""From labelled windows back to speaker turns on the time line.

Every 10 ms frame inside speech takes the speaker whose windows cover it with the most
weight (a window counts most at its centre); frames no window covers take the speaker of the
nearest window. Turns shorter than ``min_turn_s`` are absorbed by their longer neighbour, and
adjacent turns of one speaker merge.
"""

from __future__ import annotations

import numpy as np
from pyannote.core import Annotation, Segment, Timeline

FRAME_S = 0.01


def speaker_label(index: int) -> str:
    """``SPEAKER_00``, ``SPEAKER_01``, ... as pyannote and RTTM users expect."""
    return f"SPEAKER_{index:02d}"


def windows_to_annotation(
    windows: list[Segment],
    labels: np.ndarray,
    speech: Timeline,
    min_turn_s: float = 0.3,
    uri: str | None = None,
) -> Annotation:
    """Speaker turns from per-window labels, restricted to ``speech``.

    ``windows`` and ``labels`` are parallel (one integer label per window). Speakers are named
    ``SPEAKER_00``, ``SPEAKER_01``, ... in order of first appearance.
    """
    annotation = Annotation(uri=uri)
    if not windows or not len(speech):
        return annotation
    frame_labels, first_frame = _frame_labels(windows, np.asarray(labels), speech)
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


def _frame_labels(windows: list[Segment], labels: np.ndarray, speech: Timeline) -> tuple[np.ndarray, int]:
    first_frame = int(np.floor(min(speech[0].start, windows[0].start) / FRAME_S))
    last_frame = int(np.ceil(max(speech[-1].end, max(w.end for w in windows)) / FRAME_S))
    num_frames = last_frame - first_frame
    scores = np.zeros((num_frames, int(labels.max()) + 1), dtype=np.float32)
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
