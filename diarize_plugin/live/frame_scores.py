"""Per-frame probabilities of speech and of overlap, averaged over the 10 s chunks heard so far.

The offline path averages every chunk onto one frame grid
(:class:`~diarize_plugin.segmentation.network.FrameAverage`); here the grid rolls: frames are added as
chunks arrive and dropped once they are final, so memory follows the chunk length, not the
stream.
"""

from __future__ import annotations

import numpy as np

from ..segmentation.network import FRAMES_PER_CHUNK, FRAME_STEP_S

#: weight of a chunk's frames within this many seconds of its ends (the network sees too little
#: context there): as offline (``edge_s=1.0``), they count only where no other chunk reaches
EDGE_S = 1.0
_EDGE_WEIGHT = 1e-12


def chunk_frame_weights(frames_per_chunk: int = FRAMES_PER_CHUNK, edge_s: float = EDGE_S) -> np.ndarray:
    """Weight of each frame of one chunk in the average: 1, or almost 0 near the chunk's ends."""
    weights = np.ones(frames_per_chunk)
    edge_frames = int(round(edge_s / FRAME_STEP_S))
    weights[:edge_frames] = _EDGE_WEIGHT
    weights[max(frames_per_chunk - edge_frames, 0) :] = _EDGE_WEIGHT
    return weights


class RollingFrameAverage:
    """Weighted sums of ``values_per_frame`` numbers for the frames not yet final.

    Frames are numbered on the global grid (frame ``i`` starts ``i * FRAME_STEP_S`` seconds
    into the stream); :meth:`drop_before` forgets the frames that are settled.
    """

    def __init__(self, values_per_frame: int = 2, frames_per_chunk: int = FRAMES_PER_CHUNK) -> None:
        self.values_per_frame = values_per_frame
        self._weights = chunk_frame_weights(frames_per_chunk)
        #: global index of the first frame held
        self.first = 0
        self._summed = np.zeros((0, values_per_frame))
        self._weight_sum = np.zeros(0)

    @property
    def end(self) -> int:
        """One past the last frame any chunk has reached."""
        return self.first + len(self._weight_sum)

    def add(self, first_frame: int, values: np.ndarray) -> None:
        """Add one chunk's ``(frames, values_per_frame)`` values, its frame 0 at global frame
        ``first_frame`` (frames before the held ones, or before the stream, are ignored)."""
        values = np.asarray(values, dtype=np.float64)
        weights = self._weights[: len(values)]
        skip = max(self.first - first_frame, 0)
        values, weights = values[skip:], weights[skip:]
        start = first_frame + skip - self.first
        stop = start + len(values)
        if stop > len(self._weight_sum):
            grow = stop - len(self._weight_sum)
            self._summed = np.concatenate([self._summed, np.zeros((grow, self.values_per_frame))])
            self._weight_sum = np.concatenate([self._weight_sum, np.zeros(grow)])
        self._summed[start:stop] += values * weights[:, None]
        self._weight_sum[start:stop] += weights

    def average(self, start: int, stop: int) -> np.ndarray:
        """``(stop - start, values_per_frame)`` averages of global frames ``[start, stop)``; 0
        where no chunk reached."""
        lo, hi = max(start - self.first, 0), max(stop - self.first, 0)
        summed = np.zeros((stop - start, self.values_per_frame))
        weight = np.zeros(stop - start)
        offset = max(self.first - start, 0)
        piece = self._summed[lo:hi]
        summed[offset : offset + len(piece)] = piece
        weight[offset : offset + len(piece)] = self._weight_sum[lo:hi]
        return np.divide(summed, weight[:, None], out=np.zeros_like(summed), where=weight[:, None] > 0)

    def drop_before(self, frame: int) -> None:
        """Forget every frame before global frame ``frame``."""
        if frame <= self.first:
            return
        cut = min(frame - self.first, len(self._weight_sum))
        self._summed = self._summed[cut:].copy()
        self._weight_sum = self._weight_sum[cut:].copy()
        self.first = frame
