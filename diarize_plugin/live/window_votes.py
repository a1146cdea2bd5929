"""Speakers of frames from the embedded windows that cover them (``identity="windows"``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..segmentation.network import FRAME_DURATION_SAMPLES, FRAME_STEP_SAMPLES, SAMPLE_RATE


@dataclass(frozen=True)
class LiveWindow:
    """An embedded window: its centre (seconds) and the speaker label it was given."""

    centre_s: float
    label: int


def vote_windows(
    windows: Sequence[LiveWindow], start: int, stop: int, half_window_s: float, label_of: Callable[[int], int]
) -> tuple[np.ndarray, np.ndarray]:
    """Per global frame of ``[start, stop)``, the speaker whose windows cover it with the most
    weight (a window counts most at its centre; the nearest window where none covers) and the
    runner-up (-1: none); ``label_of`` maps a window's label to the one it counts for now."""
    count = stop - start
    first = np.full(count, -1, dtype=np.int64)
    second = np.full(count, -1, dtype=np.int64)
    if not windows or count <= 0:
        return first, second
    centres_s = (np.arange(start, stop) * FRAME_STEP_SAMPLES + FRAME_DURATION_SAMPLES / 2) / SAMPLE_RATE
    half_s = half_window_s
    labels = sorted({label_of(window.label) for window in windows})
    column = {label: index for index, label in enumerate(labels)}
    scores = np.zeros((count, len(labels)))
    nearest = np.full(count, np.inf)
    nearest_label = np.full(count, -1, dtype=np.int64)
    for window in windows:
        label = label_of(window.label)
        distance = np.abs(centres_s - window.centre_s)
        scores[:, column[label]] += np.where(distance < half_s, 1.0 - distance / half_s + 1e-3, 0.0)
        closer = distance < nearest
        nearest[closer], nearest_label[closer] = distance[closer], label
    order = np.argsort(-scores, axis=1, kind="stable")
    label_array = np.array(labels)
    covered = scores[np.arange(count), order[:, 0]] > 0
    first[:] = np.where(covered, label_array[order[:, 0]], nearest_label)
    if len(labels) > 1:
        runner_up = scores[np.arange(count), order[:, 1]] > 0
        second[runner_up] = label_array[order[runner_up, 1]]
        # overlap mostly happens where one speaker takes over from another: elsewhere the
        # second voice is the speaker of the nearest window of someone else (as offline)
        missing = np.flatnonzero(~runner_up)
        if len(missing):
            second[missing] = _nearest_other(windows, centres_s[missing], first[missing], label_of)
    return first, second


def _nearest_other(
    windows: Sequence[LiveWindow], times_s: np.ndarray, main: np.ndarray, label_of: Callable[[int], int]
) -> np.ndarray:
    """For each time, the label of the nearest window whose speaker is not ``main`` there."""
    centres = np.array([window.centre_s for window in windows])
    labels = np.array([label_of(window.label) for window in windows])
    distance = np.abs(times_s[:, None] - centres[None, :])
    distance[labels[None, :] == main[:, None]] = np.inf
    nearest = np.argmin(distance, axis=1)
    found = np.isfinite(distance[np.arange(len(times_s)), nearest])
    return np.where(found, labels[nearest], -1)
