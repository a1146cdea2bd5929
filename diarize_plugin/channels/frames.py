"""Between per-frame channel masks and time lines: sampling turns on frames, smoothing masks,
and turning them back into speaker turns cut to the speech found on the mix."""

from __future__ import annotations

import numpy as np
from pyannote.core import Annotation, Segment, Timeline

from ..segmentation.frame_runs import true_runs

#: gaps of one channel's own voice shorter than this (seconds) are bridged (pauses between words)
BRIDGE_GAP_S = 0.3
#: runs of one channel's own voice shorter than this (seconds), once bridged, are dropped
MIN_RUN_S = 0.2
#: pieces of turns shorter than this (seconds), once cut to the speech, are dropped
MIN_PIECE_S = 0.05


def timeline_mask(timeline: Timeline, centres_s: np.ndarray) -> np.ndarray:
    """``(frames,)`` booleans: which frame centres fall inside ``timeline``."""
    mask = np.zeros(len(centres_s), dtype=bool)
    for segment in timeline.support():  # centres are sorted: each segment is one slice
        first, last = np.searchsorted(centres_s, [segment.start, segment.end], side="left")
        mask[first:last] = True
    return mask


def smoothed(mask: np.ndarray, frame_s: float, bridge_gap_s: float = BRIDGE_GAP_S, min_run_s: float = MIN_RUN_S) -> np.ndarray:
    """``mask`` with its gaps shorter than ``bridge_gap_s`` filled, then its runs shorter than
    ``min_run_s`` removed (seconds)."""
    filled = mask.copy()
    gap_frames, run_frames = int(round(bridge_gap_s / frame_s)), int(round(min_run_s / frame_s))
    for start, end in true_runs(~mask):
        if 0 < start and end < len(mask) and end - start < gap_frames:
            filled[start:end] = True
    for start, end in true_runs(filled):
        if end - start < run_frames:
            filled[start:end] = False
    return filled


def mask_timeline(mask: np.ndarray, frame_s: float, speech: Timeline) -> Timeline:
    """The runs of ``mask`` as a time line, cut to ``speech`` (so that turns start and end where
    the speech detector heard them, not on the frame grid)."""
    runs = Timeline([Segment(start * frame_s, end * frame_s) for start, end in true_runs(mask)])
    cut = runs.crop(speech.support(), mode="intersection")
    return Timeline([segment for segment in cut if segment.duration >= MIN_PIECE_S]).support()


def annotation_from_masks(masks: dict[str, np.ndarray], frame_s: float, speech: Timeline, uri: str | None) -> Annotation:
    """Speaker turns: one label per mask, each cut to ``speech``."""
    annotation = Annotation(uri=uri)
    for label, mask in masks.items():
        for segment in mask_timeline(mask, frame_s, speech):
            annotation[segment, len(annotation)] = label
    return annotation
