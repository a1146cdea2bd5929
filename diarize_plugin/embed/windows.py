"""Sliding windows inside speech regions: the pieces that get one speaker embedding each."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pyannote.core loads when windows are placed: the options import this module
    from pyannote.core import Segment, Timeline

#: seconds of audio in one embedding window
WINDOW_S = 1.5
#: seconds between 1.5 s embedding windows, per segmentation mode: webrtcvad has no finer frames
#: to place a change of speaker; in neural mode the network's own 17 ms frames place them, so a
#: 1 s hop embeds a quarter fewer windows
WINDOW_HOP_S = {"webrtcvad": 0.75, "neural": 1.0}
#: a speech region shorter than this gets no window
MIN_WINDOW_S = 0.4


def most_windows(duration_s: float, window_s: float = WINDOW_S, hop_s: float = 0.75, min_window_s: float = MIN_WINDOW_S) -> int:
    """The most windows :func:`sliding_windows` can place in ``duration_s`` seconds of audio,
    however its speech is cut into regions: each speaker needs a window of its own, so a count
    above this can never be met.

    A region of ``L`` seconds gets one window when ``min_window_s <= L < window_s``, else
    ``ceil((L - window_s) / hop_s) + 1``: at most ``max(1 / min_window_s, 2 / window_s,
    1 / hop_s)`` windows per second of region.
    """
    rate = max(1.0 / min_window_s, 2.0 / window_s, 1.0 / hop_s)
    return math.floor(duration_s * rate + 1e-9) + 1


def sliding_windows(
    speech: Timeline,
    window_s: float = WINDOW_S,
    hop_s: float = 0.75,
    min_window_s: float = MIN_WINDOW_S,
) -> list[Segment]:
    """Windows of ``window_s`` seconds every ``hop_s`` seconds inside each speech region.

    A region shorter than ``window_s`` is one window of its own length (if it lasts at least
    ``min_window_s``); the last window of a longer region is aligned to the region's end so
    that no speech is left uncovered. Windows are returned in time order.
    """
    from pyannote.core import Segment

    if window_s <= 0 or hop_s <= 0:
        raise ValueError("window_s and hop_s must be positive")
    windows: list[Segment] = []
    for region in speech:
        if region.duration < window_s:
            if region.duration >= min_window_s:
                windows.append(Segment(region.start, region.end))
            continue
        start = region.start
        while start + window_s < region.end - 1e-9:
            windows.append(Segment(start, start + window_s))
            start += hop_s
        windows.append(Segment(region.end - window_s, region.end))
    return windows
