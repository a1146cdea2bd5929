"""The last few seconds of a stream, addressed by sample index since the stream began."""

from __future__ import annotations

import numpy as np


class SampleRing:
    """A fixed-size ring of the latest ``capacity`` float32 samples of a stream.

    Samples are addressed by their index since the start of the stream; :meth:`read` gives
    zeros before the stream's start, so that the first chunks see silence on their left.
    Memory is ``4 * capacity`` bytes however long the stream runs.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1 sample")
        self.capacity = capacity
        self._samples = np.zeros(capacity, dtype=np.float32)
        #: samples appended since the stream began
        self.end = 0

    @property
    def start(self) -> int:
        """Index of the oldest sample still held."""
        return max(0, self.end - self.capacity)

    def append(self, samples: np.ndarray) -> None:
        """Add ``samples`` (1-D float32) at the end of the stream."""
        samples = np.asarray(samples, dtype=np.float32).ravel()
        if len(samples) >= self.capacity:
            self._samples[:] = samples[-self.capacity :]
            self._samples = np.roll(self._samples, self.end + len(samples))
            self.end += len(samples)
            return
        first = self.end % self.capacity
        room = self.capacity - first
        self._samples[first : first + min(room, len(samples))] = samples[:room]
        if len(samples) > room:
            self._samples[: len(samples) - room] = samples[room:]
        self.end += len(samples)

    def read(self, start: int, stop: int) -> np.ndarray:
        """Samples ``[start, stop)`` (zeros before index 0). Raises ``ValueError`` when any of
        them is no longer held, or not yet received."""
        if stop > self.end:
            raise ValueError(f"samples up to {stop} asked, only {self.end} received")
        if start < self.start and stop > 0 and self.end > self.capacity:
            raise ValueError(f"sample {start} left the ring (it holds {self.start} to {self.end})")
        result = np.zeros(max(stop - start, 0), dtype=np.float32)
        first = max(start, 0)
        if stop <= first:
            return result
        # at most two slices of the ring (no index array of the chunk's length per read)
        head = first % self.capacity
        length = stop - first
        taken = min(length, self.capacity - head)
        result[first - start : first - start + taken] = self._samples[head : head + taken]
        result[first - start + taken :] = self._samples[: length - taken]
        return result
