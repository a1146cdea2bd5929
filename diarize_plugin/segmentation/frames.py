"""Frame arithmetic of the segmentation network: its per-frame flags as time regions and back,
as sample masks, and hysteresis on its speech probability.

Frame ``i`` of the aggregated grid stands for the ``FRAME_STEP_S`` seconds around the centre
of its receptive field (:data:`~diarize_plugin.segmentation.network.FRAME_DURATION_S`).
"""

from __future__ import annotations

import numpy as np
from pyannote.core import Segment, Timeline

from .frame_runs import true_runs
from .network import FRAME_DURATION_S, FRAME_DURATION_SAMPLES, FRAME_STEP_S, FRAME_STEP_SAMPLES


def speech_regions(
    speech_probability: np.ndarray,
    frame_step_s: float = FRAME_STEP_S,
    frame_duration_s: float = FRAME_DURATION_S,
    *,
    onset: float = 0.5,
    offset: float = 0.5,
    min_speech_s: float = 0.0,
    min_silence_s: float = 0.0,
    duration_s: float | None = None,
) -> Timeline:
    """Speech :class:`Timeline` (seconds) from aggregated per-frame speech probability.

    Hysteresis as pyannote's ``Binarize``: speech starts where the probability rises above
    ``onset`` and stops where it falls below ``offset``; a frame stands for the time of its
    centre. Silences shorter than ``min_silence_s`` are then bridged and speech regions shorter
    than ``min_speech_s`` dropped. Regions are clipped to ``[0, duration_s]`` when given.
    """
    centres_s = np.arange(len(speech_probability)) * frame_step_s + frame_duration_s / 2
    end_of_signal_s = len(speech_probability) * frame_step_s + frame_duration_s / 2
    regions: list[list[float]] = []
    is_active = False
    for centre_s, probability in zip(centres_s, speech_probability):
        if not is_active and probability > onset:
            regions.append([float(centre_s), end_of_signal_s])
            is_active = True
        elif is_active and probability < offset:
            regions[-1][1] = float(centre_s)
            is_active = False
    bridged: list[list[float]] = []
    for start_s, end_s in regions:
        if bridged and start_s - bridged[-1][1] < min_silence_s:
            bridged[-1][1] = end_s
        else:
            bridged.append([start_s, end_s])
    limit_s = end_of_signal_s if duration_s is None else duration_s
    kept = [
        Segment(max(start_s, 0.0), min(end_s, limit_s))
        for start_s, end_s in bridged
        if end_s - start_s >= min_speech_s and min(end_s, limit_s) > max(start_s, 0.0)
    ]
    return Timeline(kept)


def frames_to_samples(frames: np.ndarray, chunk_start_sample: int, num_samples: int) -> np.ndarray:
    """Boolean sample mask (length ``num_samples``) of the frames set in ``frames``.

    Frame ``j`` stands for the ``FRAME_STEP_SAMPLES`` samples around its centre, so that
    consecutive frames tile the time line without overlap.
    """
    # frame j's receptive field is centred at j * FRAME_STEP_SAMPLES + FRAME_DURATION_SAMPLES // 2
    centre_offset = FRAME_DURATION_SAMPLES // 2 - FRAME_STEP_SAMPLES // 2
    starts = chunk_start_sample + np.flatnonzero(frames) * FRAME_STEP_SAMPLES + centre_offset
    edges = np.zeros(num_samples + 1, dtype=np.int64)
    np.add.at(edges, np.clip(starts, 0, num_samples), 1)
    np.add.at(edges, np.clip(starts + FRAME_STEP_SAMPLES, 0, num_samples), -1)
    return np.cumsum(edges[:num_samples]) > 0


def count_to_timeline(active: np.ndarray, frame_step_s: float, duration_s: float) -> Timeline:
    """Regions (seconds) where the per-frame flag ``active`` holds; frames timed at their centres."""
    offset_s = frame_offset_s(frame_step_s)
    regions = [
        Segment(max(0.0, start * frame_step_s + offset_s), min(duration_s, end * frame_step_s + offset_s))
        for start, end in true_runs(active)
    ]
    return Timeline([region for region in regions if region.duration > 0]).support()


def frame_offset_s(frame_step_s: float) -> float:
    """Where frame ``i``'s share of the time line starts, minus ``i * frame_step_s``: a frame
    stands for the ``frame_step_s`` seconds around the centre of its receptive field."""
    return FRAME_DURATION_S / 2 - frame_step_s / 2


def timeline_to_frames(timeline: Timeline, num_frames: int, frame_step_s: float) -> np.ndarray:
    """Boolean per-frame flags, on the grid of :func:`count_to_timeline`: frame ``i`` is set
    when its centre lies inside ``timeline``."""
    centres_s = (np.arange(num_frames) + 0.5) * frame_step_s + frame_offset_s(frame_step_s)
    starts_s = np.array([region.start for region in timeline], dtype=np.float64)
    ends_s = np.array([region.end for region in timeline], dtype=np.float64)
    # region r sets frames [first[r], last[r]): one +1/-1 pair per region, then a running sum
    first = np.searchsorted(centres_s, starts_s, side="left")
    last = np.searchsorted(centres_s, ends_s, side="left")
    edges = np.zeros(num_frames + 1, dtype=np.int64)
    np.add.at(edges, first, 1)
    np.add.at(edges, last, -1)
    return np.cumsum(edges[:num_frames]) > 0
